import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { CLI_ENTRY, startTernCli } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';
import { parseFlags } from './flags.js';

function runToExit(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('flag parsing', () => {
  it('accepts nats-server spellings', () => {
    const { flags } = parseFlags([
      '-a',
      '127.0.0.1',
      '--port=5222',
      '-m',
      '-1',
      '-js',
      '-sd',
      '/tmp/x',
      '-DV',
      '--user',
      'u',
    ]);
    assert.deepEqual(flags, {
      host: '127.0.0.1',
      port: 5222,
      httpPort: -1,
      jetstream: true,
      storeDir: '/tmp/x',
      debug: true,
      trace: true,
      user: 'u',
    });
    assert.deepEqual(parseFlags(['-T=false']).flags, { logtime: false });
  });
  it('rejects unknown flags and bad values', () => {
    assert.throws(() => parseFlags(['--nope']), /flag provided but not defined: --nope/);
    assert.throws(() => parseFlags(['-p', 'abc']), /invalid value "abc" for flag -p/);
    assert.throws(() => parseFlags(['-p']), /flag needs an argument: -p/);
    assert.throws(() => parseFlags(['-p', '70000']), /out of range/);
  });
});

describe('tern-server CLI', { timeout: 120_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tern-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help and version', () => {
    const h = runToExit(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /Usage: tern-server \[options\]/);
    const v = runToExit(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^tern-server: v2\.9\.10/);
  });

  it('exits 1 on an unknown flag or a bad value', () => {
    const r = runToExit(['--bogus']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /flag provided but not defined: --bogus/);
    assert.equal(runToExit(['-sl', 'bogus=1']).code, 1);
    const r2 = runToExit(['-p', 'x']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /invalid value "x" for flag -p/);
  });

  it('names the port and the flag when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runToExit(['-a', '127.0.0.1', '-p', String(port)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port} is already in use \\(set -p/--port\\)`));
      const m = runToExit(['-a', '127.0.0.1', '-p', '-1', '-m', String(port)]);
      assert.equal(m.code, 1);
      assert.match(m.stderr, new RegExp(`port ${port} is already in use \\(set -m/--http_port\\)`));
    } finally {
      blocker.close();
    }
  });

  it('runs, logs like nats-server, writes pid and ports files, and stops on SIGTERM', async () => {
    const pid = join(dir, 'tern.pid');
    const s = await startTernCli([
      '-a',
      '127.0.0.1',
      '-p',
      '-1',
      '-m',
      '-1',
      '-n',
      'edge-1',
      '-P',
      pid,
      '--ports_file_dir',
      dir,
    ]);
    const logs = s.logs();
    assert.match(logs, /^\[\d+\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \[INF\] Starting tern-server/m);
    assert.match(logs, /\[INF\] Listening for client connections on 127\.0\.0\.1:\d+/);
    assert.match(logs, /\[INF\] Server is ready/);
    const childPid = s.child!.pid!;
    assert.equal(readFileSync(pid, 'utf8'), String(childPid));
    const ports = JSON.parse(readFileSync(join(dir, `tern-server_${childPid}.ports`), 'utf8'));
    assert.deepEqual(ports, {
      nats: [`nats://127.0.0.1:${s.port}`],
      monitoring: [`http://127.0.0.1:${s.httpPort}`],
    });
    const nc = await connect({ servers: s.url });
    assert.equal(nc.info?.server_name, 'edge-1');
    await nc.close();
    const varz = (await (await fetch(`http://127.0.0.1:${s.httpPort}/varz`)).json()) as {
      server_name: string;
    };
    assert.equal(varz.server_name, 'edge-1');
    await s.stop();
    assert.equal(s.child!.exitCode, 0);
    assert.equal(existsSync(pid), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.ports')),
      [],
    );
  });

  it('loads a config file, warns on unsupported blocks, and reloads auth on SIGHUP', async () => {
    const conf = join(dir, 'tern.conf');
    const write = (pass: string) =>
      writeFileSync(
        conf,
        [
          `PASS: "${pass}"`,
          'listen: "127.0.0.1:-1"',
          'http = "127.0.0.1:-1"',
          'max_payload 2KB',
          'leafnodes { port: 7422 }',
          'authorization {',
          '  users = [ { user: "app", password: $PASS } ]',
          '}',
          '',
        ].join('\n'),
      );
    write('one');
    const s = await startTernCli(['-c', conf]);
    try {
      assert.match(s.logs(), /\[WRN\] .*leafnodes/);
      const nc = await connect({ servers: s.url, user: 'app', pass: 'one' });
      assert.equal(nc.info?.max_payload, 2048);
      assert.equal(nc.info?.auth_required, true);
      const closed = nc.closed();
      write('two');
      // nats-server's way to ask for a reload: -sl reload=<pid>.
      assert.equal(runToExit(['-sl', `reload=${s.child!.pid}`]).code, 0);
      // The old credentials no longer pass: the connection is dropped with an auth error.
      const err = await closed;
      assert.match(String(err), /authorization violation/i);
      assert.match(s.logs(), /Reloaded server configuration/);
      const nc2 = await connect({ servers: s.url, user: 'app', pass: 'two', reconnect: false });
      await nc2.close();
    } finally {
      await s.stop();
    }
  });

  it('reports a malformed config file with file, line and column', () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, 'port: 4222\nauthorization {\n  user: [\n');
    const r = runToExit(['-c', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.conf:\d+:\d+/);
  });

  it('-t validates the config and exits', () => {
    const good = join(dir, 'good.conf');
    writeFileSync(good, 'port: -1\n');
    const r = runToExit(['-t', '-c', good]);
    assert.equal(r.code, 0);
  });

  it('writes logs to -l, with debug lines under -DV', async () => {
    const log = join(dir, 'tern.log');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI_ENTRY, '-a', '127.0.0.1', '-p', '-1', '-DV', '-l', log],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => child.once('exit', r));
    try {
      while (!(existsSync(log) && readFileSync(log, 'utf8').includes('Server is ready'))) await sleep(50);
      const text = readFileSync(log, 'utf8');
      assert.match(text, /\[INF\] Listening for client connections on 127\.0\.0\.1:\d+/);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(text)![1]);
      const { wire } = await Wire.handshake(port, { verbose: false });
      assert.equal(await wire.sync(), '');
      wire.close();
      while (!readFileSync(log, 'utf8').includes('[DBG]')) await sleep(50);
      while (!/\[TRC\] .* - <<- \[CONNECT \{/.test(readFileSync(log, 'utf8'))) await sleep(50);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('answers the wire protocol through the binary', async () => {
    const s = await startTernCli(['-a', '127.0.0.1', '-p', '-1', '-D']);
    try {
      const { wire } = await Wire.handshake(s.port, { verbose: false });
      wire.send('SUB a 1\r\nPUB a 1\r\nx\r\n');
      assert.equal(await wire.sync(), 'MSG a 1 1\r\nx\r\n');
      wire.close();
      assert.match(s.logs(), /\[DBG\] .*Client connection created/);
    } finally {
      await s.stop();
    }
  });
});
