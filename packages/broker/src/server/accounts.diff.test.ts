import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { encodeAccount, encodeOperator, encodeUser, formatCreds } from '../accounts/jwt.js';
import { type RunningServer, startNatsConf, startTernConf } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';

// The same configuration file for Tern and nats-server 2.9.10: accounts with users, exports and
// imports, limits, and a system account; then operator mode with a full resolver.

const CONF = `
accounts {
  A: {
    users: [{user: a, password: a}]
    exports: [
      {stream: "feed.>"}
      {service: "svc.echo"}
    ]
  }
  B: {
    users: [{user: b, password: b}]
    imports: [
      {stream: {account: A, subject: "feed.>"}, prefix: "from_a"}
      {service: {account: A, subject: "svc.echo"}, to: "echo"}
    ]
  }
  L: {
    users: [{user: l, password: l}]
    limits: {max_connections: 1, max_subscriptions: 2, max_payload: 16}
  }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
`;

const TARGETS = [
  { name: 'tern', start: () => startTernConf(CONF) },
  { name: 'nats-server', start: () => startNatsConf(CONF) },
] as const;

const as = (s: RunningServer, user: string, name?: string): Promise<NatsConnection> =>
  connect({ port: s.port, user, pass: user, ...(name ? { name } : {}) });

/** A wire connection logged in as `user` (verbose off); returns the INFO too. */
async function wireAs(s: RunningServer, user: string): Promise<Wire> {
  const { wire } = await Wire.handshake(s.port, { verbose: false, user, pass: user });
  return wire;
}

/** Transcripts per target, compared after both ran. */
const transcripts: Record<string, Record<string, string>> = {};

