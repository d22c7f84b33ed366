import { expect, test } from '@playwright/test';
import { AdminPage } from '../pages/admin.js';
import { ConsolePage } from '../pages/console.js';
import { type NatsServerProcess, startNatsServer } from '../support/nats-server.js';

// A nats-server with JetStream of our own (the global one has none), added as a target through the UI.
const TARGET = 'js-e2e';
const STREAM = 'E2E_ORDERS';
const VIEWER = 'e2e-viewer';
const VIEWER_PASSWORD = 'viewer-password-1';

let nats: NatsServerProcess | null = null;
let natsUrl = '';
let monitorUrl = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  nats = await startNatsServer({ name: 'js-e2e', jetstream: true });
  ({ natsUrl, monitorUrl } = nats);
});

test.afterAll(async () => {
  await nats?.stop();
});

/** Create → edit (diff shown) → both on the Audit page → roll the edit back → stream restored. */
async function streamJourney(admin: AdminPage, targetId: string, stream: string, subjects: string) {
  const page = admin.page;
  // Create through the form; the dry run shows the whole config as added.
  await admin.openStreams(targetId);
  await admin.createStream(stream, subjects);

  // Edit: the dry run lists exactly the changed fields, old and new side by side.
  await admin.streamRow(stream).getByTestId('stream-edit').click();
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
  await admin.openAuditFor(stream);
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
  await expect(admin.auditRow('stream.update').first().getByTestId('audit-rollback-of')).toBeVisible();

  // The stream is as it was before the edit.
  await page.goto(`${admin.base}/manage/streams?target=${targetId}&stream=${stream}`);
  await expect(page.getByTestId('stream-detail')).toBeVisible();
  await expect(page.getByTestId('stream-max-msgs')).toHaveText('unlimited');
  await expect(page.getByTestId('stream-detail')).not.toContainText('edited by e2e');
}

test('nats-server: create a stream, edit it with a diff, see both in the audit log, roll the edit back', async ({
  page,
}) => {
  const console = new ConsolePage(page);
  const admin = new AdminPage(page);
  await console.signIn();
  await console.addTarget(TARGET, monitorUrl, natsUrl);
  await expect(console.serverRow(TARGET)).toHaveAttribute('data-status', 'up');
  await streamJourney(admin, await admin.targetId(TARGET), STREAM, 'e2e.orders.>');
});

test('embedded Tern broker: the same stream journey', async ({ page }) => {
  const console = new ConsolePage(page);
  const admin = new AdminPage(page);
  await console.signIn();
  await streamJourney(admin, await admin.targetId('embedded'), 'E2E_TERN', 'e2e.tern.>');
});

test('NATS refusals show the err_code; a delete needs the name typed; KV keeps history', async ({ page }) => {
  const console = new ConsolePage(page);
  const admin = new AdminPage(page);
  await console.signIn();
  const targetId = await admin.targetId(TARGET);
  await admin.openStreams(targetId);

  // A stream whose subjects overlap another's: nats-server refuses it with JetStream error 10065.
  await page.getByTestId('stream-create-open').click();
  await page.getByTestId('stream-field-name').fill('E2E_CLASH');
  await page.getByTestId('stream-field-subjects').fill('e2e.orders.new');
  await page.getByTestId('stream-form-submit').click();
  const dialog = page.getByTestId('change-dialog');
  await expect(dialog).toHaveAttribute('data-state', /previewed|error/);
  if ((await dialog.getAttribute('data-state')) === 'previewed')
    await dialog.getByTestId('change-apply').click();
  await expect(dialog.getByTestId('nats-err-code')).toHaveText('err_code 10065');
  await expect(dialog.getByRole('alert')).toContainText(/subjects overlap/i);
  await dialog.getByTestId('change-cancel').click();
  await page.getByTestId('stream-form-cancel').click();

  // Deleting is refused until the exact name is typed.
  await admin.createStream('E2E_TMP', 'e2e.tmp.>');
  await admin.streamRow('E2E_TMP').getByTestId('stream-delete').click();
  await expect(dialog).toHaveAttribute('data-state', 'previewed');
  await expect(dialog.getByTestId('change-preview')).toHaveAttribute('data-destructive', 'true');
  const apply = dialog.getByTestId('change-apply');
  await expect(apply).toBeDisabled();
  await dialog.getByTestId('change-confirm-input').fill('e2e_tmp');
  await expect(apply).toBeDisabled();
  await dialog.getByTestId('change-confirm-input').fill('E2E_TMP');
  await apply.click();
  await expect(dialog.getByTestId('change-applied')).toBeVisible();
  await dialog.getByTestId('change-close').click();
  await expect(admin.streamRow('E2E_TMP')).toHaveCount(0);

  // KV: a bucket, two puts of one key, both revisions in its history, values shown as text.
  await page.goto(`${admin.base}/manage/kv?target=${targetId}`);
  await page.getByTestId('kv-create-open').click();
  await page.getByTestId('kv-field-bucket').fill('e2e_kv');
  await page.getByTestId('kv-field-history').fill('5');
  await page.getByTestId('kv-bucket-submit').click();
  await admin.applyChange();
  for (const value of ['hello', '<b>hello again</b>']) {
    await page.getByTestId('kv-put-open').click();
    await page.getByTestId('kv-put-key').fill('greeting');
    await page.getByTestId('kv-put-value').fill(value);
    await page.getByTestId('kv-put-submit').click();
    await admin.applyChange();
  }
  await page.locator('[data-testid="kv-key-row"][data-key="greeting"]').getByTestId('kv-key-open').click();
  await expect(page.getByTestId('kv-history-row')).toHaveCount(2);
  await expect(page.getByTestId('kv-history-row').first()).toContainText('<b>hello again</b>');
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
