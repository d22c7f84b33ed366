import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type {
  AccountsResponse,
  ConnectionsResponse,
  ConsumerDetailResponse,
  ConsumersResponse,
  OverviewResponse,
  SeriesResponse,
  ServerDetailResponse,
  StreamDetailResponse,
  StreamsResponse,
  SubjectsResponse,
  Target,
} from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { createObservatory, OBSERVABILITY_DEFAULTS } from '../routes/observability.js';
import { Scraper } from '../scrape/scraper.js';
import { type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { checkExactOldestUnackedAge } from '../test-support/lag.js';
import { startNatsServer, type TestNats, waitFor } from '../test-support/nats.js';
import { sharedDatabase } from '../test-support/shared-db.js';
import type { Observatory } from './observatory.js';

// One nats-server with JetStream, real traffic from the official clients, a consumer left idle (its
// backlog is exactly what was published) and one consuming slowly (so it has a time to drain).
describe('observability of a single nats-server with JetStream', () => {
  let dir: string;
  let nats: TestNats & { port: number; httpPort: number };
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let scraper: Scraper;
  let obs: Observatory;
  let viewer: Client;
  let target: Target;
  let nc: NatsConnection;
  let sub: NatsConnection;
  let ticker: NodeJS.Timeout | undefined;
  let slowLoop: Promise<void> | undefined;
  let stopSlow = false;
  const ORDERS = 200;

  const get = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url, headers: viewer.headers() });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json<T>();
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tern-obs-'));
    nats = await startNatsServer({ args: ['-js', '-sd', dir] });
    tdb = await sharedDatabase();
    scraper = new Scraper({ intervalMs: 250, timeoutMs: 2000 });
    obs = createObservatory(scraper, tdb.db.prisma, OBSERVABILITY_DEFAULTS);
    ({ app } = await testApp(tdb.db, { scraper, observability: { observatory: obs } }));
    scraper.start();
    const admin = await login(app, 'admin');
    viewer = await login(app, 'viewer');
    const res = await app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: admin.headers(true),
      payload: { name: 'single', natsUrls: [nats.natsUrl], monitorUrls: [nats.monitorUrl] },
    });
    assert.equal(res.statusCode, 201, res.body);
    target = res.json<Target>();

    nc = await connect({ servers: nats.natsUrl, name: 'publisher' });
    sub = await connect({ servers: nats.natsUrl, name: 'worker' });
    sub.subscribe('ticks.>', { queue: 'workers' });
    await sub.flush();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.consumers.add('ORDERS', { durable_name: 'idle', ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add('ORDERS', { durable_name: 'slow', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    for (let i = 0; i < ORDERS; i++) await js.publish('orders.new', `order ${i}`);
    // Core traffic for the whole test: 20 messages every 20 ms.
    ticker = setInterval(() => {
      for (let i = 0; i < 20; i++) nc.publish('ticks.a', 'x');
    }, 20);
    const slow = await js.consumers.get('ORDERS', 'slow');
    slowLoop = (async () => {
      while (!stopSlow) {
        const batch = await slow.fetch({ max_messages: 2, expires: 1000 });
        for await (const m of batch) m.ack();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  });

  after(async () => {
    stopSlow = true;
    clearInterval(ticker);
    await slowLoop?.catch(() => undefined);
    await nc?.close();
    await sub?.close();
    await app?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('overview: healthy, totals, and throughput above zero while publishing', async () => {
    const o = await waitFor(async () => {
      const o = await get<OverviewResponse>('/api/overview');
      return (o.throughput.inMsgs ?? 0) > 0 && o.totals.consumers === 2 ? o : undefined;
    }, 'throughput in the overview');
    assert.equal(o.health, 'ok');
    assert.deepEqual(
      o.problems.filter((p) => p.kind !== 'partial'),
      [],
      'nothing wrong (a loaded machine may time out an optional endpoint)',
    );
    assert.equal(o.totals.servers, 1);
    assert.equal(o.totals.streams, 1);
    assert.ok(o.totals.connections >= 2, 'publisher and worker');
    assert.ok((o.throughput.inMsgs ?? 0) > 100, `inMsgs ${o.throughput.inMsgs}/s`);
    assert.equal(o.targets[0]?.targetId, target.id);
    assert.ok(o.totals.laggingConsumers >= 1);
  });

  test('streams and consumers: counts as published, the idle consumer first by lag, the slow one has a time to drain', async () => {
    const streams = await get<StreamsResponse>('/api/streams');
    assert.equal(streams.total, 1);
    const s = streams.streams[0]!;
    assert.equal(s.name, 'ORDERS');
    assert.equal(s.account, '$G');
    assert.equal(s.messages, ORDERS);
    assert.equal(s.lastSeq, ORDERS);
    assert.deepEqual(s.subjects, ['orders.>']);
    assert.equal(s.consumerCount, 2);

    const cs = await waitFor(async () => {
      const r = await get<ConsumersResponse>('/api/consumers');
      const slow = r.consumers.find((c) => c.name === 'slow');
      return slow?.lag.drainSeconds ? r : undefined;
    }, 'a drain time for the slow consumer');
    assert.equal(cs.total, 2);
    const [first, second] = cs.consumers;
    assert.equal(first?.name, 'idle', 'sorted by lag');
    assert.equal(first?.numPending, ORDERS, 'nothing consumed: pending is what was published');
    assert.equal(first?.lag.outstanding, ORDERS);
    assert.equal(first?.lag.drainSeconds, null, 'never drains: not consuming');
    assert.ok((first?.lag.oldestUnackedAgeSeconds ?? -1) >= 0);
    assert.equal(second?.name, 'slow');
    assert.ok((second?.lag.consumeRate ?? 0) > 0);
    assert.ok((second?.lag.drainSeconds ?? 0) > 0);
    assert.ok(second!.ackFloorStreamSeq > 0 && second!.numPending < ORDERS);

    const detail = await get<StreamDetailResponse>(`/api/streams/${target.id}/%24G/ORDERS`);
    assert.equal(detail.stream.messages, ORDERS);
    assert.deepEqual(
      detail.consumers.map((c) => c.name),
      ['idle', 'slow'],
    );
    assert.ok(detail.series.find((x) => x.metric === 'messages')!.points.some((p) => p.v === ORDERS));
    const cd = await get<ConsumerDetailResponse>(`/api/consumers/${target.id}/%24G/ORDERS/idle`);
    assert.equal(cd.consumer.numPending, ORDERS);
    assert.equal(cd.consumer.ackPolicy, 'explicit');
    assert.ok(cd.series.find((x) => x.metric === 'num_pending')!.points.every((p) => p.v === ORDERS));
    const missing = await app.inject({
      method: 'GET',
      url: `/api/streams/${target.id}/%24G/NOPE`,
      headers: viewer.headers(),
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ error: { code: string } }>().error.code, 'STREAM_NOT_FOUND');
  });

  test('series: server rates, the target aggregate and consumer backlog', async () => {
    const server = await get<ServerDetailResponse>(`/api/servers/${target.id}`);
    const sid = server.servers[0]!.serverId!;
    assert.equal(server.health, 'ok');
    assert.equal(server.servers[0]!.healthz, 'ok');
    assert.ok(server.servers[0]!.jetstream);
    assert.ok((server.servers[0]!.throughput.inMsgs ?? 0) > 0);
    // A range memory covers entirely is answered from raw samples (older ranges from 1-minute rollups).
    const rates = await waitFor(async () => {
      const r = await get<SeriesResponse>(
        `/api/series?metric=in_msgs_rate&target=${target.id}&entity=server:${sid}&from=${Date.now() - 1000}`,
      );
      return r.resolution === 'raw' && r.points.length >= 2 ? r : undefined;
    }, 'a second of raw samples');
    assert.ok(rates.points.length >= 2);
    assert.ok(rates.points.some((p) => p.v > 0));
    assert.ok(rates.points.every((p) => p.v >= 0));
    const all = await waitFor(async () => {
      const r = await get<SeriesResponse>('/api/series?metric=in_msgs_rate&target=*&entity=server:*');
      return r.points.some((p) => p.v > 0) ? r : undefined;
    }, 'the all-targets aggregate');
    assert.ok(all.points.length > 0);
    const pending = await get<SeriesResponse>(
      `/api/series?metric=num_pending&target=${target.id}&entity=consumer:$G/ORDERS/idle&maxPoints=5`,
    );
    assert.ok(pending.points.length > 0 && pending.points.length <= 5);
    assert.ok(pending.points.every((p) => p.v === ORDERS));
    const bad = await app.inject({
      method: 'GET',
      url: `/api/series?metric=x&target=${target.id}&entity=nonsense`,
      headers: viewer.headers(),
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error: { code: string } }>().error.code, 'INVALID_SERIES_QUERY');
  });

  test('connections, subjects and accounts', async () => {
    const conns = await waitFor(async () => {
      const r = await get<ConnectionsResponse>('/api/connections?sort=msgs_from');
      return (r.connections[0]?.inMsgsRate ?? 0) > 0 ? r : undefined;
    }, 'a connection rate');
    assert.equal(conns.connections[0]?.name, 'publisher', 'the publisher sends the most');
    const worker = await get<ConnectionsResponse>('/api/connections?search=WORK');
    assert.equal(worker.total, 1);
    assert.deepEqual(worker.connections[0]?.subjects, ['ticks.>']);
    const bySubject = await get<ConnectionsResponse>('/api/connections?subject=ticks.%3E');
    assert.equal(bySubject.connections[0]?.name, 'worker');
    const paged = await get<ConnectionsResponse>('/api/connections?limit=1&offset=1&sort=cid');
    assert.equal(paged.connections.length, 1);
    assert.equal(paged.total, conns.total);

    const subjects = await waitFor(async () => {
      const r = await get<SubjectsResponse>('/api/subjects');
      const gt = r.nodes.find((n) => n.subject === 'ticks.>');
      return (gt?.msgsRate ?? 0) > 0 ? r : undefined;
    }, 'a subject delivery rate');
    const ticks = subjects.nodes.find((n) => n.subject === 'ticks')!;
    assert.equal(ticks.parent, null);
    assert.equal(ticks.totalSubscriptions, 1);
    assert.ok((ticks.totalMsgsRate ?? 0) > 0);
    assert.deepEqual(subjects.nodes.find((n) => n.subject === 'ticks.>')?.queueGroups, ['workers']);
    const orders = subjects.nodes.find((n) => n.subject === 'orders.>');
    assert.deepEqual(orders?.streams, [{ targetId: target.id, account: '$G', stream: 'ORDERS' }]);
    const only = await get<SubjectsResponse>('/api/subjects?prefix=orders');
    assert.deepEqual(
      only.nodes.map((n) => n.subject),
      ['orders', 'orders.>'],
    );

    const accounts = await get<AccountsResponse>('/api/accounts');
    const g = accounts.accounts.find((a) => a.account === '$G');
    assert.ok(g && g.connections >= 2);
    assert.equal(g.jetstream?.streams, 1);
    assert.equal(g.jetstream?.consumers, 2);
  });

  test('/metrics: readable from loopback, not through a proxy; lag and backlog exported', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /tern_consumer_num_pending\{[^}]*consumer="idle"[^}]*\} 200\n/);
    assert.match(res.body, /tern_consumer_lag_drain_seconds\{[^}]*consumer="idle"[^}]*\} \+Inf\n/);
    assert.match(res.body, /tern_stream_messages\{[^}]*stream="ORDERS"[^}]*\} 200\n/);
    assert.match(res.body, /tern_server_up\{[^}]*\} 1\n/);
    assert.doesNotMatch(res.body, /server_id="\*"/);
    const proxied = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(proxied.statusCode, 401);
    const remote = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    assert.equal(remote.statusCode, 401);
  });

  test('/api/live streams samples over SSE and lets go of a client that disconnects', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const ac = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/live?target=${target.id}&kinds=server`, {
      headers: viewer.headers(),
      signal: ac.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!/event: samples\ndata: (.*)\n\n/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const data = JSON.parse(/event: samples\ndata: (.*)\n\n/.exec(text)![1]!) as {
      samples: { target: string; entity: string }[];
      dropped: number;
    };
    assert.ok(data.samples.length > 0);
    assert.ok(data.samples.every((s) => s.target === target.id && s.entity.startsWith('server:')));
    assert.equal(obs.hub.size, 1);
    ac.abort();
    await reader.cancel().catch(() => undefined);
    await waitFor(async () => (obs.hub.size === 0 ? true : undefined), 'the subscription to be released');
  });

  test('OpenAPI at /docs documents every observability route', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of [
      '/api/overview',
      '/api/servers/{targetId}',
      '/api/topology',
      '/api/connections',
      '/api/subjects',
      '/api/accounts',
      '/api/streams',
      '/api/streams/{targetId}/{account}/{stream}',
      '/api/consumers',
      '/api/consumers/{targetId}/{account}/{stream}/{consumer}',
      '/api/series',
      '/api/live',
      '/metrics',
    ]) {
      assert.ok(paths.includes(p), `${p} is documented`);
    }
  });

  test("lag: a consumer's oldest unacked age is its message's real age, fetched over NATS", async () => {
    await checkExactOldestUnackedAge(nc, obs, target.id, () => get<ConsumersResponse>('/api/consumers'));
  });

  test('a stopped server is marked down with the reason', async () => {
    await nats.stop();
    // A scrape in flight while the server stops sees a reset; the ones after it see a refusal.
    const o = await waitFor(async () => {
      const o = await get<OverviewResponse>('/api/overview');
      return o.health === 'down' && o.problems[0]?.reason === 'connection refused' ? o : undefined;
    }, 'the server to be marked down as refusing connections');
    assert.equal(o.totals.serversDown, 1);
    assert.deepEqual(
      o.problems.map((p) => [p.kind, p.reason]),
      [['down', 'connection refused']],
    );
    const detail = await get<ServerDetailResponse>(`/api/servers/${target.id}`);
    assert.equal(detail.servers[0]?.status, 'down');
    assert.equal(detail.servers[0]?.error, 'connection refused');
    assert.equal(detail.servers[0]?.throughput.inMsgs, null, 'no rate for a server that is down');
  });
});
