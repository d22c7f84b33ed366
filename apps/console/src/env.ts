/**
 * The console's server-side settings, read at request time (not at build time) so one build can be
 * pointed at any monitor with `MONITOR_URL=… next start`. Nothing else in the console reads process.env.
 */
export interface ConsoleEnv {
  /** Base URL of the monitor API, without a trailing slash, e.g. `http://127.0.0.1:4280`. */
  monitorUrl: string;
}

const DEFAULT_MONITOR_URL = 'http://127.0.0.1:4280';

let cached: { raw: string | undefined; env: ConsoleEnv } | undefined;

/** Parses and validates the environment; throws with the setting's name when it is malformed. */
export function parseEnv(source: Record<string, string | undefined>): ConsoleEnv {
  const raw = source.MONITOR_URL?.trim() || DEFAULT_MONITOR_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`MONITOR_URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`MONITOR_URL must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.search || url.hash) throw new Error('MONITOR_URL must not contain a query or fragment');
  return { monitorUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The validated environment of this process. */
export function env(): ConsoleEnv {
  const raw = process.env.MONITOR_URL;
  if (!cached || cached.raw !== raw) cached = { raw, env: parseEnv(process.env) };
  return cached.env;
}
