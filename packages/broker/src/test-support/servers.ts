import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerHandle, type ServerOptions, startServer } from '../index.js';

export const NATS_SERVER_BIN = process.env.TERN_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const here = dirname(fileURLToPath(import.meta.url));
/** The CLI entry, run from source through tsx so tests never depend on a build. */
export const CLI_ENTRY = join(here, '..', 'cli.ts');

/** A server under test, whatever its implementation. */
export interface RunningServer {
  readonly kind: 'tern' | 'nats-server' | 'tern-cli';
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  readonly url: string;
  stop(): Promise<void>;
  /** Stderr collected so far (child processes only). */
  readonly logs: () => string;
  /** The child process (nats-server and tern-cli only). */
  readonly child?: ChildProcess;
  /** The in-process handle (tern only). */
  readonly handle?: ServerHandle;
}

/** Limits and auth expressed once, for both implementations. */
export interface CommonConfig {
  maxPayload?: number;
  maxControlLine?: number;
  maxPending?: number;
  maxConnections?: number;
  maxSubscriptions?: number;
  pingIntervalMs?: number;
  maxPingsOut?: number;
  authTimeoutMs?: number;
  user?: string;
  password?: string;
  token?: string;
  writeDeadlineMs?: number;
}

export async function startTern(
  cfg: CommonConfig = {},
  extra: Partial<ServerOptions> = {},
): Promise<RunningServer> {
  const opts: Partial<ServerOptions> = { host: '127.0.0.1', port: -1, httpPort: -1, ...extra };
  if (cfg.maxPayload !== undefined) opts.maxPayload = cfg.maxPayload;
  if (cfg.maxControlLine !== undefined) opts.maxControlLine = cfg.maxControlLine;
  if (cfg.maxPending !== undefined) opts.maxPending = cfg.maxPending;
  if (cfg.maxConnections !== undefined) opts.maxConnections = cfg.maxConnections;
  if (cfg.maxSubscriptions !== undefined) opts.maxSubscriptions = cfg.maxSubscriptions;
  if (cfg.pingIntervalMs !== undefined) opts.pingInterval = cfg.pingIntervalMs;
  if (cfg.maxPingsOut !== undefined) opts.maxPingsOut = cfg.maxPingsOut;
  if (cfg.authTimeoutMs !== undefined) opts.authTimeout = cfg.authTimeoutMs;
  if (cfg.writeDeadlineMs !== undefined) opts.writeDeadline = cfg.writeDeadlineMs;
  if (cfg.user !== undefined) opts.username = cfg.user;
  if (cfg.password !== undefined) opts.password = cfg.password;
  if (cfg.token !== undefined) opts.token = cfg.token;
  const h = await startServer(opts);
  return {
    kind: 'tern',
    host: h.host,
    port: h.port,
    httpPort: h.httpPort,
    url: `nats://${h.host}:${h.port}`,
    stop: () => h.close(),
    logs: () => '',
    handle: h,
  };
}

function durationConf(ms: number): string {
  return ms % 1000 === 0 ? `"${ms / 1000}s"` : `"${ms}ms"`;
}

/** nats-server configuration text for `cfg` (listening on free loopback ports). */
export function natsConf(cfg: CommonConfig): string {
  const lines = ['listen: "127.0.0.1:-1"', 'http: "127.0.0.1:-1"'];
  if (cfg.maxPayload !== undefined) lines.push(`max_payload: ${cfg.maxPayload}`);
  if (cfg.maxControlLine !== undefined) lines.push(`max_control_line: ${cfg.maxControlLine}`);
  if (cfg.maxPending !== undefined) lines.push(`max_pending: ${cfg.maxPending}`);
  if (cfg.maxConnections !== undefined) lines.push(`max_connections: ${cfg.maxConnections}`);
  if (cfg.maxSubscriptions !== undefined) lines.push(`max_subscriptions: ${cfg.maxSubscriptions}`);
  if (cfg.pingIntervalMs !== undefined) lines.push(`ping_interval: ${durationConf(cfg.pingIntervalMs)}`);
  if (cfg.maxPingsOut !== undefined) lines.push(`ping_max: ${cfg.maxPingsOut}`);
  if (cfg.writeDeadlineMs !== undefined) lines.push(`write_deadline: ${durationConf(cfg.writeDeadlineMs)}`);
  const auth: string[] = [];
  if (cfg.user !== undefined) auth.push(`user: "${cfg.user}"`, `password: "${cfg.password ?? ''}"`);
  if (cfg.token !== undefined) auth.push(`token: "${cfg.token}"`);
  if (cfg.authTimeoutMs !== undefined) auth.push(`timeout: ${cfg.authTimeoutMs / 1000}`);
  if (auth.length > 0) lines.push(`authorization {\n  ${auth.join('\n  ')}\n}`);
  return `${lines.join('\n')}\n`;
}

