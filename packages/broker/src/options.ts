/** Options accepted by `startServer` and assembled by the CLI from flags and the config file. */
export interface ServerOptions {
  /** Interface to bind for clients; nats-server's `-a`. */
  host: string;
  /** Client port; `-1` or `0` picks a free port. */
  port: number;
  /** Monitoring host; defaults to `host`. */
  httpHost: string;
  /** Monitoring port; `-1`/`0` picks a free port, `undefined` disables monitoring. */
  httpPort: number | undefined;
  /** Server name; defaults to the server id. */
  serverName: string;
  /** nats-server version advertised in INFO and /varz; clients switch features on it. */
  version: string;
  maxPayload: number;
  maxControlLine: number;
  /** Bytes queued for one connection before it is cut off as a slow consumer. */
  maxPending: number;
  maxConnections: number;
  /** Per-connection subscription cap; 0 means unlimited. */
  maxSubscriptions: number;
  /** Milliseconds between server PINGs. */
  pingInterval: number;
  maxPingsOut: number;
  /** Milliseconds a client has to send CONNECT when auth is required. */
  authTimeout: number;
  /** Milliseconds a blocked write may last before the connection is treated as a slow consumer. */
  writeDeadline: number;
  jetstream: boolean;
  storeDir: string;
  /** JetStream limits in bytes (`max_memory_store`, `max_file_store`); unset = nats-server's defaults. */
  jetstreamMaxMemory?: number;
  jetstreamMaxStore?: number;
  debug: boolean;
  trace: boolean;
  /** Logging sink; the CLI points it at stderr or a file. `null` silences the server. */
  logger: import('./log/logger.js').Logger | null;
  /** Auth: the simple single-user/token settings from the CLI flags. */
  username?: string;
  password?: string;
  token?: string;
  /** Users, nkeys, token and permissions, as `src/auth` models them (from a config file). */
  auth?: import('./auth/index.js').AuthConfig;
  /** `accounts {}`, `system_account` and `no_auth_user` of a config file; none means `$G` and `$SYS`. */
  accounts?: import('./accounts/index.js').AccountsConfig;
  /** Operator mode (JWT accounts): trusted operators, resolver and preloads. */
  operator?: import('./accounts/index.js').OperatorModeConfig;
  /** Pluggable authenticator; when set it takes precedence over `auth` and username/password/token. */
  authenticator?: import('./server/auth-hook.js').ConnectAuthenticator;
  /** Path of the config file that was loaded, for SIGHUP reloads and /varz. */
  configFile?: string;
  /** The router's match cache (nats-server `disable_sublist_cache` turns it off). */
  sublistCache?: boolean;
  /** Log `Server is ready` once listening; the CLI turns it off and logs it after writing its files. */
  announceReady: boolean;
  /** Size of the ring of recently closed connections kept for /connz?state=closed. */
  maxClosedClients: number;
}

export const DEFAULT_VERSION = '2.9.10';

export const DEFAULTS: ServerOptions = {
  host: '0.0.0.0',
  port: 4222,
  httpHost: '',
  httpPort: undefined,
  serverName: '',
  version: DEFAULT_VERSION,
  maxPayload: 1024 * 1024,
  maxControlLine: 4096,
  maxPending: 64 * 1024 * 1024,
  maxConnections: 64 * 1024,
  maxSubscriptions: 0,
  pingInterval: 2 * 60 * 1000,
  maxPingsOut: 2,
  authTimeout: 2000,
  writeDeadline: 10_000,
  jetstream: false,
  storeDir: '',
  debug: false,
  trace: false,
  logger: null,
  maxClosedClients: 10_000,
  announceReady: true,
};

/** Fills in defaults; never mutates the input. */
export function resolveOptions(partial: Partial<ServerOptions>): ServerOptions {
  const o: ServerOptions = { ...DEFAULTS };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  if (!o.httpHost) o.httpHost = o.host;
  validateOptions(o);
  return o;
}

/** Rejects combinations nats-server refuses to start with; messages follow its wording. */
export function validateOptions(o: ServerOptions): void {
  if (o.maxPayload > o.maxPending) {
    throw new Error(`max_payload (${o.maxPayload}) cannot be higher than max_pending (${o.maxPending})`);
  }
  if (o.port > 65535 || o.port < -1) throw new Error(`invalid port ${o.port}`);
  if (o.httpPort !== undefined && (o.httpPort > 65535 || o.httpPort < -1)) {
    throw new Error(`invalid http port ${o.httpPort}`);
  }
}
