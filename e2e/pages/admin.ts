import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage } from './console.js';

/** Page object for administration: streams, the change dialog, audit rollback, users. */
export class AdminPage {
  readonly base = ConsolePage.env('TERN_CONSOLE_URL');

  constructor(readonly page: Page) {}

  async signInAs(username: string, password: string) {
    await this.page.goto(`${this.base}/login`);
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
    await expect(this.page.getByTestId('current-user')).toContainText(username);
  }

  async signOut() {
    await this.page.getByTestId('logout').click();
    await expect(this.page).toHaveURL(/\/login/);
    await expect(this.page.getByTestId('login-username')).toBeVisible();
  }

  /** The id of a target by name, read through the signed-in session. */
  async targetId(name: string): Promise<string> {
    const res = await this.page.request.get(`${this.base}/api/targets`);
    expect(res.ok()).toBeTruthy();
    const { targets } = (await res.json()) as { targets: Array<{ id: string; name: string }> };
    const t = targets.find((x) => x.name === name);
    if (!t) throw new Error(`target ${name} not found`);
    return t.id;
  }

  async openStreams(targetId: string) {
    await this.page.goto(`${this.base}/manage/streams?target=${encodeURIComponent(targetId)}`);
    await expect(this.page.getByTestId('streams-page')).toBeVisible();
  }

  streamRow(name: string): Locator {
    return this.page.locator(`[data-testid="stream-row"][data-stream="${name}"]`);
  }

  /** Waits for the dry run, types the confirmation if one is asked for, applies, waits for the audit record. */
  async applyChange() {
    const dialog = this.page.getByTestId('change-dialog');
    await expect(dialog).toHaveAttribute('data-state', 'previewed');
    const confirm = dialog.getByTestId('change-confirm-input');
    if ((await confirm.count()) > 0) {
      await expect(dialog.getByTestId('change-apply')).toBeDisabled();
      await confirm.fill((await dialog.locator('.confirm-text').textContent()) ?? '');
    }
    await dialog.getByTestId('change-apply').click();
    await expect(dialog.getByTestId('change-applied')).toBeVisible();
    await dialog.getByTestId('change-close').click();
    await expect(dialog).toHaveCount(0);
  }

  async createStream(name: string, subjects: string) {
    await this.page.getByTestId('stream-create-open').click();
    await this.page.getByTestId('stream-field-name').fill(name);
    await this.page.getByTestId('stream-field-subjects').fill(subjects);
    await this.page.getByTestId('stream-form-submit').click();
    await expect(this.page.getByTestId('change-preview')).toBeVisible();
    await this.applyChange();
    await expect(this.streamRow(name)).toBeVisible();
  }

  /** The audit page filtered to one object's changes made through Tern. */
  async openAuditFor(objectId: string) {
    await this.page.goto(`${this.base}/audit?object=${encodeURIComponent(objectId)}&source=tern`);
    await expect(this.page.getByTestId('audit-table')).toBeVisible();
  }

  auditRow(action: string): Locator {
    return this.page.locator(`[data-testid="audit-row"][data-action="${action}"][data-source="tern"]`);
  }

  /** Creates a user through the Users page; returns nothing, the password is the one given. */
  async createUser(username: string, role: 'viewer' | 'operator' | 'admin', password: string) {
    await this.page.goto(`${this.base}/admin/users`);
    await this.page.getByTestId('user-create-open').click();
    await this.page.getByTestId('user-form-username').fill(username);
    await this.page.getByTestId('user-form-role').selectOption(role);
    await this.page.getByTestId('user-form-password').fill(password);
    await this.page.getByTestId('user-form-submit').click();
    await expect(this.page.locator(`[data-testid="user-row"][data-username="${username}"]`)).toHaveAttribute(
      'data-role',
      role,
    );
  }

  /** A mutating API call made with the browser's session and CSRF token, as the UI would make it. */
  async apiPost(path: string, body: unknown) {
    const me = await this.page.request.get(`${this.base}/api/auth/me`);
    const { csrfToken } = (await me.json()) as { csrfToken: string };
    return this.page.request.post(`${this.base}/api/${path}`, {
      data: body,
      headers: { 'x-csrf-token': csrfToken },
    });
  }
}