const LISTEN_RE = /Listening for client connections on (\S+):(\d+)/;
const HTTP_RE = /Starting http monitor on (\S+):(\d+)/;

/** Spawns a server binary and waits until its log says it is ready. */
async function spawnServer(
  kind: 'nats-server' | 'tern-cli',
  cmd: string,
  args: string[],
  cleanup: () => void,
): Promise<RunningServer> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.setEncoding('utf8');
  const ready = new Promise<{ port: number; httpPort: number; host: string }>((resolve, reject) => {
    const onData = (d: string) => {
      logs += d;
      if (logs.includes('Server is ready')) {
        const m = LISTEN_RE.exec(logs);
        const h = HTTP_RE.exec(logs);
        child.stderr!.off('data', onData);
        child.stderr!.on('data', (more: string) => {
          logs += more;
        });
        if (!m) reject(new Error(`${kind}: no listen line in:\n${logs}`));
        else resolve({ host: m[1]!, port: Number(m[2]), httpPort: h ? Number(h[2]) : 0 });
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${kind} exited early (${code}):\n${logs}`)));
    child.once('error', reject);
  });
  const { host, port, httpPort } = await ready;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    kind,
    host,
    port,
    httpPort,
    url: `nats://${host}:${port}`,
    child,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      cleanup();
    },
  };
}

export async function startNatsServer(
  cfg: CommonConfig = {},
  extraArgs: string[] = [],
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tern-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, natsConf(cfg));
  return spawnServer('nats-server', NATS_SERVER_BIN, ['-c', conf, ...extraArgs], () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

/** Runs tern-server's CLI from source with the given flags (add `-p -1` yourself). */
export async function startTernCli(args: string[]): Promise<RunningServer> {
  return spawnServer('tern-cli', process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], () => {});
}

/** The built CLI (`npm run build`), as `tern-server` runs once installed. */
export const BUILT_CLI = join(here, '..', '..', 'dist', 'cli.js');

/** Runs the built tern-server (benchmarks: no TypeScript compilation in what they time). */
export async function startBuiltTernCli(args: string[]): Promise<RunningServer> {
  if (!existsSync(BUILT_CLI))
    throw new Error(`${BUILT_CLI} is missing: run npm run build in packages/broker`);
  return spawnServer('tern-cli', process.execPath, [BUILT_CLI, ...args], () => {});
}

/**
 * Starts Tern from nats-server configuration text (through the same loader as `tern-server -c`). The
 * text should not set listen/http; free loopback ports are added.
 */
export async function startTernConf(conf: string): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tern-conf-'));
  const file = join(dir, 'tern.conf');
  writeFileSync(file, `listen: "127.0.0.1:-1"\nhttp: "127.0.0.1:-1"\n${conf}`);
  try {
    const { loadServerConfig } = await import('../cli/config.js');
    const loaded = loadServerConfig(file, {});
    const s = await startTern({}, loaded.options);
    return { ...s, stop: async () => s.stop() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts nats-server from configuration text (listen/http on free loopback ports are added). */
export async function startNatsConf(conf: string): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tern-nats-'));
  const file = join(dir, 'nats.conf');
  writeFileSync(file, `listen: "127.0.0.1:-1"\nhttp: "127.0.0.1:-1"\n${conf}`);
  return spawnServer('nats-server', NATS_SERVER_BIN, ['-c', file], () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

export type Target = { name: 'tern' | 'nats-server'; start: (cfg?: CommonConfig) => Promise<RunningServer> };

/** Both implementations; differential tests loop over these. */
export const TARGETS: Target[] = [
  { name: 'tern', start: (cfg) => startTern(cfg) },
  { name: 'nats-server', start: (cfg) => startNatsServer(cfg) },
];
