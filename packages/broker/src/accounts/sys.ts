import { randomBytes } from 'node:crypto';
import { rfc3339 } from '../monitoring/format.js';
import { type Account, type AccountRegistry, implicitSystemImports } from './account.js';
import type { ServerInfo } from './resolver.js';

export type { ServerInfo } from './resolver.js';

// Payload shapes of nats-server 2.9.10's system account (events.go, monitor.go), field order as
// Go marshals the structs. Checked against a live 2.9.10 in sys.test.ts.

/** Identity of this server, stamped on every `$SYS` message. */
export interface ServerIdentity {
  name: string;
  host: string;
  id: string;
  version: string;
  jetstream: boolean;
  cluster?: string;
  domain?: string;
  tags?: string[];
}

/** Stamps `ServerInfo` with a per-server sequence number, as `sendInternalMsg` does. */
export class SysStamper {
  private seq = 0;

  constructor(readonly identity: ServerIdentity) {}

  /** A fresh `server` block: `seq` increments on every call. */
  serverInfo(now: Date = new Date()): ServerInfo {
    const i = this.identity;
    const out = { name: i.name, host: i.host, id: i.id } as ServerInfo;
    if (i.cluster) out.cluster = i.cluster;
    if (i.domain) out.domain = i.domain;
    out.ver = i.version;
    if (i.tags?.length) out.tags = i.tags;
    out.seq = ++this.seq;
    out.jetstream = i.jetstream;
    out.time = rfc3339(now);
    return out;
  }
}

/** Message counts as `{"msgs":n,"bytes":n}`. */
export interface DataStats {
  msgs: number;
  bytes: number;
}

/** The `client` block of connect/disconnect events (events.go `ClientInfo`). */
export interface ClientInfo {
  start: string;
  host: string;
  id: number;
  acc: string;
  user?: string;
  name?: string;
  lang?: string;
  ver?: string;
  /** Round-trip time in nanoseconds. */
  rtt?: number;
  server?: string;
  cluster?: string;
  stop?: string;
  jwt?: string;
  issuer_key?: string;
  name_tag?: string;
  tags?: string[];
  kind: string;
  client_type: string;
}

/** Subject of a client connect event. */
export const connectEventSubject = (acc: string): string => `$SYS.ACCOUNT.${acc}.CONNECT`;
/** Subject of a client disconnect event. */
export const disconnectEventSubject = (acc: string): string => `$SYS.ACCOUNT.${acc}.DISCONNECT`;
/** Subject of the per-account connection count event. */
export const accountConnsEventSubject = (acc: string): string => `$SYS.ACCOUNT.${acc}.SERVER.CONNS`;
/** Subject of periodic server statistics. */
export const serverStatszSubject = (serverId: string): string => `$SYS.SERVER.${serverId}.STATSZ`;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 22-character event id, like nuid's. */
export function eventId(): string {
  let s = '';
  for (const b of randomBytes(22)) s += BASE62[b % 62];
  return s;
}

/** Orders a ClientInfo's fields as Go marshals them, dropping empty optional ones. */
function clientBlock(c: ClientInfo): ClientInfo {
  const o: Record<string, unknown> = { start: c.start, host: c.host, id: c.id, acc: c.acc };
  for (const k of [
    'user',
    'name',
    'lang',
    'ver',
    'rtt',
    'server',
    'cluster',
    'stop',
    'jwt',
    'issuer_key',
    'name_tag',
    'tags',
  ] as const) {
    const v = c[k];
    if (v !== undefined && v !== '' && v !== 0 && !(Array.isArray(v) && v.length === 0)) o[k] = v;
  }
  o.kind = c.kind;
  o.client_type = c.client_type;
  return o as unknown as ClientInfo;
}

/** `$SYS.ACCOUNT.<acc>.CONNECT` payload (`io.nats.server.advisory.v1.client_connect`). */
export function connectEvent(server: ServerInfo, client: ClientInfo, now: Date = new Date()): object {
  return {
    type: 'io.nats.server.advisory.v1.client_connect',
    id: eventId(),
    timestamp: rfc3339(now),
    server,
    client: clientBlock(client),
  };
}

