// Test support: JetStream-enabled servers (Debian's nats-server and Tern's broker) on free ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { startServer } from '@tern/broker';
import { freePort } from '../test-support/nats.js';

/** A JetStream server started for a test. */
export interface JsServer {
  kind: 'nats-server' | 'tern';
  natsUrl: string;
  monitorUrl: string;
  /** Set when the server requires a user and password. */
  credentials?: { user: string; pass: string };
  stop(): Promise<void>;
}

/** `nats-server -js -sd <tmp>` on free loopback ports (optionally with a user); resolves once /healthz answers. */
export async function startJsNatsServer(credentials?: { user: string; pass: string }): Promise<JsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tern-js-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const httpPort = await freePort();
    const child = spawn(
      '/usr/sbin/nats-server',
      [
        ...['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port), '-m', String(httpPort)],
        ...(credentials ? ['--user', credentials.user, '--pass', credentials.pass] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const monitorUrl = `http://127.0.0.1:${httpPort}`;
    if (await healthy(monitorUrl, child)) {
      return {
        kind: 'nats-server',
        natsUrl: `nats://127.0.0.1:${port}`,
        monitorUrl,
        ...(credentials ? { credentials } : {}),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    if (attempt === 2) throw new Error(`nats-server -js did not start:\n${log}`);
  }
}

async function healthy(monitorUrl: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${monitorUrl}/healthz?js-enabled=true`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Tern's broker with JetStream, or the reason it cannot serve the JetStream API yet (the broker's
 * JetStream is being built concurrently; the tests then run against nats-server only and say so).
 */
export async function startTernJs(): Promise<JsServer | string> {
  const dir = await mkdtemp(join(tmpdir(), 'tern-broker-js-'));
  let handle: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    handle = await startServer({
      host: '127.0.0.1',
      port: -1,
      httpPort: -1,
      jetstream: true,
      storeDir: dir,
    } as Parameters<typeof startServer>[0]);
    const natsUrl = `nats://127.0.0.1:${handle.port}`;
    const nc = await connect({ servers: natsUrl, timeout: 2000 });
    try {
      await nc.request('$JS.API.INFO', undefined, { timeout: 1000 });
    } finally {
      await nc.close();
    }
    const h = handle;
    return {
      kind: 'tern',
      natsUrl,
      monitorUrl: `http://127.0.0.1:${h.httpPort}`,
      stop: async () => {
        await h.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
    return `Tern's broker does not answer the JetStream API yet (${(err as Error).message})`;
  }
}
