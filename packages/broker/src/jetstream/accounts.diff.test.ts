// JetStream per account, differentially: the same configuration text for Tern and nats-server 2.9.10,
// two accounts with JetStream (one with limits) and one without; the normalised API replies must match.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { encodeAccount, encodeOperator, encodeUser, formatCreds } from '../accounts/jwt.js';
import { type RunningServer, startNatsConf, startTernConf } from '../test-support/servers.js';
import { normalize, removeDir } from './testing.js';

const td = new TextDecoder();

const conf = (dir: string) => `
jetstream { store_dir: "${dir}" }
accounts {
  A: { users: [{user: a, password: a}], jetstream: enabled }
  B: {
    users: [{user: b, password: b}]
    jetstream: { max_streams: 2, max_consumers: 1, max_memory: 1MB, max_file: 1MB }
  }
  C: { users: [{user: c, password: c}], jetstream: { max_memory: 4KB } }
  D: { users: [{user: d, password: d}], jetstream: { max_memory: 1MB, max_consumers: 2, max_bytes_required: true } }
  E: { users: [{user: e, password: e}], jetstream: { max_memory: 0, max_file: 1MB } }
  N: { users: [{user: n, password: n}] }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
`;

/** A raw API request; JSON replies parsed, status-only replies as `{status}`. */
async function api(nc: NatsConnection, subject: string, body?: unknown): Promise<unknown> {
  const data = body === undefined ? '' : JSON.stringify(body);
  try {
    const m = await nc.request(subject, data, { timeout: 2000 });
    if (m.headers?.code) return { status: m.headers.code };
    return JSON.parse(td.decode(m.data));
  } catch (e) {
    return { error: (e as Error).message.replace(/'.*'/, '') };
  }
}

/** The parts of a reply both servers must agree on (configs differ in defaults we do not test here). */
function pick(v: unknown): unknown {
  const o = v as Record<string, unknown>;
  if (!o || typeof o !== 'object') return v;
  const out: Record<string, unknown> = { type: o.type };
  if (o.error) out.error = o.error;
  for (const k of ['streams', 'total', 'memory', 'storage', 'consumers', 'limits', 'stream', 'seq']) {
    if (k in o) out[k] = o[k];
  }
  if (o.config) out.name = (o.config as Record<string, unknown>).name;
  if (o.state) out.messages = (o.state as Record<string, unknown>).messages;
  return out;
}

const results: Record<string, Record<string, unknown>> = {};
const TARGETS = [
  { name: 'tern', start: startTernConf },
  { name: 'nats-server', start: startNatsConf },
] as const;

