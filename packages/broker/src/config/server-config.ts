import { fromPublic } from '@nats-io/nkeys';
import { isValidSubject } from '../auth/subject.js';
import { ConfigError, isUsedVariable, positionOf, type SourcePosition } from './errors.js';
import type { ConfigMap, ConfigValue } from './parse.js';
import { parseGoDuration, parseStorageSize, splitHostPort } from './values.js';

/** Allow and deny subject lists for one direction (publish or subscribe). */
export interface SubjectPermission {
  allow?: string[];
  deny?: string[];
}

/** `allow_responses`: how many replies, for how long, a client may send to reply subjects it received. */
export interface ResponsePermission {
  /** Replies allowed per received request; 0 or less means unlimited. */
  maxMsgs: number;
  /** Lifetime of the grant in milliseconds; 0 or less means no expiry. */
  expiresMs: number;
}

/** A user's permissions, as nats-server's `permissions {}` block. */
export interface UserPermissions {
  publish?: SubjectPermission;
  subscribe?: SubjectPermission;
  response?: ResponsePermission;
}

/** One entry of `authorization { users: [...] }`: a user/password or an nkey. */
export interface UserEntry {
  user?: string;
  password?: string;
  nkey?: string;
  permissions?: UserPermissions;
}

/** The `authorization {}` block. */
export interface AuthorizationBlock {
  token?: string;
  user?: string;
  password?: string;
  users?: UserEntry[];
  /** Permissions of the single `user`/`password`. */
  permissions?: UserPermissions;
  /** Applied to `users` entries that have no permissions of their own. */
  defaultPermissions?: UserPermissions;
  timeoutMs?: number;
}

/** JetStream settings from `jetstream: true` or a `jetstream {}` block. */
export interface JetStreamFileConfig {
  enabled: boolean;
  storeDir?: string;
  maxMemoryStore?: number;
  maxFileStore?: number;
}

/** The server settings Tern reads from a nats-server configuration file. Durations in ms, sizes in bytes. */
export interface FileConfig {
  host?: string;
  /** -1 asks for a free port. */
  port?: number;
  httpHost?: string;
  /** -1 asks for a free port. */
  httpPort?: number;
  serverName?: string;
  maxPayload?: number;
  maxControlLine?: number;
  maxConnections?: number;
  maxSubscriptions?: number;
  maxPending?: number;
  pingIntervalMs?: number;
  pingMax?: number;
  writeDeadlineMs?: number;
  authTimeoutMs?: number;
  debug?: boolean;
  trace?: boolean;
  logtime?: boolean;
  logFile?: string;
  pidFile?: string;
  portsFileDir?: string;
  jetstream?: JetStreamFileConfig;
  authorization?: AuthorizationBlock;
  noAuthUser?: string;
  /** Kept as parsed; multi-account support is a later issue. */
  accounts?: ConfigMap;
  /** Settings accepted but ignored (unsupported blocks, unknown fields, style notices). */
  warnings: string[];
}

/** Blocks nats-server supports that Tern accepts and ignores, with a warning. */
const UNSUPPORTED = new Set([
  'leafnodes',
  'leaf',
  'websocket',
  'ws',
  'cluster',
  'gateway',
  'mqtt',
  'tls',
  'https',
  'https_port',
  'client_advertise',
  'resolver_tls',
  'trusted',
  'trusted_keys',
  'mappings',
  'http_base_path',
  'prof_port',
  'syslog',
  'remote_syslog',
  'logtime_utc',
  'log_size_limit',
  'max_traced_msg_len',
  'trace_verbose',
  'lame_duck_duration',
  'lame_duck_grace_period',
  'connect_error_reports',
  'reconnect_error_reports',
  'max_closed_clients',
  'no_header_support',
  'disable_sublist_cache',
  'no_sublist_cache',
  'server_tags',
  'default_js_domain',
  'ocsp',
  'allow_non_tls',
  'nkeys',
]);

const DEFAULT_RESPONSE: ResponsePermission = { maxMsgs: 1, expiresMs: 2 * 60_000 };

