import type { OperatorMode } from '../accounts/index.js';
import { type AuthConfig, Authenticator, authConfigFromCli } from '../auth/index.js';
import type { ServerOptions } from '../options.js';
import type { ConnectAuthenticator } from './auth-hook.js';

/**
 * Wraps the `src/auth` authenticator (token, users, bcrypt, nkeys, no_auth_user) for the client;
 * `accountOf` names the account an authenticated user or nkey belongs to.
 */
export function authenticatorFor(
  config: AuthConfig,
  accountOf?: (user: string) => string | undefined,
): ConnectAuthenticator | null {
  const a = new Authenticator(config);
  if (!a.required) return null;
  return {
    authRequired: true,
    advertiseAuthRequired: config.noAuthUser === undefined,
    needsNonce: a.needsNonce,
    timeoutMs: a.timeoutMs,
    async authenticate(opts, nonce) {
      const r = await a.authenticate(opts, nonce);
      if (!r.ok) return { ok: false, reason: r.reason };
      const account = r.user !== undefined ? accountOf?.(r.user) : undefined;
      return account !== undefined
        ? { ok: true, user: r.user, permissions: r.permissions, account }
        : { ok: true, user: r.user, permissions: r.permissions };
    },
  };
}

/** Operator mode: CONNECT carries a user JWT and the INFO nonce signed by the user's seed. */
export function operatorAuthenticator(op: OperatorMode, timeoutMs: number): ConnectAuthenticator {
  return {
    authRequired: true,
    needsNonce: true,
    timeoutMs,
    authenticate(opts, nonce) {
      if (!opts.jwt) return { ok: false, reason: 'no user JWT' };
      const conn: { jwt: string; sig?: string; nonce?: string } = { jwt: opts.jwt };
      if (opts.sig !== undefined) conn.sig = opts.sig;
      if (nonce !== undefined) conn.nonce = nonce;
      const r = op.authenticate(conn);
      if (!r.ok) return { ok: false, reason: r.reason };
      return r.permissions
        ? { ok: true, user: r.user.sub, permissions: r.permissions, account: r.account.sub }
        : { ok: true, user: r.user.sub, account: r.account.sub };
    },
  };
}

/** The auth settings of `o`: an explicit `auth` block, with `username/password/token` layered on top. */
export function authConfigOf(o: ServerOptions): AuthConfig | null {
  const cli = { user: o.username, pass: o.password, auth: o.token };
  const hasCli = cli.user !== undefined || cli.pass !== undefined || cli.auth !== undefined;
  if (!o.auth && !hasCli) return null;
  const base = o.auth ? { ...o.auth, timeoutMs: o.authTimeout } : undefined;
  const cfg = hasCli ? authConfigFromCli(cli, base) : base!;
  return { ...cfg, timeoutMs: o.authTimeout };
}
