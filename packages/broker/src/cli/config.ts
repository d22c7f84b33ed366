import { dirname } from 'node:path';
import {
  buildAccountAuth,
  DEFAULT_SYSTEM_ACCOUNT,
  parseAccountsConfig,
  parseOperatorConfig,
} from '../accounts/index.js';
import { authConfigFromFile } from '../auth/index.js';
import { type FileConfig, loadConfigFile, toServerConfig } from '../config/index.js';
import type { ServerOptions } from '../options.js';

/** A loaded configuration file: server options plus the process-level settings the CLI applies. */
export interface LoadedConfig {
  options: Partial<ServerOptions>;
  logFile?: string;
  pidFile?: string;
  portsFileDir?: string;
  warnings: string[];
}

/** Reads a nats-server configuration file into Tern options. Throws the config module's errors. */
export function loadServerConfig(path: string, env: Record<string, string | undefined>): LoadedConfig {
  const raw = loadConfigFile(path, env);
  const fc: FileConfig = toServerConfig(raw);
  const o: Partial<ServerOptions> = { configFile: path };
  if (fc.host !== undefined) o.host = fc.host;
  if (fc.port !== undefined) o.port = fc.port;
  if (fc.httpHost !== undefined) o.httpHost = fc.httpHost;
  if (fc.httpPort !== undefined && fc.httpPort !== 0) o.httpPort = fc.httpPort;
  if (fc.serverName !== undefined) o.serverName = fc.serverName;
  if (fc.maxPayload !== undefined) o.maxPayload = fc.maxPayload;
  if (fc.maxControlLine !== undefined) o.maxControlLine = fc.maxControlLine;
  if (fc.maxConnections !== undefined) o.maxConnections = fc.maxConnections;
  if (fc.maxSubscriptions !== undefined) o.maxSubscriptions = fc.maxSubscriptions;
  if (fc.maxPending !== undefined) o.maxPending = fc.maxPending;
  if (fc.pingIntervalMs !== undefined) o.pingInterval = fc.pingIntervalMs;
  if (fc.pingMax !== undefined) o.maxPingsOut = fc.pingMax;
  if (fc.writeDeadlineMs !== undefined) o.writeDeadline = fc.writeDeadlineMs;
  if (fc.debug !== undefined) o.debug = fc.debug;
  if (fc.trace !== undefined) o.trace = fc.trace;
  if (fc.jetstream?.enabled) {
    o.jetstream = true;
    if (fc.jetstream.storeDir !== undefined) o.storeDir = fc.jetstream.storeDir;
    if (fc.jetstream.maxMemoryStore !== undefined) o.jetstreamMaxMemory = fc.jetstream.maxMemoryStore;
    if (fc.jetstream.maxFileStore !== undefined) o.jetstreamMaxStore = fc.jetstream.maxFileStore;
  }
  const accounts = parseAccountsConfig(raw);
  const accountUsers = accounts.accounts.some((a) => a.users.length > 0);
  // `no_auth_user` may name an account user, which the authorization reader does not know.
  const authFile: FileConfig = { ...fc };
  if (accountUsers) delete authFile.noAuthUser;
  const fileAuth = authConfigFromFile(authFile);
  o.authTimeout = fileAuth.timeoutMs;
  const auth = accountUsers ? buildAccountAuth(accounts, fileAuth).auth : fileAuth;
  if (auth.token !== undefined || auth.users?.length || auth.nkeys?.length) o.auth = auth;
  if (accounts.accounts.length > 0 || accounts.systemAccount !== DEFAULT_SYSTEM_ACCOUNT)
    o.accounts = accounts;
  const operator = parseOperatorConfig(raw, { baseDir: dirname(path) });
  if (operator) o.operator = operator;
  return {
    options: o,
    logFile: fc.logFile,
    pidFile: fc.pidFile,
    portsFileDir: fc.portsFileDir,
    warnings: [...fc.warnings, ...accounts.warnings, ...(operator?.warnings ?? [])],
  };
}
