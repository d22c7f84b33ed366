import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test } from '@playwright/test';
import { ConsolePage } from '../pages/console.js';
import { ObservabilityPage } from '../pages/observability.js';
import { startNatsServer as startNats } from '../support/nats-server.js';

const startNatsServer = (name: string, opts: { jetstream?: boolean } = {}) => startNats({ name, ...opts });

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

test('the overview shows throughput rising while a client publishes', async ({ page }) => {
  const console = new ConsolePage(page);
  const obs = new ObservabilityPage(page);
  await console.signIn();
  const natsUrl = await obs.embeddedNatsUrl();
  await obs.openOverview();
  await expect(obs.overviewMsgsChart()).toBeVisible();
  // Live mode: the chart then moves with points pushed over Server-Sent Events (the API is only re-read each minute).
  await obs.setLive(true);

  const nc: NatsConnection = await connect({ servers: natsUrl });
  let publishing = true;
  const payload = new Uint8Array(64);
  const publisher = (async () => {
    while (publishing) {
      for (let i = 0; i < 200; i++) nc.publish('obs.e2e.load', payload);
      await nc.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    // About 5,000 msgs/s go in; the monitor scrapes every 500 ms.
    await expect.poll(() => obs.overviewInRate(), { timeout: 20_000 }).toBeGreaterThan(500);
    await expect(obs.overviewMsgsChart()).toHaveAttribute('data-state', 'data');
    await expect
      .poll(async () => Number(await obs.overviewMsgsChart().getAttribute('data-latest')), {
        timeout: 20_000,
      })
      .toBeGreaterThan(500);
    await expect(page.getByTestId('chart-overview-msgs-latest-in')).not.toHaveText('—');
  } finally {
    publishing = false;
    await publisher;
    await nc.close();
  }
});

test('a lagging consumer is at the top of the consumers page with a time to drain', async ({ page }) => {
  test.setTimeout(90_000);
  const server = await startNatsServer('obs-js', { jetstream: true });
  // A failed connect must still stop the server.
  const nc = await connect({ servers: server.natsUrl }).catch(async (err) => {
    await server.stop();
    throw err;
  });
  try {
    const console = new ConsolePage(page);
    const obs = new ObservabilityPage(page);
    await console.signIn();
    const target = unique('obs-js');
    await console.addTarget(target, server.monitorUrl, server.natsUrl);
    await expect(console.serverRow(target)).toHaveAttribute('data-status', 'up');

    const jsm = await jetstreamManager(nc);
    const stream = 'OBS_ORDERS';
    await jsm.streams.add({ name: stream, subjects: ['obs.orders.>'] });
    await jsm.consumers.add(stream, { durable_name: 'obs-lagger', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    await Promise.all(
      Array.from({ length: 3_000 }, (_, i) => js.publish(`obs.orders.${i % 10}`, `order ${i}`)),
    );

    // Consume slowly for a few scrapes, so there is a recent consume rate, then stop with most left over.
    const consumer = await js.consumers.get(stream, 'obs-lagger');
    for (let round = 0; round < 8; round++) {
      const batch = await consumer.fetch({ max_messages: 10, expires: 1_000 });
      for await (const m of batch) m.ack();
      await new Promise((r) => setTimeout(r, 300));
    }

    await obs.openConsumers();
    const top = obs.consumerRows().first();
    await expect(top).toHaveAttribute('data-name', 'obs-lagger', { timeout: 20_000 });
    await expect(top).toHaveAttribute('data-stream', stream);
    await expect
      .poll(async () => Number(await top.getAttribute('data-outstanding')), { timeout: 15_000 })
      .toBeGreaterThan(2_000);
    await expect
      .poll(async () => Number((await top.getAttribute('data-drain-seconds')) || 0), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await expect(top.getByTestId('consumer-drain')).not.toHaveText(/^(—|0s|stalled)$/);

    // Its page shows the same lag as a count and as time.
    await top.getByRole('link', { name: 'obs-lagger' }).click();
    await expect(page.getByTestId('consumer-detail-page')).toBeVisible();
    await expect(page.getByTestId('consumer-stat-lag')).toContainText(/\d/);
    await expect(page.getByTestId('consumer-stat-drain')).not.toContainText(/—|stalled/);
  } finally {
    await nc.close();
    await server.stop();
  }
});

test('stopping a server marks it down', async ({ page }) => {
  const server = await startNatsServer('obs-down');
  let stopped = false;
  try {
    const console = new ConsolePage(page);
    const obs = new ObservabilityPage(page);
    await console.signIn();
    const target = unique('obs-down');
    await console.addTarget(target, server.monitorUrl, server.natsUrl);
    await expect(console.serverRow(target)).toHaveAttribute('data-status', 'up');

    await obs.openServerDetail(target);
    const detail = page.getByTestId('server-detail').first();
    await expect(detail).toHaveAttribute('data-status', 'up');

    await server.stop();
    stopped = true;
    await expect(detail).toHaveAttribute('data-status', 'down', { timeout: 20_000 });
    await expect(page.getByTestId('server-detail-error')).toBeVisible();

    await obs.openOverview();
    const row = page.locator(`[data-testid="overview-target-row"][data-target-name="${target}"]`);
    await expect(row).toHaveAttribute('data-health', 'down');
    await expect(
      page.locator(`[data-testid="overview-problem"][data-kind="down"][data-target-name="${target}"]`),
    ).toContainText(target);

    await page.getByTestId('nav-servers').click();
    await expect(console.serverRow(target)).toHaveAttribute('data-status', 'down');
  } finally {
    if (!stopped) await server.stop();
  }
});