for (const target of TARGETS) {
  describe(`accounts from a config file on ${target.name}`, { timeout: 60_000 }, () => {
    let s: RunningServer;
    const conns: NatsConnection[] = [];
    const record = (k: string, v: string) => {
      transcripts[k] ??= {};
      transcripts[k]![target.name] = v;
    };
    before(async () => {
      s = await target.start();
    });
    after(async () => {
      for (const c of conns) await c.close().catch(() => {});
      await s.stop();
    });
    const open = async (user: string, name?: string) => {
      const c = await as(s, user, name);
      conns.push(c);
      return c;
    };

    it("isolates subjects: a user of account A does not read account B's messages", async () => {
      const a = await open('a');
      const b = await open('b');
      const got: string[] = [];
      const sub = b.subscribe('priv.>', {
        callback: (_e, m) => {
          got.push(m.subject);
        },
      });
      const aSub = a.subscribe('priv.>');
      await b.flush();
      await a.flush();
      a.publish('priv.x', 'from A');
      await a.flush();
      b.publish('priv.done');
      await b.flush();
      const own = await aSub[Symbol.asyncIterator]().next();
      assert.equal(own.value?.subject, 'priv.x');
      assert.deepEqual(got, ['priv.done']);
      sub.unsubscribe();
      aSub.unsubscribe();
    });

    it('delivers a stream export to the importer under its prefix', async () => {
      const a = await open('a');
      const b = await open('b');
      const sub = b.subscribe('from_a.feed.>', { max: 1 });
      await b.flush();
      a.publish('feed.prices', 'p1');
      await a.flush();
      const m = (await sub[Symbol.asyncIterator]().next()).value!;
      assert.equal(m.subject, 'from_a.feed.prices');
      assert.equal(m.string(), 'p1');
    });

    it('answers a service import request through the exporter', async () => {
      const a = await open('a');
      const b = await open('b');
      a.subscribe('svc.echo', {
        callback: (_e, m) => {
          m.respond(`${m.subject}:${m.string()}`);
        },
      });
      await a.flush();
      const r = await b.request('echo', 'hi', { timeout: 5000 });
      assert.equal(r.string(), 'svc.echo:hi');
    });

    it('enforces account limits: connections, subscriptions per connection, payload', async () => {
      const first = await wireAs(s, 'l');
      assert.equal(await first.sync(), '');
      const second = await Wire.open(s.port);
      await second.readLine();
      second.send(`CONNECT ${JSON.stringify({ verbose: false, user: 'l', pass: 'l' })}\r\nPING\r\n`);
      const refused = await second.closedByServer();
      record('max_connections', refused);
      assert.match(refused, /-ERR 'maximum account active connections exceeded'/);
      first.send('SUB s.1 1\r\nSUB s.2 2\r\nSUB s.3 3\r\n');
      const subs = await first.sync();
      record('max_subscriptions', subs);
      assert.equal(subs, "-ERR 'maximum subscriptions exceeded'\r\n");
      first.send('PUB big 20\r\n01234567890123456789\r\n');
      const big = await first.closedByServer();
      record('max_payload', big);
      assert.match(big, /-ERR 'Maximum Payload Violation'/);
    });

    it('answers system account requests in the shape nats-server does', async () => {
      const sys = await open('sys');
      const ping = (await sys.request('$SYS.REQ.SERVER.PING', '', { timeout: 5000 })).json<
        Record<string, Record<string, unknown>>
      >();
      record('ping', JSON.stringify([Object.keys(ping), Object.keys(ping.statsz ?? {})]));
      assert.deepEqual(Object.keys(ping), ['server', 'statsz']);
      for (const ep of ['VARZ', 'CONNZ', 'SUBSZ', 'HEALTHZ', 'ACCOUNTZ']) {
        const r = (await sys.request(`$SYS.REQ.SERVER.PING.${ep}`, '', { timeout: 5000 })).json<
          Record<string, Record<string, unknown>>
        >();
        assert.deepEqual(Object.keys(r), ['server', 'data'], ep);
        record(`ping.${ep}`, JSON.stringify(Object.keys(r)));
      }
      const health = (await sys.request('$SYS.REQ.SERVER.PING.HEALTHZ', '', { timeout: 5000 })).json<{
        data: { status: string };
      }>();
      assert.equal(health.data.status, 'ok');
      const info = (await sys.request('$SYS.REQ.ACCOUNT.A.INFO', '', { timeout: 5000 })).json<{
        data: { account_name: string; exports: { subject: string }[] };
      }>();
      assert.equal(info.data.account_name, 'A');
      assert.deepEqual(info.data.exports.map((e) => e.subject).sort(), ['feed.>', 'svc.echo']);
      const a = await open('a', 'conn-a');
      await a.flush();
      const connz = (await sys.request('$SYS.REQ.ACCOUNT.A.CONNZ', '', { timeout: 5000 })).json<{
        data: { connections: { name?: string; account?: string }[] };
      }>();
      assert.ok(connz.data.connections.some((c) => c.name === 'conn-a'));
    });

    it('serves /accountz, /accountz?acc=, /accstatz and account on /connz entries', async () => {
      const a = await open('a', 'mon-a');
      await a.flush();
      const get = async (path: string) =>
        (await (await fetch(`http://127.0.0.1:${s.httpPort}${path}`)).json()) as Record<string, unknown>;
      const list = await get('/accountz');
      assert.deepEqual(Object.keys(list), ['server_id', 'now', 'system_account', 'accounts']);
      assert.equal(list.system_account, 'SYS');
      record('accountz', JSON.stringify((list.accounts as string[]).slice().sort()));
      const detail = (await get('/accountz?acc=A')).account_detail as Record<string, unknown>;
      assert.equal(detail.account_name, 'A');
      // Connections of earlier tests are still open: compare the count across servers.
      record('accountz?acc=A connections', String(detail.client_connections));
      record('accountz?acc=A', JSON.stringify(Object.keys(detail).sort()));
      const statz = (await get('/accstatz')).account_statz as Array<Record<string, unknown>>;
      const statA = statz.find((x) => x.acc === 'A');
      record('accstatz conns', String(statA?.conns));
      record('accstatz', JSON.stringify(Object.keys(statA ?? {})));
      type Conns = Array<{ name?: string; account?: string }>;
      const connz = (await get('/connz?auth=true')).connections as Conns;
      assert.equal(connz.find((c) => c.name === 'mon-a')?.account, 'A');
      // Deliberate: Tern shows the account on every entry, nats-server 2.9.10 only with auth=true.
      if (target.name === 'tern') {
        const plain = (await get('/connz')).connections as Conns;
        assert.equal(plain.find((c) => c.name === 'mon-a')?.account, 'A');
      }
    });

    it('publishes connect and disconnect events in the system account', async () => {
      const sys = await open('sys');
      const events = sys.subscribe('$SYS.ACCOUNT.A.*', { max: 2 });
      await sys.flush();
      const a = await as(s, 'a', 'evented');
      await a.close();
      const got: Record<string, { type: string; client: { acc: string; name?: string } }> = {};
      for await (const m of events) got[m.subject.split('.').pop()!] = m.json();
      assert.equal(got.CONNECT?.type, 'io.nats.server.advisory.v1.client_connect');
      assert.equal(got.CONNECT?.client.acc, 'A');
      assert.equal(got.DISCONNECT?.type, 'io.nats.server.advisory.v1.client_disconnect');
      assert.equal(got.DISCONNECT?.client.name, 'evented');
    });
  });
}

