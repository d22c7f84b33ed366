import { appendFileSync } from 'node:fs';

/** Log sink with nats-server's levels. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  fatal(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  readonly debugEnabled: boolean;
  readonly traceEnabled: boolean;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026/11/26 08:56:52.525459`, nats-server's timestamp (local time, microseconds). */
export function logTimestamp(d = new Date()): string {
  const micros = pad(d.getMilliseconds(), 3) + pad(Math.floor((performance.now() * 1000) % 1000), 3);
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${micros}`;
}

export interface LoggerOptions {
  debug?: boolean;
  trace?: boolean;
  /** Append to this file instead of stderr (`-l`). */
  file?: string;
}

/** Writes `[pid] date time [LVL] message` lines like nats-server. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.file
    ? (line: string) => appendFileSync(opts.file as string, line)
    : (line: string) => {
        process.stderr.write(line);
      };
  const emit = (lvl: string, msg: string) => write(`[${process.pid}] ${logTimestamp()} [${lvl}] ${msg}\n`);
  const debugEnabled = !!opts.debug;
  const traceEnabled = !!opts.trace;
  return {
    debugEnabled,
    traceEnabled,
    info: (m) => emit('INF', m),
    warn: (m) => emit('WRN', m),
    error: (m) => emit('ERR', m),
    fatal: (m) => emit('FTL', m),
    debug: (m) => {
      if (debugEnabled) emit('DBG', m);
    },
    trace: (m) => {
      if (traceEnabled) emit('TRC', m);
    },
  };
}

/** A logger that drops everything. */
export const nullLogger: Logger = {
  debugEnabled: false,
  traceEnabled: false,
  info() {},
  warn() {},
  error() {},
  fatal() {},
  debug() {},
  trace() {},
};
