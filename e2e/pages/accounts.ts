import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage } from './console.js';

/** Page object for the Accounts page: operators, accounts, users, `.creds` downloads. */
export class AccountsPage {
  readonly base = ConsolePage.env('TERN_CONSOLE_URL');

  constructor(readonly page: Page) {}

  async open(targetId?: string) {
    await this.page.goto(`${this.base}/accounts${targetId ? `?target=${encodeURIComponent(targetId)}` : ''}`);
    await expect(this.page.getByTestId('accounts-view')).toBeVisible();
  }

  accountRow(name: string): Locator {
    return this.page.locator(`[data-testid="account-row"][data-name="${name}"]`);
  }

  userRow(name: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-name="${name}"]`);
  }

  operator(name: string): Locator {
    return this.page.locator(`[data-testid="operator-item"][data-name="${name}"]`);
  }

  /** Waits for the dry run, types the confirmation if one is asked for, applies and closes the dialog. */
  async applyChange() {
    const dialog = this.page.getByTestId('change-dialog');
    await expect(dialog).toHaveAttribute('data-state', 'previewed');
    const confirm = dialog.getByTestId('change-confirm-input');
    if ((await confirm.count()) > 0) {
      await confirm.fill((await dialog.locator('.confirm-text').textContent()) ?? '');
    }
    await dialog.getByTestId('change-apply').click();
    await expect(dialog.getByTestId('change-applied')).toBeVisible();
    await dialog.getByTestId('change-close').click();
    await expect(dialog).toHaveCount(0);
  }

  async createOperator(name: string) {
    await this.page.getByTestId('operator-name').fill(name);
    await this.page.getByTestId('operator-create').click();
    await this.applyChange();
    await expect(this.operator(name)).toBeVisible();
  }

  /** Clicks a download link and returns the downloaded file's text. */
  async downloadText(link: Locator): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), link.click()]);
    const path = await download.path();
    return readFile(path, 'utf8');
  }

  async createAccount(name: string, opts: { maxConnections?: number; exportSubject?: string } = {}) {
    await this.page.getByTestId('account-new').click();
    await this.page.getByTestId('account-name').fill(name);
    if (opts.maxConnections !== undefined) {
      await this.page.getByTestId('account-limit-connections').fill(String(opts.maxConnections));
    }
    if (opts.exportSubject) {
      await this.page.getByTestId('account-add-export').click();
      await this.page.getByTestId('account-export-subject').last().fill(opts.exportSubject);
    }
    await this.page.getByTestId('account-form-submit').click();
    await this.applyChange();
    await expect(this.accountRow(name)).toBeVisible();
  }

  async createUser(account: string, user: string, pubAllow?: string) {
    await this.accountRow(account).getByTestId('account-open').click();
    await expect(this.page.getByTestId('account-detail')).toHaveAttribute('data-name', account);
    await this.page.getByTestId('user-new').click();
    await this.page.getByTestId('user-name').fill(user);
    if (pubAllow) await this.page.getByTestId('user-pub-allow').fill(pubAllow);
    await this.page.getByTestId('user-form-submit').click();
    await this.applyChange();
    await expect(this.userRow(user)).toBeVisible();
  }
}
