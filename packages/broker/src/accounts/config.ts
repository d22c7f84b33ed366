import type { AuthConfig, AuthNkey, AuthUser } from '../auth/auth-config.js';
import { ConfigError, isUsedVariable, positionOf, type SourcePosition } from '../config/errors.js';
import type { ConfigMap, ConfigValue } from '../config/parse.js';
import { toServerConfig, type UserEntry, type UserPermissions } from '../config/server-config.js';
import { parseGoDuration, parseStorageSize } from '../config/values.js';
import { isValidPublicKey } from './jwt.js';
import { isSubsetMatch } from './subjects.js';

/** nats-server's implicit account for clients not bound to one. */
export const GLOBAL_ACCOUNT = '$G';
/** The system account nats-server creates when none is configured. */
export const DEFAULT_SYSTEM_ACCOUNT = '$SYS';

/** How a service answers: one reply, a stream of replies, or a chunked reply. */
export type ResponseType = 'Singleton' | 'Stream' | 'Chunked';

/** A stream export; no `accounts` means public. */
export interface StreamExportConfig {
  subject: string;
  accounts?: string[];
  /** 1-based token of the subject that must equal the importing account's name. */
  accountTokenPosition?: number;
  /**
   * JWT `token_req`: importers need an activation token. Tern does not verify activation tokens
   * yet, so such exports authorize no import.
   */
  tokenRequired?: boolean;
}

/** A service export; no `accounts` means public. */
export interface ServiceExportConfig extends StreamExportConfig {
  responseType: ResponseType;
  /** How long response mappings of Stream/Chunked services live without a reply. */
  responseThresholdMs?: number;
  latency?: { subject: string; sampling: number };
}

/** Messages published on `subject` in `account` appear here on `to` (or `prefix.subject`). */
export interface StreamImportConfig {
  account: string;
  subject: string;
  prefix?: string;
  to?: string;
}

/** Requests published here on `to` go to `account` on `subject`. `to` defaults to `subject`. */
export interface ServiceImportConfig {
  account: string;
  subject: string;
  to: string;
  share: boolean;
}

/** Per-account JetStream limits; -1 means unlimited. */
export interface AccountJetStreamConfig {
  enabled: boolean;
  maxMemory: number;
  maxStore: number;
  maxStreams: number;
  maxConsumers: number;
  maxAckPending: number;
  memoryMaxStreamBytes: number;
  storeMaxStreamBytes: number;
  maxBytesRequired: boolean;
}

/** `limits {}` of an account; -1 means unlimited. */
export interface AccountLimitsConfig {
  maxConnections: number;
  maxSubscriptions: number;
  maxPayload: number;
  maxLeafnodes: number;
}

/** One account of the `accounts {}` block. */
export interface AccountConfig {
  name: string;
  /** Public account nkey, when the block names one. */
  nkey?: string;
  users: UserEntry[];
  streamExports: StreamExportConfig[];
  serviceExports: ServiceExportConfig[];
  streamImports: StreamImportConfig[];
  serviceImports: ServiceImportConfig[];
  jetstream?: AccountJetStreamConfig;
  limits: AccountLimitsConfig;
  defaultPermissions?: UserPermissions;
  /** Subject mappings, kept raw (`mappings {}`); Tern does not apply them yet. */
  mappings?: ConfigMap;
}

/** Everything account-related read from a configuration file. */
export interface AccountsConfig {
  accounts: AccountConfig[];
  /** The configured `system_account`, or `$SYS`. */
  systemAccount: string;
  noAuthUser?: string;
  warnings: string[];
}

/** `limits` when none are configured. */
export function unlimitedAccountLimits(): AccountLimitsConfig {
  return { maxConnections: -1, maxSubscriptions: -1, maxPayload: -1, maxLeafnodes: -1 };
}

/** JetStream limits of `jetstream: enabled`: enabled and unlimited. */
export function unlimitedJetStreamConfig(): AccountJetStreamConfig {
  return {
    enabled: true,
    maxMemory: -1,
    maxStore: -1,
    maxStreams: -1,
    maxConsumers: -1,
    maxAckPending: -1,
    memoryMaxStreamBytes: -1,
    storeMaxStreamBytes: -1,
    maxBytesRequired: false,
  };
}

