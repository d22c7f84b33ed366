import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { OverviewResponse, SeriesResponse, ServerDetailResponse, Target } from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { Scraper } from '../scrape/scraper.js';
import { type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { startNatsServer, type TestNats, waitFor } from '../test-support/nats.js';
import { sharedDatabase } from '../test-support/shared-db.js';

// A server restart resets every counter it reports. Rates across the restart must show a gap, never
// a negative value or the whole counter as one spike.
describe('a server restart (counter reset)', () => {
  let nats: TestNats & { port: number; httpPort: number };
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let viewer: Client;
  let target: Target;
  let nc: NatsConnection;
  let ticker: NodeJS.Timeout | undefined;
  const started = Date.now();

  const get = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url, headers: viewer.headers() });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json<T>();
  };

  before(async () => {
    nats = await startNatsServer();
    tdb = await sharedDatabase();
    const scraper = new Scraper({ intervalMs: 200, timeoutMs: 2000 });
    ({ app } = await testApp(tdb.db, { scraper }));
    scraper.start();
    const admin = await login(app, 'admin');
    viewer = await login(app, 'viewer');
    const res = await app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: admin.headers(true),
      payload: { name: 'restarting', natsUrls: [nats.natsUrl], monitorUrls: [nats.monitorUrl] },
    });
    assert.equal(res.statusCode, 201, res.body);
    target = res.json<Target>();
    nc = await connect({ servers: nats.natsUrl, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    ticker = setInterval(() => {
      for (let i = 0; i < 20; i++) nc.publish('ticks.a', 'x');
    }, 20);
  });

  after(async () => {
    clearInterval(ticker);
    await nc?.close().catch(() => undefined);
    await app?.close();
    await nats?.stop();
  });

  test('rates after a restart resume without going negative or spiking', async () => {
    const rateOf = async () =>
      (await get<OverviewResponse>('/api/overview')).targets.find((t) => t.targetId === target.id)?.throughput
        .inMsgs ?? 0;
    const before = await waitFor(async () => ((await rateOf()) > 0 ? rateOf() : undefined), 'a rate');
    const first = (await get<ServerDetailResponse>(`/api/servers/${target.id}`)).servers[0]!.serverId;

    await nats.stop();
    nats = await startNatsServer({ port: nats.port, httpPort: nats.httpPort });
    const second = await waitFor(
      async () => {
        const s = (await get<ServerDetailResponse>(`/api/servers/${target.id}`)).servers[0]!;
        return s.status === 'up' && s.serverId !== first && (s.throughput.inMsgs ?? 0) > 0 ? s : undefined;
      },
      'the restarted server to be scraped with a rate',
      15_000,
    );
    assert.ok(second.serverId);

    // Several scrapes after the restart, every rate of the target stays in a sane range.
    await new Promise((r) => setTimeout(r, 1000));
    const bound = Math.max(before * 10, 50_000);
    const from = started;
    for (const [entity, metric] of [
      [`server:${first}`, 'in_msgs_rate'],
      [`server:${second.serverId}`, 'in_msgs_rate'],
      ['server:*', 'in_msgs_rate'],
      ['account:$G', 'in_msgs_rate'],
      ['account:$G', 'out_msgs_rate'],
    ] as const) {
      const r = await get<SeriesResponse>(
        `/api/series?metric=${metric}&target=${target.id}&entity=${encodeURIComponent(entity)}&from=${from}&maxPoints=5000`,
      );
      for (const p of r.points) {
        assert.ok(p.min >= 0, `${entity} ${metric} went negative: ${p.min}`);
        assert.ok(p.max <= bound, `${entity} ${metric} spiked to ${p.max}/s (steady ${before}/s)`);
      }
    }
    const after = await get<SeriesResponse>(
      `/api/series?metric=in_msgs_rate&target=${target.id}&entity=server:${second.serverId}&from=${from}`,
    );
    assert.ok(
      after.points.some((p) => p.v > 0),
      'rates resume on the restarted server',
    );
  });
});
