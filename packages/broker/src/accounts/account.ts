import { randomBytes } from 'node:crypto';
import {
  type AccountConfig,
  type AccountJetStreamConfig,
  type AccountLimitsConfig,
  type AccountsConfig,
  DEFAULT_SYSTEM_ACCOUNT,
  GLOBAL_ACCOUNT,
  importAuthorized,
  type ResponseType,
  type ServiceExportConfig,
  type StreamExportConfig,
  unlimitedAccountLimits,
} from './config.js';
import type { AccountClaims, JwtResponseType } from './jwt.js';
import { isSubsetMatch, transformSubject, wildcardCaptures } from './subjects.js';

/** nats-server's default response threshold for service exports: 2 minutes. */
export const DEFAULT_RESPONSE_THRESHOLD_MS = 2 * 60_000;
/** Prefix of reply subjects minted for service imports (nats-server `replyPrefix`). */
export const SERVICE_REPLY_PREFIX = '_R_.';
/** How deep import chains are followed before giving up (cycles are cut earlier). */
const MAX_IMPORT_DEPTH = 8;

/** A stream this account receives from another: `subject` in `account` appears here on the mapped subject. */
export interface StreamImport {
  account: string;
  subject: string;
  /** Subject in this account: `prefix.subject`, `to` (wildcards mapped), or `subject`. */
  to: string;
  prefix?: string;
}

/** A service this account calls: requests on `to` here go to `subject` in `account`. */
export interface ServiceImport {
  account: string;
  subject: string;
  to: string;
  share: boolean;
}

/** Live counters the server keeps per account (for limits, `/accstatz` and `$SYS` events). */
export interface AccountCounters {
  connections: number;
  leafnodes: number;
  totalConnections: number;
  subscriptions: number;
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  slowConsumers: number;
}

/** A limit the account would exceed; texts as nats-server's `-ERR`s. */
export type LimitError = 'maximum account active connections exceeded' | 'maximum subscriptions exceeded';

/** One tenant: its exports, imports, limits and counters. Subscriptions live in the router. */
export class Account {
  readonly name: string;
  nkey?: string;
  /** For JWT accounts: the JWT, its decoded claims and issuer. */
  jwt?: string;
  claims?: AccountClaims;
  issuer?: string;
  /** `name` claim of a JWT account (nats-server's `name_tag`). */
  nameTag?: string;
  streamExports: StreamExportConfig[] = [];
  serviceExports: ServiceExportConfig[] = [];
  streamImports: StreamImport[] = [];
  serviceImports: ServiceImport[] = [];
  limits: AccountLimitsConfig = unlimitedAccountLimits();
  jetstream?: AccountJetStreamConfig;
  /** Users revoked by the account JWT (user key → Unix seconds). */
  revocations?: Record<string, number>;
  expired = false;
  updated: Date = new Date();
  readonly counters: AccountCounters = {
    connections: 0,
    leafnodes: 0,
    totalConnections: 0,
    subscriptions: 0,
    inMsgs: 0,
    inBytes: 0,
    outMsgs: 0,
    outBytes: 0,
    slowConsumers: 0,
  };

  constructor(name: string) {
    this.name = name;
  }

  /** Builds an account from its configuration-file block. */
  static fromConfig(cfg: AccountConfig): Account {
    const a = new Account(cfg.name);
    if (cfg.nkey) a.nkey = cfg.nkey;
    a.streamExports = cfg.streamExports.map((e) => ({ ...e }));
    a.serviceExports = cfg.serviceExports.map((e) => ({ ...e }));
    a.streamImports = cfg.streamImports.map((i) => streamImport(i.account, i.subject, i.prefix, i.to));
    a.serviceImports = cfg.serviceImports.map((i) => ({ ...i }));
    a.limits = { ...cfg.limits };
    if (cfg.jetstream) a.jetstream = { ...cfg.jetstream };
    return a;
  }

