import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort, waitForHttp } from '../../scripts/lib/ports.mjs';
import { AdminPage } from '../pages/admin.js';
import { ConsolePage } from '../pages/console.js';

// A nats-server with JetStream of our own (the global one has none), added as a target through the UI.
const TARGET = 'js-e2e';
const STREAM = 'E2E_ORDERS';
const VIEWER = 'e2e-viewer';
const VIEWER_PASSWORD = 'viewer-password-1';

let nats: ChildProcess | null = null;
let storeDir = '';
let natsUrl = '';
let monitorUrl = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), 'tern-e2e-js-'));
  const [port, http] = await Promise.all([freePort(), freePort()]);
  nats = spawn(
    'nats-server',
    ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(http), '-n', 'js-e2e'],
    { stdio: 'ignore' },
  );
  natsUrl = `nats://127.0.0.1:${port}`;
  monitorUrl = `http://127.0.0.1:${http}`;
  await waitForHttp(`${monitorUrl}/varz`);
});

test.afterAll(async () => {
  const child = nats;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

test('create a stream, edit it with a diff, see both in the audit log, roll the edit back', async ({
  page,
}) => {
  const console = new ConsolePage(page);
  const admin = new AdminPage(page);
  await console.signIn();
  await console.addTarget(TARGET, monitorUrl, natsUrl);
  await expect(console.serverRow(TARGET)).toHaveAttribute('data-status', 'up');
  const targetId = await admin.targetId(TARGET);

  // Create through the form; the dry run shows the whole config as added.
  await admin.openStreams(targetId);
  await admin.createStream(STREAM, 'e2e.orders.>');

  // Edit: the dry run lists exactly the changed fields, old and new side by side.
  await admin.streamRow(STREAM).getByTestId('stream-edit').click();
  await expect(page.getByTestId('stream-form')).toBeVisible();
  await expect(page.getByTestId('stream-field-name')).toBeDisabled();
  await page.getByTestId('stream-field-maxMsgs').fill('1000');
  await page.getByTestId('stream-field-description').fill('edited by e2e');
  await page.getByTestId('stream-form-submit').click();
  const dialog = page.getByTestId('change-dialog');
  await expect(dialog).toHaveAttribute('data-state', 'previewed');
  const maxMsgs = dialog.locator('[data-testid="diff-entry"][data-path="max_msgs"]');
  await expect(maxMsgs).toContainText('-1');
  await expect(maxMsgs).toContainText('1000');
  await expect(dialog.locator('[data-testid="diff-entry"][data-path="description"]')).toContainText(
    'edited by e2e',
  );
  await expect(dialog.getByTestId('change-after')).toContainText('"max_msgs": 1000');
  await admin.applyChange();
  await expect(page.getByTestId('stream-max-msgs')).toHaveText('1,000');

  // Both changes are on the audit page, with the before/after of the edit.
  await admin.openAuditFor(STREAM);
  await expect(admin.auditRow('stream.create').first()).toBeVisible();
  const update = admin.auditRow('stream.update').first();
  await expect(update).toBeVisible();
  await expect(update).toContainText(ConsolePage.env('TERN_ADMIN_USER'));
  await update.getByTestId('audit-row-toggle').click();
  await expect(page.getByTestId('audit-before').first()).toContainText('"max_msgs": -1');
  await expect(page.getByTestId('audit-after').first()).toContainText('"max_msgs": 1000');

  // Roll the edit back: preview shows max_msgs going back to unlimited, then apply.
  await update.getByTestId('audit-rollback').click();
  await expect(dialog).toHaveAttribute('data-state', 'previewed');
  const back = dialog.locator('[data-testid="diff-entry"][data-path="max_msgs"]');
  await expect(back).toContainText('1000');
  await expect(back).toContainText('-1');
  await admin.applyChange();
  await expect(admin.auditRow('stream.update')).toHaveCount(2);

  // The stream is as it was before the edit.
  await page.goto(`${admin.base}/manage/streams?target=${targetId}&stream=${STREAM}`);
  await expect(page.getByTestId('stream-detail')).toBeVisible();
  await expect(page.getByTestId('stream-max-msgs')).toHaveText('unlimited');
  await expect(page.getByTestId('stream-detail')).not.toContainText('edited by e2e');
});

test('a viewer sees no mutating controls and the API refuses its changes', async ({ page }) => {
  const console = new ConsolePage(page);
  const admin = new AdminPage(page);
  await console.signIn();
  const targetId = await admin.targetId(TARGET);
  await admin.createUser(VIEWER, 'viewer', VIEWER_PASSWORD);
  await admin.signOut();

  await admin.signInAs(VIEWER, VIEWER_PASSWORD);
  await expect(page.getByTestId('current-user')).toContainText('viewer');

  await admin.openStreams(targetId);
  await expect(admin.streamRow(STREAM)).toBeVisible();
  await expect(page.getByTestId('stream-create-open')).toHaveCount(0);
  await expect(page.getByTestId('stream-edit')).toHaveCount(0);
  await expect(page.getByTestId('stream-delete')).toHaveCount(0);

  await admin.streamRow(STREAM).getByTestId('stream-link').click();
  await expect(page.getByTestId('stream-detail')).toBeVisible();
  await expect(page.getByTestId('consumers-section')).toBeVisible();
  for (const id of [
    'stream-edit-open',
    'stream-purge-open',
    'stream-seal-open',
    'stream-delete-open',
    'consumer-create-open',
  ]) {
    await expect(page.getByTestId(id)).toHaveCount(0);
  }

  await admin.openAuditFor(STREAM);
  await expect(admin.auditRow('stream.update').first()).toBeVisible();
  await expect(page.getByTestId('audit-rollback')).toHaveCount(0);

  await page.goto(`${admin.base}/admin/users`);
  await expect(page.getByTestId('users-page')).toContainText('Only admins manage users');
  await expect(page.getByTestId('user-create-open')).toHaveCount(0);

  // The API enforces the same rule with a valid session and CSRF token.
  const create = await admin.apiPost(`targets/${targetId}/jetstream/streams/E2E_VIEWER/create/apply`, {
    config: { name: 'E2E_VIEWER', subjects: ['viewer.>'] },
  });
  expect(create.status()).toBe(403);
  const del = await admin.apiPost(`targets/${targetId}/jetstream/streams/${STREAM}/delete/apply`, {
    confirm: STREAM,
  });
  expect(del.status()).toBe(403);
  const records = await page.request.get(`${admin.base}/api/audit?objectId=${STREAM}&action=stream.update`);
  const { records: list } = (await records.json()) as { records: Array<{ id: string }> };
  const rollback = await admin.apiPost(`audit/${list[0]?.id}/rollback/apply`, {});
  expect(rollback.status()).toBe(403);
  const users = await admin.apiPost('users', { username: 'sneaky', role: 'admin' });
  expect(users.status()).toBe(403);

  // Still there.
  await admin.openStreams(targetId);
  await expect(admin.streamRow(STREAM)).toBeVisible();
  await expect(page.locator('[data-testid="stream-row"][data-stream="E2E_VIEWER"]')).toHaveCount(0);
});
