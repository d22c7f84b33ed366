import { expect, type Page } from '@playwright/test';
import { ConsolePage } from './console.js';

/** Page object for the observability pages: overview, server detail, consumers. */
export class ObservabilityPage {
  constructor(readonly page: Page) {}

  private url(path: string) {
    return `${ConsolePage.env('TERN_CONSOLE_URL')}${path}`;
  }

  /** The NATS URL of the embedded broker, as the monitor knows it (needs a signed-in page). */
  async embeddedNatsUrl(): Promise<string> {
    const res = await this.page.request.get(this.url('/api/targets'));
    expect(res.ok()).toBe(true);
    const body = (await res.json()) as { targets: Array<{ embedded: boolean; natsUrls: string[] }> };
    const url = body.targets.find((t) => t.embedded)?.natsUrls[0];
    if (!url) throw new Error('the embedded target has no NATS URL');
    return url;
  }

  /** The id of a target by name. */
  async targetId(name: string): Promise<string> {
    const res = await this.page.request.get(this.url('/api/targets'));
    const body = (await res.json()) as { targets: Array<{ id: string; name: string }> };
    const id = body.targets.find((t) => t.name === name)?.id;
    if (!id) throw new Error(`no target named ${name}`);
    return id;
  }

  async openOverview() {
    await this.page.getByTestId('nav-overview').click();
    await expect(this.page.getByTestId('overview-page')).toBeVisible();
  }

  /** Switches the page's charts to live mode (SSE) and waits for the feed to open. */
  async setLive(on: boolean) {
    const toggle = this.page.getByTestId('live-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(on));
    if (on) await expect(toggle).toHaveAttribute('data-state', 'open');
  }

  /** Messages per second in, as the overview's stat shows it (NaN while unknown). */
  async overviewInRate(): Promise<number> {
    const v = await this.page.getByTestId('overview-in-msgs-rate').getAttribute('data-value');
    return v ? Number(v) : Number.NaN;
  }

  overviewMsgsChart() {
    return this.page.getByTestId('chart-overview-msgs');
  }

  async openConsumers() {
    await this.page.getByTestId('nav-consumers').click();
    await expect(this.page.getByTestId('consumers-page')).toBeVisible();
  }

  consumerRows() {
    return this.page.getByTestId('consumer-row');
  }

  async openServerDetail(targetName: string) {
    await this.page.getByTestId('nav-servers').click();
    const console = new ConsolePage(this.page);
    await console.serverRow(targetName).getByTestId('server-detail-link').click();
    await expect(this.page.getByTestId('server-detail-page')).toBeVisible();
  }
}