  /**
   * Builds an account from verified account claims, as nats-server's `updateAccountClaims` does:
   * the account is named by its public key; JetStream is on when any storage limit is non-zero.
   */
  static fromClaims(claims: AccountClaims, jwt?: string): Account {
    const a = new Account(claims.sub);
    a.nkey = claims.sub;
    a.claims = claims;
    if (jwt !== undefined) a.jwt = jwt;
    a.issuer = claims.iss;
    if (claims.name !== undefined) a.nameTag = claims.name;
    const n = claims.nats;
    for (const e of n.exports ?? []) {
      const base: StreamExportConfig = { subject: e.subject };
      if (e.account_token_position) base.accountTokenPosition = e.account_token_position;
      if (e.token_req) base.tokenRequired = true;
      if (e.type === 'service') {
        const se: ServiceExportConfig = { ...base, responseType: fromJwtResponseType(e.response_type) };
        if (e.response_threshold) se.responseThresholdMs = e.response_threshold / 1e6;
        a.serviceExports.push(se);
      } else a.streamExports.push(base);
    }
    for (const i of n.imports ?? []) {
      if (i.type === 'service') {
        a.serviceImports.push({
          account: i.account,
          subject: i.subject,
          to: i.local_subject || i.to || i.subject,
          share: !!i.share,
        });
      } else if (i.local_subject)
        a.streamImports.push(streamImport(i.account, i.subject, undefined, i.local_subject));
      else a.streamImports.push(streamImport(i.account, i.subject, i.to || undefined, undefined));
    }
    const l = n.limits ?? {};
    a.limits = {
      maxConnections: l.conn ?? 0,
      maxSubscriptions: l.subs ?? 0,
      maxPayload: l.payload ?? 0,
      maxLeafnodes: l.leaf ?? 0,
    };
    const js = [l.mem_storage, l.disk_storage, l.streams, l.consumer].some((x) => (x ?? 0) !== 0);
    if (js) {
      a.jetstream = {
        enabled: true,
        maxMemory: l.mem_storage ?? 0,
        maxStore: l.disk_storage ?? 0,
        maxStreams: l.streams ?? 0,
        maxConsumers: l.consumer ?? 0,
        maxAckPending: l.max_ack_pending ?? -1,
        memoryMaxStreamBytes: l.mem_max_stream_bytes ?? 0,
        storeMaxStreamBytes: l.disk_max_stream_bytes ?? 0,
        maxBytesRequired: !!l.max_bytes_required,
      };
    }
    if (n.revocations) a.revocations = { ...n.revocations };
    if (claims.exp !== undefined && claims.exp > 0 && Date.now() / 1000 > claims.exp) a.expired = true;
    return a;
  }

  /** Registers a new client connection, or says which limit forbids it. */
  addConnection(): LimitError | undefined {
    if (this.limits.maxConnections >= 0 && this.counters.connections >= this.limits.maxConnections) {
      return 'maximum account active connections exceeded';
    }
    this.counters.connections++;
    this.counters.totalConnections++;
    return undefined;
  }

  removeConnection(): void {
    if (this.counters.connections > 0) this.counters.connections--;
  }

  /** Registers a subscription, or refuses it at the account's `max_subscriptions`. */
  addSubscription(): LimitError | undefined {
    if (this.limits.maxSubscriptions >= 0 && this.counters.subscriptions >= this.limits.maxSubscriptions) {
      return 'maximum subscriptions exceeded';
    }
    this.counters.subscriptions++;
    return undefined;
  }

  removeSubscription(n = 1): void {
    this.counters.subscriptions = Math.max(0, this.counters.subscriptions - n);
  }

  /** The max_payload a client of this account gets: the smaller of the server's and the account's. */
  effectiveMaxPayload(serverMax: number): number {
    return this.limits.maxPayload >= 0 ? Math.min(serverMax, this.limits.maxPayload) : serverMax;
  }

  /** Is `subject` exported as a stream to `importer`? */
  exportsStreamTo(importer: string, subject: string): boolean {
    return importAuthorized(this.streamExports, importer, subject);
  }

  /** Is `subject` exported as a service to `importer`? */
  exportsServiceTo(importer: string, subject: string): boolean {
    return importAuthorized(this.serviceExports, importer, subject);
  }

