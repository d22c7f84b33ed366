import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigFile } from './parse.js';
import { toServerConfig } from './server-config.js';

// Differential check: nats-server -t must accept or reject each file exactly as Tern does.
const NATS = '/usr/sbin/nats-server';
const skip = existsSync(NATS) ? false : `${NATS} not installed`;

function natsAccepts(path: string): { ok: boolean; out: string } {
  const r = spawnSync(NATS, ['-c', path, '-t'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TERN_PORT: '4999' },
  });
  const out = `${r.stdout}${r.stderr}`;
  return { ok: /is valid/.test(out), out };
}

function ternAccepts(path: string): { ok: boolean; out: string } {
  try {
    toServerConfig(loadConfigFile(path, { TERN_PORT: '4999' }));
    return { ok: true, out: '' };
  } catch (err) {
    return { ok: false, out: String(err) };
  }
}

const ACCEPTED = [
  'port: 4222\nserver_name = edge\nmax_payload 1MB\n',
  '# c\n// c\nport: 4222 # trailing\nhttp: "127.0.0.1:-1"\n',
  'listen: 127.0.0.1:-1\nhttp_port: -1\n',
  'ping_interval: "2m"\nwrite_deadline: 500ms\nping_max: 3\n',
  'P = 4333\nport: $P\n',
  'port: $TERN_PORT\n',
  'debug: yes; trace: off\nlogtime: true\n',
  'max_pending: 64mb\nmax_connections: 1k\nmax_control_line: 4kb\n',
  'authorization {\n  user: a\n  password: "$2a$11$abcdefghijklmnopqrstuuVWXYZ0123456789abcdefghijklmnopq"\n  timeout: 1.5\n}\n',
  'authorization { token: "s3cr3t" }\n',
  'authorization {\n  users: [\n    { user: a, password: b, permissions: { publish: { allow: "a.>", deny: ["a.x"] }, subscribe: ["b.*", "q.> workers"], allow_responses: { max: 2, expires: "1s" } } }\n    { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }\n  ]\n}\nno_auth_user: a\n',
  'jetstream {\n  store_dir: "/tmp/tern-js"\n  max_mem: 1G\n  max_file: 10G\n}\n',
  'jetstream: enabled\n',
  '{\n  port: 4222\n}\n',
  'authorization {\n  U = bob\n  user: $U\n  password: x\n}\n',
];

const REJECTED = [
  'port = \n',
  'port: 4222 server_name: x\n',
  'x = {\n a: 1\n b: [1,2\n}\n',
  'b = "a\\qb"\n',
  'port: $NOPE_NOT_SET\n',
  'x = "abc\nport: 1\n',
  'ping_interval: "2x"\n',
  'ping_interval: 1.5s\n',
  'authorization { user: a, password: b, users: [{user: c, password: d}] }\n',
  'authorization { token: x, users: [{user: c, password: d}] }\n',
  'authorization { token: x, user: a, password: b }\n',
  'authorization {\n  user: a\n  bogus: 1\n}\n',
  'authorization { users: [{user: c, password: d}, {user: c, password: e}] }\n',
  'authorization { users: [{nkey: UBAD}] }\n',
  'authorization { users: [{user: c, password: d, permissions: { publish: { bogus: "a" } } }] }\n',
  'authorization { users: [{user: c, password: d, permissions: { publish: "a..b" } }] }\n',
  'port: "abc"\n',
  'include "does-not-exist.conf"\n',
];

describe('configuration files: Tern agrees with nats-server -t', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tern-diff-'));
  const write = (i: number, text: string) => {
    const p = join(dir, `f${i}.conf`);
    writeFileSync(p, text);
    return p;
  };

  ACCEPTED.forEach((text, i) => {
    it(`accepts #${i}: ${JSON.stringify(text.slice(0, 50))}`, () => {
      const p = write(i, text);
      const nats = natsAccepts(p);
      assert.ok(nats.ok, `nats-server rejected the fixture: ${nats.out}`);
      const tern = ternAccepts(p);
      assert.ok(tern.ok, tern.out);
    });
  });

  REJECTED.forEach((text, i) => {
    it(`rejects #${i}: ${JSON.stringify(text.slice(0, 50))}`, () => {
      const p = write(100 + i, text);
      const nats = natsAccepts(p);
      assert.ok(!nats.ok, 'nats-server accepted the fixture');
      const tern = ternAccepts(p);
      assert.ok(!tern.ok, 'Tern accepted the fixture');
    });
  });

  it('deliberate deviations: nats-server 2.9.10 rejects `[1, 2]` and unknown fields; Tern accepts', () => {
    const arr = write(200, 'A = [1, 2]\nport: 1\nB = $A\n');
    assert.equal(natsAccepts(arr).ok, false);
    assert.equal(ternAccepts(arr).ok, true);
    const unknown = write(201, 'foo_unknown: 1\n');
    assert.equal(natsAccepts(unknown).ok, false);
    assert.equal(ternAccepts(unknown).ok, true);
  });
});
