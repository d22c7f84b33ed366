import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { type ServerHandle, startServer } from '../index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { DEFAULT_VERSION, resolveOptions, type ServerOptions } from '../options.js';
import { type LoadedConfig, loadServerConfig } from './config.js';
import { FlagError, type Flags, parseFlags, USAGE } from './flags.js';

/** Package version of Tern itself (printed by --version next to the protocol version it implements). */
const TERN_VERSION = '0.1.0';
const EXE = 'tern-server';

function die(msg: string): number {
  process.stderr.write(`${msg}\n`);
  return 1;
}

/** Options set by flags; they override the configuration file, as in nats-server. */
export function optionsFromFlags(f: Flags): Partial<ServerOptions> {
  const o: Partial<ServerOptions> = {};
  if (f.host !== undefined) o.host = f.host;
  if (f.port !== undefined) o.port = f.port;
  if (f.serverName !== undefined) o.serverName = f.serverName;
  if (f.httpPort !== undefined) {
    // nats-server: -m 0 leaves monitoring off.
    o.httpPort = f.httpPort === 0 ? undefined : f.httpPort;
  }
  if (f.jetstream !== undefined) o.jetstream = f.jetstream;
  if (f.storeDir !== undefined) o.storeDir = f.storeDir;
  if (f.user !== undefined) o.username = f.user;
  if (f.pass !== undefined) o.password = f.pass;
  if (f.auth !== undefined) o.token = f.auth;
  if (f.debug !== undefined) o.debug = f.debug;
  if (f.trace !== undefined) o.trace = f.trace;
  return o;
}

/** The ports file nats-server writes: every URL clients and monitors can use. */
export function portsFileBody(host: string, port: number, httpHost: string, httpPort: number): string {
  const urls = (scheme: string, h: string, p: number) => {
    if (h !== '0.0.0.0' && h !== '::' && h !== '') return [`${scheme}://${fmtHost(h)}:${p}`];
    const out: string[] = [];
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) {
        if (h === '0.0.0.0' && a.family !== 'IPv4') continue;
        out.push(`${scheme}://${fmtHost(a.address)}:${p}`);
      }
    }
    return out;
  };
  const body: Record<string, string[]> = { nats: urls('nats', host, port) };
  if (httpPort > 0) body.monitoring = urls('http', httpHost, httpPort);
  return JSON.stringify(body);
}

function fmtHost(h: string): string {
  return h.includes(':') ? `[${h}]` : h;
}

interface Assembled {
  options: Partial<ServerOptions>;
  file?: LoadedConfig;
}

