import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { ConfigError, positionOf, type SourcePosition } from '../config/errors.js';
import type { ConfigMap, ConfigValue } from '../config/parse.js';
import { parseGoDuration } from '../config/values.js';
import { Account, type AccountRegistry } from './account.js';
import {
  type AccountClaims,
  authenticateUserJwt,
  decodeAccountClaims,
  decodeJwtUnverified,
  decodeOperatorClaims,
  isTrustedOperatorKey,
  isValidPublicKey,
  type JwtAuthResult,
  type JwtConnect,
  type JwtTrust,
  type OperatorClaims,
  validateAccountClaims,
} from './jwt.js';

/** `$SYS.REQ.CLAIMS.UPDATE`: an account JWT pushed without naming the account in the subject. */
export const CLAIMS_UPDATE_SUBJECT = '$SYS.REQ.CLAIMS.UPDATE';
/** `$SYS.REQ.CLAIMS.LIST`: full resolvers answer with the stored account ids. */
export const CLAIMS_LIST_SUBJECT = '$SYS.REQ.CLAIMS.LIST';
/** `$SYS.REQ.ACCOUNT.<id>.CLAIMS.UPDATE` (and the older `$SYS.ACCOUNT.<id>.CLAIM.UPDATE`). */
export const accountClaimsUpdateSubject = (id: string): string => `$SYS.REQ.ACCOUNT.${id}.CLAIMS.UPDATE`;
/** `$SYS.REQ.ACCOUNT.<id>.CLAIMS.LOOKUP`. */
export const accountClaimsLookupSubject = (id: string): string => `$SYS.REQ.ACCOUNT.${id}.CLAIMS.LOOKUP`;

/** Where account JWTs are kept. `fetch` returns the stored JWT text. */
export interface AccountResolver {
  readonly type: 'memory' | 'full';
  fetch(pubkey: string): string | undefined;
  store(pubkey: string, jwt: string): void;
  /** Stored account ids, sorted. */
  list(): string[];
  delete(pubkey: string): boolean;
}

/** `resolver: MEMORY`: JWTs from `resolver_preload` (and updates to accounts already known). */
export class MemoryResolver implements AccountResolver {
  readonly type = 'memory' as const;
  private readonly jwts = new Map<string, string>();

  fetch(pubkey: string): string | undefined {
    return this.jwts.get(pubkey);
  }

  store(pubkey: string, jwt: string): void {
    this.jwts.set(pubkey, jwt);
  }

  list(): string[] {
    return [...this.jwts.keys()].sort();
  }

  delete(pubkey: string): boolean {
    return this.jwts.delete(pubkey);
  }
}

/**
 * `resolver: { type: full, dir }`: one `<pubkey>.jwt` file per account in `dir`, written atomically
 * (temp file + rename) so a crash never leaves half a JWT. Synchronous: updates are rare and small.
 */
export class DirResolver implements AccountResolver {
  readonly type = 'full' as const;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private path(pubkey: string): string {
    if (!isValidPublicKey(pubkey)) throw new Error(`invalid account key ${JSON.stringify(pubkey)}`);
    return join(this.dir, `${pubkey}.jwt`);
  }

