import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { parseConfig } from '../config/parse.js';
import { Account, AccountRegistry } from './account.js';
import { parseAccountsConfig } from './config.js';
import { decodeAccountClaims, encodeAccount, encodeOperator, encodeUser, formatCreds } from './jwt.js';
import {
  accountConnsEvent,
  accountInfo,
  accountzBody,
  accstatzBody,
  apiErrorReply,
  type ClientInfo,
  connectEvent,
  disconnectEvent,
  handleSysRequest,
  parseSysRequest,
  type Statsz,
  type SysDataProvider,
  SysStamper,
} from './sys.js';
import { skipWithoutNats, startNats } from './testing.js';

const REF = '/work/shared/reference/monitor-2.9.10';

/** The structure of a JSON value: keys in order, value kinds, first array element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  }
  return typeof v;
}

const stamper = () =>
  new SysStamper({ name: 'S1', host: '127.0.0.1', id: 'NABC', version: '2.9.10', jetstream: true });

const CLIENT: ClientInfo = {
  start: '2026-01-01T00:00:00Z',
  host: '127.0.0.1',
  id: 7,
  acc: 'A',
  user: 'u',
  name: 'c2',
  lang: 'nats.js',
  ver: '3.4.0',
  kind: 'Client',
  client_type: 'nats',
};

function registry(): AccountRegistry {
  return AccountRegistry.fromConfig(
    parseAccountsConfig(
      parseConfig(`accounts {
  A: { exports: [{stream: "a.>"}, {service: "svc", response_type: stream, accounts: [B]}] }
  B: { imports: [{stream: {account: A, subject: "a.>"}, prefix: p}, {service: {account: A, subject: "svc"}, to: "s"}] }
}`),
    ),
  );
}

describe('$SYS request subjects', () => {
  it('classifies server pings, directed requests and account requests', () => {
    assert.deepEqual(parseSysRequest('$SYS.REQ.SERVER.PING'), { kind: 'server', endpoint: 'PING' });
    assert.deepEqual(parseSysRequest('$SYS.REQ.SERVER.PING.VARZ'), { kind: 'server', endpoint: 'VARZ' });
    assert.deepEqual(parseSysRequest('$SYS.REQ.SERVER.NABC.CONNZ', 'NABC'), {
      kind: 'server',
      endpoint: 'CONNZ',
      serverId: 'NABC',
    });
    assert.equal(parseSysRequest('$SYS.REQ.SERVER.NOTME.CONNZ', 'NABC'), undefined);
    assert.deepEqual(parseSysRequest('$SYS.REQ.ACCOUNT.A.INFO'), {
      kind: 'account',
      account: 'A',
      endpoint: 'INFO',
    });
    assert.deepEqual(parseSysRequest('$SYS.REQ.ACCOUNT.PING.STATZ'), {
      kind: 'account-ping',
      endpoint: 'STATZ',
    });
    assert.equal(parseSysRequest('$SYS.REQ.SERVER.PING.NOPE'), undefined);
    assert.equal(parseSysRequest('foo.bar'), undefined);
  });
});

describe('$SYS payload builders', () => {
  it('stamps server info with an increasing seq and nats-server’s key order', () => {
    const s = stamper();
    const a = s.serverInfo();
    const b = s.serverInfo();
    assert.deepEqual(Object.keys(a), ['name', 'host', 'id', 'ver', 'seq', 'jetstream', 'time']);
    assert.equal(b.seq, a.seq + 1);
  });

  it('builds connect, disconnect and account-conns events', () => {
    const s = stamper();
    const ev = connectEvent(s.serverInfo(), { ...CLIENT, rtt: 0, jwt: '' }) as Record<string, unknown>;
    assert.equal(ev.type, 'io.nats.server.advisory.v1.client_connect');
    assert.match(ev.id as string, /^[0-9A-Za-z]{22}$/);
    assert.deepEqual(Object.keys(ev.client as object), [
      'start',
      'host',
      'id',
      'acc',
      'user',
      'name',
      'lang',
      'ver',
      'kind',
      'client_type',
    ]);
    const dis = disconnectEvent(
      s.serverInfo(),
      CLIENT,
      { msgs: 1, bytes: 2 },
      { msgs: 3, bytes: 4 },
      'Client Closed',
    );
    assert.deepEqual(Object.keys(dis), [
      'type',
      'id',
      'timestamp',
      'server',
      'client',
      'sent',
      'received',
      'reason',
    ]);
    const a = new Account('A');
    a.addConnection();
    const conns = accountConnsEvent(s.serverInfo(), a) as Record<string, unknown>;
    assert.equal(conns.type, 'io.nats.server.advisory.v1.account_connections');
    assert.equal(conns.conns, 1);
  });

  it('builds /accountz and /accstatz with the reference fields', () => {
    const r = registry();
    const list = accountzBody(r, 'NABC');
    assert.ok(list.ok);
    assert.deepEqual(shape(list.body), shape(JSON.parse(readFileSync(`${REF}/accountz.json`, 'utf8'))));
    assert.deepEqual((list.body as { accounts: string[] }).accounts, ['$G', '$SYS', 'A', 'B']);
    const g = accountzBody(r, 'NABC', '$G');
    assert.ok(g.ok);
    const ref = JSON.parse(readFileSync(`${REF}/accountz_acc__G.json`, 'utf8'));
    assert.deepEqual(Object.keys(g.body), Object.keys(ref));
    const detail = (g.body as { account_detail: Record<string, unknown> }).account_detail;
    assert.deepEqual(Object.keys(detail), Object.keys(ref.account_detail));
    assert.deepEqual(shape((detail.imports as unknown[])[0]), shape(ref.account_detail.imports[0]));
    assert.deepEqual(accountzBody(r, 'NABC', 'nope'), {
      ok: false,
      status: 400,
      error: 'Account nope does not exist',
    });

    const st = accstatzBody(r, 'NABC');
    assert.deepEqual(shape(st), shape(JSON.parse(readFileSync(`${REF}/accstatz.json`, 'utf8'))));
    r.get('B')!.addConnection();
    const withB = accstatzBody(r, 'NABC') as { account_statz: Array<{ acc: string }> };
    assert.deepEqual(
      withB.account_statz.map((x) => x.acc),
      ['B'],
    );
    assert.equal(
      (accstatzBody(r, 'NABC', { includeUnused: true }) as { account_statz: unknown[] }).account_statz.length,
      4,
    );
  });

  it('lists exports, imports and pending responses in account info', () => {
    const r = registry();
    r.routePublish('B', 's', '_INBOX.1');
    const a = accountInfo(r, 'A') as Record<string, unknown>;
    assert.deepEqual(a.exports, [
      { subject: 'a.>', type: 'stream' },
      { subject: 'svc', type: 'service', approved_accounts: ['B'], response_type: 'Streamed' },
    ]);
    assert.equal((a.responses as Array<{ to: string }>)[0]!.to, '_INBOX.1');
    const b = accountInfo(r, 'B') as { imports: Array<{ subject: string; to: string; type: string }> };
    assert.deepEqual(
      b.imports.filter((i) => !i.subject.startsWith('$SYS')),
      [
        {
          subject: 'a.>',
          account: 'A',
          to: 'p.a.>',
          type: 'stream',
          invalid: false,
          share: false,
          tracking: false,
        },
        {
          subject: 's',
          account: 'A',
          to: 'svc',
          type: 'service',
          invalid: false,
          share: false,
          tracking: false,
        },
      ],
    );
  });
});

describe('handleSysRequest', () => {
  const statsz: Statsz = {
    start: 't',
    mem: 1,
    cores: 2,
    cpu: 0,
    connections: 0,
    total_connections: 0,
    active_accounts: 1,
    subscriptions: 0,
    sent: { msgs: 0, bytes: 0 },
    received: { msgs: 0, bytes: 0 },
    slow_consumers: 0,
    active_servers: 1,
  };
  const calls: string[] = [];
  const provider: SysDataProvider = {
    statsz: () => statsz,
    varz: () => ({ server_id: 'NABC' }),
    connz: (_o, acc) => {
      calls.push(`connz:${acc ?? ''}`);
      return { num_connections: 0 };
    },
    subsz: (o, acc) => {
      calls.push(`subsz:${acc ?? ''}:${String(o.subscriptions)}`);
      return { num_subscriptions: 0 };
    },
    jsz: () => undefined,
    healthz: () => ({ status: 'ok' }),
    registry: registry(),
    serverId: 'NABC',
  };
  const ask = (subject: string, body = '') => {
    const req = parseSysRequest(subject, 'NABC');
    assert.ok(req, subject);
    const out = handleSysRequest(req, body, stamper(), provider);
    return out === undefined ? undefined : JSON.parse(out);
  };

  it('answers pings with statsz and the other endpoints with the server/data envelope', () => {
    assert.deepEqual(Object.keys(ask('$SYS.REQ.SERVER.PING')), ['server', 'statsz']);
    assert.deepEqual(ask('$SYS.REQ.SERVER.PING.HEALTHZ').data, { status: 'ok' });
    assert.deepEqual(Object.keys(ask('$SYS.REQ.SERVER.PING.VARZ')), ['server', 'data']);
    assert.equal(ask('$SYS.REQ.SERVER.PING.JSZ'), undefined, 'no JetStream, no answer');
    assert.deepEqual(ask('$SYS.REQ.SERVER.PING.ACCOUNTZ').data.accounts, ['$G', '$SYS', 'A', 'B']);
    assert.equal(
      ask('$SYS.REQ.SERVER.PING.ACCOUNTZ', '{"account":"A"}').data.account_detail.account_name,
      'A',
    );
    assert.deepEqual(ask('$SYS.REQ.SERVER.PING.ACCOUNTZ', '{"account":"Z"}').error, {
      code: 400,
      description: 'Account Z does not exist',
    });
    assert.equal(ask('$SYS.REQ.SERVER.PING.CONNZ', '{bad').error.code, 400);
  });

  it('scopes account requests to the account', () => {
    calls.length = 0;
    ask('$SYS.REQ.ACCOUNT.A.CONNZ');
    ask('$SYS.REQ.ACCOUNT.A.SUBSZ');
    assert.deepEqual(calls, ['connz:A', 'subsz:A:true']);
    assert.equal(ask('$SYS.REQ.ACCOUNT.A.INFO').data.account_name, 'A');
    assert.equal(ask('$SYS.REQ.ACCOUNT.A.STATZ').data.account_statz[0].acc, 'A');
    assert.equal(ask('$SYS.REQ.ACCOUNT.NOPE.INFO'), undefined);
    assert.deepEqual(apiErrorReply(stamper().serverInfo(), 500, 'x'), {
      server: (apiErrorReply(stamper().serverInfo(), 500, 'x') as { server: unknown }).server,
      error: { code: 500, description: 'x' },
    });
  });
});

describe('$SYS payloads match nats-server 2.9.10', { skip: skipWithoutNats }, () => {
  it('has the same structure for connect/disconnect events, statsz and account INFO', async () => {
    const op = createOperator();
    const sys = createAccount();
    const acc = createAccount();
    const su = createUser();
    const u = createUser();
    const opJwt = encodeOperator(op, { system_account: sys.getPublicKey() });
    const sysJwt = encodeAccount(op, sys.getPublicKey(), {}, { name: 'SYS' });
    const accJwt = encodeAccount(op, acc.getPublicKey(), {}, { name: 'A' });
    const creds = (jwt: string, kp: ReturnType<typeof createUser>) =>
      credsAuthenticator(new TextEncoder().encode(formatCreds(jwt, kp.getSeed())));
    const nats = await startNats(
      () => `server_name: S1
operator: ${opJwt}
system_account: ${sys.getPublicKey()}
resolver: MEMORY
resolver_preload: { ${sys.getPublicKey()}: ${sysJwt}, ${acc.getPublicKey()}: ${accJwt} }`,
    );
    const conns: NatsConnection[] = [];
    try {
      const snc = await connect({
        port: nats.port,
        authenticator: creds(encodeUser(sys, su.getPublicKey()), su),
      });
      conns.push(snc);
      const events = snc.subscribe(`$SYS.ACCOUNT.${acc.getPublicKey()}.>`);
      await snc.flush();
      const userJwt = encodeUser(acc, u.getPublicKey(), {}, { name: 'u' });
      const nc = await connect({ port: nats.port, name: 'c2', authenticator: creds(userJwt, u) });
      await nc.close();
      const got: Record<string, unknown> = {};
      for await (const m of events) {
        got[m.subject.split('.').slice(3).join('.')] = m.json();
        if ('DISCONNECT' in got) break;
      }
      const s = stamper();
      const client: ClientInfo = {
        ...CLIENT,
        acc: acc.getPublicKey(),
        user: u.getPublicKey(),
        jwt: userJwt,
        issuer_key: acc.getPublicKey(),
        name_tag: 'u',
      };
      assert.deepEqual(shape(connectEvent(s.serverInfo(), client)), shape(got.CONNECT));
      assert.deepEqual(
        shape(
          disconnectEvent(
            s.serverInfo(),
            { ...client, rtt: 1, stop: 't' },
            { msgs: 0, bytes: 0 },
            { msgs: 0, bytes: 0 },
            'Client Closed',
          ),
        ),
        shape(got.DISCONNECT),
      );
      const a = Account.fromClaims(decodeAccountClaims(accJwt), accJwt);
      assert.deepEqual(shape(accountConnsEvent(s.serverInfo(), a)), shape(got['SERVER.CONNS']));

      const ping = (await snc.request('$SYS.REQ.SERVER.PING', '', { timeout: 5000 })).json<
        Record<string, Record<string, unknown>>
      >();
      const statsKeys = Object.keys(ping.statsz!).filter((k) => k !== 'jetstream');
      assert.deepEqual(statsKeys, [
        'start',
        'mem',
        'cores',
        'cpu',
        'connections',
        'total_connections',
        'active_accounts',
        'subscriptions',
        'sent',
        'received',
        'slow_consumers',
        'active_servers',
      ]);
      assert.deepEqual(
        Object.keys(ping.server!),
        Object.keys(s.serverInfo()).map((k) => (k === 'jetstream' ? 'jetstream' : k)),
      );

      const r = new AccountRegistry({ systemAccount: sys.getPublicKey() });
      r.upsert(a);
      const info = (
        await snc.request(`$SYS.REQ.ACCOUNT.${acc.getPublicKey()}.INFO`, '', { timeout: 5000 })
      ).json<{
        data: Record<string, unknown>;
      }>();
      const mine = accountInfo(r, acc.getPublicKey(), { jetstreamEnabled: false }) as Record<string, unknown>;
      assert.deepEqual(Object.keys(mine), Object.keys(info.data));
      const theirImports = (info.data.imports as Array<{ subject: string; to: string }>).filter(
        (i) => !i.subject.startsWith('$JS'),
      );
      const sortKey = (i: { subject: string; to: string }) => `${i.subject} ${i.to}`;
      assert.deepEqual(
        (mine.imports as Array<{ subject: string; to: string }>).map(sortKey).sort(),
        theirImports.map(sortKey).sort(),
      );
    } finally {
      for (const c of conns) await c.close().catch(() => {});
      await nats.stop();
    }
  });
});
