import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { parseConfig } from '../config/parse.js';
import { Account, AccountRegistry, type Delivery } from './account.js';
import { parseAccountsConfig } from './config.js';
import { decodeAccountClaims, encodeAccount, unlimitedJetStream } from './jwt.js';
import { transformSubject } from './subjects.js';
import { skipWithoutNats, startNats } from './testing.js';

const CONFIG = `accounts {
  A: {
    users: [{user: a, password: a}]
    exports: [
      {stream: "pub.>"}
      {stream: "map.*.in"}
      {stream: "priv.>", accounts: [C]}
      {service: "svc.>"}
      {service: "feed.req", response_type: stream, threshold: "10s"}
    ]
  }
  B: {
    users: [{user: b, password: b}]
    imports: [
      {stream: {account: A, subject: "pub.>"}, prefix: fromA}
      {stream: {account: A, subject: "map.*.in"}, to: "mapped.*"}
      {service: {account: A, subject: "svc.echo"}, to: "echo"}
      {service: {account: A, subject: "feed.req"}}
    ]
    exports: [{stream: "fromA.>"}]
  }
  C: {
    users: [{user: c, password: c}]
    imports: [
      {stream: {account: A, subject: "priv.>"}}
      {stream: {account: B, subject: "fromA.>"}, prefix: viaB}
    ]
  }
}`;

function registry(now?: () => number): AccountRegistry {
  return AccountRegistry.fromConfig(parseAccountsConfig(parseConfig(CONFIG)), now ? { now } : {});
}

const key = (d: Delivery) => `${d.account}:${d.subject}`;

describe('AccountRegistry basics', () => {
  it('always has $G and the system account', () => {
    const r = new AccountRegistry();
    assert.deepEqual(r.names(), ['$G', '$SYS']);
    assert.deepEqual(registry().names(), ['$G', '$SYS', 'A', 'B', 'C']);
    assert.equal(new AccountRegistry({ systemAccount: 'SYS' }).systemAccount, 'SYS');
  });

  it('keeps accounts isolated: a publish stays in its account unless exported', () => {
    const r = registry();
    assert.deepEqual(r.routePublish('B', 'pub.x').map(key), ['B:pub.x']);
    assert.deepEqual(r.routePublish('A', 'secret').map(key), ['A:secret']);
    assert.deepEqual(r.routePublish('$G', 'pub.x').map(key), ['$G:pub.x']);
  });
});

describe('stream imports', () => {
  it('delivers to importers with prefix and wildcard mapping, but not on through re-exports', () => {
    const r = registry();
    // C imports B's `fromA.>`; nats-server 2.9.10 does not forward A's messages that way.
    assert.deepEqual(r.routePublish('A', 'pub.x.y', 'inbox').map(key), ['A:pub.x.y', 'B:fromA.pub.x.y']);
    assert.deepEqual(r.routePublish('B', 'fromA.z').map(key), ['B:fromA.z', 'C:viaB.fromA.z']);
    assert.deepEqual(r.routePublish('A', 'map.k.in').map(key), ['A:map.k.in', 'B:mapped.k']);
    assert.deepEqual(r.routePublish('A', 'map.k.out').map(key), ['A:map.k.out']);
  });

  it('keeps the reply subject on stream deliveries', () => {
    const d = registry().routePublish('A', 'pub.q', '_INBOX.1');
    assert.ok(d.every((x) => x.reply === '_INBOX.1'));
  });

  it('delivers private exports only to the approved accounts', () => {
    const r = registry();
    assert.deepEqual(r.routePublish('A', 'priv.z').map(key), ['A:priv.z', 'C:priv.z']);
    assert.equal(r.get('A')!.exportsStreamTo('B', 'priv.z'), false);
    assert.equal(r.get('A')!.exportsStreamTo('C', 'priv.>'), true);
  });

  it('stops delivering when the exporter withdraws the export', () => {
    const r = registry();
    const a = Account.fromConfig(parseAccountsConfig(parseConfig(CONFIG)).accounts[0]!);
    a.streamExports = a.streamExports.filter((e) => e.subject !== 'pub.>');
    r.upsert(a);
    assert.deepEqual(r.routePublish('A', 'pub.x').map(key), ['A:pub.x']);
    assert.equal(r.invalidImports('B').length, 1);
  });
});