  fetch(pubkey: string): string | undefined {
    if (!isValidPublicKey(pubkey)) return undefined;
    const p = this.path(pubkey);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  store(pubkey: string, jwt: string): void {
    const p = this.path(pubkey);
    const tmp = `${p}.${process.pid}.tmp`;
    writeFileSync(tmp, jwt, { mode: 0o600 });
    renameSync(tmp, p);
  }

  list(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.jwt'))
      .map((f) => f.slice(0, -4))
      .sort();
  }

  delete(pubkey: string): boolean {
    const p = this.path(pubkey);
    if (!existsSync(p)) return false;
    unlinkSync(p);
    return true;
  }
}

/** The `resolver` setting. */
export type ResolverConfig =
  | { type: 'memory' }
  | {
      type: 'full' | 'cache';
      dir: string;
      allowDelete: boolean;
      intervalMs?: number;
      timeoutMs?: number;
      ttlMs?: number;
      limit?: number;
    }
  | { type: 'url'; url: string };

/** Operator mode as configured: trusted operators, system account, resolver and preloads. */
export interface OperatorModeConfig {
  operators: OperatorClaims[];
  operatorJwts: string[];
  /** `system_account` from the config, else the operator's `system_account` claim. */
  systemAccount?: string;
  resolver?: ResolverConfig;
  /** `resolver_preload`: account public key → JWT. */
  preload: Record<string, string>;
  warnings: string[];
}

/** Options for {@link parseOperatorConfig}. */
export interface OperatorConfigOptions {
  /** Directory relative paths (operator JWT files, resolver dir) are resolved against. */
  baseDir?: string;
  readFile?: (path: string) => string;
}

/**
 * Reads `operator`/`operators`/`trusted_operators`, `resolver`, `resolver_preload` and
 * `system_account` (opts.go). Returns undefined when no operator is configured. An operator value
 * is a JWT or the path of a file holding one (optionally inside `-----BEGIN ...` armour).
 */
export function parseOperatorConfig(
  raw: ConfigMap,
  options: OperatorConfigOptions = {},
): OperatorModeConfig | undefined {
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const abs = (p: string) => (isAbsolute(p) || !options.baseDir ? p : resolvePath(options.baseDir, p));
  const cfg: OperatorModeConfig = { operators: [], operatorJwts: [], preload: {}, warnings: [] };
  let configuredSystem: string | undefined;
  for (const [key, value] of Object.entries(raw)) {
    const at = positionOf(raw, key);
    switch (key.toLowerCase()) {
      case 'operator':
      case 'operators':
      case 'root':
      case 'roots':
      case 'trusted_operators': {
        const list = Array.isArray(value) ? value : [value];
        for (const v of list) {
          if (typeof v !== 'string')
            throw new ConfigError('error parsing operator JWT: expected a string', at);
          let text = v.trim();
          if (!text.startsWith('eyJ')) {
            try {
              text = extractJwt(read(abs(text)));
            } catch (err) {
              throw new ConfigError(
                `error parsing operator JWT: open ${text}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
                at,
              );
            }
          }
          try {
            cfg.operators.push(decodeOperatorClaims(text));
            cfg.operatorJwts.push(text);
          } catch (err) {
            throw new ConfigError(`error parsing operator JWT: ${(err as Error).message}`, at);
          }
        }
        break;
      }
      case 'resolver':
      case 'account_resolver':
      case 'accounts_resolver':
        cfg.resolver = parseResolver(value, at, abs);
        break;
      case 'resolver_preload': {
        if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
          throw new ConfigError('preload should be a map of account_public_key:account_jwt', at);
        }
        for (const [k, v] of Object.entries(value)) {
          const kat = positionOf(value, k) ?? at;
          if (typeof v !== 'string') throw new ConfigError('preload map value should be a string JWT', kat);
          try {
            decodeAccountClaims(v);
          } catch {
            throw new ConfigError('invalid account JWT', kat);
          }
          cfg.preload[k] = v;
        }
        break;
      }
      case 'system_account':
      case 'system':
        if (typeof value === 'string') configuredSystem = value;
        break;
    }
  }
  if (cfg.operators.length === 0) {
    if (cfg.resolver || Object.keys(cfg.preload).length) {
      cfg.warnings.push('resolver configured without a trusted operator: ignored');
    }
    return undefined;
  }
  const sys = configuredSystem ?? cfg.operators.find((o) => o.nats.system_account)?.nats.system_account;
  if (sys !== undefined) cfg.systemAccount = sys;
  return cfg;
}

function parseResolver(
  v: ConfigValue,
  at: SourcePosition | undefined,
  abs: (p: string) => string,
): ResolverConfig {
  const generic = () =>
    new ConfigError(
      'error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])',
      at,
    );
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^mem(ory)?$/i.test(s)) return { type: 'memory' };
    const m = /^url\((.*)\)$/i.exec(s);
    if (m) return { type: 'url', url: m[1]!.replace(/^"|"$/g, '') };
    throw generic();
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) throw generic();
  let type: string | undefined;
  let dir: string | undefined;
  const r: Omit<Extract<ResolverConfig, { dir: string }>, 'type' | 'dir'> = { allowDelete: false };
  for (const [k, val] of Object.entries(v)) {
    const kat = positionOf(v, k) ?? at;
    const dur = (): number => {
      if (typeof val !== 'string') throw new ConfigError(`${k} should be a duration`, kat);
      const ms = parseGoDuration(val);
      if (typeof ms !== 'number') throw new ConfigError(ms.error, at);
      return ms;
    };
    switch (k.toLowerCase()) {
      case 'type':
        type = String(val).toLowerCase();
        break;
      case 'dir':
        dir = String(val);
        break;
      case 'allow_delete':
        r.allowDelete = val === true;
        break;
      case 'interval':
        r.intervalMs = dur();
        break;
      case 'timeout':
        r.timeoutMs = dur();
        break;
      case 'ttl':
        r.ttlMs = dur();
        break;
      case 'limit':
        if (typeof val === 'number') r.limit = val;
        break;
    }
  }
  if (type !== undefined && dir === undefined) {
    throw new ConfigError('dir has no value and needs to point to a directory', at);
  }
  if ((type !== 'full' && type !== 'cache') || dir === undefined) throw generic();
  return { type, dir: abs(dir), ...r };
}

/** The JWT inside a decorated file (`-----BEGIN ... JWT-----` blocks) or the file's only token. */
export function extractJwt(text: string): string {
  const m = /-{3,}[^\n]*JWT[^\n]*-{3,}\r?\n\s*([A-Za-z0-9_\-.=]+)\s*\r?\n/.exec(text);
  if (m) return m[1]!;
  return text.trim();
}

/** Creates the resolver a {@link ResolverConfig} describes. `url` and `cache` are not supported. */
export function createResolver(cfg: ResolverConfig): AccountResolver {
  switch (cfg.type) {
    case 'memory':
      return new MemoryResolver();
    case 'full':
      return new DirResolver(cfg.dir);
    default:
      throw new ConfigError(`resolver type ${JSON.stringify(cfg.type)} is not supported by Tern`);
  }
}

/** Outcome of a claims update, before the server wraps it with its `ServerInfo`. */
export interface ClaimsUpdateResult {
  ok: boolean;
  /** The account the update was about, or "n/a" when the JWT could not be decoded. */
  account: string;
  code: 200 | 500;
  /** Success text ("jwt updated", "jwt update skipped"). */
  message?: string;
  /** Failure text, `<message> - <error>` as nats-server writes it. */
  description?: string;
  /** Decoded claims when accepted (the server then rebuilds the account from them). */
  claims?: AccountClaims;
  /** True when the stored JWT changed (false for an older JWT that was ignored). */
  changed: boolean;
}

/** What the claims handler needs from the server. */
export interface ClaimsUpdateContext {
  resolver: AccountResolver;
  operators: OperatorClaims[];
  /** For MEMORY resolvers nats-server only updates accounts already loaded. */
  isAccountLoaded?(pubkey: string): boolean;
}

/**
 * Handles an account JWT pushed on `$SYS.REQ.CLAIMS.UPDATE` (no `subjectAccount`) or on
 * `$SYS.REQ.ACCOUNT.<id>.CLAIMS.UPDATE` (`subjectAccount` = id), as nats-server's full resolver
 * does: decode and verify, validate, the subject's id must match, the issuer must be a trusted
 * operator key (the strict-signing-key rule included), and an older JWT never replaces a newer one.
 */
export function handleClaimsUpdate(
  ctx: ClaimsUpdateContext,
  jwtText: string,
  subjectAccount?: string,
): ClaimsUpdateResult {
  const fail = (account: string, message: string, err: string): ClaimsUpdateResult => ({
    ok: false,
    account,
    code: 500,
    description: `${message} - ${err}`,
    changed: false,
  });
  const text = jwtText.trim();
  let claims: AccountClaims;
  try {
    claims = decodeAccountClaims(text);
  } catch (err) {
    return fail(
      subjectAccount && ctx.resolver.type === 'memory' ? subjectAccount : 'n/a',
      'jwt update resulted in error',
      (err as Error).message,
    );
  }
  const problems = validateAccountClaims(claims);
  if (problems.length)
    return fail(claims.sub, 'jwt validation failed', `validation errors: [${problems.join(' ')}]`);
  if (subjectAccount !== undefined && claims.sub !== subjectAccount) {
    return fail(subjectAccount, 'jwt update resulted in error', 'subject does not match jwt content');
  }
  const op = ctx.operators[0];
  if (op?.nats.strict_signing_key_usage && claims.iss === op.sub) {
    return fail(claims.sub, 'jwt update resulted in error', 'operator requires issuer to be a signing key');
  }
  // Deliberate: nats-server 2.9.10 stores JWTs from untrusted issuers and only refuses them when
  // the account is used; Tern refuses them at the door.
  if (!isTrustedOperatorKey(ctx.operators, claims.iss)) {
    return fail(claims.sub, 'jwt update resulted in error', 'not trusted');
  }
  if (ctx.resolver.type === 'memory' && ctx.isAccountLoaded && !ctx.isAccountLoaded(claims.sub)) {
    return { ok: true, account: claims.sub, code: 200, message: 'jwt update skipped', changed: false };
  }
  const prev = ctx.resolver.fetch(claims.sub);
  if (prev !== undefined) {
    try {
      const old = decodeJwtUnverified(prev);
      if (old.iat > claims.iat) {
        return { ok: true, account: claims.sub, code: 200, message: 'jwt updated', claims, changed: false };
      }
    } catch {
      // An unreadable stored JWT is simply replaced.
    }
  }
  ctx.resolver.store(claims.sub, text);
  return { ok: true, account: claims.sub, code: 200, message: 'jwt updated', claims, changed: true };
}

/** nats-server's `ServerInfo` of `$SYS` replies (events.go). */
export interface ServerInfo {
  name: string;
  host: string;
  id: string;
  cluster?: string;
  domain?: string;
  ver: string;
  tags?: string[];
  seq: number;
  jetstream: boolean;
  time: string;
}

/**
 * The reply payload for a claims update, byte-compatible with nats-server (which marshals a Go
 * map, so keys come out sorted: `data`/`error` before `server`).
 */
export function claimsUpdateReply(result: ClaimsUpdateResult, server: ServerInfo): string {
  const body = result.ok
    ? { data: { account: result.account, code: result.code, message: result.message } }
    : { error: { account: result.account, code: result.code, description: result.description } };
  return JSON.stringify({ ...body, server });
}

/**
 * Reply to `$SYS.REQ.ACCOUNT.<id>.CLAIMS.LOOKUP`: the stored JWT text, or undefined to stay silent
 * (nats-server 2.9.10 does not answer for unknown accounts; MEMORY resolvers do not answer at all).
 */
export function handleClaimsLookup(resolver: AccountResolver, pubkey: string): string | undefined {
  if (resolver.type !== 'full') return undefined;
  return resolver.fetch(pubkey);
}

/** Reply to `$SYS.REQ.CLAIMS.LIST` (full resolvers): `{"data":[ids],"server":{...}}`. */
export function claimsListReply(resolver: AccountResolver, server: ServerInfo): string {
  return JSON.stringify({ data: resolver.list(), server });
}

/**
 * Parses the subject of a claims request: update (`$SYS.REQ.CLAIMS.UPDATE`,
 * `$SYS.REQ.ACCOUNT.<id>.CLAIMS.UPDATE`, `$SYS.ACCOUNT.<id>.CLAIM.UPDATE`), lookup or list.
 */
export function parseClaimsSubject(
  subject: string,
): { op: 'update'; account?: string } | { op: 'lookup'; account: string } | { op: 'list' } | undefined {
  if (subject === CLAIMS_UPDATE_SUBJECT) return { op: 'update' };
  if (subject === CLAIMS_LIST_SUBJECT) return { op: 'list' };
  const t = subject.split('.');
  if (t.length === 6 && t[0] === '$SYS' && t[1] === 'REQ' && t[2] === 'ACCOUNT' && t[4] === 'CLAIMS') {
    if (t[5] === 'UPDATE') return { op: 'update', account: t[3]! };
    if (t[5] === 'LOOKUP') return { op: 'lookup', account: t[3]! };
  }
  if (t.length === 5 && t[0] === '$SYS' && t[1] === 'ACCOUNT' && t[3] === 'CLAIM' && t[4] === 'UPDATE') {
    return { op: 'update', account: t[2]! };
  }
  return undefined;
}

/**
 * Loads `resolver_preload` into the resolver (without replacing newer stored JWTs) and returns the
 * accounts to register, verified against the trusted operators.
 */
export function preloadAccounts(cfg: OperatorModeConfig, resolver: AccountResolver): AccountClaims[] {
  const out: AccountClaims[] = [];
  for (const [key, jwt] of Object.entries(cfg.preload)) {
    const r = handleClaimsUpdate({ resolver, operators: cfg.operators }, jwt, key);
    if (!r.ok) throw new ConfigError(`resolver_preload ${key}: ${r.description}`);
  }
  for (const key of resolver.list()) {
    const jwt = resolver.fetch(key);
    if (!jwt) continue;
    try {
      const c = decodeAccountClaims(jwt);
      if (isTrustedOperatorKey(cfg.operators, c.iss)) out.push(c);
    } catch {
      cfg.warnings.push(`stored account JWT ${key} is invalid: ignored`);
    }
  }
  return out;
}

/**
 * Operator mode in one object, for the server to hold: the resolver, the trusted operators, and
 * the account registry kept in step with JWT updates. Accounts load lazily from the resolver the
 * first time a user of theirs connects, as in nats-server.
 */
export class OperatorMode {
  readonly resolver: AccountResolver;
  readonly trust: JwtTrust;

  constructor(
    readonly config: OperatorModeConfig,
    readonly registry: AccountRegistry,
    resolver?: AccountResolver,
  ) {
    this.resolver = resolver ?? createResolver(config.resolver ?? { type: 'memory' });
    for (const claims of preloadAccounts(config, this.resolver)) {
      this.registry.upsert(Account.fromClaims(claims, this.resolver.fetch(claims.sub)));
    }
    this.trust = { operators: config.operators, lookupAccount: (k) => this.loadAccount(k)?.claims };
  }

  /** The registered account for a public key, loading it from the resolver when needed. */
  loadAccount(pubkey: string): Account | undefined {
    const known = this.registry.get(pubkey);
    if (known?.claims) return known;
    const jwt = this.resolver.fetch(pubkey);
    if (!jwt) return undefined;
    try {
      const claims = decodeAccountClaims(jwt);
      if (claims.sub !== pubkey || !isTrustedOperatorKey(this.config.operators, claims.iss)) return undefined;
      const acc = Account.fromClaims(claims, jwt);
      this.registry.upsert(acc);
      return acc;
    } catch {
      return undefined;
    }
  }

  /** Authenticates a CONNECT with `jwt` (+ `sig` over the INFO nonce); `account` is the account's name. */
  authenticate(conn: JwtConnect): JwtAuthResult & { accountName?: string } {
    const r = authenticateUserJwt(conn, this.trust);
    return r.ok ? { ...r, accountName: r.account.sub } : r;
  }

  /**
   * Answers a claims request in the system account: `$SYS.REQ.CLAIMS.UPDATE`,
   * `$SYS.REQ.ACCOUNT.<id>.CLAIMS.{UPDATE,LOOKUP}`, `$SYS.REQ.CLAIMS.LIST`. Returns the reply
   * payload, or undefined when nats-server would not answer. Accepted updates replace the loaded
   * account (counters kept), so new exports, limits and revocations apply at once.
   */
  handleClaimsRequest(subject: string, body: string, server: () => ServerInfo): string | undefined {
    const req = parseClaimsSubject(subject);
    if (!req) return undefined;
    const full = this.resolver.type === 'full';
    switch (req.op) {
      case 'lookup':
        return handleClaimsLookup(this.resolver, req.account);
      case 'list':
        return full ? claimsListReply(this.resolver, server()) : undefined;
      case 'update': {
        // MEMORY resolvers only listen on the per-account update subjects.
        if (!full && req.account === undefined) return undefined;
        const result = handleClaimsUpdate(
          {
            resolver: this.resolver,
            operators: this.config.operators,
            isAccountLoaded: (k) => !!this.registry.get(k)?.claims,
          },
          body,
          req.account,
        );
        if (result.ok && result.changed && result.claims && this.registry.has(result.claims.sub)) {
          this.registry.upsert(Account.fromClaims(result.claims, body.trim()));
        }
        return claimsUpdateReply(result, server());
      }
    }
  }
}
