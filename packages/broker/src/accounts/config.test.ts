import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '@nats-io/nkeys';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_AUTH_TIMEOUT_MS } from '../auth/auth-config.js';
import { Authenticator } from '../auth/authenticator.js';
import { ConfigError } from '../config/errors.js';
import { parseConfig } from '../config/parse.js';
import { buildAccountAuth, parseAccountsConfig, validateAccountsForStartup } from './config.js';
import { natsAcceptsConfig, skipWithoutNats, startNats } from './testing.js';

const parse = (text: string) => parseAccountsConfig(parseConfig(text));

const NKEY = createUser().getPublicKey();
const BCRYPT = '$2a$11$abcdefghijklmnopqrstuuVWXYZ0123456789abcdefghijklmnopq';

// Each configuration is checked against `nats-server -t`: both must accept, or both reject.
const ACCEPTED = [
  `accounts {
  A: {
    users: [{user: a, password: a}, {user: b, password: "${BCRYPT}"}, {nkey: ${NKEY}, permissions: {publish: "x"}}]
    exports: [{stream: "a.>"}, {service: "svc.>", response_type: stream}, {stream: "priv.>", accounts: [B]}]
  }
  B: {
    users: [{user: c, password: c}]
    imports: [
      {stream: {account: A, subject: "a.>"}, prefix: pfx}
      {service: {account: A, subject: "svc.x"}, to: "local.x"}
      {stream: {account: A, subject: "priv.>"}}
    ]
  }
}`,
  'accounts { A: { exports: [{stream: "a.*"}] }, B: { imports: [{stream: {account: A, subject: "a.*"}, to: "b.*"}] } }',
  'accounts { A: { exports: [{stream: "a.>"}] }, B: { imports: [{stream: {account: A, subject: "a.b.*"}, to: "x.*"}] } }',
  'accounts { A: { exports: [{service: "s.>"}] }, B: { imports: [{service: {account: A, subject: "s.>"}, to: "y.>"}] } }',
  'accounts { A: { exports: [{service: "svc.*.x", account_token_position: 2}] }, B: { imports: [{service: {account: A, subject: "svc.B.x"}}] } }',
  'accounts { A: { exports: [{service: "s", response: chunked, threshold: "5s"}] } }',
  'jetstream: enabled\naccounts { A: { jetstream: { max_memory: 1G, max_file: 2G, max_streams: 10, max_consumers: 100 } }, B: { jetstream: enabled } }',
  'accounts { A: { jetstream: { max_mem: 1M, max_store: 2M, max_bytes_required: true } }, B: { jetstream: disabled } }',
  'accounts { A: { limits: { max_connections: 2, max_subs: 3, max_payload: 100, max_leafnodes: 1 } } }',
  'accounts { A: { default_permissions: { publish: "x" }, users: [{user: a, password: a}] } }',
  'accounts { SYS: { users: [{user: s, password: s}] } }\nsystem_account: SYS',
  'accounts { $SYS: { users: [{user: s, password: s}] } }',
  'accounts: [A, B]',
  'accounts { A: { users: [{user: a, password: a}] } }\nno_auth_user: a',
  'accounts { A: { exports: [{service: "s"}], imports: [{service: {account: A, subject: "s"}}] } }',
  'accounts { A: { imports: [{service: {account: B, subject: "q"}, share: true}] }, B: { exports: [{service: "q", latency: { sampling: 50, subject: "lat" }}] } }',
];