describe('accounts: the same transcripts and fields on both servers', () => {
  it('matches', (t) => {
    for (const [k, v] of Object.entries(transcripts)) {
      if (!v.tern || !v['nats-server']) {
        t.diagnostic(`${k}: only one server ran`);
        continue;
      }
      assert.equal(v.tern, v['nats-server'], k);
    }
  });
});

/** Operator mode: everything signed here, the same config text for both servers. */
function operatorSetup(dir: string) {
  const op = createOperator();
  const sys = createAccount();
  const acc = createAccount();
  const sysUser = createUser();
  const user = createUser();
  const opJwt = encodeOperator(op, { system_account: sys.getPublicKey() });
  const sysJwt = encodeAccount(op, sys.getPublicKey(), {}, { name: 'SYS' });
  const accJwt = encodeAccount(
    op,
    acc.getPublicKey(),
    { exports: [{ type: 'stream', subject: 'feed.>' }] },
    { name: 'APP' },
  );
  const imp = createAccount();
  const impUser = createUser();
  const impJwt = encodeAccount(
    op,
    imp.getPublicKey(),
    { imports: [{ type: 'stream', account: acc.getPublicKey(), subject: 'feed.>' }] },
    { name: 'IMP' },
  );
  const conf = `
operator: ${opJwt}
system_account: ${sys.getPublicKey()}
resolver: { type: full, dir: "${dir}" }
resolver_preload: { ${sys.getPublicKey()}: ${sysJwt} }
`;
  const creds = (jwt: string, kp: KeyPair) =>
    credsAuthenticator(new TextEncoder().encode(formatCreds(jwt, kp.getSeed())));
  return {
    conf,
    accJwt,
    account: acc.getPublicKey(),
    /** A later JWT for the account (iat one second on, so it replaces the first). */
    accountJwt: (nats: Parameters<typeof encodeAccount>[2]) =>
      encodeAccount(op, acc.getPublicKey(), nats, { name: 'APP', iat: Math.floor(Date.now() / 1000) + 1 }),
    sysCreds: creds(encodeUser(sys, sysUser.getPublicKey()), sysUser),
    impJwt,
    impCreds: creds(encodeUser(imp, impUser.getPublicKey()), impUser),
    userCreds: creds(encodeUser(acc, user.getPublicKey(), {}, { name: 'app-user' }), user),
    userKey: user.getPublicKey(),
  };
}

