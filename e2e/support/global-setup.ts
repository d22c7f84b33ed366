import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitForHttp, waitForTcp } from '../../scripts/lib/ports.mjs';

const repoRoot = resolve(import.meta.dirname, '../..');

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${seen}`)),
    );
  });
}

/** Starts the Tern stack via scripts/start.mjs and a real nats-server; exposes their URLs through env. */
export default async function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-e2e-'));
  const [natsPort, httpPort, monitorPort, consolePort, goPort, goHttp] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const stack = spawn(process.execPath, [join(repoRoot, 'scripts/start.mjs')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TERN_NATS_PORT: String(natsPort),
      TERN_HTTP_PORT: String(httpPort),
      MONITOR_PORT: String(monitorPort),
      CONSOLE_PORT: String(consolePort),
      TERN_DATA_DIR: dataDir,
      SCRAPE_INTERVAL_MS: '500',
      // Every spec signs in; the per-address limit itself is covered by the monitor's tests.
      LOGIN_RATE_LIMIT: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const nats = spawn(
    'nats-server',
    ['-a', '127.0.0.1', '-p', String(goPort), '-m', String(goHttp), '-n', 'go-e2e'],
    {
      stdio: 'ignore',
    },
  );
  const stopAll = async () => {
    for (const child of [stack, nats]) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(undefined);
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const admin = waitForLine(stack, /Sign in with username "([^"]+)" and password "([^"]+)"/, 240_000);
    await waitForLine(stack, /Tern console\s+(\S+)/, 240_000);
    const [, user, password] = await admin;
    await waitForHttp(`http://127.0.0.1:${goHttp}/varz`);
    await waitForTcp(goPort as number);
    process.env.TERN_CONSOLE_URL = `http://127.0.0.1:${consolePort}`;
    process.env.TERN_ADMIN_USER = user;
    process.env.TERN_ADMIN_PASSWORD = password;
    process.env.GO_NATS_MONITOR_URL = `http://127.0.0.1:${goHttp}`;
    process.env.GO_NATS_URL = `nats://127.0.0.1:${goPort}`;
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
}
