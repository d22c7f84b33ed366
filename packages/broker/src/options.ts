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
  debug: boolean;
  trace: boolean;
  /** Logging sink; the CLI points it at stderr or a file. `null` silences the server. */
  logger: import('./log/logger.js').Logger | null;
  /** Auth: the simple single-user/token settings from the CLI flags. */
  username?: string;
  password?: string;
  token?: string;
  /** Pluggable authenticator; when set it takes precedence over username/password/token. */
  authenticator?: import('./server/auth-hook.js').ConnectAuthenticator;
  /** Path of the config file that was loaded, for SIGHUP reloads and /varz. */
  configFile?: string;
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
};

/** Fills in defaults; never mutates the input. */
export function resolveOptions(partial: Partial<ServerOptions>): ServerOptions {
  const o: ServerOptions = { ...DEFAULTS };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  if (!o.httpHost) o.httpHost = o.host;
  return o;
}