for (const name of ['tern', 'nats-server'] as const) {
  describe(`operator mode with a full resolver on ${name}`, { timeout: 60_000 }, () => {
    it('accepts an account JWT pushed on $SYS.REQ.CLAIMS.UPDATE; its user connects with creds', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tern-op-'));
      const o = operatorSetup(join(dir, 'jwt'));
      const s = name === 'tern' ? await startTernConf(o.conf) : await startNatsConf(o.conf);
      const conns: NatsConnection[] = [];
      try {
        const sys = await connect({ port: s.port, authenticator: o.sysCreds });
        conns.push(sys);
        const r = (await sys.request('$SYS.REQ.CLAIMS.UPDATE', o.accJwt, { timeout: 5000 })).json<{
          data?: { account: string; code: number; message: string };
          error?: unknown;
        }>();
        assert.deepEqual(r.data, { account: o.account, code: 200, message: 'jwt updated' });
        const nc = await connect({ port: s.port, authenticator: o.userCreds });
        conns.push(nc);
        const sub = nc.subscribe('orders.*', { max: 1 });
        await nc.flush();
        nc.publish('orders.1', 'one');
        const m = (await sub[Symbol.asyncIterator]().next()).value!;
        assert.equal(m.subject, 'orders.1');
        assert.equal(m.string(), 'one');
        const lookup = await sys.request(`$SYS.REQ.ACCOUNT.${o.account}.CLAIMS.LOOKUP`, '', {
          timeout: 5000,
        });
        assert.equal(lookup.string(), o.accJwt);
        // A JWT stream import: IMP receives what APP publishes on feed.>.
        const r3 = (await sys.request('$SYS.REQ.CLAIMS.UPDATE', o.impJwt, { timeout: 5000 })).json<{
          data?: { code: number };
        }>();
        assert.equal(r3.data?.code, 200);
        const importer = await connect({ port: s.port, authenticator: o.impCreds });
        conns.push(importer);
        const feed = importer.subscribe('feed.>', { max: 1 });
        await importer.flush();
        nc.publish('feed.news', 'extra');
        await nc.flush();
        const fm = (await feed[Symbol.asyncIterator]().next()).value!;
        assert.equal(`${fm.subject} ${fm.string()}`, 'feed.news extra');
        // A newer JWT on the per-account subject applies live: one connection at most.
        const limited = o.accountJwt({ limits: { conn: 1 } });
        const r2 = (
          await sys.request(`$SYS.REQ.ACCOUNT.${o.account}.CLAIMS.UPDATE`, limited, { timeout: 5000 })
        ).json<{ data?: { code: number } }>();
        assert.equal(r2.data?.code, 200);
        await assert.rejects(connect({ port: s.port, authenticator: o.userCreds, reconnect: false }));
      } finally {
        for (const c of conns) await c.close().catch(() => {});
        await s.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a JWT update revoking a user closes its live connections and refuses new ones', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tern-op-'));
      const o = operatorSetup(join(dir, 'jwt'));
      const s = name === 'tern' ? await startTernConf(o.conf) : await startNatsConf(o.conf);
      const conns: NatsConnection[] = [];
      try {
        const sys = await connect({ port: s.port, authenticator: o.sysCreds });
        conns.push(sys);
        await sys.request('$SYS.REQ.CLAIMS.UPDATE', o.accJwt, { timeout: 5000 });
        const live = await connect({ port: s.port, authenticator: o.userCreds, reconnect: false });
        conns.push(live);
        const closed = live.closed();
        // A revocation at T revokes user JWTs issued at or before T.
        const revoking = o.accountJwt({ revocations: { [o.userKey]: Math.floor(Date.now() / 1000) } });
        const r = (await sys.request('$SYS.REQ.CLAIMS.UPDATE', revoking, { timeout: 5000 })).json<{
          data?: { code: number };
        }>();
        assert.equal(r.data?.code, 200);
        const why = await Promise.race([
          closed.then((e) => String(e)),
          new Promise<string>((res) => setTimeout(() => res('still connected'), 5000)),
        ]);
        assert.match(why, /User Authentication Revoked/);
        const connz = (await fetch(`http://127.0.0.1:${s.httpPort}/connz?state=closed`).then((x) =>
          x.json(),
        )) as { connections: Array<{ reason?: string }> };
        assert.ok(
          connz.connections.some((c) => c.reason === 'Credentials Revoked'),
          JSON.stringify(connz.connections.map((c) => c.reason)),
        );
        await assert.rejects(
          connect({ port: s.port, authenticator: o.userCreds, reconnect: false }),
          /Authorization Violation/,
        );
      } finally {
        for (const c of conns) await c.close().catch(() => {});
        await s.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const NO_AUTH_CONF = `
accounts {
  A: {
    users: [{user: a, password: a}]
    jetstream: {max_memory: 1M, max_streams: 3, max_consumers: 7}
  }
  B: { users: [{user: b, password: b}] }
}
no_auth_user: a
`;

for (const name of ['tern', 'nats-server'] as const) {
  describe(`no_auth_user naming an account user on ${name}`, { timeout: 30_000 }, () => {
    it('puts a client without credentials into that account', async () => {
      const s = name === 'tern' ? await startTernConf(NO_AUTH_CONF) : await startNatsConf(NO_AUTH_CONF);
      const conns: NatsConnection[] = [];
      try {
        const anon = await connect({ port: s.port });
        const a = await connect({ port: s.port, user: 'a', pass: 'a' });
        const b = await connect({ port: s.port, user: 'b', pass: 'b' });
        conns.push(anon, a, b);
        const inA = a.subscribe('hello', { max: 1 });
        const inB: string[] = [];
        b.subscribe('hello', {
          callback: (_e, m) => {
            inB.push(m.string());
          },
        });
        await a.flush();
        await b.flush();
        anon.publish('hello', 'anon');
        await anon.flush();
        assert.equal((await inA[Symbol.asyncIterator]().next()).value?.string(), 'anon');
        await b.flush();
        assert.deepEqual(inB, []);
        if (s.handle) {
          // Per-account JetStream limits, for the JetStream layer.
          const js = s.handle.server.registry.get('A')?.jetstream;
          assert.equal(js?.maxStreams, 3);
          assert.equal(js?.maxConsumers, 7);
          assert.equal(js?.maxMemory, 1_000_000);
        }
      } finally {
        for (const c of conns) await c.close().catch(() => {});
        await s.stop();
      }
    });
  });
}