for (const target of TARGETS) {
  describe(`JetStream per account on ${target.name}`, { timeout: 60_000 }, () => {
    const record = (k: string, v: unknown) => {
      results[k] ??= {};
      results[k]![target.name] = normalize(v);
    };

    it('runs the scenario', async () => {
      const dir = mkdtempSync(join(tmpdir(), `tern-jsacc-${target.name}-`));
      let s: RunningServer | undefined;
      const conns: NatsConnection[] = [];
      try {
        s = await target.start(conf(dir));
        const port = s.port;
        const open = async (user: string) => {
          const c = await connect({ port, user, pass: user });
          conns.push(c);
          return c;
        };
        const a = await open('a');
        const b = await open('b');
        const n = await open('n');

        // The same stream name in both accounts, on the same subject: independent streams.
        const cfg = (name: string, subj: string) => ({
          name,
          subjects: [subj],
          storage: 'memory',
          max_bytes: 1000,
        });
        record('a create S', pick(await api(a, '$JS.API.STREAM.CREATE.S', cfg('S', 'orders.>'))));
        record('b create S', pick(await api(b, '$JS.API.STREAM.CREATE.S', cfg('S', 'orders.>'))));
        record('a pub', await api(a, 'orders.1', 'x'));
        record('a pub 2', await api(a, 'orders.2', 'y'));
        record('b pub', await api(b, 'orders.1', 'z'));
        record('a info S', pick(await api(a, '$JS.API.STREAM.INFO.S')));
        record('b info S', pick(await api(b, '$JS.API.STREAM.INFO.S')));
        // A user of A cannot see B's streams.
        record('b create ONLYB', pick(await api(b, '$JS.API.STREAM.CREATE.ONLYB', cfg('ONLYB', 'bee'))));
        record('a names', pick(await api(a, '$JS.API.STREAM.NAMES')));
        record('b names', pick(await api(b, '$JS.API.STREAM.NAMES')));
        record('a info ONLYB', pick(await api(a, '$JS.API.STREAM.INFO.ONLYB')));
        // max_streams: 2 in B.
        record('b create third', pick(await api(b, '$JS.API.STREAM.CREATE.T3', cfg('T3', 'three'))));
        record('a create third', pick(await api(a, '$JS.API.STREAM.CREATE.T3', cfg('T3', 'three'))));
        // max_consumers: 1 in B.
        const cons = (name: string) => ({
          stream_name: 'S',
          config: { durable_name: name, ack_policy: 'explicit' },
        });
        record('b consumer 1', pick(await api(b, '$JS.API.CONSUMER.CREATE.S.C1', cons('C1'))));
        record('b consumer 2', pick(await api(b, '$JS.API.CONSUMER.CREATE.S.C2', cons('C2'))));
        // max_memory: 1MB in B (reserved by max_bytes).
        record(
          'b too big',
          pick(
            await api(b, '$JS.API.STREAM.UPDATE.ONLYB', {
              ...cfg('ONLYB', 'bee'),
              max_bytes: 2 * 1024 * 1024,
            }),
          ),
        );
        record('a info', pick(await api(a, '$JS.API.INFO')));
        record('b info', pick(await api(b, '$JS.API.INFO')));
        // max_memory: 4KB in C, with a stream that reserves nothing: publishes stop at the limit.
        const c = await open('c');
        record('c create', pick(await api(c, '$JS.API.STREAM.CREATE.M', { name: 'M', storage: 'memory' })));
        for (let i = 1; i <= 4; i++) record(`c pub ${i}`, await api(c, 'M', 'm'.repeat(1500)));
        // D requires max_bytes and allows 2 consumers.
        const d = await open('d');
        const dcfg = { name: 'D', subjects: ['d'], storage: 'memory' };
        record('d no max_bytes', pick(await api(d, '$JS.API.STREAM.CREATE.D', dcfg)));
        record(
          'd max_consumers',
          pick(await api(d, '$JS.API.STREAM.CREATE.D', { ...dcfg, max_bytes: 100, max_consumers: 3 })),
        );
        record('d ok', pick(await api(d, '$JS.API.STREAM.CREATE.D', { ...dcfg, max_bytes: 100 })));
        // E has no memory storage at all.
        const e = await open('e');
        record('e memory', pick(await api(e, '$JS.API.STREAM.CREATE.E', { name: 'E', storage: 'memory' })));
        record('e file', pick(await api(e, '$JS.API.STREAM.CREATE.E', { name: 'E', storage: 'file' })));
        record('e pub', await api(e, 'E', 'x'));
        // An account without JetStream.
        record('n info', await api(n, '$JS.API.INFO'));
        record('n create', await api(n, '$JS.API.STREAM.CREATE.S', cfg('S', 'orders.>')));
        record('n names', await api(n, '$JS.API.STREAM.NAMES'));

        const jsz = (await (await fetch(`http://127.0.0.1:${s.httpPort}/jsz?accounts=1`)).json()) as {
          account_details?: { name: string }[];
        };
        record('jsz accounts', (jsz.account_details ?? []).map((d) => d.name).sort());
      } finally {
        for (const c of conns) await c.close().catch(() => {});
        await s?.stop();
        removeDir(dir);
      }
    });
  });
}

describe('JetStream per account: Tern matches nats-server', () => {
  it('gives the same replies', () => {
    const diffs = Object.entries(results)
      .filter(([, v]) => JSON.stringify(v.tern) !== JSON.stringify(v['nats-server']))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    assert.deepEqual(diffs, []);
    assert.ok(Object.keys(results).length > 10);
  });

  it('isolates accounts and enforces their limits (on both servers)', () => {
    for (const t of ['tern', 'nats-server']) {
      const r = (k: string) => results[k]?.[t] as Record<string, unknown> | undefined;
      const code = (k: string) => (r(k)?.error as { err_code?: number } | undefined)?.err_code;
      assert.equal(r('a info S')?.messages, 2, t);
      assert.equal(r('b info S')?.messages, 1, t);
      assert.deepEqual(r('a names')?.streams, ['S'], t);
      assert.equal(code('a info ONLYB'), 10059, t);
      assert.equal(code('b create third'), 10027, t);
      assert.equal(r('a create third')?.name, 'T3', t);
      assert.equal(code('b consumer 2'), 10026, t);
      assert.equal(code('b too big'), 10028, t);
      assert.equal(r('c pub 1')?.seq, 1, t);
      assert.equal(code('c pub 4'), 10002, t);
      assert.equal(code('n info'), 10039, t);
      assert.equal(code('n create'), 10039, t);
      assert.equal(code('d no max_bytes'), 10113, t);
      assert.equal(code('d max_consumers'), 10026, t);
      assert.equal(r('d ok')?.name, 'D', t);
      assert.equal(code('e memory'), 10028, t);
      assert.equal(r('e pub')?.seq, 1, t);
      assert.deepEqual(results['jsz accounts']?.[t], ['A', 'B', 'C', 'D', 'E'], t);
    }
  });
});