/**
 * Reads `accounts`, `system_account` and `no_auth_user` from a parsed configuration (the map
 * {@link parseConfig} returns), with nats-server's validation (opts.go `parseAccounts`): reserved
 * and duplicate names, unknown fields, users unique across accounts and `authorization`, and —
 * after all accounts are known — exports naming unknown accounts and imports that no export
 * authorizes. Throws {@link ConfigError}.
 */
export function parseAccountsConfig(raw: ConfigMap): AccountsConfig {
  const out: AccountsConfig = { accounts: [], systemAccount: DEFAULT_SYSTEM_ACCOUNT, warnings: [] };
  let accountsAt: SourcePosition | undefined;
  for (const [key, value] of Object.entries(raw)) {
    const at = positionOf(raw, key);
    switch (key.toLowerCase()) {
      case 'accounts':
        accountsAt = at;
        out.accounts = parseAccountsBlock(value, at, out.warnings);
        break;
      case 'system_account':
      case 'system':
        out.systemAccount = stringValue(value, key, at);
        break;
      case 'no_auth_user':
        out.noAuthUser = stringValue(value, key, at);
        break;
    }
  }
  checkAuthorizationConflicts(raw, out.accounts);
  resolveExportsAndImports(out.accounts, accountsAt);
  return out;
}

/**
 * Checks that need the whole server configuration, which nats-server does at startup rather than
 * in `-t`: the system account must exist (or be the implicit `$SYS`), and `no_auth_user` must name
 * a configured user.
 */
export function validateAccountsForStartup(cfg: AccountsConfig, authorizationUsers: string[] = []): void {
  if (
    cfg.systemAccount !== DEFAULT_SYSTEM_ACCOUNT &&
    !cfg.accounts.some((a) => a.name === cfg.systemAccount)
  ) {
    throw new ConfigError('error resolving system account: account missing');
  }
  if (cfg.noAuthUser !== undefined) {
    const known =
      authorizationUsers.includes(cfg.noAuthUser) ||
      cfg.accounts.some((a) => a.users.some((u) => u.user === cfg.noAuthUser));
    if (!known) {
      throw new ConfigError(
        `no_auth_user: ${JSON.stringify(cfg.noAuthUser)} not present as user in authorization block or account configuration`,
      );
    }
  }
}

function parseAccountsBlock(
  v: ConfigValue,
  at: SourcePosition | undefined,
  warnings: string[],
): AccountConfig[] {
  const accounts: AccountConfig[] = [];
  if (Array.isArray(v)) {
    const seen = new Set<string>();
    v.forEach((n, i) => {
      const nat = positionOf(v, i) ?? at;
      const name = stringValue(n, 'accounts', nat);
      if (name === GLOBAL_ACCOUNT) throw new ConfigError(`"${name}" is a Reserved Account`, nat);
      if (seen.has(name)) throw new ConfigError(`Duplicate Account Entry: ${name}`, nat);
      seen.add(name);
      accounts.push(emptyAccount(name));
    });
    return accounts;
  }
  if (!isMap(v)) throw new ConfigError(`Expected map entries for accounts, got ${typeName(v)}`, at);
  for (const [name, body] of Object.entries(v)) {
    const aat = positionOf(v, name) ?? at;
    if (isUsedVariable(v, name)) continue;
    if (!isMap(body)) throw new ConfigError('Expected map entries for accounts', aat);
    if (name === GLOBAL_ACCOUNT) throw new ConfigError(`"${name}" is a Reserved Account`, aat);
    accounts.push(parseAccount(name, body, aat, warnings));
  }
  return accounts;
}

function emptyAccount(name: string): AccountConfig {
  return {
    name,
    users: [],
    streamExports: [],
    serviceExports: [],
    streamImports: [],
    serviceImports: [],
    limits: unlimitedAccountLimits(),
  };
}

