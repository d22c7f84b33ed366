import { expect, test } from '@playwright/test';
import { ConsolePage } from '../pages/console.js';

test('the embedded broker is listed after sign-in', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.signIn();
  const row = console.serverRow('embedded');
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-status', 'up');
  await expect(row).toContainText(/2\.\d+\.\d+/);
});

test('adding a nats-server target shows it and records an audit entry', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.signIn();
  await console.addTarget('go-nats', ConsolePage.env('GO_NATS_MONITOR_URL'), ConsolePage.env('GO_NATS_URL'));
  const row = console.serverRow('go-nats');
  await expect(row).toBeVisible();
  await expect(row).toContainText('2.9.10');
  await expect(row).toHaveAttribute('data-status', 'up');

  await console.openAudit();
  const entry = page.locator('[data-testid="audit-row"][data-action="target.create"]').first();
  await expect(entry).toBeVisible();
  await expect(entry).toContainText(ConsolePage.env('TERN_ADMIN_USER'));
  await entry.getByTestId('audit-row-toggle').click();
  await expect(page.getByTestId('audit-after').first()).toContainText('go-nats');
});

test('an unreachable target is refused with the reason', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.signIn();
  await console.addTarget('nowhere', 'http://127.0.0.1:9', 'nats://127.0.0.1:9');
  await expect(page.getByTestId('add-target-error')).toContainText(/127\.0\.0\.1:9/);
  await expect(console.serverRow('nowhere')).toHaveCount(0);
});

test('the theme toggle switches between light and dark', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.signIn();
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByTestId('theme-toggle').click();
  const after = await html.getAttribute('data-theme');
  expect(after).not.toBe(before);
  expect(['light', 'dark']).toContain(after);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', after ?? '');
});