describe('service imports', () => {
  it('maps a request to the exporter with a fresh _R_ reply, and the singleton response back', () => {
    const r = registry();
    const req = r.routePublish('B', 'echo', '_INBOX.abc');
    assert.equal(req.length, 2);
    assert.deepEqual(key(req[0]!), 'B:echo');
    assert.equal(req[1]!.account, 'A');
    assert.equal(req[1]!.subject, 'svc.echo');
    const mapped = req[1]!.reply!;
    assert.match(mapped, /^_R_\.[0-9A-Za-z]{6}\.[0-9A-Za-z]{10}$/);
    assert.equal(r.pendingResponses('A').length, 1);

    const resp = r.routePublish('A', mapped);
    assert.deepEqual(resp.map(key), [`A:${mapped}`, 'B:_INBOX.abc']);
    // Singleton: a second response goes nowhere.
    assert.deepEqual(r.routePublish('A', mapped).map(key), [`A:${mapped}`]);
    assert.equal(r.pendingResponses('A').length, 0);
  });

  it('keeps stream-type response mappings until the threshold passes', () => {
    let now = 1_000;
    const r = registry(() => now);
    const mapped = r.routePublish('B', 'feed.req', '_INBOX.s')[1]!.reply!;
    for (let i = 0; i < 3; i++) assert.equal(r.routePublish('A', mapped).length, 2);
    now += 10_001;
    assert.equal(r.sweepResponses(), 1);
    assert.deepEqual(r.routePublish('A', mapped).map(key), [`A:${mapped}`]);
  });

  it('expires unanswered singleton mappings after the default threshold', () => {
    let now = 0;
    const r = registry(() => now);
    r.routePublish('B', 'echo', '_INBOX.x');
    now = 119_999;
    assert.equal(r.sweepResponses(), 0);
    now = 120_000;
    assert.equal(r.sweepResponses(), 1);
  });

  it('sends a request without reply as a plain message', () => {
    const d = registry().routePublish('B', 'echo');
    assert.deepEqual(d, [
      { account: 'B', subject: 'echo' },
      { account: 'A', subject: 'svc.echo' },
    ]);
  });

  it('maps wildcard service imports token by token', () => {
    assert.equal(transformSubject('y.>', 's.>', 'y.a.b'), 's.a.b');
    assert.equal(transformSubject('a.*.b.*', 'x.$2.$1', 'a.1.b.2'), 'x.2.1');
    assert.equal(transformSubject('a.*', 'x.{{wildcard(1)}}', 'a.q'), 'x.q');
    assert.equal(transformSubject('a.*', 'x', 'b.q'), undefined);
  });
});

describe('implicit system imports', () => {
  it('route a user’s own-account requests into the system account and the reply back', () => {
    const r = registry();
    const d = r.routePublish('B', '$SYS.REQ.SERVER.PING.CONNZ', '_INBOX.me');
    assert.deepEqual(d.map(key), ['B:$SYS.REQ.SERVER.PING.CONNZ', '$SYS:$SYS.REQ.ACCOUNT.B.CONNZ']);
    assert.deepEqual(r.routePublish('$SYS', d[1]!.reply!).at(-1), { account: 'B', subject: '_INBOX.me' });
    assert.deepEqual(r.routePublish('B', '$SYS.REQ.ACCOUNT.A.CONNZ').map(key), [
      'B:$SYS.REQ.ACCOUNT.A.CONNZ',
    ]);
    const off = AccountRegistry.fromConfig(parseAccountsConfig(parseConfig(CONFIG)), {
      systemImports: false,
    });
    assert.equal(off.routePublish('B', '$SYS.REQ.SERVER.PING.CONNZ').length, 1);
  });
});

