import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startNatsServer, startTern } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';

type Json = Record<string, unknown>;

async function get(s: RunningServer, path: string): Promise<{ status: number; type: string; body: string }> {
  const r = await fetch(`http://127.0.0.1:${s.httpPort}${path}`);
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}
const json = async (s: RunningServer, path: string) => JSON.parse((await get(s, path)).body) as Json;

/** The same workload on both servers; counters must then agree exactly. */
async function workload(s: RunningServer): Promise<Wire> {
  const { wire: a } = await Wire.handshake(s.port, {
    verbose: false,
    headers: true,
    name: 'a',
    lang: 'raw',
    version: '1',
  });
  a.send(
    'SUB foo 1\r\nSUB foo.* q 2\r\nPUB foo 5\r\nhello\r\nPUB foo.x r 3\r\nabc\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n',
  );
  await a.sync();
  const { wire: b } = await Wire.handshake(s.port, { verbose: false });
  b.send('PUB nothing 2\r\nhi\r\nFOO\r\n');
  await b.closedByServer();
  return a;
}

describe('monitoring endpoints: tern vs nats-server', { timeout: 60_000 }, () => {
  let tern: RunningServer;
  let nats: RunningServer;
  let wires: Wire[] = [];
  before(async () => {
    [tern, nats] = await Promise.all([startTern(), startNatsServer()]);
    wires = await Promise.all([workload(tern), workload(nats)]);
  });
  after(async () => {
    for (const w of wires) w.close();
    await Promise.all([tern.stop(), nats.stop()]);
  });

  it('/varz has the same fields, units and exact counters', async () => {
    const [t, n] = await Promise.all([json(tern, '/varz'), json(nats, '/varz')]);
    assert.deepEqual(Object.keys(t), Object.keys(n));
    for (const k of [
      'in_msgs',
      'out_msgs',
      'in_bytes',
      'out_bytes',
      'connections',
      'total_connections',
      'slow_consumers',
    ]) {
      assert.equal(t[k], n[k], k);
    }
    for (const k of [
      'version',
      'proto',
      'max_connections',
      'ping_interval',
      'ping_max',
      'auth_timeout',
      'max_control_line',
      'max_payload',
      'max_pending',
      'tls_timeout',
      'write_deadline',
      'http_host',
      'host',
    ]) {
      assert.deepEqual(t[k], n[k], k);
    }
    assert.equal(t.port, tern.port);
    assert.equal(t.http_port, tern.httpPort);
    assert.match(String(t.uptime), /^\d+s$/);
    assert.equal(typeof t.mem, 'number');
  });

  it('/connz lists open and closed connections with the same fields', async () => {
    const [t, n] = await Promise.all([
      json(tern, '/connz?subs=detail&state=all'),
      json(nats, '/connz?subs=detail&state=all'),
    ]);
    assert.deepEqual(Object.keys(t), Object.keys(n));
    const tc = t.connections as Json[];
    const nc = n.connections as Json[];
    assert.equal(tc.length, nc.length);
    for (let i = 0; i < tc.length; i++) {
      // Deliberate: Tern shows `account` on every entry (nats-server only with auth=true).
      assert.deepEqual(
        Object.keys(tc[i]!).filter((k) => k !== 'account'),
        Object.keys(nc[i]!),
      );
      assert.equal(tc[i]!.account, '$G');
      for (const k of [
        'kind',
        'type',
        'ip',
        'in_msgs',
        'out_msgs',
        'in_bytes',
        'out_bytes',
        'subscriptions',
        'name',
        'lang',
        'version',
        'reason',
      ]) {
        assert.deepEqual(tc[i]![k], nc[i]![k], `${i}.${k}`);
      }
      const subs = (c: Json) =>
        ((c.subscriptions_list_detail as Json[] | undefined) ?? [])
          .map((d) => `${d.subject}|${d.qgroup ?? ''}|${d.sid}|${d.msgs}`)
          .sort();
      assert.deepEqual(subs(tc[i]!), subs(nc[i]!));
    }
    assert.equal(tc[1]!.reason, 'Protocol Violation');
  });

  it('/connz paging, sorting, cid and subs=1', async () => {
    for (const q of ['?limit=1', '?offset=1&state=all', '?sort=msgs_from&state=all', '?subs=1', '?cid=999']) {
      const [t, n] = await Promise.all([json(tern, `/connz${q}`), json(nats, `/connz${q}`)]);
      for (const k of ['num_connections', 'total', 'offset', 'limit']) assert.equal(t[k], n[k], `${q} ${k}`);
      const lists = (x: Json) => (x.connections as Json[]).map((c) => c.subscriptions_list ?? null);
      assert.deepEqual(
        lists(t).map((l) => (l as string[] | null)?.sort() ?? null),
        lists(n).map((l) => (l as string[] | null)?.sort() ?? null),
        q,
      );
    }
  });

  it('/connz rejects bad options like nats-server', async () => {
    for (const q of ['?sort=bogus', '?state=bogus']) {
      const [t, n] = await Promise.all([get(tern, `/connz${q}`), get(nats, `/connz${q}`)]);
      assert.equal(t.status, n.status, q);
      assert.equal(t.body, n.body, q);
    }
  });

  it('/subsz reports stats and lists matches for test=', async () => {
    const [t, n] = await Promise.all([
      json(tern, '/subsz?subs=1&test=foo.x'),
      json(nats, '/subsz?subs=1&test=foo.x'),
    ]);
    assert.deepEqual(Object.keys(t), Object.keys(n));
    assert.deepEqual(
      t.subscriptions_list,
      n.subscriptions_list === undefined
        ? undefined
        : (n.subscriptions_list as Json[]).map((s) => ({
            ...s,
            cid: (t.subscriptions_list as Json[])[0]!.cid,
          })),
    );
    const [ts, ns] = await Promise.all([json(tern, '/subsz'), json(nats, '/subsz')]);
    assert.deepEqual(Object.keys(ts), Object.keys(ns));
  });

  it('/routez, /gatewayz, /leafz, /accountz have the same shape', async () => {
    for (const p of ['/routez', '/gatewayz', '/leafz', '/accountz']) {
      const [t, n] = await Promise.all([json(tern, p), json(nats, p)]);
      assert.deepEqual(Object.keys(t), Object.keys(n), p);
      const { server_id: _a, now: _b, ...tr } = t;
      const { server_id: _c, now: _d, ...nr } = n;
      // nats-server lists accounts in Go map order, which varies from run to run.
      for (const r of [tr, nr]) if (Array.isArray(r.accounts)) r.accounts = [...r.accounts].sort();
      assert.deepEqual(tr, nr, p);
    }
    const [t, n] = await Promise.all([json(tern, '/accountz?acc=$G'), json(nats, '/accountz?acc=$G')]);
    const keys = (x: Json) => Object.keys(x.account_detail as Json).filter((k) => k !== 'imports');
    assert.deepEqual(keys(t), keys(n));
  });

  it('/healthz and JSONP wrap bodies byte for byte', async () => {
    for (const p of ['/healthz', '/healthz?callback=cb', '/routez?callback=x.y']) {
      const [t, n] = await Promise.all([get(tern, p), get(nats, p)]);
      assert.equal(t.status, n.status, p);
      assert.equal(t.type, n.type, p);
      const strip = (b: string) => b.replace(/"(server_id|now)": "[^"]*"/g, '"$1": ""');
      assert.equal(strip(t.body), strip(n.body), p);
    }
    assert.equal((await get(tern, '/healthz')).body, '{"status":"ok"}');
    assert.equal((await get(tern, '/nope')).status, 404);
  });
});