const REJECTED = [
  'accounts { A: { exports: [{stream: "a.>"}] }, B: { imports: [{stream: {account: A, subject: "b.>"}}] } }',
  'accounts { B: { imports: [{stream: {account: Z, subject: "b.>"}}] } }',
  'accounts { A: { users: [{token: x}] } }',
  'accounts { A: { users: [{user: a, password: a}] }, B: { users: [{user: a, password: b}] } }',
  'authorization { users: [{user: a, password: a}] }\naccounts { A: { users: [{user: a, password: b}] } }',
  'authorization { user: x, password: y }\naccounts { A: { users: [{user: a, password: b}] } }',
  'accounts { A: { exports: [{stream: "p.>", accounts: [C]}] }, B: { imports: [{stream: {account: A, subject: "p.>"}}] }, C: {} }',
  'accounts { A: { exports: [{service: "s.>"}] }, B: { imports: [{service: {account: A, subject: "t.x"}}] } }',
  'accounts { A: { exports: [{stream: "a.*"}] }, B: { imports: [{stream: {account: A, subject: "a.>"}}] } }',
  'accounts { A: { exports: [{service: "svc.*.x", account_token_position: 2}] }, B: { imports: [{service: {account: A, subject: "svc.C.x"}}] }, C: {} }',
  'accounts { A: { exports: [{stream: "a", service: "b"}] } }',
  'accounts { A: { exports: [{stream: "a", foo: 1}] } }',
  'accounts { A: { foo: 1 } }',
  'accounts { A: { exports: [{stream: "a", accounts: [NOPE]}] } }',
  'accounts { A: { jetstream: { max_foo: 1 } } }',
  'accounts { A: { jetstream: maybe } }',
  'accounts { A: { limits: { max_foo: 2 } } }',
  'accounts { A: { users: [{user: a, password: a, account: B}] } , B: {} }',
  'accounts { A: { imports: [{stream: {subject: "x"}}] } }',
  'accounts { $G: {} }',
  'accounts: [A, A]',
  'accounts { A: 1 }',
  'accounts { A: { exports: {stream: x} } }',
  'accounts { A: { exports: [{service: "s", response_type: bogus}] } }',
  'accounts { A: { exports: [{service: "s.>"}] }, B: { imports: [{service: {account: A, subject: "s.x"}, to: "l"}, {service: {account: A, subject: "s.y"}, to: "l"}] } }',
  'accounts { A: { nkey: "bad" } }',
  'accounts { A: { exports: [{stream: "a", response: singleton}] } }',
];

// nats-server 2.9.10 checks `prefix` together with `to` while ranging over a Go map, so it rejects
// an import with both only in some runs; Tern always rejects it.
it('rejects a stream import with both prefix and to', () => {
  assert.throws(() =>
    parse(
      'accounts { A: { exports: [{stream: "a"}] }, B: { imports: [{stream: {account: A, subject: "a"}, prefix: p, to: q}] } }',
    ),
  );
});

describe('accounts config: differential against nats-server -t', { skip: skipWithoutNats }, () => {
  for (const text of ACCEPTED) {
    it(`accepts ${JSON.stringify(text.slice(0, 90))}`, () => {
      const nats = natsAcceptsConfig(text);
      assert.ok(nats.ok, `nats-server rejected a config meant to be valid: ${nats.out}`);
      assert.doesNotThrow(() => parse(text));
    });
  }
  for (const text of REJECTED) {
    it(`rejects ${JSON.stringify(text.slice(0, 90))}`, () => {
      const nats = natsAcceptsConfig(text);
      assert.equal(nats.ok, false, `nats-server accepted: ${text}`);
      assert.throws(() => parse(text), ConfigError);
    });
  }
});

