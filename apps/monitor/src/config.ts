import { resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback });
const ms = (fallback: number) => Type.Integer({ minimum: 1, default: fallback });
const count = (fallback: number, minimum = 1) => Type.Integer({ minimum, default: fallback });
/** A duration: milliseconds, or a number with a unit ms, s, m, h or d (`90s`, `1h`, `7d`). */
const duration = (fallback: string) => Type.String({ pattern: '^[0-9]+(ms|s|m|h|d)?$', default: fallback });
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a `duration` value. */
export function parseDuration(v: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)?$/.exec(v);
  if (!m) throw new ConfigError(`not a duration: ${v}`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}

/** Environment variables the monitor understands, with their defaults. */
export const ConfigEnv = Type.Object({
  MONITOR_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  MONITOR_PORT: port(4280),
  /** proxy-addr trust list (e.g. `loopback`), so per-IP rate limits see the browser's address behind the console. */
  MONITOR_TRUST_PROXY: Type.String({ default: 'loopback' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  TERN_DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  SCRAPE_INTERVAL_MS: ms(2000),
  SCRAPE_TIMEOUT_MS: ms(1500),
  /** How often /jsz (streams and consumers) is fetched; default every scrape. Raise it for thousands of consumers. */
  SCRAPE_JSZ_INTERVAL_MS: Type.Optional(Type.Integer({ minimum: 1 })),
  TARGET_VALIDATION_TIMEOUT_MS: ms(3000),
  /** Sign-in attempts allowed per client address per minute. */
  LOGIN_RATE_LIMIT: count(10),
  TERN_EMBEDDED_NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  TERN_EMBEDDED_MONITOR_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TERN_ADMIN_USER: Type.String({ minLength: 1, maxLength: 200, default: 'admin' }),
  TERN_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  /** 32 bytes as 64 hex characters or base64. */
  TERN_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Raw samples kept in memory at full resolution. */
  SERIES_RAW_RETENTION: duration('1h'),
  /** 1-minute rollups kept in the database. */
  SERIES_ROLLUP_RETENTION: duration('7d'),
  /** Hard caps of the in-memory series store (memory stays bounded however long it runs). */
  SERIES_MAX_SERIES: count(150_000),
  SERIES_MAX_POINTS_PER_SERIES: count(2_048, 2),
  /** Rollups waiting for the database beyond this are dropped, oldest first. */
  SERIES_MAX_PENDING_ROLLUPS: count(200_000),
  /** Connections and subscriptions fetched per server and scrape. */
  CONNZ_LIMIT: count(1_024),
  SUBSZ_LIMIT: count(10_000),
  /** Add cluster peers found through /routez and connect_urls to their target (in memory, verified). */
  DISCOVER_PEERS: Type.Boolean({ default: true }),
  /**
   * Lagging consumers per server scrape whose oldest unacked message time is fetched over NATS (the
   * most behind first; 0: none, ages are then estimated).
   */
  LAG_EXACT_AGE_LOOKUPS: count(50, 0),
  /** Server-Sent Events: clients at once, points queued per client, heartbeat comment interval. */
  LIVE_MAX_CLIENTS: count(200),
  LIVE_QUEUE: count(5_000),
  LIVE_HEARTBEAT_MS: ms(15_000),
  /** Who may read GET /metrics: `loopback` (unproxied local scrapers, or the token), `token` (only the token), `open`. */
  METRICS_ACCESS: Type.Union([Type.Literal('loopback'), Type.Literal('token'), Type.Literal('open')], {
    default: 'loopback',
  }),
  /** Bearer token Prometheus sends (`authorization: Bearer <token>`). */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});
type ConfigEnv = Static<typeof ConfigEnv>;

/** The monitor's validated settings. */
export interface Config {
  host: string;
  port: number;
  trustProxy: string;
  databaseUrl: string | undefined;
  dataDir: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  /** Undefined: every scrape. */
  scrapeJszIntervalMs: number | undefined;
  loginRateLimit: { max: number; timeWindowMs: number };
  validationTimeoutMs: number;
  embedded: { natsUrl: string | undefined; monitorUrl: string } | undefined;
  adminUser: string;
  adminPassword: string | undefined;
  secretKey: string | undefined;
  logLevel: string;
  observability: ObservabilityConfig;
}

/** Settings of scraping depth, series storage bounds, live updates and /metrics. */
export interface ObservabilityConfig {
  rawRetentionMs: number;
  rollupRetentionMs: number;
  maxSeries: number;
  maxPointsPerSeries: number;
  maxPendingRollups: number;
  connzLimit: number;
  subszLimit: number;
  discoverPeers: boolean;
  /** Lagging consumers per server scrape whose oldest unacked message time is fetched over NATS (0: none). */
  lagExactAgeLookups: number;
  liveMaxClients: number;
  liveQueue: number;
  liveHeartbeatMs: number;
  metricsAccess: 'loopback' | 'token' | 'open';
  metricsToken: string | undefined;
}

/** Thrown when the environment does not describe a valid configuration; the message names each variable. */
export class ConfigError extends Error {}

/** Reads and validates the monitor's settings from the environment (the only reader of `process.env`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigEnv.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(ConfigEnv, Value.Convert(ConfigEnv, raw));
  const errors = [...Value.Errors(ConfigEnv, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.path.slice(1) || '(root)'}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  const c = withDefaults as ConfigEnv;
  return {
    host: c.MONITOR_HOST,
    port: c.MONITOR_PORT,
    trustProxy: c.MONITOR_TRUST_PROXY,
    databaseUrl: c.DATABASE_URL,
    dataDir: resolve(c.TERN_DATA_DIR),
    scrapeIntervalMs: c.SCRAPE_INTERVAL_MS,
    scrapeTimeoutMs: c.SCRAPE_TIMEOUT_MS,
    scrapeJszIntervalMs: c.SCRAPE_JSZ_INTERVAL_MS,
    validationTimeoutMs: c.TARGET_VALIDATION_TIMEOUT_MS,
    loginRateLimit: { max: c.LOGIN_RATE_LIMIT, timeWindowMs: 60_000 },
    embedded: c.TERN_EMBEDDED_MONITOR_URL
      ? { natsUrl: c.TERN_EMBEDDED_NATS_URL, monitorUrl: c.TERN_EMBEDDED_MONITOR_URL }
      : undefined,
    adminUser: c.TERN_ADMIN_USER,
    adminPassword: c.TERN_ADMIN_PASSWORD,
    secretKey: c.TERN_SECRET_KEY,
    logLevel: c.LOG_LEVEL,
    observability: {
      rawRetentionMs: parseDuration(c.SERIES_RAW_RETENTION),
      rollupRetentionMs: parseDuration(c.SERIES_ROLLUP_RETENTION),
      maxSeries: c.SERIES_MAX_SERIES,
      maxPointsPerSeries: c.SERIES_MAX_POINTS_PER_SERIES,
      maxPendingRollups: c.SERIES_MAX_PENDING_ROLLUPS,
      connzLimit: c.CONNZ_LIMIT,
      subszLimit: c.SUBSZ_LIMIT,
      discoverPeers: c.DISCOVER_PEERS,
      lagExactAgeLookups: c.LAG_EXACT_AGE_LOOKUPS,
      liveMaxClients: c.LIVE_MAX_CLIENTS,
      liveQueue: c.LIVE_QUEUE,
      liveHeartbeatMs: c.LIVE_HEARTBEAT_MS,
      metricsAccess: c.METRICS_ACCESS,
      metricsToken: c.METRICS_TOKEN,
    },
  };
}