/** `$SYS.ACCOUNT.<acc>.DISCONNECT` payload; `sent` is what the server sent to the client. */
export function disconnectEvent(
  server: ServerInfo,
  client: ClientInfo,
  sent: DataStats,
  received: DataStats,
  reason: string,
  now: Date = new Date(),
): object {
  return {
    type: 'io.nats.server.advisory.v1.client_disconnect',
    id: eventId(),
    timestamp: rfc3339(now),
    server,
    client: clientBlock(client),
    sent,
    received,
    reason,
  };
}

/** One account's entry of `account_statz` and of the `SERVER.CONNS` event. */
export interface AccountStat {
  acc: string;
  conns: number;
  leafnodes: number;
  total_conns: number;
  sent: DataStats;
  received: DataStats;
  slow_consumers: number;
}

/** An account's statistics; `sent` counts messages delivered to its clients. */
export function accountStat(a: Account): AccountStat {
  const c = a.counters;
  return {
    acc: a.name,
    conns: c.connections,
    leafnodes: c.leafnodes,
    total_conns: c.connections + c.leafnodes,
    sent: { msgs: c.outMsgs, bytes: c.outBytes },
    received: { msgs: c.inMsgs, bytes: c.inBytes },
    slow_consumers: c.slowConsumers,
  };
}

/** `$SYS.ACCOUNT.<acc>.SERVER.CONNS` payload (`io.nats.server.advisory.v1.account_connections`). */
export function accountConnsEvent(server: ServerInfo, a: Account, now: Date = new Date()): object {
  return {
    type: 'io.nats.server.advisory.v1.account_connections',
    id: eventId(),
    timestamp: rfc3339(now),
    server,
    ...accountStat(a),
  };
}

/** Server statistics of a `$SYS.REQ.SERVER.PING` reply (events.go `ServerStats`). */
export interface Statsz {
  start: string;
  mem: number;
  cores: number;
  cpu: number;
  connections: number;
  total_connections: number;
  active_accounts: number;
  subscriptions: number;
  sent: DataStats;
  received: DataStats;
  slow_consumers: number;
  active_servers: number;
  /** `{config, stats}` as `/varz`'s `jetstream`, when JetStream is on. */
  jetstream?: object;
}

/** `$SYS.REQ.SERVER.PING` (and `.STATZ`) reply: `{"server":{...},"statsz":{...}}`. */
export function statszReply(server: ServerInfo, statsz: Statsz): object {
  return { server, statsz };
}

/** The `{"server":{...},"data":{...}}` envelope of every other `$SYS.REQ` reply (`ServerAPIResponse`). */
export function apiReply(server: ServerInfo, data: unknown): object {
  return { server, data };
}

/** The error form of the envelope: `{"server":{...},"error":{"code":400,"description":"..."}}`. */
export function apiErrorReply(server: ServerInfo, code: number, description: string): object {
  return { server, error: { code, description } };
}

/** Endpoints answerable on `$SYS.REQ.SERVER.PING.<X>` / `$SYS.REQ.SERVER.<id>.<X>`. */
export const SERVER_ENDPOINTS = [
  'STATSZ',
  'VARZ',
  'CONNZ',
  'SUBSZ',
  'JSZ',
  'HEALTHZ',
  'ACCOUNTZ',
  'ROUTEZ',
  'GATEWAYZ',
  'LEAFZ',
  'IDZ',
] as const;
/** Endpoints answerable on `$SYS.REQ.ACCOUNT.<acc>.<X>`. */
export const ACCOUNT_ENDPOINTS = ['CONNZ', 'SUBSZ', 'INFO', 'JSZ', 'STATZ', 'LEAFZ', 'CONNS'] as const;

export type ServerEndpoint = (typeof SERVER_ENDPOINTS)[number];
export type AccountEndpoint = (typeof ACCOUNT_ENDPOINTS)[number];

/** What a `$SYS.REQ` subject asks for. */
export type SysRequest =
  | { kind: 'server'; endpoint: ServerEndpoint | 'PING'; serverId?: string }
  | { kind: 'account'; account: string; endpoint: AccountEndpoint }
  | { kind: 'account-ping'; endpoint: 'STATZ' | 'CONNZ' };

