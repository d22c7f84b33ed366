// Test support for the message features: the same tests run against Tern's broker and nats-server.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tern/broker';
import { freePort } from '../test-support/nats.js';

/** A JetStream-enabled server started for a test. */
export interface JsServer {
  kind: 'tern' | 'nats-server';
  natsUrl: string;
  monitorUrl: string;
  stop(): Promise<void>;
}

export const jsServers: { name: string; start(): Promise<JsServer> }[] = [
  {
    name: "Tern's broker",
    async start() {
      const storeDir = await mkdtemp(join(tmpdir(), 'tern-msgs-js-'));
      const h = await startServer({ host: '127.0.0.1', port: -1, httpPort: -1, jetstream: true, storeDir });
      return {
        kind: 'tern',
        natsUrl: `nats://127.0.0.1:${h.port}`,
        monitorUrl: `http://127.0.0.1:${h.httpPort}`,
        stop: async () => {
          await h.close();
          await rm(storeDir, { recursive: true, force: true });
        },
      };
    },
  },
  { name: 'nats-server 2.9.10', start: () => startGoNats() },
];

/** Debian's nats-server with JetStream in a temp folder; resolves once `/healthz` answers. */
export function startGoNats(): Promise<JsServer> {
  return startServerProcess('nats-server', '/usr/sbin/nats-server', []);
}

/**
 * A JetStream server as its own process (`command` takes nats-server's flags, as Tern's `tern-server`
 * does) with its store in a temp folder; resolves once `/healthz` answers.
 */
export async function startServerProcess(
  kind: JsServer['kind'],
  command: string,
  preArgs: string[],
): Promise<JsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), 'tern-msgs-gojs-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const httpPort = await freePort();
    const child = spawn(
      command,
      [...preArgs, '-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(httpPort)],
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
        kind,
        natsUrl: `nats://127.0.0.1:${port}`,
        monitorUrl,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGKILL');
          await exited;
          await rm(storeDir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    if (attempt === 2) throw new Error(`${command} did not start:\n${log}`);
  }
}

async function healthy(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      // JetStream is ready when healthz answers ok (it checks JetStream too).
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
