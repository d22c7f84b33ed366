import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A NATS server started for a test. */
export interface TestNats {
  natsUrl: string;
  monitorUrl: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** How to start a test nats-server; ports default to free ones. */
export interface NatsServerOptions {
  port?: number;
  httpPort?: number;
  /** Extra command-line arguments (e.g. `-js -sd <dir>`, cluster flags). */
  args?: string[];
  /** Wait for /healthz to answer 200 (default true; a JetStream cluster member is unhealthy until a quorum). */
  waitHealthy?: boolean;
  /** The server command and its leading arguments (default Debian's nats-server; see `ternServerCommand`). */
  command?: string[];
}

/** Runs Tern's broker with the nats-server flags (its built `tern-server` CLI, as operators run it). */
export function ternServerCommand(): string[] {
  const entry = fileURLToPath(import.meta.resolve('@tern/broker'));
  return [process.execPath, join(dirname(entry), 'cli.js')];
}

/** Debian's nats-server (or `opts.command`) on free loopback ports; resolves once `/healthz` answers (bounded wait). */
export async function startNatsServer(
  opts: NatsServerOptions = {},
): Promise<TestNats & { port: number; httpPort: number }> {
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const httpPort = opts.httpPort ?? (await freePort());
    const [cmd = '/usr/sbin/nats-server', ...lead] = opts.command ?? [];
    const child = spawn(
      cmd,
      [...lead, '-a', '127.0.0.1', '-p', String(port), '-m', String(httpPort), ...(opts.args ?? [])],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const monitorUrl = `http://127.0.0.1:${httpPort}`;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await waitHealthy(monitorUrl, child, 10_000, opts.waitHealthy ?? true)) {
      return {
        natsUrl: `nats://127.0.0.1:${port}`,
        monitorUrl,
        port,
        httpPort,
        stop: () => stopChild(child, exited),
      };
    }
    await stopChild(child, exited);
    if (attempt === 2 || opts.port !== undefined) throw new Error(`${cmd} did not start:\n${log}`);
  }
}

/** A free port P such that P + offset is free too (discovery guesses peers' monitoring ports by that offset). */
export async function freePortPair(offset: number): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p + offset < 65536 && (await isFree(p + offset))) return p;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function waitHealthy(
  monitorUrl: string,
  child: ChildProcess,
  timeoutMs: number,
  needOk: boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${monitorUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok || !needOk) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