describe('account limits', () => {
  it('counts connections and subscriptions against the account limits', () => {
    const cfg = parseAccountsConfig(
      parseConfig('accounts { L: { limits: { max_connections: 1, max_subs: 2, max_payload: 100 } } }'),
    );
    const a = Account.fromConfig(cfg.accounts[0]!);
    assert.equal(a.addConnection(), undefined);
    assert.equal(a.addConnection(), 'maximum account active connections exceeded');
    a.removeConnection();
    assert.equal(a.addConnection(), undefined);
    assert.equal(a.counters.totalConnections, 2);
    assert.equal(a.addSubscription(), undefined);
    assert.equal(a.addSubscription(), undefined);
    assert.equal(a.addSubscription(), 'maximum subscriptions exceeded');
    assert.equal(a.effectiveMaxPayload(1 << 20), 100);
    assert.equal(new Account('X').effectiveMaxPayload(1 << 20), 1 << 20);
  });

  it('builds JWT accounts: limits, JetStream, imports with local subjects, revocations', () => {
    const op = createOperator();
    const exporter = createAccount().getPublicKey();
    const pub = createAccount().getPublicKey();
    const claims = decodeAccountClaims(
      encodeAccount(op, pub, {
        limits: { conn: 5, subs: 10, ...unlimitedJetStream(), mem_storage: 1 << 20 },
        imports: [
          { subject: 'feed.>', account: exporter, type: 'stream', local_subject: 'in.>' },
          { subject: 'x', account: exporter, type: 'stream', to: 'pfx' },
          { subject: 'svc', account: exporter, type: 'service', local_subject: 'my.svc' },
        ],
        exports: [{ subject: 'q', type: 'service', response_type: 'Chunked', response_threshold: 3e9 }],
        revocations: { UXXX: 1 },
      }),
    );
    const a = Account.fromClaims(claims);
    assert.equal(a.name, pub);
    assert.equal(a.limits.maxConnections, 5);
    assert.equal(a.jetstream?.maxMemory, 1 << 20);
    assert.equal(a.jetstream?.maxStore, -1);
    assert.deepEqual(a.streamImports, [
      { account: exporter, subject: 'feed.>', to: 'in.>' },
      { account: exporter, subject: 'x', prefix: 'pfx', to: 'pfx.x' },
    ]);
    assert.deepEqual(a.serviceImports, [{ account: exporter, subject: 'svc', to: 'my.svc', share: false }]);
    assert.deepEqual(a.serviceExports, [
      { subject: 'q', responseType: 'Chunked', responseThresholdMs: 3000 },
    ]);
    assert.deepEqual(a.revocations, { UXXX: 1 });
    const noJs = Account.fromClaims(decodeAccountClaims(encodeAccount(op, pub)));
    assert.equal(noJs.jetstream, undefined);
  });
});

