import type { Permissions } from '../auth/index.js';

/** CONNECT fields as sent by clients (nats-server `ClientOpts`). */
export interface ConnectOptions {
  verbose?: boolean;
  pedantic?: boolean;
  tls_required?: boolean;
  auth_token?: string;
  user?: string;
  pass?: string;
  nkey?: string;
  jwt?: string;
  sig?: string;
  name?: string;
  lang?: string;
  version?: string;
  protocol?: number;
  echo?: boolean;
  headers?: boolean;
  no_responders?: boolean;
  account?: string;
  new_account?: boolean;
}

/** What the authenticator decided for one CONNECT; `reason` goes to the server log only. */
export type ConnectAuthResult =
  | { ok: true; user?: string; permissions?: Permissions; account?: string }
  | { ok: false; reason?: string };

/**
 * Hook point for authentication: the client calls it once per CONNECT with the options it sent and the
 * nonce the server put in INFO (for NKEY signatures). May answer synchronously or with a promise; the
 * connection's input is held meanwhile so frames after CONNECT keep their order.
 */
export interface ConnectAuthenticator {
  /** True when clients must authenticate (CONNECT is required before anything else). */
  readonly authRequired: boolean;
  /**
   * Whether INFO says `auth_required`; nats-server leaves it out when `no_auth_user` lets clients in
   * without credentials. Defaults to `authRequired`.
   */
  readonly advertiseAuthRequired?: boolean;
  /** True when INFO must carry a `nonce` (NKEY users configured). */
  readonly needsNonce: boolean;
  /** Milliseconds a client has to authenticate. */
  readonly timeoutMs: number;
  authenticate(
    opts: ConnectOptions,
    nonce: string | undefined,
    meta: { ip: string },
  ): ConnectAuthResult | Promise<ConnectAuthResult>;
}
