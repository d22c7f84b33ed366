import { attachJetStream } from './jetstream/attach.js';
import { createLogger, nullLogger } from './log/logger.js';
import { Monitor } from './monitoring/http.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { Server } from './server/server.js';

export * as natsJwt from './accounts/jwt.js';
export type { AuthConfig, Permissions } from './auth/index.js';
export type { Logger } from './log/logger.js';
export { DEFAULT_VERSION, DEFAULTS, type ServerOptions } from './options.js';
export type { ConnectAuthenticator, ConnectAuthResult, ConnectOptions } from './server/auth-hook.js';
export { createLogger, nullLogger };

/** A running broker. */
export interface ServerHandle {
  /** Host the client listener is bound to. */
  readonly host: string;
  /** Bound client port. */
  readonly port: number;
  /** Bound monitoring port, 0 when monitoring is off. */
  readonly httpPort: number;
  readonly serverId: string;
  readonly serverName: string;
  /** The server object, for tests and embedding. */
  readonly server: Server;
  /** Closes every connection and both listeners. */
  close(): Promise<void>;
}

/** Starts a broker; `port: -1` or `0` (and the same for `httpPort`) pick free ports. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<ServerHandle> {
  const opts = resolveOptions(options);
  const server = new Server(opts);
  const log = server.logger;
  log.info(`Starting tern-server`);
  log.info(`  Version:  ${opts.version}`);
  log.info(`  Name:     ${opts.serverName}`);
  log.info(`  ID:       ${server.serverId}`);
  if (opts.configFile) log.info(`Using configuration file: ${opts.configFile}`);
  let monitor: Monitor | null = null;
  try {
    if (opts.httpPort !== undefined) {
      monitor = new Monitor(server, opts.httpHost);
      await monitor.listen(opts.httpPort);
    }
    await server.listen();
    // JetStream (jetstream/attach.ts) subscribes through the router, so it starts once the server is up.
    if (opts.jetstream) server.jetstream = await attachJetStream(server, opts);
  } catch (e) {
    await server.jetstream?.stop();
    await monitor?.close();
    await server.shutdown();
    throw e;
  }
  if (opts.announceReady) log.info('Server is ready');
  let closing: Promise<void> | null = null;
  return {
    host: opts.host,
    port: server.port,
    httpPort: monitor?.port ?? 0,
    serverId: server.serverId,
    serverName: opts.serverName,
    server,
    close() {
      if (!closing) {
        closing = (async () => {
          log.info('Initiating Shutdown...');
          await monitor?.close();
          await server.jetstream?.stop();
          await server.shutdown();
          log.info('Server Exiting..');
        })();
      }
      return closing;
    },
  };
}

export type { Server };