/**
 * Classifies a `$SYS.REQ...` subject: `$SYS.REQ.SERVER.PING[.<X>]` (every server answers),
 * `$SYS.REQ.SERVER.<id>.<X>` (one server), `$SYS.REQ.ACCOUNT.<acc>.<X>`, and
 * `$SYS.REQ.ACCOUNT.PING.{STATZ,CONNZ}`. Claims subjects are parsed by the resolver module.
 */
export function parseSysRequest(subject: string, serverId?: string): SysRequest | undefined {
  const t = subject.split('.');
  if (t[0] !== '$SYS' || t[1] !== 'REQ') return undefined;
  if (t[2] === 'SERVER') {
    if (t[3] === 'PING') {
      if (t.length === 4) return { kind: 'server', endpoint: 'PING' };
      if (t.length === 5 && (SERVER_ENDPOINTS as readonly string[]).includes(t[4]!)) {
        return { kind: 'server', endpoint: t[4] as ServerEndpoint };
      }
      return undefined;
    }
    if (t.length === 5 && t[3] && (serverId === undefined || t[3] === serverId)) {
      if ((SERVER_ENDPOINTS as readonly string[]).includes(t[4]!)) {
        return { kind: 'server', endpoint: t[4] as ServerEndpoint, serverId: t[3] };
      }
    }
    return undefined;
  }
  if (t[2] === 'ACCOUNT' && t.length === 5) {
    if (t[3] === 'PING' && (t[4] === 'STATZ' || t[4] === 'CONNZ'))
      return { kind: 'account-ping', endpoint: t[4] };
    if ((ACCOUNT_ENDPOINTS as readonly string[]).includes(t[4]!)) {
      return { kind: 'account', account: t[3]!, endpoint: t[4] as AccountEndpoint };
    }
  }
  return undefined;
}

/** One entry of `imports` in account info (monitor.go `ExtImport`). */
export interface ExtImport {
  subject: string;
  account: string;
  to: string;
  type: 'stream' | 'service';
  invalid: boolean;
  share: boolean;
  tracking: boolean;
}

/** One entry of `exports` in account info (monitor.go `ExtExport`). */
export interface ExtExport {
  subject: string;
  type: 'stream' | 'service';
  account_token_position?: number;
  approved_accounts?: string[];
  response_type?: string;
}

/** Sublist statistics as `/accountz?acc=` and `/subsz` show them. */
export interface SublistStats {
  num_subscriptions: number;
  num_cache: number;
  num_inserts: number;
  num_removes: number;
  num_matches: number;
  cache_hit_rate: number;
  max_fanout: number;
  avg_fanout: number;
}

/** Router-side facts about an account that the registry does not know. */
export interface AccountRuntimeInfo {
  /** Subscriptions in the account's sublist (including internal ones). */
  subscriptions?: number;
  sublistStats?: SublistStats;
  /** JetStream is enabled for the account on this server. */
  jetstreamEnabled?: boolean;
  /** Include the system service imports nats-server adds to every account (default true). */
  systemImports?: boolean;
}

/**
 * `account_detail` of `/accountz?acc=<name>` and `data` of `$SYS.REQ.ACCOUNT.<acc>.INFO`
 * (monitor.go `AccountInfo`).
 */