describe('accounts config: parsed values', () => {
  it('reads users, exports, imports and limits', () => {
    const cfg = parse(ACCEPTED[0]!);
    const [a, b] = cfg.accounts;
    assert.equal(a!.name, 'A');
    assert.deepEqual(
      a!.users.map((u) => u.user ?? u.nkey),
      ['a', 'b', NKEY],
    );
    assert.deepEqual(a!.streamExports, [{ subject: 'a.>' }, { subject: 'priv.>', accounts: ['B'] }]);
    assert.deepEqual(a!.serviceExports, [{ subject: 'svc.>', responseType: 'Stream' }]);
    assert.deepEqual(b!.streamImports, [
      { account: 'A', subject: 'a.>', prefix: 'pfx' },
      { account: 'A', subject: 'priv.>' },
    ]);
    assert.deepEqual(b!.serviceImports, [{ account: 'A', subject: 'svc.x', to: 'local.x', share: false }]);
    assert.equal(cfg.systemAccount, '$SYS');
  });

  it('reads JetStream limits with sizes and the enabled/disabled forms', () => {
    const cfg = parse(ACCEPTED[6]!);
    const js = cfg.accounts[0]!.jetstream!;
    // The config lexer reads G as 1000^3 (GB would be 1024^3), like nats-server's.
    assert.equal(js.maxMemory, 1e9);
    assert.equal(js.maxStore, 2e9);
    assert.equal(js.maxStreams, 10);
    assert.equal(js.maxConsumers, 100);
    assert.equal(cfg.accounts[1]!.jetstream!.maxStore, -1);
    assert.equal(parse(ACCEPTED[7]!).accounts[1]!.jetstream!.enabled, false);
  });

  it('applies default_permissions and reads service response thresholds', () => {
    assert.deepEqual(parse(ACCEPTED[9]!).accounts[0]!.users[0]!.permissions, { publish: { allow: ['x'] } });
    assert.deepEqual(parse(ACCEPTED[5]!).accounts[0]!.serviceExports[0], {
      subject: 's',
      responseType: 'Chunked',
      responseThresholdMs: 5000,
    });
  });

  it('reports nats-server’s texts for import errors', () => {
    assert.throws(
      () => parse(REJECTED[0]!),
      /Error adding stream import "b.>": stream import not authorized/,
    );
    assert.throws(() => parse(REJECTED[1]!), /"Z" account not defined for stream import/);
    assert.throws(() => parse(REJECTED[3]!), /Duplicate user "a" detected/);
    assert.throws(() => parse(REJECTED[19]!), /"\$G" is a Reserved Account/);
  });

  it('checks system_account and no_auth_user at startup, as nats-server does', () => {
    // Both pass `nats-server -t` but stop the server from starting.
    assert.throws(
      () => validateAccountsForStartup(parse('accounts { A: {} }\nsystem_account: NOPE')),
      /error resolving system account: account missing/,
    );
    assert.throws(
      () =>
        validateAccountsForStartup(
          parse('accounts { A: { users: [{user: a, password: a}] } }\nno_auth_user: z'),
        ),
      /no_auth_user: "z" not present/,
    );
    assert.doesNotThrow(() => validateAccountsForStartup(parse(ACCEPTED[10]!)));
    assert.doesNotThrow(() => validateAccountsForStartup(parse(ACCEPTED[13]!)));
  });
});

describe('buildAccountAuth', () => {
  it('lets the existing Authenticator log account users in and says which account they belong to', async () => {
    const cfg = parse(`${ACCEPTED[0]!}\nno_auth_user: c`);
    const { auth, accountOf } = buildAccountAuth(cfg, { timeoutMs: DEFAULT_AUTH_TIMEOUT_MS });
    const a = new Authenticator(auth);
    const r1 = await a.authenticate({ user: 'c', pass: 'c' });
    assert.ok(r1.ok && r1.user === 'c');
    assert.equal(accountOf('c'), 'B');
    const r2 = await a.authenticate({});
    assert.ok(r2.ok && r2.user === 'c', 'no_auth_user maps to an account user');
    assert.equal(accountOf(NKEY), 'A');
    assert.equal(accountOf('someone-else'), '$G');
    assert.equal((await a.authenticate({ user: 'a', pass: 'wrong' })).ok, false);
  });
});

describe('accounts config: isolation on nats-server matches the parsed model', {
  skip: skipWithoutNats,
}, () => {
  it('a user of B cannot read A’s subjects except through its import', async () => {
    const text = `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "pub.>"}] }
  B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: "pub.>"}, prefix: fromA}] }
}`;
    const cfg = parse(text);
    assert.deepEqual(cfg.accounts[1]!.streamImports, [{ account: 'A', subject: 'pub.>', prefix: 'fromA' }]);
    const nats = await startNats(() => text);
    const conns: NatsConnection[] = [];
    try {
      const ca = await connect({ port: nats.port, user: 'a', pass: 'a' });
      const cb = await connect({ port: nats.port, user: 'b', pass: 'b' });
      conns.push(ca, cb);
      const direct = cb.subscribe('>');
      await cb.flush();
      ca.publish('secret.x', 's');
      ca.publish('pub.y', 'p');
      await ca.flush();
      const got = await new Promise<string[]>((resolve) => {
        const subjects: string[] = [];
        (async () => {
          for await (const m of direct) {
            subjects.push(m.subject);
            if (m.subject === 'fromA.pub.y') break;
          }
          resolve(subjects);
        })();
      });
      assert.deepEqual(got, ['fromA.pub.y']);
    } finally {
      for (const c of conns) await c.close().catch(() => {});
      await nats.stop();
    }
  });
});
