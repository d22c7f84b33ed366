import { expect, type Page } from '@playwright/test';

/** Page object for the message pages: browser, message detail, replay, export and import. */
export class MessagesPage {
  constructor(readonly page: Page) {}

  async openBrowser(targetName: string, stream: string) {
    await this.open();
    await this.page.getByTestId('messages-target').selectOption({ label: targetName });
    await this.page.getByTestId('messages-stream').selectOption(stream);
    await expect(this.page.getByTestId('messages-table')).toBeVisible();
  }

  rows() {
    return this.page.getByTestId('message-row');
  }

  row(seq: number) {
    return this.page.locator(`[data-testid="message-row"][data-seq="${seq}"]`);
  }

  async filter(subject: string) {
    await this.page.getByTestId('messages-filter').fill(subject);
    await this.page.getByTestId('messages-filter-apply').click();
  }

  async openMessage(seq: number) {
    await this.row(seq).click();
    await expect(this.page.getByTestId('message-detail')).toBeVisible();
  }

  payload() {
    return this.page.getByTestId('payload-body');
  }

  /** Opens a message sub-page; retried because a click before hydration is a plain no-op. */
  async tab(name: 'browse' | 'tail' | 'publish' | 'replay' | 'transfer') {
    const path = name === 'browse' ? /\/messages(\?|$)/ : new RegExp(`/messages/${name}`);
    await expect(async () => {
      await this.page.getByTestId(`messages-tab-${name}`).click();
      await expect(this.page).toHaveURL(path, { timeout: 2000 });
    }).toPass({ timeout: 20_000 });
  }

  /** Opens the message pages from the sidebar. */
  async open() {
    await expect(async () => {
      await this.page.getByTestId('nav-messages').click();
      await expect(this.page).toHaveURL(/\/messages/, { timeout: 2000 });
    }).toPass({ timeout: 20_000 });
  }

  /** Fills the replay form, previews, and starts the job; returns the previewed count. */
  async startReplay(opts: {
    targetName: string;
    stream: string;
    subject?: string;
    remapFrom?: string;
    remapTo?: string;
    rate?: number;
  }): Promise<number> {
    await this.tab('replay');
    await this.page.getByTestId('messages-target').selectOption({ label: opts.targetName });
    await this.page.getByTestId('replay-stream').selectOption(opts.stream);
    if (opts.subject) await this.page.getByTestId('replay-subject').fill(opts.subject);
    if (opts.remapFrom && opts.remapTo) {
      await this.page.getByTestId('replay-remap').check();
      await this.page.getByTestId('replay-remap-from').fill(opts.remapFrom);
      await this.page.getByTestId('replay-remap-to').fill(opts.remapTo);
    }
    if (opts.rate !== undefined) await this.page.getByTestId('replay-rate').fill(String(opts.rate));
    await this.page.getByTestId('replay-preview').click();
    const count = Number(
      ((await this.page.getByTestId('replay-count').textContent()) ?? '').replace(/\D/g, ''),
    );
    await this.page.getByTestId('replay-start').click();
    return count;
  }
}
