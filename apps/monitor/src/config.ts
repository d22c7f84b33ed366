import { resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback });
const ms = (fallback: number) => Type.Integer({ minimum: 1, default: fallback });

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
  TARGET_VALIDATION_TIMEOUT_MS: ms(3000),
  TERN_EMBEDDED_NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  TERN_EMBEDDED_MONITOR_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TERN_ADMIN_USER: Type.String({ minLength: 1, maxLength: 200, default: 'admin' }),
  TERN_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  /** 32 bytes as 64 hex characters or base64. */
  TERN_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
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
  validationTimeoutMs: number;
  embedded: { natsUrl: string | undefined; monitorUrl: string } | undefined;
  adminUser: string;
  adminPassword: string | undefined;
  secretKey: string | undefined;
  logLevel: string;
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
    validationTimeoutMs: c.TARGET_VALIDATION_TIMEOUT_MS,
    embedded: c.TERN_EMBEDDED_MONITOR_URL
      ? { natsUrl: c.TERN_EMBEDDED_NATS_URL, monitorUrl: c.TERN_EMBEDDED_MONITOR_URL }
      : undefined,
    adminUser: c.TERN_ADMIN_USER,
    adminPassword: c.TERN_ADMIN_PASSWORD,
    secretKey: c.TERN_SECRET_KEY,
    logLevel: c.LOG_LEVEL,
  };
}