function parseAccount(
  name: string,
  m: ConfigMap,
  at: SourcePosition | undefined,
  warnings: string[],
): AccountConfig {
  const acc = emptyAccount(name);
  let usersRaw: ConfigValue | undefined;
  let defaultPermsRaw: ConfigValue | undefined;
  for (const [k, val] of Object.entries(m)) {
    const kat = positionOf(m, k) ?? at;
    switch (k.toLowerCase()) {
      case 'nkey': {
        if (typeof val !== 'string' || !val.startsWith('A') || !isValidPublicKey(val)) {
          throw new ConfigError(
            `Not a valid public nkey for an account: ${JSON.stringify(String(val))}`,
            kat,
          );
        }
        acc.nkey = val;
        break;
      }
      case 'users':
        usersRaw = val;
        break;
      case 'default_permissions':
        defaultPermsRaw = val;
        break;
      case 'exports':
        parseExports(val, kat, acc);
        break;
      case 'imports':
        parseImports(val, kat, acc);
        break;
      case 'jetstream':
        acc.jetstream = parseAccountJetStream(val, kat);
        break;
      case 'limits':
        acc.limits = parseLimits(val, kat);
        break;
      case 'mappings':
      case 'maps':
        if (!isMap(val)) throw new ConfigError('Expected a map of subject mappings', kat);
        acc.mappings = val;
        warnings.push(
          atText(kat, `account ${JSON.stringify(name)}: subject mappings are not applied by Tern yet`),
        );
        break;
      default:
        if (!isUsedVariable(m, k)) throw new ConfigError(`unknown field ${JSON.stringify(k)}`, kat);
    }
  }
  if (Array.isArray(usersRaw)) {
    // The authorization reader tolerates `account` in a user with a warning; nats-server refuses it here.
    usersRaw.forEach((u, i) => {
      if (!isMap(u)) return;
      const k = Object.keys(u).find((x) => x.toLowerCase() === 'account');
      if (k !== undefined)
        throw new ConfigError(
          `unknown field ${JSON.stringify(k)}`,
          positionOf(u, k) ?? positionOf(usersRaw, i) ?? at,
        );
    });
  }
  if (usersRaw !== undefined || defaultPermsRaw !== undefined) {
    // Same user syntax and checks as `authorization { users }`: reuse the server-config reader.
    const block: ConfigMap = {};
    if (usersRaw !== undefined) block.users = usersRaw;
    if (defaultPermsRaw !== undefined) block.default_permissions = defaultPermsRaw;
    const parsed = toServerConfig({ authorization: block }).authorization;
    acc.users = parsed?.users ?? [];
    if (parsed?.defaultPermissions) acc.defaultPermissions = parsed.defaultPermissions;
  }
  return acc;
}

