import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp, waitForTcp } from '../../scripts/lib/ports.mjs';

/** A Debian nats-server started by a spec, on free loopback ports. */
export interface NatsServerProcess {
  natsUrl: string;
  monitorUrl: string;
  /** Kills the server (SIGKILL) and removes its store. */
  stop(): Promise<void>;
}

/**
 * Starts `nats-server` (with JetStream in a temp store when asked, or from a config file) and resolves
 * once both its monitoring port and its client port answer: with JetStream, nats-server serves /varz
 * before it accepts clients.
 */
export async function startNatsServer(opts: {
  name: string;
  jetstream?: boolean;
  configFile?: string;
}): Promise<NatsServerProcess> {
  const [port, http] = await Promise.all([freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), `tern-e2e-${opts.name}-`));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-m', String(http), '-n', opts.name];
  if (opts.configFile) args.unshift('-c', opts.configFile);
  if (opts.jetstream) args.push('-js', '-sd', dir);
  const child: ChildProcess = spawn('nats-server', args, { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${http}/varz`);
    await waitForTcp(port);
  } catch (err) {
    await stop();
    throw err;
  }
  return { natsUrl: `nats://127.0.0.1:${port}`, monitorUrl: `http://127.0.0.1:${http}`, stop };
}
