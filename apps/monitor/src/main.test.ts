import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ServersResponse } from '@tern/contracts';
import { freePort, startNatsServer, type TestNats, waitFor } from './test-support/nats.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

describe('main (the monitor process)', () => {
  let dir: string;
  let nats: TestNats;
  const running: Run[] = [];

  before(async () => {
    [dir, nats] = await Promise.all([mkdtemp(join(tmpdir(), 'tern-main-')), startNatsServer()]);
  });
  after(async () => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.exit));
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (port: number) => {
    const r = run({
      MONITOR_PORT: String(port),
      TERN_DATA_DIR: join(dir, 'data'),
      TERN_EMBEDDED_MONITOR_URL: nats.monitorUrl,
      TERN_EMBEDDED_NATS_URL: nats.natsUrl,
      SCRAPE_INTERVAL_MS: '200',
    });
    running.push(r);
    await waitFor(
      async () =>
        r.stdout().includes('Monitor listening on') ? true : r.child.exitCode !== null ? false : undefined,
      'the monitor to listen',
      60_000,
    );
    return r;
  };

  test('first run creates the admin, seeds the embedded target, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const r = await start(port);
    const lines = r.stdout().trim().split('\n');
    assert.deepEqual(lines.length, 2, r.stdout());
    const match = /^Admin user created: username=admin password=(\S{16,})$/.exec(lines[0] ?? '');
    assert.ok(match, lines[0]);
    assert.equal(lines[1], `Monitor listening on http://127.0.0.1:${port}`);
    assert.equal((await stat(join(dir, 'data', 'secret.key'))).mode & 0o777, 0o600);

    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: match[1] }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const embedded = await waitFor(async () => {
      const res = await fetch(`${base}/api/servers`, { headers: { cookie } });
      const s = ((await res.json()) as ServersResponse).servers.find((x) => x.embedded);
      return s?.status === 'up' ? s : undefined;
    }, 'the embedded server to be up');
    assert.equal(embedded.targetName, 'embedded');
    assert.equal(embedded.monitorUrl, nats.monitorUrl);

    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
  });

  test('a second run keeps the admin and prints no password', async () => {
    const port = await freePort();
    const r = await start(port);
    assert.equal(r.stdout().trim(), `Monitor listening on http://127.0.0.1:${port}`);
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0);
  });

  test('a port in use gives one clear message and exit code 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run({ MONITOR_PORT: String(port), TERN_DATA_DIR: join(dir, 'data') });
      running.push(r);
      assert.equal(await r.exit, 1);
      assert.match(r.stderr(), new RegExp(`monitor port ${port} is already in use \\(set MONITOR_PORT\\)`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('invalid settings are named', async () => {
    const r = run({ MONITOR_PORT: 'eighty', TERN_DATA_DIR: join(dir, 'data') });
    running.push(r);
    assert.equal(await r.exit, 1);
    assert.match(r.stderr(), /MONITOR_PORT/);
  });
});
