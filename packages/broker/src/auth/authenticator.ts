import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fromPublic } from '@nats-io/nkeys';
import bcrypt from 'bcryptjs';
import type { AuthConfig, AuthNkey, AuthUser } from './auth-config.js';
import { AUTHORIZATION_VIOLATION } from './errors.js';
import type { Permissions } from './permissions.js';

/** The credential fields of a client's CONNECT, named as on the wire. */
export interface ConnectCredentials {
  user?: string;
  pass?: string;
  auth_token?: string;
  nkey?: string;
  sig?: string;
  jwt?: string;
}

/** Outcome of {@link Authenticator.authenticate}. `reason` is for the server log, never the client. */
export type AuthResult =
  | { ok: true; user?: string; permissions?: Permissions }
  | { ok: false; error: typeof AUTHORIZATION_VIOLATION; reason: string };

// nats-server accepts bcrypt hashes of these forms (auth.go `validBcryptPrefix`).
const BCRYPT = /^\$2[aby]\$\d{2}\$/;

/** True when a configured password or token is a bcrypt hash rather than plain text. */
export function isBcrypt(secret: string): boolean {
  return BCRYPT.test(secret);
}

/** A fresh nonce for INFO: 11 random bytes, base64url without padding, like nats-server. */
export function generateNonce(): string {
  return randomBytes(11).toString('base64url');
}

/** Decides whether a CONNECT may proceed, and as whom, following nats-server's auth.go. */
export class Authenticator {
  /** Clients must authenticate (INFO `auth_required`). */
  readonly required: boolean;
  /** INFO must carry a `nonce` for nkey signatures. */
  readonly needsNonce: boolean;
  readonly timeoutMs: number;
  private readonly token?: string;
  private readonly users = new Map<string, AuthUser>();
  private readonly nkeys = new Map<string, AuthNkey>();
  private readonly noAuthUser?: AuthUser;

  constructor(config: AuthConfig) {
    for (const u of config.users ?? []) this.users.set(u.user, u);
    for (const n of config.nkeys ?? []) this.nkeys.set(n.nkey, n);
    this.token = config.token;
    this.timeoutMs = config.timeoutMs;
    if (config.noAuthUser !== undefined) this.noAuthUser = this.users.get(config.noAuthUser);
    this.required = this.token !== undefined || this.users.size > 0 || this.nkeys.size > 0;
    this.needsNonce = this.nkeys.size > 0;
  }

  /**
   * Checks the CONNECT credentials. `nonce` is the string sent in INFO; nkey clients sign its
   * bytes. Async because bcrypt comparisons are deliberately slow.
   */
  async authenticate(connect: ConnectCredentials, nonce?: string): Promise<AuthResult> {
    if (!this.required) return { ok: true };
    if (this.users.size > 0 || this.nkeys.size > 0) return this.authenticateUser(connect, nonce);
    const token = connect.auth_token ?? '';
    if (this.token !== undefined && token !== '' && (await secretMatches(this.token, token)))
      return { ok: true };
    return deny('bad or missing token');
  }

  private async authenticateUser(connect: ConnectCredentials, nonce?: string): Promise<AuthResult> {
    const anyCredential = !!(
      connect.user ||
      connect.pass ||
      connect.auth_token ||
      connect.nkey ||
      connect.jwt
    );
    if (!anyCredential && this.noAuthUser) return granted(this.noAuthUser.user, this.noAuthUser.permissions);
    if (connect.nkey && this.nkeys.size > 0) {
      const entry = this.nkeys.get(connect.nkey);
      if (!entry) return deny(`unknown nkey ${connect.nkey}`);
      if (!nonce || !connect.sig) return deny('nkey without signature');
      if (!verifyNonceSignature(entry.nkey, nonce, connect.sig)) return deny('bad nkey signature');
      return granted(entry.nkey, entry.permissions);
    }
    if (connect.user) {
      const entry = this.users.get(connect.user);
      if (!entry) return deny(`unknown user ${JSON.stringify(connect.user)}`);
      if (!(await secretMatches(entry.password, connect.pass ?? ''))) return deny('bad password');
      return granted(entry.user, entry.permissions);
    }
    return deny('no credentials');
  }
}

function granted(user: string, permissions: Permissions | undefined): AuthResult {
  return permissions ? { ok: true, user, permissions } : { ok: true, user };
}

function deny(reason: string): AuthResult {
  return { ok: false, error: AUTHORIZATION_VIOLATION, reason };
}

/** Compares a configured secret (plain or bcrypt) with what the client sent, in constant time. */
export async function secretMatches(configured: string, given: string): Promise<boolean> {
  if (isBcrypt(configured)) {
    try {
      return await bcrypt.compare(given, configured);
    } catch {
      return false;
    }
  }
  return constantTimeEqual(configured, given);
}

/** String equality whose timing does not depend on where, or whether, the inputs differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length inputs, so length differences do not leak either.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Verifies an nkey's signature of the nonce. nats clients send `sig` as base64url without padding;
 * like nats-server, standard base64 is accepted too.
 */
export function verifyNonceSignature(nkey: string, nonce: string, sig: string): boolean {
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(sig)) return false;
  const bytes = Buffer.from(sig.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
  if (bytes.length !== 64) return false;
  try {
    return fromPublic(nkey).verify(new TextEncoder().encode(nonce), new Uint8Array(bytes));
  } catch {
    return false;
  }
}