export function accountInfo(
  registry: AccountRegistry,
  name: string,
  rt: AccountRuntimeInfo = {},
): object | undefined {
  const a = registry.get(name);
  if (!a) return undefined;
  const invalid = new Set(registry.invalidImports(name));
  const imports: ExtImport[] = [];
  if (rt.systemImports !== false && name !== registry.systemAccount) {
    for (const si of implicitSystemImports(name, registry.systemAccount)) {
      imports.push({
        subject: si.to,
        account: si.account,
        to: si.subject,
        type: 'service',
        invalid: false,
        share: false,
        tracking: false,
      });
    }
  }
  for (const si of a.streamImports) {
    imports.push({
      subject: si.subject,
      account: si.account,
      to: si.to,
      type: 'stream',
      invalid: invalid.has(si),
      share: false,
      tracking: false,
    });
  }
  for (const si of a.serviceImports) {
    imports.push({
      subject: si.to,
      account: si.account,
      to: si.subject,
      type: 'service',
      invalid: invalid.has(si),
      share: si.share,
      tracking: false,
    });
  }
  const exports: ExtExport[] = [];
  for (const e of a.streamExports)
    exports.push(extExport(e.subject, 'stream', e.accounts, e.accountTokenPosition));
  for (const e of a.serviceExports) {
    exports.push({
      ...extExport(e.subject, 'service', e.accounts, e.accountTokenPosition),
      response_type: e.responseType === 'Stream' ? 'Streamed' : e.responseType,
    });
  }
  const info: Record<string, unknown> = {
    account_name: a.name,
    update_time: rfc3339(a.updated),
    expired: a.expired,
    complete: true,
    jetstream_enabled: rt.jetstreamEnabled ?? !!a.jetstream?.enabled,
    leafnode_connections: a.counters.leafnodes,
    client_connections: a.counters.connections,
    subscriptions: rt.subscriptions ?? a.counters.subscriptions,
  };
  if (exports.length) info.exports = exports;
  if (imports.length) info.imports = imports;
  if (a.jwt) {
    info.jwt = a.jwt;
    if (a.issuer) info.issuer_key = a.issuer;
    if (a.nameTag) info.name_tag = a.nameTag;
    if (a.claims) info.decoded_jwt = a.claims;
  }
  info.sublist_stats = rt.sublistStats ?? emptySublistStats(info.subscriptions as number);
  const responses = registry.pendingResponses(a.name);
  if (responses.length) {
    info.responses = responses.map((r) => ({
      subject: r.subject,
      account: r.importer,
      to: r.reply,
      type: 'service',
      invalid: false,
      share: false,
      tracking: false,
    }));
  }
  return info;
}

function extExport(
  subject: string,
  type: 'stream' | 'service',
  accounts?: string[],
  pos?: number,
): ExtExport {
  const e: ExtExport = { subject, type };
  if (pos) e.account_token_position = pos;
  if (accounts?.length) e.approved_accounts = [...accounts];
  return e;
}

function emptySublistStats(n: number): SublistStats {
  return {
    num_subscriptions: n,
    num_cache: 0,
    num_inserts: 0,
    num_removes: 0,
    num_matches: 0,
    cache_hit_rate: 0,
    max_fanout: 0,
    avg_fanout: 0,
  };
}

/** `/accountz` body: without `acc` the account list, with it the account's detail. */
export function accountzBody(
  registry: AccountRegistry,
  serverId: string,
  acc?: string,
  rt: AccountRuntimeInfo = {},
  now: Date = new Date(),
): { ok: true; body: object } | { ok: false; status: 400; error: string } {
  const base = { server_id: serverId, now: rfc3339(now), system_account: registry.systemAccount };
  if (!acc) return { ok: true, body: { ...base, accounts: registry.names() } };
  const detail = accountInfo(registry, acc, rt);
  if (!detail) return { ok: false, status: 400, error: `Account ${acc} does not exist` };
  return { ok: true, body: { ...base, account_detail: detail } };
}

/** Options of `/accstatz` and `$SYS.REQ.ACCOUNT.PING.STATZ` (`AccountStatzOptions`). */
export interface AccstatzOptions {
  /** Only these accounts. */
  accounts?: string[];
  /** Include accounts without connections (`unused=true`). */
  includeUnused?: boolean;
}

/** `/accstatz` body and `data` of the account STATZ requests. */
export function accstatzBody(
  registry: AccountRegistry,
  serverId: string,
  opts: AccstatzOptions = {},
  now: Date = new Date(),
): object {
  const want = opts.accounts?.length ? new Set(opts.accounts) : undefined;
  const stats: AccountStat[] = [];
  for (const a of registry.list().sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    if (want && !want.has(a.name)) continue;
    if (!opts.includeUnused && a.counters.connections + a.counters.leafnodes === 0) continue;
    stats.push(accountStat(a));
  }
  return { server_id: serverId, now: rfc3339(now), account_statz: stats };
}