function parseExports(v: ConfigValue, at: SourcePosition | undefined, acc: AccountConfig): void {
  if (!Array.isArray(v)) throw new ConfigError(`Exports should be an array, got ${goType(v)}`, at);
  v.forEach((item, i) => {
    const iat = positionOf(v, i) ?? at;
    if (!isMap(item))
      throw new ConfigError(`Export Items should be a map with type entry, got ${goType(item)}`, iat);
    let stream: string | undefined;
    let service: string | undefined;
    let accounts: string[] | undefined;
    let rt: ResponseType | undefined;
    let threshold: number | undefined;
    let latency: ServiceExportConfig['latency'];
    let tokenPos: number | undefined;
    for (const [k, val] of Object.entries(item)) {
      const kat = positionOf(item, k) ?? iat;
      switch (k.toLowerCase()) {
        case 'stream':
          if (service !== undefined)
            throw new ConfigError(`Detected stream ${goQ(val)} but already saw a service`, kat);
          if (rt !== undefined || threshold !== undefined)
            throw new ConfigError('Detected response directive on non-service', kat);
          if (latency) throw new ConfigError('Detected latency directive on non-service', kat);
          if (typeof val !== 'string')
            throw new ConfigError(`Expected stream name to be string, got ${goType(val)}`, kat);
          stream = val;
          break;
        case 'service':
          if (stream !== undefined)
            throw new ConfigError(`Detected service ${goQ(val)} but already saw a stream`, kat);
          if (typeof val !== 'string')
            throw new ConfigError(`Expected service name to be string, got ${goType(val)}`, kat);
          service = val;
          break;
        case 'response':
        case 'response_type': {
          if (rt !== undefined) throw new ConfigError('Duplicate response type definition', kat);
          if (typeof val !== 'string')
            throw new ConfigError(`Expected response type to be string, got ${goType(val)}`, kat);
          rt = responseType(val, kat);
          if (stream !== undefined) throw new ConfigError('Detected response directive on non-service', kat);
          break;
        }
        case 'threshold':
        case 'response_threshold':
        case 'response_max_time':
        case 'response_time': {
          if (threshold !== undefined) throw new ConfigError('Duplicate response threshold detected', kat);
          const ms = typeof val === 'string' ? parseGoDuration(val) : undefined;
          if (typeof ms !== 'number') {
            throw new ConfigError(
              typeof val === 'string'
                ? `Expected response threshold to be a parseable time duration, got ${JSON.stringify(val)}`
                : `Expected response threshold to be a parseable time duration, got ${goType(val)}`,
              kat,
            );
          }
          threshold = ms;
          if (stream !== undefined) throw new ConfigError('Detected response directive on non-service', kat);
          break;
        }
        case 'accounts':
          if (!Array.isArray(val))
            throw new ConfigError(`Expected accounts to be an array, got ${goType(val)}`, kat);
          accounts = val.map((a) => stringValue(a, 'accounts', kat));
          break;
        case 'latency':
          latency = parseLatency(val, kat);
          if (stream !== undefined) throw new ConfigError('Detected latency directive on non-service', kat);
          break;
        case 'account_token_position':
          if (typeof val !== 'number' || !Number.isInteger(val) || val < 0)
            throw new ConfigError(
              `Expected account_token_position to be an integer, got ${goType(val)}`,
              kat,
            );
          tokenPos = val;
          break;
        default:
          if (!isUsedVariable(item, k)) throw new ConfigError(`unknown field ${JSON.stringify(k)}`, kat);
      }
    }
    const base: StreamExportConfig = { subject: stream ?? service ?? '' };
    if (accounts) base.accounts = accounts;
    if (tokenPos) base.accountTokenPosition = tokenPos;
    if (stream !== undefined) acc.streamExports.push(base);
    else if (service !== undefined) {
      const se: ServiceExportConfig = { ...base, responseType: rt ?? 'Singleton' };
      if (threshold !== undefined) se.responseThresholdMs = threshold;
      if (latency) se.latency = latency;
      acc.serviceExports.push(se);
    }
    // nats-server silently ignores an entry with neither `stream` nor `service`.
  });
}

function responseType(v: string, at: SourcePosition | undefined): ResponseType {
  switch (v.toLowerCase()) {
    case 'single':
    case 'singleton':
      return 'Singleton';
    case 'stream':
      return 'Stream';
    case 'chunk':
    case 'chunked':
      return 'Chunked';
    default:
      throw new ConfigError(`Unknown response type: ${JSON.stringify(v)}`, at);
  }
}

function parseLatency(v: ConfigValue, at: SourcePosition | undefined): { subject: string; sampling: number } {
  if (typeof v === 'string') return { subject: v, sampling: 100 };
  if (!isMap(v))
    throw new ConfigError(`Expected latency entry to be a map/struct or string, got ${goType(v)}`, at);
  let sampling = 100;
  const s = v.sampling;
  if (s !== undefined) {
    const n =
      typeof s === 'number' ? s : typeof s === 'string' ? Number(s.trim().replace(/%$/, '')) : Number.NaN;
    if (typeof s === 'string' && s.trim().toLowerCase() === 'headers') sampling = 0;
    else if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new ConfigError('sampling value should be in range [1..100]', at);
    } else sampling = n;
  }
  if (typeof v.subject !== 'string') throw new ConfigError('Latency subject required, but missing', at);
  return { subject: v.subject, sampling };
}