/** Maps a parsed configuration to Tern's {@link FileConfig}. Throws {@link ConfigError} on bad values. */
export function toServerConfig(raw: ConfigMap): FileConfig {
  const out: FileConfig = { warnings: [] };
  const r = new Reader(out.warnings);
  for (const [key, value] of Object.entries(raw)) {
    const at = positionOf(raw, key);
    switch (key.toLowerCase()) {
      case 'listen': {
        const hp = r.hostPort(value, key, at);
        if (hp.host !== undefined) out.host = hp.host;
        out.port = hp.port;
        break;
      }
      case 'host':
      case 'net':
        out.host = r.string(value, key, at);
        break;
      case 'port':
        out.port = r.int(value, key, at);
        break;
      case 'http': {
        const hp = r.hostPort(value, key, at);
        if (hp.host !== undefined) out.httpHost = hp.host;
        out.httpPort = hp.port;
        break;
      }
      case 'http_port':
      case 'monitor_port':
        out.httpPort = r.int(value, key, at);
        break;
      case 'server_name':
        out.serverName = r.string(value, key, at);
        break;
      case 'max_payload':
        out.maxPayload = r.int(value, key, at);
        break;
      case 'max_control_line':
        out.maxControlLine = r.int(value, key, at);
        break;
      case 'max_connections':
      case 'max_conn':
        out.maxConnections = r.int(value, key, at);
        break;
      case 'max_subscriptions':
      case 'max_subs':
        out.maxSubscriptions = r.int(value, key, at);
        break;
      case 'max_pending':
        out.maxPending = r.int(value, key, at);
        break;
      case 'ping_interval':
        out.pingIntervalMs = r.duration(value, key, at);
        break;
      case 'ping_max':
      case 'max_outstanding_pings':
        out.pingMax = r.int(value, key, at);
        break;
      case 'write_deadline':
        out.writeDeadlineMs = r.duration(value, key, at);
        break;
      case 'auth_timeout':
        out.authTimeoutMs = r.seconds(value, key, at);
        break;
      case 'debug':
        out.debug = r.bool(value, key, at);
        break;
      case 'trace':
        out.trace = r.bool(value, key, at);
        break;
      case 'logtime':
        out.logtime = r.bool(value, key, at);
        break;
      case 'log_file':
      case 'logfile':
        out.logFile = r.string(value, key, at);
        break;
      case 'pid_file':
      case 'pidfile':
        out.pidFile = r.string(value, key, at);
        break;
      case 'ports_file_dir':
        out.portsFileDir = r.string(value, key, at);
        break;
      case 'jetstream':
        out.jetstream = r.jetstream(value, key, at);
        break;
      case 'authorization':
        out.authorization = r.authorization(value, key, at);
        break;
      case 'no_auth_user':
        out.noAuthUser = r.string(value, key, at);
        break;
      case 'accounts':
        out.accounts = r.map(value, key, at);
        break;
      // Read by accounts/config.ts and accounts/resolver.ts.
      case 'system_account':
      case 'system':
      case 'operator':
      case 'operators':
      case 'trusted_operators':
      case 'resolver':
      case 'resolver_preload':
        break;
      default:
        if (UNSUPPORTED.has(key.toLowerCase())) {
          out.warnings.push(warn(at, `"${key}" is not supported by Tern and is ignored`));
        } else if (!isUsedVariable(raw, key)) {
          out.warnings.push(warn(at, `unknown field "${key}"`));
        }
    }
  }
  if (out.authorization?.timeoutMs !== undefined) out.authTimeoutMs = out.authorization.timeoutMs;
  return out;
}

function warn(at: SourcePosition | undefined, text: string): string {
  if (!at) return text;
  return `${at.file ? `${at.file}:` : ''}${at.line}:${at.column}: ${text}`;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (typeof v === 'object' && v !== null) return 'map';
  return typeof v;
}

class Reader {
  constructor(private readonly warnings: string[]) {}

  fail(at: SourcePosition | undefined, reason: string): never {
    throw new ConfigError(reason, at);
  }

