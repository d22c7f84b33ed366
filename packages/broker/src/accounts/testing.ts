import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test support: nats-server 2.9.10 started from an arbitrary config, for differential tests.

export const NATS_SERVER = process.env.TERN_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
/** `skip` value for node:test when nats-server is not installed. */
export const skipWithoutNats: string | false = existsSync(NATS_SERVER)
  ? false
  : `${NATS_SERVER} not installed`;

/** A running nats-server; `stop()` must be called (tests use try/finally). */
export interface NatsProcess {
  port: number;
  dir: string;
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix = 'tern-acct-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `nats-server -c <file> -t`: does it accept the configuration text? */
export function natsAcceptsConfig(text: string): { ok: boolean; out: string } {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, 'c.conf');
    writeFileSync(f, text);
    const r = spawnSync(NATS_SERVER, ['-c', f, '-t'], { encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    return { ok: /is valid/.test(out), out };
  } finally {
    cleanup();
  }
}

/** Starts nats-server on a free loopback port with `config` (a `listen` line is prepended). */
export async function startNats(config: (dir: string) => string): Promise<NatsProcess> {
  const { dir, cleanup } = tempDir('tern-acct-nats-');
  const file = join(dir, 'nats.conf');
  writeFileSync(file, `listen: "127.0.0.1:-1"\n${config(dir)}\n`);
  const child = spawn(NATS_SERVER, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.setEncoding('utf8');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: string) => {
      logs += d;
      const m = /Listening for client connections on \S+:(\d+)/.exec(logs);
      if (m && logs.includes('Server is ready')) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}):\n${logs}`)));
  }).catch((err) => {
    cleanup();
    throw err;
  });
  return {
    port,
    dir,
    child,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      cleanup();
    },
  };
}