  /** The service export covering `subject`, for its response type and threshold. */
  serviceExportFor(subject: string): ServiceExportConfig | undefined {
    return this.serviceExports.find((e) => isSubsetMatch(subject, e.subject));
  }
}

function streamImport(account: string, subject: string, prefix?: string, to?: string): StreamImport {
  if (prefix !== undefined && prefix !== '') {
    const p = prefix.endsWith('.') ? prefix : `${prefix}.`;
    return { account, subject, prefix, to: `${p}${subject}` };
  }
  return { account, subject, to: to || subject };
}

function fromJwtResponseType(t: JwtResponseType | undefined): ResponseType {
  return t === 'Stream' || t === 'Chunked' ? t : 'Singleton';
}

/** One place a published message must be delivered: match `subject` against `account`'s subscriptions. */
export interface Delivery {
  account: string;
  subject: string;
  reply?: string;
}

/** A pending reply route created by a service import (nats-server's response service import). */
export interface ResponseMapping {
  /** The exporting account, where the responder publishes to `subject`. */
  exporter: string;
  /** The minted `_R_.` subject. */
  subject: string;
  /** The requesting account and the requester's original reply subject. */
  importer: string;
  reply: string;
  responseType: ResponseType;
  /** How long the mapping lives after creation or the last response. */
  thresholdMs: number;
  expiresAt: number;
}

/** Options for {@link AccountRegistry}. */
export interface AccountRegistryOptions {
  systemAccount?: string;
  /**
   * Give every other account nats-server's implicit service imports from the system account
   * (`$SYS.REQ.SERVER.PING.CONNZ`, `$SYS.REQ.ACCOUNT.PING.{CONNZ,STATZ}` → `$SYS.REQ.ACCOUNT.<acc>.*`),
   * so users can query their own account. Default true.
   */
  systemImports?: boolean;
  /** Clock in ms, for response-mapping expiry. */
  now?: () => number;
  /** Most outstanding response mappings kept; the oldest go first. Default 100 000. */
  maxResponseMappings?: number;
}

/**
 * All accounts of a server and the rules that connect them. The router keeps one subscription
 * index per account and asks the registry where a publish must go ({@link routePublish}).
 */
export class AccountRegistry {
  readonly systemAccount: string;
  private readonly systemImports: boolean;
  private readonly accounts = new Map<string, Account>();
  /** exporter name → [importer, import] for stream imports, rebuilt on change. */
  private streamImporters = new Map<string, Array<[Account, StreamImport]>>();
  /** exporter name → (minted reply subject → mapping). */
  private readonly responses = new Map<string, Map<string, ResponseMapping>>();
  private responseCount = 0;
  private readonly now: () => number;
  private readonly maxResponses: number;
  private readonly replyPrefixes = new Map<string, string>();

  constructor(options: AccountRegistryOptions = {}) {
    this.systemAccount = options.systemAccount ?? DEFAULT_SYSTEM_ACCOUNT;
    this.systemImports = options.systemImports ?? true;
    this.now = options.now ?? Date.now;
    this.maxResponses = options.maxResponseMappings ?? 100_000;
    this.accounts.set(GLOBAL_ACCOUNT, new Account(GLOBAL_ACCOUNT));
    if (!this.accounts.has(this.systemAccount))
      this.accounts.set(this.systemAccount, new Account(this.systemAccount));
  }

  /** Registry for a configuration file: `$G`, the system account, and every configured account. */
  static fromConfig(
    cfg: AccountsConfig,
    options: Omit<AccountRegistryOptions, 'systemAccount'> = {},
  ): AccountRegistry {
    const r = new AccountRegistry({ ...options, systemAccount: cfg.systemAccount });
    for (const a of cfg.accounts) r.accounts.set(a.name, Account.fromConfig(a));
    r.reindex();
    return r;
  }

  get(name: string): Account | undefined {
    return this.accounts.get(name);
  }

  has(name: string): boolean {
    return this.accounts.has(name);
  }