function parseImports(v: ConfigValue, at: SourcePosition | undefined, acc: AccountConfig): void {
  if (!Array.isArray(v)) throw new ConfigError(`Imports should be an array, got ${goType(v)}`, at);
  const serviceTo = new Map<string, ServiceImportConfig>();
  v.forEach((item, i) => {
    const iat = positionOf(v, i) ?? at;
    if (!isMap(item))
      throw new ConfigError(`Import Items should be a map with type entry, got ${goType(item)}`, iat);
    let stream: { account: string; subject: string } | undefined;
    let service: { account: string; subject: string } | undefined;
    let prefix: string | undefined;
    let to: string | undefined;
    let share = false;
    for (const [k, val] of Object.entries(item)) {
      const kat = positionOf(item, k) ?? iat;
      switch (k.toLowerCase()) {
        case 'stream':
          if (service) throw new ConfigError('Detected stream but already saw a service', kat);
          stream = importTarget(val, 'Stream', kat);
          if (to !== undefined && prefix !== undefined) throw prefixAndTo(kat);
          break;
        case 'service':
          if (stream) throw new ConfigError('Detected service but already saw a stream', kat);
          service = importTarget(val, 'Service', kat);
          break;
        case 'prefix':
          prefix = stringValue(val, k, kat);
          break;
        case 'to':
          to = stringValue(val, k, kat);
          if (stream && prefix !== undefined) throw prefixAndTo(kat);
          break;
        case 'share':
          if (typeof val !== 'boolean')
            throw new ConfigError(`Expected share to be a boolean, got ${goType(val)}`, kat);
          share = val;
          break;
        default:
          if (!isUsedVariable(item, k)) throw new ConfigError(`unknown field ${JSON.stringify(k)}`, kat);
      }
    }
    if (stream) {
      const si: StreamImportConfig = { ...stream };
      if (prefix !== undefined) si.prefix = prefix;
      if (to !== undefined) si.to = to;
      acc.streamImports.push(si);
    } else if (service) {
      const si: ServiceImportConfig = { ...service, to: to ?? service.subject, share };
      const dup = serviceTo.get(si.to);
      if (dup) {
        throw new ConfigError(
          `Duplicate service import subject ${JSON.stringify(si.to)}, previously used in import for account ${JSON.stringify(dup.account)}, subject ${JSON.stringify(dup.subject)}`,
          iat,
        );
      }
      serviceTo.set(si.to, si);
      acc.serviceImports.push(si);
    }
  });
}

function prefixAndTo(at: SourcePosition | undefined): ConfigError {
  return new ConfigError("Stream import can not have a 'prefix' and a 'to' property", at);
}

function importTarget(
  v: ConfigValue,
  what: string,
  at: SourcePosition | undefined,
): { account: string; subject: string } {
  if (!isMap(v)) throw new ConfigError(`${what} entry should be an account map, got ${goType(v)}`, at);
  let account = '';
  let subject = '';
  for (const [k, val] of Object.entries(v)) {
    const kat = positionOf(v, k) ?? at;
    switch (k.toLowerCase()) {
      case 'account':
        account = stringValue(val, k, kat);
        break;
      case 'subject':
        subject = stringValue(val, k, kat);
        break;
      default:
        if (!isUsedVariable(v, k)) throw new ConfigError(`unknown field ${JSON.stringify(k)}`, kat);
    }
  }
  if (account === '' || subject === '') throw new ConfigError('Expect an account name and a subject', at);
  return { account, subject };
}

function parseAccountJetStream(v: ConfigValue, at: SourcePosition | undefined): AccountJetStreamConfig {
  const js = unlimitedJetStreamConfig();
  if (typeof v === 'boolean') return { ...js, enabled: v };
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'enabled' || s === 'enable') return js;
    if (s === 'disabled' || s === 'disable') return { ...js, enabled: false };
    throw new ConfigError(`Expected 'enabled' or 'disabled' for string value, got '${v}'`, at);
  }
  if (!isMap(v))
    throw new ConfigError(`Expected map, bool or string to define JetStream, got ${goType(v)}`, at);
  for (const [k, val] of Object.entries(v)) {
    const kat = positionOf(v, k) ?? at;
    switch (k.toLowerCase()) {
      case 'max_memory':
      case 'max_mem':
      case 'max_mem_store':
      case 'max_memory_store':
        js.maxMemory = size(val, k, kat);
        break;
      case 'max_store':
      case 'max_file':
      case 'max_disk':
      case 'max_file_store':
      case 'max_disk_store':
        js.maxStore = size(val, k, kat);
        break;
      case 'max_streams':
        js.maxStreams = int(val, k, kat);
        break;
      case 'max_consumers':
        js.maxConsumers = int(val, k, kat);
        break;
      case 'max_ack_pending':
        js.maxAckPending = int(val, k, kat);
        break;
      case 'max_bytes_required':
      case 'max_stream_bytes':
      case 'max_bytes':
        if (typeof val !== 'boolean')
          throw new ConfigError(`Expected a parseable bool for ${JSON.stringify(k)}`, kat);
        js.maxBytesRequired = val;
        break;
      case 'mem_max_stream_bytes':
      case 'memory_max_stream_bytes':
        js.memoryMaxStreamBytes = size(val, k, kat);
        break;
      case 'disk_max_stream_bytes':
      case 'store_max_stream_bytes':
        js.storeMaxStreamBytes = size(val, k, kat);
        break;
      default:
        if (!isUsedVariable(v, k)) throw new ConfigError(`unknown field ${JSON.stringify(k)}`, kat);
    }
  }
  return js;
}