/** File settings first, flags on top. */
function assemble(flags: Flags, env: Record<string, string | undefined>): Assembled {
  const file = flags.config ? loadServerConfig(flags.config, env) : undefined;
  const options: Partial<ServerOptions> = {
    ...(file?.options ?? {}),
    ...definedOnly(optionsFromFlags(flags)),
  };
  if (flags.httpPort === 0) delete options.httpPort;
  return { options, file };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Runs the CLI; resolves with an exit code, or undefined while the server keeps running. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number | undefined> {
  let flags: Flags;
  try {
    flags = parseFlags(argv).flags;
  } catch (e) {
    if (e instanceof FlagError) return die(`${e.message}\n${USAGE}`);
    throw e;
  }
  if (flags.help || flags.helpTls) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`${EXE}: v${DEFAULT_VERSION} (tern ${TERN_VERSION})\n`);
    return 0;
  }

  if (flags.signal !== undefined) return sendSignal(flags.signal);

  let assembled: Assembled;
  try {
    assembled = assemble(flags, env);
    resolveOptions(assembled.options);
  } catch (e) {
    return die(`${EXE}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (flags.testConfig) {
    process.stdout.write(`${EXE}: configuration file ${flags.config ?? ''} is valid\n`);
    return 0;
  }
  const file = assembled.file;
  const logFile = flags.logFile ?? file?.logFile;
  const logger = createLogger({
    debug: assembled.options.debug,
    trace: assembled.options.trace,
    file: logFile,
  });
  for (const w of file?.warnings ?? []) logger.warn(w);
  warnUnsupportedFlags(flags, logger);

  const opts: Partial<ServerOptions> = { ...assembled.options, logger, announceReady: false };
  let handle: ServerHandle;
  try {
    handle = await startServer(opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { port?: number };
    let msg: string;
    if (err.code === 'EADDRINUSE') {
      const isHttp = opts.httpPort !== undefined && opts.httpPort > 0 && err.port === opts.httpPort;
      msg = isHttp
        ? `port ${err.port} is already in use (set -m/--http_port)`
        : `port ${err.port ?? opts.port ?? 4222} is already in use (set -p/--port)`;
    } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES') {
      msg = `cannot listen on ${opts.host ?? '0.0.0.0'}: ${err.message}`;
    } else msg = err.message;
    logger.fatal(msg);
    return die(`${EXE}: ${msg}`);
  }

  const cleanups: (() => void)[] = [];
  const pidFile = flags.pidFile ?? file?.pidFile;
  if (pidFile) {
    writeFileSync(pidFile, String(process.pid));
    cleanups.push(() => unlinkSync(pidFile));
  }
  const portsDir = flags.portsFileDir ?? file?.portsFileDir;
  if (portsDir) {
    const f = join(portsDir, `${EXE}_${process.pid}.ports`);
    const o = handle.server.options;
    writeFileSync(f, portsFileBody(o.host, handle.port, o.httpHost, handle.httpPort));
    cleanups.push(() => unlinkSync(f));
  }

  logger.info('Server is ready');

  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.debug(`Trapped "${sig}" signal`);
    await handle.close();
    for (const c of cleanups) {
      try {
        c();
      } catch {
        // Already gone.
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('interrupt'));
  process.on('SIGTERM', () => void stop('terminated'));
  // Logs are appended line by line, so "reopen" (log rotation) needs nothing beyond acknowledging it;
  // the handler also keeps Node from treating SIGUSR1 as "start the inspector".
  process.on('SIGUSR1', () => logger.info('Reopened log file'));
  process.on('SIGUSR2', () => {
    logger.warn('Lame duck mode is not supported by Tern yet; shutting down now');
    void stop('lame duck');
  });
  process.on('SIGHUP', () => {
    if (!flags.config) {
      logger.warn('Reload requested but no configuration file was given');
      return;
    }
    try {
      const next = assemble(flags, env);
      // Debug/trace flags may change on reload; the log destination stays what it was at start.
      const nextLogger = createLogger({
        debug: next.options.debug,
        trace: next.options.trace,
        file: logFile,
      });
      handle.server.reload(resolveOptions({ ...next.options, logger: nextLogger, announceReady: false }));
      for (const w of next.file?.warnings ?? []) nextLogger.warn(w);
      nextLogger.info('Reloaded server configuration');
    } catch (e) {
      logger.error(`Failed to reload server configuration: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return undefined;
}

const SIGNALS: Record<string, NodeJS.Signals> = {
  stop: 'SIGKILL',
  quit: 'SIGINT',
  term: 'SIGTERM',
  reopen: 'SIGUSR1',
  reload: 'SIGHUP',
  ldm: 'SIGUSR2',
};

/** `-sl <signal>=<pid|pidfile>`: signals a running server, as nats-server does (a pid is required). */
function sendSignal(spec: string): number {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const target = eq < 0 ? '' : spec.slice(eq + 1);
  const sig = SIGNALS[name];
  if (!sig) return die(`${EXE}: unknown signal "${name}" (use one of ${Object.keys(SIGNALS).join(', ')})`);
  if (!target) return die(`${EXE}: -sl needs a pid or pid file: -sl ${name}=<pid|pidfile>`);
  let pid = Number(target);
  if (!Number.isInteger(pid)) {
    try {
      pid = Number(readFileSync(target, 'utf8').trim());
    } catch (e) {
      return die(`${EXE}: cannot read pid file ${target}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return die(`${EXE}: invalid pid "${target}"`);
  try {
    process.kill(pid, sig);
  } catch (e) {
    return die(`${EXE}: cannot signal process ${pid}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return 0;
}

function warnUnsupportedFlags(flags: Flags, logger: Logger): void {
  const unsupported: [unknown, string][] = [
    [flags.tls || flags.tlsCert || flags.tlsKey || flags.tlsVerify || flags.tlsCaCert, 'TLS'],
    [flags.routes || flags.cluster || flags.clusterName || flags.clusterAdvertise, 'clustering'],
    [flags.httpsPort, 'HTTPS monitoring'],
    [flags.syslog || flags.remoteSyslog, 'syslog'],
    [flags.profile, 'profiling'],
  ];
  for (const [set, name] of unsupported) {
    if (set) logger.warn(`${name} is not supported by Tern yet; ignoring its flags`);
  }
}