/** Operator mode: an account JWT without JetStream, then one with JetStream limits, pushed live. */
function operatorConf(dir: string) {
  const op = createOperator();
  const sys = createAccount();
  const acc = createAccount();
  const sysUser = createUser();
  const user = createUser();
  const creds = (jwt: string, seed: Uint8Array) =>
    credsAuthenticator(new TextEncoder().encode(formatCreds(jwt, seed)));
  const sysJwt = encodeAccount(op, sys.getPublicKey(), {}, { name: 'SYS' });
  return {
    conf: `
operator: ${encodeOperator(op, { system_account: sys.getPublicKey() })}
system_account: ${sys.getPublicKey()}
resolver: { type: full, dir: "${join(dir, 'jwt')}" }
resolver_preload: { ${sys.getPublicKey()}: ${sysJwt} }
jetstream { store_dir: "${join(dir, 'js')}" }
`,
    plainJwt: encodeAccount(op, acc.getPublicKey(), {}, { name: 'APP' }),
    jsJwt: encodeAccount(
      op,
      acc.getPublicKey(),
      { limits: { mem_storage: -1, disk_storage: -1, streams: 1, consumer: -1 } },
      { name: 'APP', iat: Math.floor(Date.now() / 1000) + 1 },
    ),
    sysCreds: creds(encodeUser(sys, sysUser.getPublicKey()), sysUser.getSeed()),
    userCreds: creds(encodeUser(acc, user.getPublicKey()), user.getSeed()),
  };
}

const opResults: Record<string, Record<string, unknown>> = {};
for (const target of TARGETS) {
  describe(`JetStream for an operator-mode account on ${target.name}`, { timeout: 60_000 }, () => {
    it('is enabled by a claims update with JetStream limits', async () => {
      const dir = mkdtempSync(join(tmpdir(), `tern-jsop-${target.name}-`));
      const o = operatorConf(dir);
      const s = await target.start(o.conf);
      const conns: NatsConnection[] = [];
      const record = (k: string, v: unknown) => {
        opResults[k] ??= {};
        opResults[k]![target.name] = normalize(v);
      };
      try {
        const sys = await connect({ port: s.port, authenticator: o.sysCreds });
        conns.push(sys);
        const update = async (jwt: string) =>
          (await sys.request('$SYS.REQ.CLAIMS.UPDATE', jwt, { timeout: 5000 })).json<{
            data?: { code: number };
          }>().data?.code;
        assert.equal(await update(o.plainJwt), 200);
        const nc = await connect({ port: s.port, authenticator: o.userCreds });
        conns.push(nc);
        const cfg = { name: 'S', subjects: ['s.>'], storage: 'memory' };
        record('before', pick(await api(nc, '$JS.API.INFO')));
        assert.equal(await update(o.jsJwt), 200);
        record('create', pick(await api(nc, '$JS.API.STREAM.CREATE.S', cfg)));
        record('pub', await api(nc, 's.1', 'x'));
        record(
          'second',
          pick(await api(nc, '$JS.API.STREAM.CREATE.T', { ...cfg, name: 'T', subjects: ['t'] })),
        );
        record('info', pick(await api(nc, '$JS.API.INFO')));
      } finally {
        for (const c of conns) await c.close().catch(() => {});
        await s.stop();
        removeDir(dir);
      }
    });
  });
}

describe('JetStream for an operator-mode account: Tern matches nats-server', () => {
  it('gives the same replies', () => {
    const diffs = Object.entries(opResults)
      .filter(([, v]) => JSON.stringify(v.tern) !== JSON.stringify(v['nats-server']))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    assert.deepEqual(diffs, []);
    const tern = (k: string) => (opResults[k]?.tern ?? {}) as { seq?: number; error?: { err_code?: number } };
    const code = (k: string) => tern(k).error?.err_code;
    assert.equal(code('before'), 10039);
    assert.equal(code('second'), 10027);
    assert.equal(tern('pub').seq, 1);
  });
});
