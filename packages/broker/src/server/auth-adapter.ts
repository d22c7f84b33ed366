import { type AuthConfig, Authenticator, authConfigFromCli } from '../auth/index.js';
import type { ServerOptions } from '../options.js';
import type { ConnectAuthenticator } from './auth-hook.js';

/** Wraps the `src/auth` authenticator (token, users, bcrypt, nkeys, no_auth_user) for the client. */
export function authenticatorFor(config: AuthConfig): ConnectAuthenticator | null {
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
      return { ok: true, user: r.user, permissions: r.permissions };
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