function parseLimits(v: ConfigValue, at: SourcePosition | undefined): AccountLimitsConfig {
  if (!isMap(v)) throw new ConfigError(`Expected account limits to be a map/struct, got ${String(v)}`, at);
  const l = unlimitedAccountLimits();
  for (const [k, val] of Object.entries(v)) {
    const kat = positionOf(v, k) ?? at;
    switch (k.toLowerCase()) {
      case 'max_connections':
      case 'max_conn':
        l.maxConnections = int(val, k, kat);
        break;
      case 'max_subscriptions':
      case 'max_subs':
        l.maxSubscriptions = int(val, k, kat);
        break;
      case 'max_payload':
      case 'max_pay':
        l.maxPayload = int(val, k, kat);
        break;
      case 'max_leafnodes':
      case 'max_leafs':
        l.maxLeafnodes = int(val, k, kat);
        break;
      default:
        if (!isUsedVariable(v, k))
          throw new ConfigError(`Unknown field ${JSON.stringify(k)} parsing account limits`, kat);
    }
  }
  return l;
}

function checkAuthorizationConflicts(raw: ConfigMap, accounts: AccountConfig[]): void {
  const authKey = Object.keys(raw).find((k) => k.toLowerCase() === 'authorization');
  const auth = authKey ? raw[authKey] : undefined;
  const a = isMap(auth) ? lowerKeys(auth) : {};
  const hasAccountUsers = accounts.some((acc) => acc.users.length > 0);
  if (hasAccountUsers && (a.user !== undefined || a.username !== undefined)) {
    throw new ConfigError('Can not have a single user/pass and accounts');
  }
  if (hasAccountUsers && a.token !== undefined) throw new ConfigError('Can not have a token and accounts');
  // Users and nkeys are unique across `authorization` and every account.
  const seen = new Set<string>();
  const authUsers = Array.isArray(a.users) ? a.users : [];
  for (const u of authUsers) {
    if (!isMap(u)) continue;
    const lu = lowerKeys(u);
    const name = lu.user ?? lu.username ?? lu.nkey;
    if (typeof name === 'string' || typeof name === 'number') seen.add(String(name));
  }
  for (const acc of accounts) {
    for (const u of acc.users) {
      const id = u.nkey ?? u.user ?? '';
      if (seen.has(id)) {
        throw new ConfigError(
          `Duplicate ${u.nkey !== undefined ? 'nkey' : 'user'} ${JSON.stringify(id)} detected`,
        );
      }
      seen.add(id);
    }
  }
}

/** Second pass, as nats-server: exports may only name known accounts; every import needs an export that allows it. */
function resolveExportsAndImports(accounts: AccountConfig[], at: SourcePosition | undefined): void {
  const byName = new Map(accounts.map((a) => [a.name, a]));
  for (const acc of accounts) {
    for (const [kind, list] of [
      ['stream', acc.streamExports],
      ['service', acc.serviceExports],
    ] as const) {
      for (const e of list) {
        for (const n of e.accounts ?? []) {
          if (!byName.has(n)) throw new ConfigError(`"${n}" account not defined for ${kind} export`, at);
        }
      }
    }
  }
  for (const acc of accounts) {
    for (const si of acc.streamImports) {
      const exporter = byName.get(si.account);
      if (!exporter) throw new ConfigError(`"${si.account}" account not defined for stream import`, at);
      if (!importAuthorized(exporter.streamExports, acc.name, si.subject)) {
        throw new ConfigError(`Error adding stream import "${si.subject}": stream import not authorized`, at);
      }
    }
    for (const si of acc.serviceImports) {
      const exporter = byName.get(si.account);
      if (!exporter) throw new ConfigError(`"${si.account}" account not defined for service import`, at);
      if (!importAuthorized(exporter.serviceExports, acc.name, si.subject)) {
        throw new ConfigError(
          `Error adding service import "${si.subject}": service import not authorized`,
          at,
        );
      }
    }
  }
}