/** The data sources a `$SYS.REQ` dispatcher needs; each returns the HTTP endpoint's body. */
export interface SysDataProvider {
  statsz(): Statsz;
  varz(opts: Record<string, unknown>): object;
  /** `/connz` body; `account` set when asked through an account (`$SYS.REQ.ACCOUNT.<acc>.CONNZ`). */
  connz(opts: Record<string, unknown>, account?: string): object;
  subsz(opts: Record<string, unknown>, account?: string): object;
  jsz(opts: Record<string, unknown>, account?: string): object | undefined;
  healthz(opts: Record<string, unknown>): object;
  registry: AccountRegistry;
  serverId: string;
  runtime?(account: string): AccountRuntimeInfo;
}

/**
 * Answers a `$SYS.REQ` request as nats-server's system account does, returning the reply payload
 * (JSON text), or undefined when this server should stay silent. `body` is the request payload:
 * empty, or JSON options such as `{"acc":"A","subscriptions":true}`.
 */
export function handleSysRequest(
  req: SysRequest,
  body: string,
  stamp: SysStamper,
  p: SysDataProvider,
): string | undefined {
  let opts: Record<string, unknown> = {};
  if (body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        opts = parsed as Record<string, unknown>;
    } catch (err) {
      return JSON.stringify(apiErrorReply(stamp.serverInfo(), 400, (err as Error).message));
    }
  }
  const reply = (data: unknown) => JSON.stringify(apiReply(stamp.serverInfo(), data));
  if (req.kind === 'server') {
    switch (req.endpoint) {
      case 'PING':
      case 'STATSZ':
        return JSON.stringify(statszReply(stamp.serverInfo(), p.statsz()));
      case 'VARZ':
        return reply(p.varz(opts));
      case 'CONNZ':
        return reply(p.connz(opts, typeof opts.acc === 'string' ? opts.acc : undefined));
      case 'SUBSZ':
        return reply(p.subsz(opts, typeof opts.acc === 'string' ? opts.acc : undefined));
      case 'JSZ': {
        const d = p.jsz(opts, typeof opts.account === 'string' ? opts.account : undefined);
        return d === undefined ? undefined : reply(d);
      }
      case 'HEALTHZ':
        return reply(p.healthz(opts));
      case 'ACCOUNTZ': {
        const acc = typeof opts.account === 'string' ? opts.account : undefined;
        const r = accountzBody(p.registry, p.serverId, acc, acc ? p.runtime?.(acc) : undefined);
        return r.ok ? reply(r.body) : JSON.stringify(apiErrorReply(stamp.serverInfo(), r.status, r.error));
      }
      default:
        return undefined;
    }
  }
  if (req.kind === 'account-ping') {
    if (req.endpoint === 'STATZ') return reply(accstatzBody(p.registry, p.serverId, accstatzOptions(opts)));
    return reply(p.connz(opts));
  }
  if (!p.registry.has(req.account)) return undefined;
  switch (req.endpoint) {
    case 'CONNZ':
      return reply(p.connz(opts, req.account));
    case 'SUBSZ':
      return reply(p.subsz({ ...opts, subscriptions: opts.subscriptions ?? true }, req.account));
    case 'INFO':
      return reply(accountInfo(p.registry, req.account, p.runtime?.(req.account)));
    case 'JSZ': {
      const d = p.jsz(opts, req.account);
      return d === undefined ? undefined : reply(d);
    }
    case 'STATZ':
      return reply(
        accstatzBody(p.registry, p.serverId, {
          ...accstatzOptions(opts),
          accounts: [req.account],
          includeUnused: true,
        }),
      );
    case 'CONNS': {
      const a = p.registry.get(req.account);
      return a ? JSON.stringify(accountConnsEvent(stamp.serverInfo(), a)) : undefined;
    }
    default:
      return undefined;
  }
}

function accstatzOptions(o: Record<string, unknown>): AccstatzOptions {
  const r: AccstatzOptions = {};
  if (Array.isArray(o.accounts)) r.accounts = o.accounts.filter((x): x is string => typeof x === 'string');
  if (typeof o.include_unused === 'boolean') r.includeUnused = o.include_unused;
  return r;
}