describe('routing matches nats-server 2.9.10', { skip: skipWithoutNats }, () => {
  it('delivers the same subjects to each account for stream imports, re-exports and service imports', async () => {
    const r = registry();
    const nats = await startNats(() => CONFIG);
    const conns: Record<string, NatsConnection> = {};
    try {
      for (const u of ['a', 'b', 'c']) conns[u] = await connect({ port: nats.port, user: u, pass: u });
      const seen: Record<string, string[]> = { A: [], B: [], C: [] };
      const subs = Object.entries({ A: 'a', B: 'b', C: 'c' }).map(([acc, u]) => {
        const s = conns[u]!.subscribe('>');
        (async () => {
          for await (const m of s) if (!m.subject.startsWith('_')) seen[acc]!.push(m.subject);
        })();
        return s;
      });
      for (const c of Object.values(conns)) await c.flush();
      const published: Array<[string, string]> = [
        ['A', 'pub.one'],
        ['A', 'map.k.in'],
        ['A', 'priv.p'],
        ['A', 'other'],
        ['B', 'echo'],
        ['B', 'fromA.local'],
        ['C', 'pub.one'],
      ];
      const user = { A: 'a', B: 'b', C: 'c' } as Record<string, string>;
      for (const [acc, subject] of published) {
        conns[user[acc]!]!.publish(subject, '');
        await conns[user[acc]!]!.flush();
      }
      // Barrier: a round trip on every connection after the last publish.
      for (const c of Object.values(conns)) await c.flush();
      const expected: Record<string, string[]> = { A: [], B: [], C: [] };
      for (const [acc, subject] of published) {
        for (const d of r.routePublish(acc, subject)) expected[d.account]!.push(d.subject);
      }
      assert.deepEqual(seen, expected);
      for (const s of subs) s.unsubscribe();

      // Request/reply through the service import: the reply reaches B, as the model predicts.
      const responder = conns.a!.subscribe('svc.echo');
      (async () => {
        for await (const m of responder) m.respond(`re:${m.subject}`);
      })();
      await conns.a!.flush();
      const res = await conns.b!.request('echo', 'hi', { timeout: 5000 });
      assert.equal(res.string(), 're:svc.echo');
      responder.unsubscribe();

      // Response types: a Singleton service delivers one response, a Stream service all of them.
      const twice = conns.a!.subscribe('svc.echo');
      const stream = conns.a!.subscribe('feed.req');
      for (const sub of [twice, stream]) {
        (async () => {
          for await (const m of sub) {
            m.respond('1');
            m.respond('2');
            await conns.a!.flush();
            conns.a!.publish('done', '');
          }
        })();
      }
      await conns.a!.flush();
      for (const [subject, expectCount] of [
        ['echo', 1],
        ['feed.req', 2],
      ] as const) {
        const inbox = `_INBOX.${subject}`;
        let got = 0;
        const replies = conns.b!.subscribe(inbox, {
          callback: () => {
            got++;
          },
        });
        const done = conns.a!.subscribe('done', { max: 1 });
        await conns.a!.flush();
        await conns.b!.flush();
        conns.b!.publish(subject, '', { reply: inbox });
        // The responder has sent both responses once `done` arrives; then barrier B's connection.
        for await (const _ of done) break;
        await conns.b!.flush();
        replies.unsubscribe();
        const model = r.routePublish('B', subject, inbox);
        const mapped = model.at(-1)!.reply!;
        const modelCount = [1, 2].filter(() => r.routePublish('A', mapped).length === 2).length;
        assert.equal(got, expectCount, `nats-server responses for ${subject}`);
        assert.equal(modelCount, expectCount, `model responses for ${subject}`);
      }

      // Implicit system imports: a user asks about its own account through $SYS.
      const own = (await conns.a!.request('$SYS.REQ.ACCOUNT.PING.CONNZ', '', { timeout: 5000 })).json<{
        data: { num_connections: number };
      }>();
      assert.equal(own.data.num_connections, 1);
      assert.deepEqual(r.routePublish('A', '$SYS.REQ.ACCOUNT.PING.CONNZ', '_INBOX.q').map(key), [
        'A:$SYS.REQ.ACCOUNT.PING.CONNZ',
        '$SYS:$SYS.REQ.ACCOUNT.A.CONNZ',
      ]);

      const model = r.routePublish('B', 'echo', '_INBOX.z');
      assert.equal(model[1]!.subject, 'svc.echo');
      assert.deepEqual(r.routePublish('A', model[1]!.reply!).at(-1), { account: 'B', subject: '_INBOX.z' });
    } finally {
      for (const c of Object.values(conns)) await c.close().catch(() => {});
      await nats.stop();
    }
  });
});

describe('JWT exports requiring activation tokens', () => {
  it('authorize no import, since Tern does not check activation tokens', () => {
    const op = createOperator();
    const a = Account.fromClaims(
      decodeAccountClaims(
        encodeAccount(op, createAccount().getPublicKey(), {
          exports: [{ subject: 'tok.>', type: 'stream', token_req: true }],
        }),
      ),
    );
    assert.equal(a.exportsStreamTo('ANY', 'tok.x'), false);
  });
});
