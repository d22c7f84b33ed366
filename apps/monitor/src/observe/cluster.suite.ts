import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type {
  ConsumersResponse,
  OverviewResponse,
  ServerDetailResponse,
  StreamsResponse,
  Target,
  TopologyResponse,
} from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { Scraper } from '../scrape/scraper.js';
import { type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { freePort, freePortPair, startNatsServer, type TestNats, waitFor } from '../test-support/nats.js';
import { sharedDatabase } from '../test-support/shared-db.js';

// Monitoring port = client port + OFFSET on every node, so discovery can derive the peers' URLs.
const OFFSET = 1000;

// A 3-node nats-server cluster with JetStream on loopback. The target names only the first node:
// the others are discovered through its routes and connect_urls.
describe('observability of a 3-node nats-server cluster with JetStream', () => {
  let dir: string;
  const nodes: (TestNats & { port: number })[] = [];
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let viewer: Client;
  let target: Target;
  let nc: NatsConnection;
  let nc2: NatsConnection;
  let ticker: NodeJS.Timeout | undefined;
  const EVENTS = 100;

  const get = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url, headers: viewer.headers() });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json<T>();
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tern-cluster-'));
    const ports: number[] = [];
    const clusterPorts: number[] = [];
    for (let i = 0; i < 3; i++) {
      ports.push(await freePortPair(OFFSET));
      clusterPorts.push(await freePort());
    }
    const started = await Promise.all(
      ports.map((port, i) =>
        startNatsServer({
          port,
          httpPort: port + OFFSET,
          waitHealthy: false,
          args: [
            '-n',
            `n${i + 1}`,
            '-js',
            '-sd',
            join(dir, `n${i + 1}`),
            '--cluster_name',
            'tern-test',
            '-cluster',
            `nats://127.0.0.1:${clusterPorts[i]}`,
            '-routes',
            clusterPorts
              .filter((_, j) => j !== i)
              .map((p) => `nats://127.0.0.1:${p}`)
              .join(','),
          ],
        }),
      ),
    );
    nodes.push(...started);
    tdb = await sharedDatabase();
    const scraper = new Scraper({ intervalMs: 300, timeoutMs: 2000, discoveryEveryMs: 500 });
    ({ app } = await testApp(tdb.db, { scraper }));
    scraper.start();
    const admin = await login(app, 'admin');
    viewer = await login(app, 'viewer');
    const res = await app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: admin.headers(true),
      payload: { name: 'cluster', natsUrls: [nodes[0]!.natsUrl], monitorUrls: [nodes[0]!.monitorUrl] },
    });
    assert.equal(res.statusCode, 201, res.body);
    target = res.json<Target>();

    nc = await connect({ servers: nodes[0]!.natsUrl, name: 'publisher' });
    nc2 = await connect({ servers: nodes[1]!.natsUrl, name: 'subscriber' });
    nc2.subscribe('ticks.>');
    await nc2.flush();
    const jsm = await jetstreamManager(nc);
    // The meta leader is elected a moment after the routes are up.
    await waitFor(
      async () => {
        try {
          await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'], num_replicas: 3 });
          return true;
        } catch {
          return undefined;
        }
      },
      'a JetStream meta leader',
      20_000,
    );
    await jsm.consumers.add('EVENTS', {
      durable_name: 'lagging',
      ack_policy: AckPolicy.Explicit,
      num_replicas: 3,
    });
    const js = jetstream(nc);
    for (let i = 0; i < EVENTS; i++) await js.publish('events.x', `e${i}`);
    ticker = setInterval(() => {
      for (let i = 0; i < 20; i++) nc.publish('ticks.a', 'x');
    }, 20);
  });

  after(async () => {
    clearInterval(ticker);
    await nc?.close().catch(() => undefined);
    await nc2?.close().catch(() => undefined);
    await app?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  test('peers are discovered from the first node and shown as members of one cluster', async () => {
    const detail = await waitFor(async () => {
      const d = await get<ServerDetailResponse>(`/api/servers/${target.id}`);
      return d.servers.length === 3 && d.servers.every((s) => s.status === 'up') ? d : undefined;
    }, 'the two peers to be discovered and scraped');
    assert.deepEqual(detail.servers.map((s) => [s.serverName, s.discovered, s.clusterName]).sort(), [
      ['n1', false, 'tern-test'],
      ['n2', true, 'tern-test'],
      ['n3', true, 'tern-test'],
    ]);
    assert.deepEqual(detail.servers.map((s) => s.monitorUrl).sort(), nodes.map((n) => n.monitorUrl).sort());
    assert.ok(detail.servers.every((s) => s.routes.length === 2));

    const topo = await get<TopologyResponse>('/api/topology');
    const c = topo.clusters.find((x) => x.targetId === target.id)!;
    assert.equal(c.name, 'tern-test');
    assert.deepEqual(c.members.map((m) => m.serverName).sort(), ['n1', 'n2', 'n3']);
    assert.ok(c.members.every((m) => m.status === 'up'));
    assert.equal(c.links.length, 6, 'each of 3 servers reports 2 routes');
  });

  test('a replicated stream and consumer are counted once, with the numbers left unconsumed', async () => {
    const streams = await waitFor(async () => {
      const s = await get<StreamsResponse>(`/api/streams?target=${target.id}`);
      return s.total === 1 && s.streams[0]?.messages === EVENTS ? s : undefined;
    }, 'the replicated stream');
    assert.equal(streams.streams[0]?.replicas, 3);
    assert.ok(['n1', 'n2', 'n3'].includes(streams.streams[0]!.leader!));
    const consumers = await waitFor(async () => {
      const c = await get<ConsumersResponse>(`/api/consumers?target=${target.id}`);
      return c.total === 1 && c.consumers[0]?.numPending === EVENTS ? c : undefined;
    }, 'the replicated consumer');
    assert.equal(consumers.consumers[0]?.name, 'lagging');
    assert.equal(consumers.consumers[0]?.numPending, EVENTS);
    assert.equal(consumers.consumers[0]?.lag.outstanding, EVENTS);
  });

  test('throughput is summed over the cluster', async () => {
    const o = await waitFor(async () => {
      const o = await get<OverviewResponse>('/api/overview');
      const t = o.targets.find((x) => x.targetId === target.id);
      return t && t.serversUp === 3 && (t.throughput.inMsgs ?? 0) > 0 && (t.throughput.outMsgs ?? 0) > 0
        ? o
        : undefined;
    }, 'cluster throughput');
    const t = o.targets.find((x) => x.targetId === target.id)!;
    assert.equal(t.clusterName, 'tern-test');
    // /healthz of a JetStream node is briefly unhealthy while a replica catches up: degraded, never down.
    assert.ok(['ok', 'degraded'].includes(t.health), t.health);
    assert.equal(t.serversUp, 3);
    assert.equal(t.streams, 1);
    assert.equal(t.consumers, 1);
    assert.ok(t.connections >= 2);
  });

  test('stopping one node marks it down with the reason and the cluster degraded', async () => {
    await nodes[2]!.stop();
    const o = await waitFor(async () => {
      const o = await get<OverviewResponse>('/api/overview');
      // A scrape in flight during the stop may see a reset; later ones see the refusal.
      return o.problems.some((p) => p.kind === 'down' && p.reason === 'connection refused') ? o : undefined;
    }, 'n3 to be marked down as refusing connections');
    const down = o.problems.filter((p) => p.kind === 'down');
    assert.deepEqual(
      down.map((p) => [p.serverName, p.reason]),
      [['n3', 'connection refused']],
    );
    assert.equal(o.targets.find((x) => x.targetId === target.id)?.health, 'degraded');
    const topo = await get<TopologyResponse>('/api/topology');
    const n3 = topo.clusters[0]!.members.find((m) => m.serverName === 'n3');
    assert.equal(n3?.status, 'down');
    assert.equal(n3?.error, 'connection refused');
  });
});
