import { readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { expect, test } from '@playwright/test';
import { ConsolePage } from '../pages/console.js';
import { MessagesPage } from '../pages/messages.js';
import { startNatsServer } from '../support/nats-server.js';

/** A nats-server with JetStream that this spec owns. */
interface JsNats {
  natsUrl: string;
  monitorUrl: string;
  nc: NatsConnection;
  stop(): Promise<void>;
}

async function startJsNats(name: string): Promise<JsNats> {
  const server = await startNatsServer({ name, jetstream: true });
  const nc = await connect({ servers: server.natsUrl });
  return {
    natsUrl: server.natsUrl,
    monitorUrl: server.monitorUrl,
    nc,
    stop: async () => {
      await nc.close();
      await server.stop();
    },
  };
}

const SCRIPT = '<script>window.__ternPwned = 1</script>';
const enc = (s: string) => new TextEncoder().encode(s);

test.describe
  .serial('messages', () => {
    let a: JsNats;
    let b: JsNats;
    const suffix = Date.now().toString(36);
    const nameA = `msgs-a-${suffix}`;
    const nameB = `msgs-b-${suffix}`;

    test.beforeAll(async () => {
      [a, b] = await Promise.all([startJsNats('msgs-a'), startJsNats('msgs-b')]);
      const jsm = await jetstreamManager(a.nc);
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      await jsm.streams.add({ name: 'RETRY', subjects: ['retry.>'], duplicate_window: 60_000_000_000 });
      const js = jsm.jetstream();
      for (let i = 1; i <= 30; i++) {
        const h = headers();
        h.append('X-Index', String(i));
        const body =
          i === 7
            ? JSON.stringify({ id: i, note: SCRIPT })
            : JSON.stringify({ id: i, kind: i % 2 ? 'odd' : 'even' });
        await js.publish(i % 2 ? 'orders.odd' : 'orders.even', enc(body), { headers: h });
      }
      const jsmB = await jetstreamManager(b.nc);
      await jsmB.streams.add({ name: 'ORDERS', subjects: ['orders.>'], duplicate_window: 60_000_000_000 });
    });

    test.afterAll(async () => {
      await a?.stop();
      await b?.stop();
    });

    test('browse a stream and open a JSON message whose <script> payload is shown as text', async ({
      page,
    }) => {
      const console = new ConsolePage(page);
      await console.signIn();
      await console.addTarget(nameA, a.monitorUrl, a.natsUrl);
      await expect(console.serverRow(nameA)).toBeVisible();
      await console.addTarget(nameB, b.monitorUrl, b.natsUrl);
      await expect(console.serverRow(nameB)).toBeVisible();

      const messages = new MessagesPage(page);
      await messages.openBrowser(nameA, 'ORDERS');
      await expect(messages.rows()).toHaveCount(30);
      await messages.filter('orders.odd');
      await expect(messages.rows()).toHaveCount(15);
      await expect(messages.row(8)).toHaveCount(0);

      await messages.openMessage(7);
      await expect(page.getByTestId('message-detail-subject')).toHaveText('orders.odd');
      await expect(page.getByTestId('message-headers')).toContainText('X-Index');
      await page.getByTestId('payload-view-json').click();
      await expect(messages.payload()).toHaveAttribute('data-view', 'json');
      await expect(messages.payload()).toContainText(SCRIPT);
      await page.getByTestId('payload-view-text').click();
      await expect(messages.payload()).toContainText(SCRIPT);
      // Shown, never run: no script element in the payload and the page state is untouched.
      await expect(messages.payload().locator('script')).toHaveCount(0);
      expect(await page.evaluate(() => (window as { __ternPwned?: number }).__ternPwned)).toBeUndefined();
      // The chosen view is remembered for the next message.
      await messages.openMessage(9);
      await expect(messages.payload()).toHaveAttribute('data-view', 'text');
    });

    test('run a replay job and watch it finish', async ({ page }) => {
      await new ConsolePage(page).signIn();
      const messages = new MessagesPage(page);
      await messages.open();
      const count = await messages.startReplay({
        targetName: nameA,
        stream: 'ORDERS',
        subject: 'orders.even',
        remapFrom: 'orders.>',
        remapTo: 'retry.>',
        rate: 20,
      });
      expect(count).toBe(15);
      const job = page.getByTestId('replay-job').first();
      await expect(job).toHaveAttribute('data-status', 'running');
      await expect(job).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
      await expect(job.getByTestId('replay-job-progress')).toContainText('15 / 15');
      const jsm = await jetstreamManager(a.nc);
      expect((await jsm.streams.info('RETRY')).state.messages).toBe(15);
    });

    test('export a range and import it into another server', async ({ page }) => {
      await new ConsolePage(page).signIn();
      const messages = new MessagesPage(page);
      await messages.open();
      await messages.tab('transfer');
      await page.getByTestId('messages-target').selectOption({ label: nameA });
      await page.getByTestId('export-stream').selectOption('ORDERS');
      await page.getByTestId('export-from-seq').fill('5');
      await page.getByTestId('export-to-seq').fill('14');
      const download = page.waitForEvent('download');
      await page.getByTestId('export-start').click();
      const file = await (await download).path();
      await expect(page.getByTestId('export-progress')).toHaveAttribute('data-done', 'true');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(10);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ seq: 5, subject: 'orders.odd', stream: 'ORDERS' });

      await page.getByTestId('import-target').selectOption({ label: nameB });
      await page.getByTestId('import-stream').selectOption('ORDERS');
      await page.getByTestId('import-file').setInputFiles(file);
      await page.getByTestId('import-preview').click();
      await expect(page.getByTestId('import-result')).toContainText('10 records');
      await page.getByTestId('import-submit').click();
      await expect(page.getByTestId('import-result')).toHaveAttribute('data-published', '10');
      // Importing the same file again is deduplicated by Nats-Msg-Id.
      await page.getByTestId('import-submit').click();
      await expect(page.getByTestId('import-result')).toHaveAttribute('data-duplicates', '10');
      const jsmB = await jetstreamManager(b.nc);
      expect((await jsmB.streams.info('ORDERS')).state.messages).toBe(10);
    });
  });
