import { ConfigError } from '../config/errors.js';
import type { FileConfig } from '../config/server-config.js';
import type { Permissions } from './permissions.js';

/** A user/password credential; the password may be a bcrypt hash. */
export interface AuthUser {
  user: string;
  password: string;
  permissions?: Permissions;
}

/** An nkey user, identified by its public key (starts with `U`). */
export interface AuthNkey {
  nkey: string;
  permissions?: Permissions;
}

/** Everything the authenticator needs, however it was configured. */
export interface AuthConfig {
  token?: string;
  users?: AuthUser[];
  nkeys?: AuthNkey[];
  /** A CONNECT without credentials authenticates as this user. */
  noAuthUser?: string;
  timeoutMs: number;
}

/** nats-server's default `authorization { timeout }`: 2 seconds. */
export const DEFAULT_AUTH_TIMEOUT_MS = 2000;

/** CLI flags that configure authentication, as nats-server names them. */
export interface AuthCliOptions {
  /** `--user` */
  user?: string;
  /** `--pass` */
  pass?: string;
  /** `--auth` (token) */
  auth?: string;
}

/** Builds an {@link AuthConfig} from a configuration file. Throws {@link ConfigError} on inconsistencies. */
export function authConfigFromFile(fc: FileConfig): AuthConfig {
  const a = fc.authorization;
  const cfg: AuthConfig = { timeoutMs: fc.authTimeoutMs ?? a?.timeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS };
  if (a?.token !== undefined) cfg.token = a.token;
  if (a?.user !== undefined) {
    cfg.users = [withPerms({ user: a.user, password: a.password ?? '' }, a.permissions)];
  }
  if (a?.users) {
    const users: AuthUser[] = [];
    const nkeys: AuthNkey[] = [];
    for (const u of a.users) {
      if (u.nkey !== undefined) nkeys.push(withPerms({ nkey: u.nkey }, u.permissions));
      else users.push(withPerms({ user: u.user ?? '', password: u.password ?? '' }, u.permissions));
    }
    if (users.length) cfg.users = users;
    if (nkeys.length) cfg.nkeys = nkeys;
  }
  if (fc.noAuthUser !== undefined) cfg.noAuthUser = fc.noAuthUser;
  validateAuthConfig(cfg);
  return cfg;
}

/**
 * Applies `--user/--pass/--auth` on top of `base` (flags win over the file, as in nats-server).
 * Throws {@link ConfigError} for combinations nats-server refuses.
 */
export function authConfigFromCli(cli: AuthCliOptions, base?: AuthConfig): AuthConfig {
  const cfg: AuthConfig = base
    ? { ...base, users: base.users?.slice(), nkeys: base.nkeys?.slice() }
    : { timeoutMs: DEFAULT_AUTH_TIMEOUT_MS };
  if (cli.pass !== undefined && cli.user === undefined && !(cfg.users?.length === 1)) {
    throw new ConfigError('--pass requires --user');
  }
  if (cli.user !== undefined || cli.pass !== undefined) {
    if ((cfg.users?.length ?? 0) > 1 || (cfg.nkeys?.length ?? 0) > 0) {
      throw new ConfigError('Can not have a single user/pass and a users array');
    }
    const prev = cfg.users?.[0];
    cfg.users = [
      withPerms(
        { user: cli.user ?? prev?.user ?? '', password: cli.pass ?? prev?.password ?? '' },
        prev?.permissions,
      ),
    ];
  }
  if (cli.auth !== undefined) cfg.token = cli.auth;
  if (cfg.users === undefined) delete cfg.users;
  if (cfg.nkeys === undefined) delete cfg.nkeys;
  validateAuthConfig(cfg);
  return cfg;
}

/** Checks the combinations nats-server rejects at startup. */
export function validateAuthConfig(cfg: AuthConfig): void {
  const hasUsers = (cfg.users?.length ?? 0) + (cfg.nkeys?.length ?? 0) > 0;
  if (cfg.token !== undefined && hasUsers) throw new ConfigError('Cannot have a user/pass and token');
  if (cfg.noAuthUser !== undefined) {
    if (!hasUsers) {
      throw new ConfigError(
        `no_auth_user: ${JSON.stringify(cfg.noAuthUser)} present, but users are not defined`,
      );
    }
    if (!cfg.users?.some((u) => u.user === cfg.noAuthUser)) {
      throw new ConfigError(
        `no_auth_user: ${JSON.stringify(cfg.noAuthUser)} not present as user in authorization block or account configuration`,
      );
    }
  }
}

function withPerms<T extends object>(
  entry: T,
  permissions: Permissions | undefined,
): T & { permissions?: Permissions } {
  return permissions ? { ...entry, permissions } : entry;
}
