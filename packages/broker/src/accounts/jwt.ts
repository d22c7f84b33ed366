import { createHash } from 'node:crypto';
import { fromPublic, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { verifyNonceSignature } from '../auth/authenticator.js';
import type { Permissions } from '../auth/permissions.js';

// NATS JWT v2 as the nats-io/jwt Go library writes it: base64url (no padding) header and claims,
// an ed25519 signature by the issuer's nkey over `header.claims`.

/** Header every v2 NATS JWT carries. */
export const JWT_HEADER = { typ: 'JWT', alg: 'ed25519-nkey' } as const;
/** jwt.NoLimit. */
export const NO_LIMIT = -1;

/** Raised for malformed, badly signed or wrongly typed JWTs. */
export class JwtError extends Error {
  override name = 'JwtError';
}

/** Allow/deny subject lists in a JWT (`pub`, `sub`). */
export interface JwtPermission {
  allow?: string[];
  deny?: string[];
}

/** `resp` of a user JWT: `ttl` is in nanoseconds, as Go's time.Duration marshals. */
export interface JwtResponsePermission {
  max: number;
  ttl: number;
}

/** Publish/subscribe/response permissions as user JWTs and account default permissions carry them. */
export interface JwtPermissions {
  pub?: JwtPermission;
  sub?: JwtPermission;
  resp?: JwtResponsePermission;
}

/** Fields every `nats` section has. */
export interface GenericNats {
  type: string;
  version: number;
  tags?: string[];
}

export interface OperatorNats extends GenericNats {
  type: 'operator';
  signing_keys?: string[];
  account_server_url?: string;
  operator_service_urls?: string[];
  system_account?: string;
  assert_server_version?: string;
  strict_signing_key_usage?: boolean;
}

export type ExportType = 'stream' | 'service';
/** Service response types, spelled as the JWT library marshals them. */
export type JwtResponseType = 'Singleton' | 'Stream' | 'Chunked';

export interface JwtExport {
  name?: string;
  subject: string;
  type: ExportType;
  token_req?: boolean;
  revocations?: Record<string, number>;
  response_type?: JwtResponseType;
  /** Nanoseconds. */
  response_threshold?: number;
  account_token_position?: number;
  advertise?: boolean;
  description?: string;
  info_url?: string;
}

export interface JwtImport {
  name?: string;
  /** The exporter's subject. */
  subject: string;
  /** Exporting account's public key. */
  account: string;
  token?: string;
  /** Deprecated v2 mapping field: stream import prefix / service import local subject. */
  to?: string;
  /** Subject in the importing account (v2.9+ replacement for `to`). */
  local_subject?: string;
  type: ExportType;
  share?: boolean;
}

/** Account limits; -1 means unlimited, JetStream fields of 0 mean JetStream is disabled. */
export interface JwtAccountLimits {
  subs?: number;
  data?: number;
  payload?: number;
  imports?: number;
  exports?: number;
  wildcards?: boolean;
  disallow_bearer?: boolean;
  conn?: number;
  leaf?: number;
  mem_storage?: number;
  disk_storage?: number;
  streams?: number;
  consumer?: number;
  max_ack_pending?: number;
  mem_max_stream_bytes?: number;
  disk_max_stream_bytes?: number;
  max_bytes_required?: boolean;
}

/** A scoped signing key: users it signs get `template`'s permissions, not their own. */
export interface UserScope {
  kind: 'user_scope';
  key: string;
  role?: string;
  template?: UserPermissionLimits;
  description?: string;
}

export interface AccountNats extends GenericNats {
  type: 'account';
  imports?: JwtImport[];
  exports?: JwtExport[];
  limits?: JwtAccountLimits;
  signing_keys?: Array<string | UserScope>;
  revocations?: Record<string, number>;
  default_permissions?: JwtPermissions;
  description?: string;
  info_url?: string;
}

/** Permissions plus connection limits a user (or a scope template) carries. */
export interface UserPermissionLimits extends JwtPermissions {
  src?: string[];
  times?: Array<{ start: string; end: string }>;
  times_location?: string;
  subs?: number;
  data?: number;
  payload?: number;
  bearer_token?: boolean;
  allowed_connection_types?: string[];
}

export interface UserNats extends GenericNats, UserPermissionLimits {
  type: 'user';
  issuer_account?: string;
}

/** The registered claims every NATS JWT has; times are Unix seconds. */
export interface Claims<N extends GenericNats = GenericNats> {
  jti: string;
  iat: number;
  iss: string;
  sub: string;
  name?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
  nats: N;
}

export type OperatorClaims = Claims<OperatorNats>;
export type AccountClaims = Claims<AccountNats>;
export type UserClaims = Claims<UserNats>;

/** What a caller provides to {@link encodeJwt}; `jti`, `iss` and (by default) `iat` are filled in. */
export type ClaimsInput<N extends GenericNats> = Omit<Claims<N>, 'jti' | 'iss' | 'iat' | 'nats'> & {
  iat?: number;
  nats: Omit<N, 'version'> & { version?: number };
};

/** Connection types for `allowed_connection_types` (jwt.ConnectionType*). */
export const CONNECTION_TYPES = [
  'STANDARD',
  'WEBSOCKET',
  'LEAFNODE',
  'LEAFNODE_WS',
  'MQTT',
  'MQTT_WS',
  'IN_PROCESS',
] as const;

const PREFIX_OF: Record<string, string> = { O: 'operator', A: 'account', U: 'user' };

/** The nkey role of a public key by its prefix: `operator`, `account`, `user`, or undefined. */
export function keyKind(pub: string): 'operator' | 'account' | 'user' | undefined {
  if (!isValidPublicKey(pub)) return undefined;
  return PREFIX_OF[pub[0]!] as 'operator' | 'account' | 'user' | undefined;
}

/** True for a well-formed public nkey (checksum included). */
export function isValidPublicKey(pub: string): boolean {
  try {
    fromPublic(pub);
    return true;
  } catch {
    return false;
  }
}

// Which signer prefixes each claim type accepts (jwt `ExpectedPrefixes`).
const SIGNER_PREFIX: Record<string, string> = { operator: 'O', account: 'O', user: 'A' };
const SUBJECT_PREFIX: Record<string, string> = { operator: 'O', account: 'A', user: 'U' };

/**
 * Signs `input` with `signer`: sets `iss` to the signer's public key, `iat` to now unless given,
 * `nats.version` to 2, and `jti` to the base32 SHA-512/256 of the claims, as the Go library does.
 */
export function encodeJwt<N extends GenericNats>(input: ClaimsInput<N>, signer: KeyPair): string {
  const iss = signer.getPublicKey();
  const type = input.nats.type;
  const want = SIGNER_PREFIX[type];
  if (want && !iss.startsWith(want)) {
    throw new JwtError(`invalid signing key of ${keyKind(iss) ?? 'unknown'} type for ${type} claims`);
  }
  const claims: Record<string, unknown> = {
    ...(input.aud !== undefined && { aud: input.aud }),
    ...(input.exp !== undefined && { exp: input.exp }),
    jti: '',
    iat: input.iat ?? Math.floor(Date.now() / 1000),
    iss,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.nbf !== undefined && { nbf: input.nbf }),
    sub: input.sub,
    nats: { ...input.nats, version: input.nats.version ?? 2 },
  };
  claims.jti = base32(createHash('sha512-256').update(JSON.stringify(claims)).digest());
  const head = b64url(JSON.stringify(JWT_HEADER));
  const body = b64url(JSON.stringify(claims));
  const sig = Buffer.from(signer.sign(new TextEncoder().encode(`${head}.${body}`))).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/** The limits jwt.NewAccountClaims starts from: everything unlimited, JetStream disabled. */
export function defaultAccountLimits(): JwtAccountLimits {
  return { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
}

/** JetStream limits meaning "enabled, unlimited" (what `nsc edit account --js-mem-storage -1 ...` writes). */
export function unlimitedJetStream(): JwtAccountLimits {
  return { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };
}

/**
 * Signs operator claims; the operator is self-signed (`sub` is the signer's key unless given).
 * nats-server rejects operator JWTs not issued by the operator itself or one of its signing keys.
 */
export function encodeOperator(
  kp: KeyPair,
  nats: Omit<OperatorNats, 'type' | 'version'> = {},
  claims: Partial<Pick<OperatorClaims, 'name' | 'exp' | 'iat' | 'sub'>> = {},
): string {
  return encodeJwt<OperatorNats>(
    { sub: kp.getPublicKey(), ...claims, nats: { ...nats, type: 'operator' } },
    kp,
  );
}

/**
 * Signs account claims for `account` with an operator key. `limits` are merged over
 * {@link defaultAccountLimits}, because nats-server reads a missing limit as 0 (no connections).
 */
export function encodeAccount(
  signer: KeyPair,
  account: string,
  nats: Omit<AccountNats, 'type' | 'version'> = {},
  claims: Partial<Pick<AccountClaims, 'name' | 'exp' | 'iat' | 'nbf'>> = {},
): string {
  const limits = { ...defaultAccountLimits(), ...nats.limits };
  return encodeJwt<AccountNats>(
    { sub: account, ...claims, nats: { ...nats, limits, type: 'account' } },
    signer,
  );
}

/**
 * Signs user claims for `user` with the account key or one of its signing keys (then pass
 * `issuer_account`). Subs, data and payload default to unlimited, as jwt.NewUserClaims does.
 */
export function encodeUser(
  signer: KeyPair,
  user: string,
  nats: Omit<UserNats, 'type' | 'version'> = {},
  claims: Partial<Pick<UserClaims, 'name' | 'exp' | 'iat' | 'nbf'>> = {},
): string {
  return encodeJwt<UserNats>(
    { sub: user, ...claims, nats: { subs: -1, data: -1, payload: -1, ...nats, type: 'user' } },
    signer,
  );
}

/** Decodes without checking the signature (for display); throws {@link JwtError} when malformed. */
export function decodeJwtUnverified<C extends Claims = Claims>(token: string): C {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new JwtError('expected 3 chunks');
  const header = parseJson(parts[0]!, 'header') as { typ?: unknown; alg?: unknown };
  if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') {
    throw new JwtError(`not supported type ${JSON.stringify(header.typ)}`);
  }
  if (header.alg !== JWT_HEADER.alg) {
    // v1 JWTs ("ed25519") predate the v2 claim format nats-server 2.x expects.
    throw new JwtError(`unexpected ${JSON.stringify(header.alg)} algorithm`);
  }
  const claims = parseJson(parts[1]!, 'claims') as C;
  if (typeof claims !== 'object' || claims === null || typeof claims.iss !== 'string') {
    throw new JwtError('claims have no issuer');
  }
  if (typeof claims.sub !== 'string') throw new JwtError('claims have no subject');
  if (typeof claims.nats !== 'object' || claims.nats === null)
    throw new JwtError('claims have no nats section');
  return claims;
}

/**
 * Decodes and verifies the signature against the issuer's nkey. With `expectType` the claims must be
 * of that type with correctly prefixed subject and issuer.
 */
export function decodeJwt<C extends Claims = Claims>(token: string, expectType?: string): C {
  const claims = decodeJwtUnverified<C>(token);
  const [head, body, sig] = token.trim().split('.') as [string, string, string];
  let ok = false;
  try {
    ok = fromPublic(claims.iss).verify(
      new TextEncoder().encode(`${head}.${body}`),
      new Uint8Array(Buffer.from(sig, 'base64url')),
    );
  } catch {
    ok = false;
  }
  if (!ok) throw new JwtError('claim failed V2 signature verification');
  if (expectType !== undefined) {
    if (claims.nats.type !== expectType) {
      throw new JwtError(`not ${expectType} claim`);
    }
    if (!claims.iss.startsWith(SIGNER_PREFIX[expectType] ?? '')) {
      throw new JwtError(`${expectType} claims issued by unexpected key type`);
    }
    if (!claims.sub.startsWith(SUBJECT_PREFIX[expectType] ?? '') || !isValidPublicKey(claims.sub)) {
      throw new JwtError(`${expectType} claims subject is not a valid ${expectType} public key`);
    }
  }
  return claims;
}

export const decodeOperatorClaims = (t: string): OperatorClaims => decodeJwt<OperatorClaims>(t, 'operator');
export const decodeAccountClaims = (t: string): AccountClaims => decodeJwt<AccountClaims>(t, 'account');
export const decodeUserClaims = (t: string): UserClaims => decodeJwt<UserClaims>(t, 'user');

/** Time validity: `exp` passed or `nbf` not reached. `now` is Unix seconds. */
export function timeProblem(c: Claims, now = Date.now() / 1000): 'expired' | 'not yet valid' | undefined {
  if (c.exp !== undefined && c.exp > 0 && now > c.exp) return 'expired';
  if (c.nbf !== undefined && c.nbf > 0 && now < c.nbf) return 'not yet valid';
  return undefined;
}

/** Signing keys of an account (plain and scoped), by public key. */
export function accountSigningKeys(acc: AccountClaims): Map<string, UserScope | undefined> {
  const m = new Map<string, UserScope | undefined>();
  for (const k of acc.nats.signing_keys ?? []) {
    if (typeof k === 'string') m.set(k, undefined);
    else m.set(k.key, k);
  }
  return m;
}

/**
 * Is `pubkey` (issued at `iat`) revoked by `revocations`? A revocation at time T revokes
 * JWTs issued at or before T; the `*` entry revokes everyone (jwt `RevocationList.IsRevoked`).
 */
export function isRevoked(
  revocations: Record<string, number> | undefined,
  pubkey: string,
  iat: number,
): boolean {
  if (!revocations) return false;
  const t = revocations[pubkey];
  if (t !== undefined && iat <= t) return true;
  const all = revocations['*'];
  return all !== undefined && iat <= all;
}

/**
 * The blocking validation problems of account claims, in the spirit of jwt `AccountClaims.Validate`:
 * bad subjects in exports/imports, imports from non-account keys, conflicting exports.
 */
export function validateAccountClaims(acc: AccountClaims): string[] {
  const errs: string[] = [];
  const seen = new Map<string, ExportType>();
  for (const e of acc.nats.exports ?? []) {
    if (!validSubject(e.subject)) errs.push(`subject ${JSON.stringify(e.subject)} is not a valid subject`);
    if (e.type !== 'stream' && e.type !== 'service') errs.push(`export ${e.subject} has invalid type`);
    if (e.type === 'stream' && e.response_type) errs.push('response type can only be specified for services');
    const prev = seen.get(e.subject);
    if (prev !== undefined) errs.push(`export subject ${JSON.stringify(e.subject)} is already exported`);
    seen.set(e.subject, e.type);
  }
  for (const i of acc.nats.imports ?? []) {
    if (!validSubject(i.subject)) errs.push(`subject ${JSON.stringify(i.subject)} is not a valid subject`);
    if (!i.account.startsWith('A') || !isValidPublicKey(i.account)) {
      errs.push(`account to import from is not a valid account: ${JSON.stringify(i.account)}`);
    }
    if (i.type !== 'stream' && i.type !== 'service') errs.push(`import ${i.subject} has invalid type`);
  }
  // Missing limits decode as 0, so an account JWT without `limits` may not export or import at all.
  const lim = acc.nats.limits ?? {};
  const maxImports = lim.imports ?? 0;
  const maxExports = lim.exports ?? 0;
  if (maxImports >= 0 && (acc.nats.imports?.length ?? 0) > maxImports) {
    errs.push('the account contains more imports than allowed by the operator');
  }
  if (maxExports >= 0 && (acc.nats.exports?.length ?? 0) > maxExports) {
    errs.push('the account contains more exports than allowed by the operator');
  }
  for (const k of acc.nats.signing_keys ?? []) {
    const key = typeof k === 'string' ? k : k.key;
    if (!key.startsWith('A') || !isValidPublicKey(key))
      errs.push(`${JSON.stringify(key)} is not an account key`);
  }
  return errs;
}

// The JWT library only rejects empty subjects and spaces; nats-server checks the rest when using them.
function validSubject(s: unknown): boolean {
  return typeof s === 'string' && s.length > 0 && !s.includes(' ');
}

/** Converts JWT permissions to the shape Tern's {@link PermissionChecker} takes. */
export function toPermissions(p: JwtPermissions | undefined): Permissions | undefined {
  if (!p || (!p.pub && !p.sub && !p.resp)) return undefined;
  const out: Permissions = {};
  if (p.pub && (p.pub.allow?.length || p.pub.deny?.length)) out.publish = pickLists(p.pub);
  if (p.sub && (p.sub.allow?.length || p.sub.deny?.length)) out.subscribe = pickLists(p.sub);
  if (p.resp) out.response = { maxMsgs: p.resp.max, expiresMs: Math.round(p.resp.ttl / 1e6) };
  return Object.keys(out).length ? out : undefined;
}

function pickLists(p: JwtPermission): { allow?: string[]; deny?: string[] } {
  const o: { allow?: string[]; deny?: string[] } = {};
  if (p.allow?.length) o.allow = [...p.allow];
  if (p.deny?.length) o.deny = [...p.deny];
  return o;
}

/** The trust anchor and account lookup {@link authenticateUserJwt} needs. */
export interface JwtTrust {
  /** Trusted operators (`operator:` in the config). */
  operators: OperatorClaims[];
  /** Returns the current account claims for a public key, if the resolver has them. */
  lookupAccount(pubkey: string): AccountClaims | undefined;
}

/** CONNECT fields relevant to JWT authentication. */
export interface JwtConnect {
  jwt: string;
  /** Signature of the INFO nonce by the user's seed (base64url). */
  sig?: string;
  nonce?: string;
  /** One of {@link CONNECTION_TYPES}; default STANDARD. */
  connectionType?: string;
  /** Unix seconds; default now. */
  now?: number;
}

/** Outcome of {@link authenticateUserJwt}; `reason` is for the log only. */
export type JwtAuthResult =
  | { ok: true; user: UserClaims; account: AccountClaims; permissions?: Permissions }
  | { ok: false; reason: string };

/** True when `key` is the operator's identity or one of its signing keys. */
export function isTrustedOperatorKey(operators: OperatorClaims[], key: string): boolean {
  return operators.some((o) => o.sub === key || (o.nats.signing_keys ?? []).includes(key));
}

/**
 * Authenticates a CONNECT carrying a user JWT as nats-server's auth.go does in operator mode:
 * user signed by its account or one of the account's signing keys, account signed by a trusted
 * operator key, neither expired, user not revoked, connection type allowed, nonce signed by the
 * user's key unless it is a bearer token. Scoped signing keys impose their template permissions.
 * Not checked: `src` CIDRs and `times` windows (the caller has the peer address and clock zone).
 */
export function authenticateUserJwt(conn: JwtConnect, trust: JwtTrust): JwtAuthResult {
  const now = conn.now ?? Date.now() / 1000;
  if (trust.operators.length === 0) return { ok: false, reason: 'no trusted operators' };
  let user: UserClaims;
  try {
    user = decodeUserClaims(conn.jwt);
  } catch (err) {
    return { ok: false, reason: `user JWT decode error: ${(err as Error).message}` };
  }
  const tp = timeProblem(user, now);
  if (tp) return { ok: false, reason: `user JWT ${tp}` };
  const accountKey = user.nats.issuer_account || user.iss;
  const account = trust.lookupAccount(accountKey);
  if (!account) return { ok: false, reason: `account ${accountKey} not found` };
  if (!isTrustedOperatorKey(trust.operators, account.iss)) {
    return { ok: false, reason: `account ${accountKey} not signed by a trusted operator` };
  }
  const atp = timeProblem(account, now);
  if (atp) return { ok: false, reason: `account JWT ${atp}` };
  let scope: UserScope | undefined;
  if (user.iss !== account.sub) {
    const keys = accountSigningKeys(account);
    if (!keys.has(user.iss)) return { ok: false, reason: 'user JWT issuer is not known' };
    scope = keys.get(user.iss);
  } else if (user.nats.issuer_account && user.nats.issuer_account !== user.iss) {
    return { ok: false, reason: 'user JWT issuer_account does not match issuer' };
  }
  if (isRevoked(account.nats.revocations, user.sub, user.iat)) {
    return { ok: false, reason: `user ${user.sub} has been revoked` };
  }
  const limits: UserPermissionLimits = scope?.template ?? user.nats;
  const ctype = conn.connectionType ?? 'STANDARD';
  const allowed = limits.allowed_connection_types;
  if (allowed && allowed.length > 0 && !allowed.includes(ctype)) {
    return { ok: false, reason: `connection type ${ctype} not allowed` };
  }
  if (limits.bearer_token) {
    if (account.nats.limits?.disallow_bearer) return { ok: false, reason: 'bearer tokens not allowed' };
  } else {
    if (!conn.nonce || !conn.sig) return { ok: false, reason: 'signature missing' };
    if (!verifyNonceSignature(user.sub, conn.nonce, conn.sig)) {
      return { ok: false, reason: 'signature not verified' };
    }
  }
  const permissions = toPermissions(limits) ?? toPermissions(account.nats.default_permissions);
  return permissions ? { ok: true, user, account, permissions } : { ok: true, user, account };
}

/** Signs an INFO nonce with a user seed, as clients do for CONNECT `sig` (base64url). */
export function signNonce(seed: string | Uint8Array, nonce: string): string {
  const kp = fromSeed(typeof seed === 'string' ? new TextEncoder().encode(seed) : seed);
  return Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString('base64url');
}

const CREDS_BLOCK = /-{3,}[^\n]*-{3,}\r?\n([\s\S]+?)\r?\n\s*-{3,}[^\n]*-{3,}/g;

/** Writes a `.creds` file: the user JWT and its seed, in the blocks `nsc` generates. */
export function formatCreds(userJwt: string, seed: string | Uint8Array): string {
  const s = typeof seed === 'string' ? seed : new TextDecoder().decode(seed);
  return `-----BEGIN NATS USER JWT-----
${userJwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${s}
------END USER NKEY SEED------

*************************************************************
`;
}

/** Reads the JWT and seed out of a `.creds` file. Throws {@link JwtError} when a block is missing. */
export function parseCreds(text: string): { jwt: string; seed: string } {
  const blocks = [...text.matchAll(CREDS_BLOCK)].map((m) => m[1]!.trim());
  const jwt = blocks[0];
  const seed = blocks[1];
  if (!jwt) throw new JwtError('unable to parse jwt from creds');
  if (!seed) throw new JwtError('unable to parse seed from creds');
  if (!seed.startsWith('SU')) throw new JwtError('creds seed is not a user seed');
  return { jwt, seed };
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

function parseJson(part: string, what: string): unknown {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(part)) throw new JwtError(`${what} is not base64url`);
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError(`${what} is not valid JSON`);
  }
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(buf: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