  int(v: ConfigValue, key: string, at: SourcePosition | undefined): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.fail(at, `error parsing "${key}": expected an integer, got ${typeName(v)}`);
    }
    return v;
  }

  string(v: ConfigValue, key: string, at: SourcePosition | undefined): string {
    if (typeof v === 'string') return v;
    // Unquoted values such as `server_name: 42` parse as numbers; nats-server would reject them.
    this.fail(at, `error parsing "${key}": expected a string, got ${typeName(v)}`);
  }

  bool(v: ConfigValue, key: string, at: SourcePosition | undefined): boolean {
    if (typeof v !== 'boolean')
      this.fail(at, `error parsing "${key}": expected a boolean, got ${typeName(v)}`);
    return v;
  }

  map(v: ConfigValue, key: string, at: SourcePosition | undefined): ConfigMap {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) {
      this.fail(at, `error parsing "${key}": expected a map, got ${typeName(v)}`);
    }
    return v;
  }

  /** A Go duration string, or an integer number of seconds (accepted with nats-server's warning). */
  duration(v: ConfigValue, key: string, at: SourcePosition | undefined): number {
    if (typeof v === 'number' && Number.isInteger(v)) {
      this.warnings.push(warn(at, `invalid use of field "${key}": ${key} should be converted to a duration`));
      return v * 1000;
    }
    if (typeof v !== 'string') this.fail(at, `error parsing ${key}: expected a duration, got ${typeName(v)}`);
    const ms = parseGoDuration(v);
    if (typeof ms !== 'number') this.fail(at, `error parsing ${key}: ${ms.error}`);
    return ms;
  }

  /** Seconds as a number (integer or float), or a duration string. */
  seconds(v: ConfigValue, key: string, at: SourcePosition | undefined): number {
    if (typeof v === 'number') return v * 1000;
    if (typeof v === 'string') {
      const ms = parseGoDuration(v);
      if (typeof ms === 'number') return ms;
      this.fail(at, `error parsing ${key}: ${ms.error}`);
    }
    this.fail(at, `error parsing ${key}: expected a number of seconds, got ${typeName(v)}`);
  }

  hostPort(v: ConfigValue, key: string, at: SourcePosition | undefined): { host?: string; port: number } {
    if (typeof v === 'number' && Number.isInteger(v)) return { port: v };
    if (typeof v !== 'string')
      this.fail(at, `error parsing "${key}": expected "host:port", got ${typeName(v)}`);
    const hp = splitHostPort(v);
    if ('error' in hp) this.fail(at, `could not parse address string ${JSON.stringify(v)}: ${hp.error}`);
    return hp;
  }

  jetstream(v: ConfigValue, key: string, at: SourcePosition | undefined): JetStreamFileConfig {
    if (typeof v === 'boolean') return { enabled: v };
    if (typeof v === 'string') {
      const s = v.toLowerCase();
      if (s === 'enabled' || s === 'enable') return { enabled: true };
      if (s === 'disabled' || s === 'disable') return { enabled: false };
      this.fail(at, `Expected 'enabled' or 'disabled' for string value, got '${v}'`);
    }
    const m = this.map(v, key, at);
    const js: JetStreamFileConfig = { enabled: true };
    for (const [k, val] of Object.entries(m)) {
      const kat = positionOf(m, k) ?? at;
      switch (k.toLowerCase()) {
        case 'enabled':
        case 'enable':
          js.enabled = this.bool(val, k, kat);
          break;
        case 'store_dir':
        case 'storedir':
        case 'store':
          js.storeDir = this.string(val, k, kat);
          break;
        case 'max_memory_store':
        case 'max_mem_store':
        case 'max_mem':
          js.maxMemoryStore = this.size(val, k, kat);
          break;
        case 'max_file_store':
        case 'max_file':
          js.maxFileStore = this.size(val, k, kat);
          break;
        default:
          this.warnings.push(warn(kat, `jetstream "${k}" is not supported by Tern and is ignored`));
      }
    }
    return js;
  }

  size(v: ConfigValue, key: string, at: SourcePosition | undefined): number {
    const n = parseStorageSize(v);
    if (typeof n !== 'number') this.fail(at, `error parsing "${key}": ${n.error}`);
    return n;
  }

  authorization(v: ConfigValue, key: string, at: SourcePosition | undefined): AuthorizationBlock {
    const m = this.map(v, key, at);
    const auth: AuthorizationBlock = {};
    for (const [k, val] of Object.entries(m)) {
      const kat = positionOf(m, k) ?? at;
      switch (k.toLowerCase()) {
        case 'user':
        case 'username':
          auth.user = this.scalarString(val, k, kat);
          break;
        case 'pass':
        case 'password':
          auth.password = this.scalarString(val, k, kat);
          break;
        case 'token':
          auth.token = this.scalarString(val, k, kat);
          break;
        case 'timeout':
          auth.timeoutMs = this.seconds(val, k, kat);
          break;
        case 'users':
          auth.users = this.users(val, k, kat);
          break;
        case 'permissions':
          auth.permissions = this.permissions(val, k, kat);
          break;
        case 'default_permissions':
          auth.defaultPermissions = this.permissions(val, k, kat);
          break;
        default:
          if (!isUsedVariable(m, k)) this.fail(kat, `unknown field "${k}"`);
      }
    }
    if (auth.users) {
      if (auth.user !== undefined) this.fail(at, 'Can not have a single user/pass and a users array');
      if (auth.token !== undefined) this.fail(at, 'Can not have a token and a users array');
      if (auth.defaultPermissions) {
        for (const u of auth.users) u.permissions ??= auth.defaultPermissions;
      }
    }
    if (auth.token !== undefined && auth.user !== undefined)
      this.fail(at, 'Cannot have a user/pass and token');
    return auth;
  }

  /** Secrets may be written unquoted and parse as numbers (`password: 1234`): keep their text. */
  scalarString(v: ConfigValue, key: string, at: SourcePosition | undefined): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.fail(at, `error parsing "${key}": expected a string, got ${typeName(v)}`);
  }

  users(v: ConfigValue, key: string, at: SourcePosition | undefined): UserEntry[] {
    if (!Array.isArray(v)) this.fail(at, `Expected users field to be an array, got ${typeName(v)}`);
    const out: UserEntry[] = [];
    const names = new Set<string>();
    const nkeys = new Set<string>();
    v.forEach((item, idx) => {
      const iat = positionOf(v, idx) ?? at;
      const m = this.map(item, `${key}[${idx}]`, iat);
      const u: UserEntry = {};
      for (const [k, val] of Object.entries(m)) {
        const kat = positionOf(m, k) ?? iat;
        switch (k.toLowerCase()) {
          case 'user':
          case 'username':
            u.user = this.scalarString(val, k, kat);
            break;
          case 'pass':
          case 'password':
            u.password = this.scalarString(val, k, kat);
            break;
          case 'nkey':
            u.nkey = this.string(val, k, kat);
            if (!isUserNkey(u.nkey)) this.fail(kat, 'Not a valid public nkey for a user');
            break;
          case 'permissions':
          case 'permission':
            u.permissions = this.permissions(val, k, kat);
            break;
          case 'account':
          case 'allowed_connection_types':
          case 'connection_types':
          case 'clients':
            this.warnings.push(warn(kat, `user "${k}" is not supported by Tern and is ignored`));
            break;
          default:
            this.fail(kat, `Unknown field "${k}" parsing users`);
        }
      }
      if (u.user === undefined && u.nkey === undefined) this.fail(iat, 'User entry requires a user');
      if (u.user !== undefined) {
        if (names.has(u.user)) this.fail(at, `Duplicate user ${JSON.stringify(u.user)} detected`);
        names.add(u.user);
      }
      if (u.nkey !== undefined) {
        if (nkeys.has(u.nkey)) this.fail(at, `Duplicate nkey ${JSON.stringify(u.nkey)} detected`);
        nkeys.add(u.nkey);
      }
      out.push(u);
    });
    return out;
  }

  permissions(v: ConfigValue, key: string, at: SourcePosition | undefined): UserPermissions {
    const m = this.map(v, key, at);
    const p: UserPermissions = {};
    for (const [k, val] of Object.entries(m)) {
      const kat = positionOf(m, k) ?? at;
      switch (k.toLowerCase()) {
        case 'pub':
        case 'publish':
        case 'import':
          p.publish = this.subjectPermission(val, kat);
          break;
        case 'sub':
        case 'subscribe':
        case 'export':
          p.subscribe = this.subjectPermission(val, kat);
          break;
        case 'allow_responses':
        case 'allow_response':
          p.response = this.responsePermission(val, k, kat);
          break;
        default:
          this.fail(kat, `Unknown field "${k}" parsing permissions`);
      }
    }
    // nats-server: allow_responses without a publish allow list means "only responses".
    if (p.response) {
      p.publish ??= {};
      p.publish.allow ??= [];
    }
    if (p.response === undefined) delete p.response;
    return p;
  }

  subjectPermission(v: ConfigValue, at: SourcePosition | undefined): SubjectPermission {
    if (typeof v === 'string' || Array.isArray(v)) return { allow: this.subjects(v, at) };
    if (typeof v !== 'object' || v === null || v instanceof Date) {
      this.fail(at, `Expected subject permissions to be a subject, or array of subjects, got ${typeName(v)}`);
    }
    const sp: SubjectPermission = {};
    for (const [k, val] of Object.entries(v)) {
      const kat = positionOf(v, k) ?? at;
      switch (k.toLowerCase()) {
        case 'allow':
          sp.allow = this.subjects(val, kat);
          break;
        case 'deny':
          sp.deny = this.subjects(val, kat);
          break;
        default:
          this.fail(
            kat,
            `Unknown field name "${k}" parsing subject permissions, only 'allow' or 'deny' are permitted`,
          );
      }
    }
    return sp;
  }

  subjects(v: ConfigValue, at: SourcePosition | undefined): string[] {
    const list = Array.isArray(v) ? v : [v];
    return list.map((s) => {
      if (typeof s !== 'string') {
        this.fail(
          at,
          `Expected subject permissions to be a subject, or array of subjects, got ${typeName(s)}`,
        );
      }
      // A subscribe entry may name a queue group: "foo.> workers".
      const parts = s.trim().split(/[ \t]+/);
      if (parts.length > 2 || !isValidSubject(parts[0]!, { wildcards: true })) {
        this.fail(at, `subject ${JSON.stringify(s)} is not a valid subject`);
      }
      return s;
    });
  }

  responsePermission(
    v: ConfigValue,
    key: string,
    at: SourcePosition | undefined,
  ): ResponsePermission | undefined {
    if (typeof v === 'boolean') return v ? { ...DEFAULT_RESPONSE } : undefined;
    const m = this.map(v, key, at);
    const rp: ResponsePermission = { maxMsgs: 0, expiresMs: 0 };
    for (const [k, val] of Object.entries(m)) {
      const kat = positionOf(m, k) ?? at;
      switch (k.toLowerCase()) {
        case 'max':
        case 'max_msgs':
        case 'max_messages':
        case 'max_responses':
          rp.maxMsgs = this.int(val, k, kat);
          break;
        case 'expires':
        case 'expiration':
        case 'ttl':
          rp.expiresMs = typeof val === 'string' ? this.duration(val, k, kat) : this.seconds(val, k, kat);
          break;
        default:
          this.fail(kat, `Unknown field "${k}" parsing allow_responses`);
      }
    }
    // Zero means "use the default"; a negative value means "unlimited".
    if (rp.maxMsgs === 0) rp.maxMsgs = DEFAULT_RESPONSE.maxMsgs;
    if (rp.expiresMs === 0) rp.expiresMs = DEFAULT_RESPONSE.expiresMs;
    return rp;
  }
}

function isUserNkey(nkey: string): boolean {
  if (!nkey.startsWith('U')) return false;
  try {
    fromPublic(nkey);
    return true;
  } catch {
    return false;
  }
}