/**
 * May `importer` import `subject` given these exports? The subject must lie within an export
 * (a wildcard import needs an export at least as wide), the export must be public or list the
 * importer, and with `account_token_position` that token must be the importer's name.
 */
export function importAuthorized(exports: StreamExportConfig[], importer: string, subject: string): boolean {
  const tokens = subject.split('.');
  return exports.some((e) => {
    if (e.tokenRequired || !isSubsetMatch(subject, e.subject)) return false;
    if (e.accountTokenPosition) {
      if (tokens[e.accountTokenPosition - 1] !== importer) return false;
      return true;
    }
    return !e.accounts || e.accounts.length === 0 || e.accounts.includes(importer);
  });
}

/** A user entry tagged with the account it logs into. */
export type AccountUserEntry = (AuthUser | AuthNkey) & { account: string };

/** What {@link buildAccountAuth} returns: an {@link AuthConfig} plus the user → account binding. */
export interface AccountAuth {
  auth: AuthConfig;
  /** Account of a username or user nkey; users of `authorization {}` belong to `$G`. */
  accountOf(userOrNkey: string): string;
}

/**
 * Merges account users into an {@link AuthConfig} (as `users`/`nkeys`, each also carrying its
 * `account`), so today's {@link Authenticator} can check credentials unchanged; the server then
 * maps the authenticated name to its account with `accountOf`.
 */
export function buildAccountAuth(cfg: AccountsConfig, base: AuthConfig): AccountAuth {
  const users: AuthUser[] = [...(base.users ?? [])];
  const nkeys: AuthNkey[] = [...(base.nkeys ?? [])];
  const owner = new Map<string, string>();
  for (const acc of cfg.accounts) {
    for (const u of acc.users) {
      const permissions = u.permissions ?? acc.defaultPermissions;
      if (u.nkey !== undefined) {
        const e: AuthNkey & { account: string } = { nkey: u.nkey, account: acc.name };
        if (permissions) e.permissions = permissions;
        nkeys.push(e);
        owner.set(u.nkey, acc.name);
      } else {
        const e: AuthUser & { account: string } = {
          user: u.user ?? '',
          password: u.password ?? '',
          account: acc.name,
        };
        if (permissions) e.permissions = permissions;
        users.push(e);
        owner.set(e.user, acc.name);
      }
    }
  }
  const auth: AuthConfig = { ...base };
  if (users.length) auth.users = users;
  if (nkeys.length) auth.nkeys = nkeys;
  if (cfg.noAuthUser !== undefined) auth.noAuthUser = cfg.noAuthUser;
  return { auth, accountOf: (name) => owner.get(name) ?? GLOBAL_ACCOUNT };
}

function isMap(v: unknown): v is ConfigMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function lowerKeys(m: ConfigMap): Record<string, ConfigValue> {
  const o: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(m)) o[k.toLowerCase()] = v;
  return o;
}

function stringValue(v: ConfigValue, key: string, at: SourcePosition | undefined): string {
  if (typeof v === 'string') return v;
  throw new ConfigError(`error parsing ${JSON.stringify(key)}: expected a string, got ${typeName(v)}`, at);
}

function int(v: ConfigValue, key: string, at: SourcePosition | undefined): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new ConfigError(`error parsing ${JSON.stringify(key)}: expected an integer, got ${typeName(v)}`, at);
}

function size(v: ConfigValue, key: string, at: SourcePosition | undefined): number {
  const n = parseStorageSize(v);
  if (typeof n !== 'number') throw new ConfigError(`error parsing ${JSON.stringify(key)}: ${n.error}`, at);
  return n;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (isMap(v)) return 'map';
  return typeof v;
}

/** Go's `%T` for the values the config parser produces. */
function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return 'time.Time';
  return 'string';
}

function goQ(v: unknown): string {
  return JSON.stringify(typeof v === 'string' ? v : String(v));
}

function atText(at: SourcePosition | undefined, text: string): string {
  if (!at) return text;
  return `${at.file ? `${at.file}:` : ''}${at.line}:${at.column}: ${text}`;
}