  /** Account names, `$G` first, as `/accountz` lists them (sorted). */
  names(): string[] {
    return [...this.accounts.keys()].sort();
  }

  list(): Account[] {
    return [...this.accounts.values()];
  }

  /**
   * Adds or replaces an account (e.g. after a JWT update). Counters of a replaced account carry
   * over; imports of others that the new exports no longer allow stop delivering.
   */
  upsert(account: Account): void {
    const prev = this.accounts.get(account.name);
    if (prev) Object.assign(account.counters, prev.counters);
    this.accounts.set(account.name, account);
    this.reindex();
  }

  remove(name: string): void {
    if (name === GLOBAL_ACCOUNT || name === this.systemAccount) return;
    this.accounts.delete(name);
    this.responses.delete(name);
    this.reindex();
  }

  /** Imports that name an unknown account or that no export authorizes (nats-server marks them invalid). */
  invalidImports(name: string): Array<StreamImport | ServiceImport> {
    const a = this.accounts.get(name);
    if (!a) return [];
    const bad: Array<StreamImport | ServiceImport> = [];
    for (const si of a.streamImports) {
      if (!this.accounts.get(si.account)?.exportsStreamTo(a.name, si.subject)) bad.push(si);
    }
    for (const si of a.serviceImports) {
      if (!this.accounts.get(si.account)?.exportsServiceTo(a.name, si.subject)) bad.push(si);
    }
    return bad;
  }

  private reindex(): void {
    const idx = new Map<string, Array<[Account, StreamImport]>>();
    for (const a of this.accounts.values()) {
      for (const si of a.streamImports) {
        const exp = this.accounts.get(si.account);
        if (!exp?.exportsStreamTo(a.name, si.subject)) continue;
        const l = idx.get(si.account) ?? [];
        l.push([a, si]);
        idx.set(si.account, l);
      }
    }
    this.streamImporters = idx;
  }

  /**
   * Where a message published in `account` on `subject` must go. The first delivery is always the
   * publisher's own account; then stream imports of other accounts (with their subject mapping),
   * service imports of this account (to the exporter, with the reply replaced by a fresh `_R_.`
   * subject that routes the responses back), and responses on such `_R_.` subjects back to the
   * requester. Service imports chain; stream-imported messages are not passed on further (as in
   * nats-server). A repeated (account, subject) pair is delivered once.
   */
  routePublish(account: string, subject: string, reply?: string): Delivery[] {
    const out: Delivery[] = [];
    const seen = new Set<string>();
    this.visit(account, subject, reply, 0, out, seen);
    return out;
  }

  private visit(
    account: string,
    subject: string,
    reply: string | undefined,
    depth: number,
    out: Delivery[],
    seen: Set<string>,
  ): void {
    const key = `${account} ${subject}`;
    if (seen.has(key) || depth > MAX_IMPORT_DEPTH) return;
    seen.add(key);
    const acc = this.accounts.get(account);
    if (!acc) return;
    out.push(reply === undefined ? { account, subject } : { account, subject, reply });

    const resp = this.responses.get(account)?.get(subject);
    if (resp) {
      if (resp.expiresAt <= this.now()) this.dropResponse(resp);
      else {
        if (resp.responseType === 'Singleton') this.dropResponse(resp);
        else resp.expiresAt = this.now() + resp.thresholdMs;
        this.visit(resp.importer, resp.reply, reply, depth + 1, out, seen);
        return;
      }
    }

    for (const [importer, si] of this.streamImporters.get(account) ?? []) {
      if (!wildcardCaptures(si.subject, subject)) continue;
      const local =
        si.prefix !== undefined ? streamImport(si.account, subject, si.prefix).to : mapTo(si, subject);
      // nats-server does not pass a stream-imported message on through the importer's own
      // imports or re-exports: deliver it there and stop.
      if (local !== undefined) this.deliverOnly(importer.name, local, reply, out, seen);
    }

    for (const si of this.serviceImportsOf(acc)) {
      if (!wildcardCaptures(si.to, subject)) continue;
      const exporter = this.accounts.get(si.account);
      if (!exporter) continue;
      if (si.account !== this.systemAccount || !si.subject.startsWith('$SYS.REQ.ACCOUNT.')) {
        if (!exporter.exportsServiceTo(acc.name, si.subject)) continue;
      }
      const remote = si.to === si.subject ? subject : transformSubject(si.to, si.subject, subject);
      if (remote === undefined) continue;
      const mapped = reply === undefined ? undefined : this.mintResponse(exporter, acc.name, reply, remote);
      this.visit(exporter.name, remote, mapped, depth + 1, out, seen);
    }
  }

