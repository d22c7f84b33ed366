import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './errors.js';
import { parseConfig } from './parse.js';
import { toServerConfig } from './server-config.js';

const load = (text: string) => toServerConfig(parseConfig(text, { file: 's.conf', env: {} }));

describe('toServerConfig', () => {
  it('maps listen, port, http and limits', () => {
    const c = load(`
      listen: 127.0.0.1:-1
      http: "127.0.0.1:-1"
      server_name: edge
      max_payload: 1MB
      max_control_line: 2k
      max_connections: 100
      max_subscriptions: 10
      max_pending: 64mb
      ping_max: 3
    `);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, -1);
    assert.equal(c.httpHost, '127.0.0.1');
    assert.equal(c.httpPort, -1);
    assert.equal(c.serverName, 'edge');
    assert.equal(c.maxPayload, 1_048_576);
    assert.equal(c.maxControlLine, 2000);
    assert.equal(c.maxConnections, 100);
    assert.equal(c.maxSubscriptions, 10);
    assert.equal(c.maxPending, 64 * 1_048_576);
    assert.equal(c.pingMax, 3);
    assert.deepEqual(c.warnings, []);
  });

  it('accepts host/net/port, http_port, monitor_port and the ping_max alias', () => {
    const c = load('host: 0.0.0.0\nport: 4333\nhttp_port: 8222\nmax_outstanding_pings: 5');
    assert.deepEqual([c.host, c.port, c.httpPort, c.pingMax], ['0.0.0.0', 4333, 8222, 5]);
    assert.equal(load('net: ::1\nmonitor_port: -1').httpPort, -1);
    assert.equal(load('listen: 4999').port, 4999);
    assert.equal(load('http: 8223').httpPort, 8223);
    assert.deepEqual(load('listen: "[::1]:4222"').host, '::1');
  });

  it('converts durations to milliseconds; bare integers are seconds with a warning', () => {
    const c = load('ping_interval: "2m"\nwrite_deadline: 500ms');
    assert.equal(c.pingIntervalMs, 120_000);
    assert.equal(c.writeDeadlineMs, 500);
    const d = load('ping_interval: 3');
    assert.equal(d.pingIntervalMs, 3000);
    assert.deepEqual(d.warnings, [
      's.conf:1:1: invalid use of field "ping_interval": ping_interval should be converted to a duration',
    ]);
    // Unquoted 1m is a size (1,000,000) in nats-server's grammar, hence 1e6 seconds.
    assert.equal(load('ping_interval: 1m').pingIntervalMs, 1e9);
    assert.equal(load('ping_interval: "1h30m"').pingIntervalMs, 5_400_000);
  });

  it('rejects bad durations and wrong types with a location', () => {
    assert.throws(
      () => load('port: 1\nping_interval: "2x"'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === 's.conf:2:1: error parsing ping_interval: time: unknown unit "x" in duration "2x"',
    );
    assert.throws(
      () => load('port: "abc"'),
      /^ConfigError: s\.conf:1:1: error parsing "port": expected an integer/,
    );
    assert.throws(() => load('write_deadline: 1.5'), /expected a duration, got float/);
    assert.throws(() => load('listen: "nohost"'), /could not parse address string/);
  });

  it('maps logging and files', () => {
    const c = load(
      'debug: true\ntrace: yes\nlogtime: false\nlog_file: /tmp/x.log\npid_file: "/tmp/x.pid"\nports_file_dir: /tmp',
    );
    assert.deepEqual(
      [c.debug, c.trace, c.logtime, c.logFile, c.pidFile, c.portsFileDir],
      [true, true, false, '/tmp/x.log', '/tmp/x.pid', '/tmp'],
    );
  });

  it('maps jetstream in every form', () => {
    assert.deepEqual(load('jetstream: true').jetstream, { enabled: true });
    assert.deepEqual(load('jetstream: enabled').jetstream, { enabled: true });
    assert.deepEqual(load('jetstream: "disabled"').jetstream, { enabled: false });
    assert.deepEqual(load('jetstream { store_dir: "/data", max_mem: 1G, max_file_store: 10gb }').jetstream, {
      enabled: true,
      storeDir: '/data',
      maxMemoryStore: 1e9,
      maxFileStore: 10 * 1024 ** 3,
    });
    assert.equal(load('jetstream { max_memory_store: "512M" }').jetstream?.maxMemoryStore, 512 * 1024 ** 2);
    const w = load('jetstream { domain: hub }');
    assert.match(w.warnings[0]!, /jetstream "domain" is not supported/);
  });

  it('maps authorization: token, single user, users with permissions, timeout', () => {
    assert.deepEqual(load('authorization { token: s3cr3t }').authorization, { token: 's3cr3t' });
    const single = load(
      'authorization { user: a, password: b, timeout: 1.5, permissions: { publish: "x.>" } }',
    );
    assert.deepEqual(single.authorization, {
      user: 'a',
      password: 'b',
      timeoutMs: 1500,
      permissions: { publish: { allow: ['x.>'] } },
    });
    assert.equal(single.authTimeoutMs, 1500);
    const multi = load(`
      authorization {
        default_permissions: { subscribe: "_INBOX.>" }
        users: [
          { user: alice, password: "pw", permissions: {
              publish: { allow: ["a.>"], deny: "a.secret" }
              subscribe: ["b.*", "jobs.> workers"]
              allow_responses: { max: 5, expires: "1s" } } }
          { user: bob, pass: 1234 }
          { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }
        ]
      }
      no_auth_user: bob
    `);
    assert.deepEqual(multi.authorization?.users, [
      {
        user: 'alice',
        password: 'pw',
        permissions: {
          publish: { allow: ['a.>'], deny: ['a.secret'] },
          subscribe: { allow: ['b.*', 'jobs.> workers'] },
          response: { maxMsgs: 5, expiresMs: 1000 },
        },
      },
      { user: 'bob', password: '1234', permissions: { subscribe: { allow: ['_INBOX.>'] } } },
      {
        nkey: 'UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4',
        permissions: { subscribe: { allow: ['_INBOX.>'] } },
      },
    ]);
    assert.equal(multi.noAuthUser, 'bob');
  });

  it('applies allow_responses defaults and the implicit publish lock-down', () => {
    const c = load(
      'authorization { users: [{ user: s, password: p, permissions: { subscribe: "req", allow_responses: true } }] }',
    );
    assert.deepEqual(c.authorization?.users?.[0]?.permissions, {
      subscribe: { allow: ['req'] },
      response: { maxMsgs: 1, expiresMs: 120_000 },
      publish: { allow: [] },
    });
    const z = load(
      'authorization { users: [{ user: s, password: p, permissions: { allow_responses: { max: 0, expires: "0s" } } }] }',
    );
    assert.deepEqual(z.authorization?.users?.[0]?.permissions?.response, { maxMsgs: 1, expiresMs: 120_000 });
    const n = load(
      'authorization { users: [{ user: s, password: p, permissions: { allow_responses: { max: -1 } } }] }',
    );
    assert.equal(n.authorization?.users?.[0]?.permissions?.response?.maxMsgs, -1);
  });

  it('rejects what nats-server rejects in authorization, with nats-server wording', () => {
    const cases: [string, RegExp][] = [
      [
        'authorization { user: a, password: b, users: [{user: c, password: d}] }',
        /Can not have a single user\/pass and a users array/,
      ],
      [
        'authorization { token: x, users: [{user: c, password: d}] }',
        /Can not have a token and a users array/,
      ],
      ['authorization { token: x, user: a, password: b }', /Cannot have a user\/pass and token/],
      ['authorization {\n  user: a\n  bogus: 1\n}', /^ConfigError: s\.conf:3:3: unknown field "bogus"$/],
      [
        'authorization { users: [{user: c, password: d}, {user: c, password: e}] }',
        /Duplicate user "c" detected/,
      ],
      ['authorization { users: [{nkey: UBAD}] }', /Not a valid public nkey for a user/],
      [
        'authorization { users: [{user: c, permissions: { publish: { bogus: "a" } } }] }',
        /Unknown field name "bogus" parsing subject permissions, only 'allow' or 'deny' are permitted/,
      ],
      [
        'authorization { users: [{user: c, permissions: { publish: "a..b" } }] }',
        /subject "a\.\.b" is not a valid subject/,
      ],
      [
        'authorization { users: [{user: c, permissions: { publish: 5 } }] }',
        /Expected subject permissions to be a subject, or array of subjects, got integer/,
      ],
    ];
    for (const [text, re] of cases) assert.throws(() => load(text), re, text);
  });

  it('warns, never throws, for unsupported blocks and unknown fields', () => {
    const c = load(`
      leafnodes { port: 7422 }
      websocket { port: 8080, no_tls: true }
      cluster { port: 6222, routes: [nats://a:6222] }
      gateway { name: x }
      mqtt { port: 1883 }
      tls { cert_file: "/nonexistent" }
      accounts { A: { users: [{user: x, password: y}] } }
      foo_unknown: 1
      port: 4222
    `);
    assert.equal(c.port, 4222);
    assert.deepEqual(c.accounts, { A: { users: [{ user: 'x', password: 'y' }] } });
    assert.deepEqual(
      c.warnings.map((w) => w.replace(/^s\.conf:\d+:\d+: /, '')),
      [
        '"leafnodes" is not supported by Tern and is ignored',
        '"websocket" is not supported by Tern and is ignored',
        '"cluster" is not supported by Tern and is ignored',
        '"gateway" is not supported by Tern and is ignored',
        '"mqtt" is not supported by Tern and is ignored',
        '"tls" is not supported by Tern and is ignored',
        'unknown field "foo_unknown"',
      ],
    );
  });

  it('does not warn about top-level variables that are used', () => {
    const c = load('P = 4222\nport: $P\nUNUSED = 1');
    assert.equal(c.port, 4222);
    assert.deepEqual(c.warnings, ['s.conf:3:1: unknown field "UNUSED"']);
  });
});
