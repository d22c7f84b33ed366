import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type ServerHandle, startServer } from '@tern/broker';
import type {
  ConnectionsResponse,
  ConsumersResponse,
  OverviewResponse,
  ServerDetailResponse,
  StreamsResponse,
  SubjectsResponse,
  Target,
  TopologyResponse,
} from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { createObservatory, OBSERVABILITY_DEFAULTS } from '../routes/observability.js';
import { Scraper } from '../scrape/scraper.js';
import { type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { checkExactOldestUnackedAge } from '../test-support/lag.js';
import { waitFor } from '../test-support/nats.js';
import { sharedDatabase } from '../test-support/shared-db.js';
import type { Observatory } from './observatory.js';

// The same user-visible numbers from Tern's own broker (which has no /jsz or /accstatz: those are
// skipped as unsupported, not reported as failures).
describe("observability of Tern's broker", () => {
  let dir: string;
  let broker: ServerHandle;
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let obs: Observatory;
  let viewer: Client;
  let target: Target;
  let nc: NatsConnection;
  let worker: NatsConnection;
  let ticker: NodeJS.Timeout | undefined;

  const get = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url, headers: viewer.headers() });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json<T>();
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tern-broker-obs-'));
    broker = await startServer({ host: '127.0.0.1', port: -1, httpPort: -1, jetstream: true, storeDir: dir });
    tdb = await sharedDatabase();
    const scraper = new Scraper({ intervalMs: 250, timeoutMs: 2000 });
    obs = createObservatory(scraper, tdb.db.prisma, OBSERVABILITY_DEFAULTS);
    ({ app } = await testApp(tdb.db, { scraper, observability: { observatory: obs } }));
    scraper.start();
    const admin = await login(app, 'admin');
    viewer = await login(app, 'viewer');
    const res = await app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: admin.headers(true),
      payload: {
        name: 'tern',
        natsUrls: [`nats://127.0.0.1:${broker.port}`],
        monitorUrls: [`http://127.0.0.1:${broker.httpPort}`],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    target = res.json<Target>();
    nc = await connect({ servers: `nats://127.0.0.1:${broker.port}`, name: 'publisher' });
    worker = await connect({ servers: `nats://127.0.0.1:${broker.port}`, name: 'worker' });
    worker.subscribe('ticks.*', { queue: 'q' });
    await worker.flush();
    ticker = setInterval(() => {
      for (let i = 0; i < 20; i++) nc.publish('ticks.a', 'x');
    }, 20);
  });

  after(async () => {
    clearInterval(ticker);
    await nc?.close().catch(() => undefined);
    await worker?.close().catch(() => undefined);
    await app?.close();
    await broker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('throughput, connections and subjects with rates', async () => {
    const o = await waitFor(async () => {
      const o = await get<OverviewResponse>('/api/overview');
      return (o.throughput.inMsgs ?? 0) > 0 && (o.throughput.outMsgs ?? 0) > 0 ? o : undefined;
    }, 'throughput');
    assert.equal(o.health, 'ok');
    assert.deepEqual(
      o.problems.filter((p) => p.kind !== 'partial'),
      [],
    );
    assert.equal(o.totals.connections, 2);

    const conns = await waitFor(async () => {
      const r = await get<ConnectionsResponse>('/api/connections?sort=msgs_to');
      return (r.connections[0]?.outMsgsRate ?? 0) > 0 ? r : undefined;
    }, 'a delivery rate');
    assert.equal(conns.connections[0]?.name, 'worker', 'the worker receives the most');
    assert.deepEqual(conns.connections[0]?.subjects, ['ticks.*']);

    const subjects = await waitFor(async () => {
      const r = await get<SubjectsResponse>('/api/subjects');
      return (r.nodes.find((n) => n.subject === 'ticks.*')?.msgsRate ?? 0) > 0 ? r : undefined;
    }, 'a subject rate');
    assert.deepEqual(subjects.nodes.find((n) => n.subject === 'ticks.*')?.queueGroups, ['q']);

    const detail = await get<ServerDetailResponse>(`/api/servers/${target.id}`);
    assert.equal(detail.servers[0]?.status, 'up');
    assert.ok((detail.servers[0]?.throughput.inMsgs ?? 0) > 0);
    const topo = await get<TopologyResponse>('/api/topology');
    assert.equal(topo.clusters[0]?.members.length, 1);
    assert.equal(topo.clusters[0]?.name, undefined, 'a standalone server');
  });

  test('JetStream on the broker: a stream and a lagging consumer with the numbers left unconsumed', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'JOBS', subjects: ['jobs.>'] });
    await jsm.consumers.add('JOBS', { durable_name: 'behind', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    for (let i = 0; i < 30; i++) await js.publish('jobs.new', `job ${i}`);
    const consumers = await waitFor(async () => {
      const r = await get<ConsumersResponse>(`/api/consumers?target=${target.id}`);
      return r.consumers[0]?.numPending === 30 ? r : undefined;
    }, 'the broker consumer backlog');
    assert.equal(consumers.consumers[0]?.name, 'behind');
    assert.equal(consumers.consumers[0]?.lag.outstanding, 30);
    const streams = await get<StreamsResponse>(`/api/streams?target=${target.id}`);
    assert.equal(streams.streams[0]?.name, 'JOBS');
    assert.equal(streams.streams[0]?.messages, 30);
  });

  test("lag: a consumer's oldest unacked age is its message's real age, fetched over NATS", async () => {
    await checkExactOldestUnackedAge(nc, obs, target.id, () =>
      get<ConsumersResponse>(`/api/consumers?target=${target.id}`),
    );
  });

  test('a stopped broker is marked down with the reason', async () => {
    clearInterval(ticker);
    await nc.close();
    await worker.close();
    await broker.close();
    const o = await waitFor(async () => {
      const o = await get<OverviewResponse>('/api/overview');
      // A scrape in flight during the close may see a reset; later ones see the refusal.
      return o.health === 'down' && o.problems[0]?.reason === 'connection refused' ? o : undefined;
    }, 'the broker to be marked down as refusing connections');
    assert.deepEqual(
      o.problems.map((p) => [p.kind, p.reason]),
      [['down', 'connection refused']],
    );
  });
});