  /** The account's service imports plus the implicit system ones (which need no export). */
  private serviceImportsOf(acc: Account): ServiceImport[] {
    if (!this.systemImports || acc.name === this.systemAccount) return acc.serviceImports;
    return [...acc.serviceImports, ...implicitSystemImports(acc.name, this.systemAccount)];
  }

  private deliverOnly(
    account: string,
    subject: string,
    reply: string | undefined,
    out: Delivery[],
    seen: Set<string>,
  ): void {
    const key = `${account} ${subject}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(reply === undefined ? { account, subject } : { account, subject, reply });
  }

  private mintResponse(exporter: Account, importer: string, reply: string, requestSubject: string): string {
    let prefix = this.replyPrefixes.get(importer);
    if (!prefix) {
      prefix = `${SERVICE_REPLY_PREFIX}${randomToken(6)}.`;
      this.replyPrefixes.set(importer, prefix);
    }
    const subject = `${prefix}${randomToken(10)}`;
    const se = exporter.serviceExportFor(requestSubject);
    const thresholdMs = se?.responseThresholdMs ?? DEFAULT_RESPONSE_THRESHOLD_MS;
    const mapping: ResponseMapping = {
      exporter: exporter.name,
      subject,
      importer,
      reply,
      responseType: se?.responseType ?? 'Singleton',
      thresholdMs,
      expiresAt: this.now() + thresholdMs,
    };
    const m = this.responses.get(exporter.name) ?? new Map<string, ResponseMapping>();
    m.set(subject, mapping);
    this.responses.set(exporter.name, m);
    this.responseCount++;
    if (this.responseCount > this.maxResponses) this.sweepResponses(Number.POSITIVE_INFINITY, 1);
    return subject;
  }

  private dropResponse(r: ResponseMapping): void {
    const m = this.responses.get(r.exporter);
    if (m?.delete(r.subject)) this.responseCount--;
  }

  /**
   * Drops response mappings whose threshold passed (call it from a timer, e.g. every few seconds).
   * Returns how many were removed.
   */
  sweepResponses(now = this.now(), limit = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (const m of this.responses.values()) {
      for (const r of m.values()) {
        if (n >= limit) return n;
        if (r.expiresAt <= now) {
          m.delete(r.subject);
          this.responseCount--;
          n++;
        }
      }
    }
    return n;
  }

  /** Outstanding response mappings of an exporter (for `/accountz` `responses`). */
  pendingResponses(exporter: string): ResponseMapping[] {
    return [...(this.responses.get(exporter)?.values() ?? [])];
  }
}

/** nats-server's implicit imports: a user asks about its own account through the system account. */
export function implicitSystemImports(account: string, systemAccount: string): ServiceImport[] {
  const own = (ep: string) => `$SYS.REQ.ACCOUNT.${account}.${ep}`;
  return [
    { account: systemAccount, subject: own('CONNZ'), to: '$SYS.REQ.SERVER.PING.CONNZ', share: false },
    { account: systemAccount, subject: own('CONNZ'), to: '$SYS.REQ.ACCOUNT.PING.CONNZ', share: false },
    { account: systemAccount, subject: own('STATZ'), to: '$SYS.REQ.ACCOUNT.PING.STATZ', share: false },
  ];
}

function mapTo(si: StreamImport, subject: string): string | undefined {
  if (si.to === si.subject) return subject;
  return transformSubject(si.subject, si.to, subject);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomToken(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += BASE62[b % 62];
  return s;
}
