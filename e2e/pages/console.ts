import { expect, type Page } from '@playwright/test';

/** Page object for Tern's console: sign-in, servers list, add target, audit. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  static env(name: string): string {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set (global setup did not run?)`);
    return v;
  }

  async signIn() {
    await this.page.goto(`${ConsolePage.env('TERN_CONSOLE_URL')}/`);
    await expect(this.page).toHaveURL(/\/login/);
    await expect(this.page.getByTestId('login-username')).toBeVisible();
    await this.page.getByTestId('login-username').fill(ConsolePage.env('TERN_ADMIN_USER'));
    await this.page.getByTestId('login-password').fill(ConsolePage.env('TERN_ADMIN_PASSWORD'));
    await this.page.getByTestId('login-submit').click();
    await expect(this.page.getByTestId('servers-table')).toBeVisible();
  }

  serverRow(targetName: string) {
    return this.page.locator(`[data-testid="server-row"][data-target-name="${targetName}"]`);
  }

  async addTarget(name: string, monitorUrl: string, natsUrl: string) {
    await this.page.getByTestId('add-target-open').click();
    await this.page.getByTestId('add-target-name').fill(name);
    await this.page.getByTestId('add-target-monitor-url').fill(monitorUrl);
    await this.page.getByTestId('add-target-nats-url').fill(natsUrl);
    await this.page.getByTestId('add-target-submit').click();
  }

  async openAudit() {
    await this.page.getByTestId('nav-audit').click();
    await expect(this.page.getByTestId('audit-table')).toBeVisible();
  }
}
