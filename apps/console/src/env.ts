/**
 * The console's server-side settings, read at request time (not at build time) so one build can be
 * pointed at any monitor with `MONITOR_URL=… next start`. Nothing else in the console reads process.env.
 */
export interface ConsoleEnv {
  /** Base URL of the monitor API, without a trailing slash, e.g. `http://127.0.0.1:4280`. */
  monitorUrl: string;
  /**
   * How many reverse proxies stand in front of the console (`CONSOLE_TRUSTED_PROXIES`, default 0). Each
   * appends its peer to X-Forwarded-For, so the browser's address is that many entries from the right.
   */
  trustedProxies: number;
}

const DEFAULT_MONITOR_URL = 'http://127.0.0.1:4280';

let cached: { raw: string; env: ConsoleEnv } | undefined;

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
  const proxies = source.CONSOLE_TRUSTED_PROXIES?.trim() || '0';
  if (!/^\d{1,2}$/.test(proxies)) {
    throw new Error(
      `CONSOLE_TRUSTED_PROXIES must be a whole number of proxies, got ${JSON.stringify(proxies)}`,
    );
  }
  return {
    monitorUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    trustedProxies: Number(proxies),
  };
}

/** The validated environment of this process. */
export function env(): ConsoleEnv {
  const raw = `${process.env.MONITOR_URL}|${process.env.CONSOLE_TRUSTED_PROXIES}`;
  if (!cached || cached.raw !== raw) cached = { raw, env: parseEnv(process.env) };
  return cached.env;
}
