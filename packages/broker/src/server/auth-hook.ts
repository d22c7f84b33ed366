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

/** Subject permissions for one direction; `undefined` lists mean "no restriction". */
export interface SubjectPermission {
  allow?: string[];
  deny?: string[];
}

/** Permissions granted to an authenticated client. */
export interface ClientPermissions {
  publish?: SubjectPermission;
  subscribe?: SubjectPermission;
  /** Allow publishing to reply subjects of requests received (nats-server `allow_responses`). */
  response?: { max: number; expires: number };
}

/** What the authenticator decided for one CONNECT. */
export type AuthResult =
  | { ok: true; user?: string; permissions?: ClientPermissions }
  | { ok: false; error?: string };

/**
 * Hook point for authentication: the client calls it once per CONNECT with the options it sent and the
 * nonce the server put in INFO (for NKEY signatures).
 */
export interface ConnectAuthenticator {
  /** True when INFO must advertise `auth_required`. */
  readonly authRequired: boolean;
  /** True when INFO must carry a `nonce` (NKEY users configured). */
  readonly needsNonce: boolean;
  authenticate(opts: ConnectOptions, nonce: string | undefined, meta: { ip: string }): AuthResult;
}
