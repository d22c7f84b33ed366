import { randomBytes } from 'node:crypto';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { createServer as createNkeyServer } from '@nats-io/nkeys';
import {
  type Account,
  AccountRegistry,
  GLOBAL_ACCOUNT,
  OperatorMode,
  validateAccountsForStartup,
} from '../accounts/index.js';
import { type Logger, nullLogger } from '../log/logger.js';
import type { ServerOptions } from '../options.js';
import { ERR } from '../protocol/errors.js';
import { Sublist } from '../router/sublist.js';
import { authConfigOf, authenticatorFor, operatorAuthenticator } from './auth-adapter.js';
import type { ConnectAuthenticator } from './auth-hook.js';
import { Client, CloseReason } from './client.js';
import type { Subscription } from './subscription.js';
import { isSysRequestSubject, SystemServices } from './system.js';

/** Snapshot of a closed connection for /connz?state=closed. */
export interface ClosedClient {
  cid: number;
  ip: string;
  port: number;
  start: Date;
  stop: Date;
  lastActivity: number;
  reason: string;
  rttMs: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  name: string;
  lang: string;
  version: string;
  user: string;
  account: string;
  subs: { subject: string; queue: string; sid: string; msgs: number }[];
}

/** The broker: accepts connections, owns the routing table and the counters. */
export class Server {
  readonly serverId: string;
  /** The global account's (`$G`) routing table; every other account has its own. */
  readonly sublist: Sublist<Subscription>;
  /** Accounts, their exports/imports and limits (`$G` and the system account always exist). */
  readonly registry: AccountRegistry;
  readonly globalAccount: Account;
  /** Operator mode (JWT accounts), when configured. */
  readonly operatorMode: OperatorMode | null;
  readonly system: SystemServices;
  /** Bound monitoring port (set by the monitor), for `$SYS.REQ.SERVER.PING.VARZ`. */
  monitorPort = 0;
  readonly clients = new Map<number, Client>();
  readonly closedClients: ClosedClient[] = [];
  readonly start = new Date();
  configLoadTime = new Date();
  logger: Logger;
  authenticator: ConnectAuthenticator | null;

  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  slowConsumers = 0;
  totalConnections = 0;

  /** The client whose publish is being routed, for internal subscribers (JetStream's API audit). */
  routingFrom: Client | null = null;
  /** Told about every account a client binds to and every claims update (JetStream enables accounts). */
  readonly accountListeners: Array<(acc: Account) => void> = [];
  /** The JetStream subsystem when enabled (set by `jetstream/attach.ts`), for /jsz and /varz. */
  jetstream: import('../jetstream/jetstream.js').JetStream | null = null;

  private nextCid = 1;
  private listener: NetServer | null = null;
  private boundPort = 0;
  private readonly flushList: Client[] = [];
  private flushQueued = false;
  /** One-shot hooks run at the start of the next flush, before any connection is written to. */
  private preFlush: Array<() => void> = [];
  private shuttingDown = false;
  private readonly sublists = new Map<string, Sublist<Subscription>>();
  /**
   * No account imports anything: a publish stays in its publisher's account (only `$SYS.` subjects,
   * which the implicit system imports may carry across, take the registry's path).
   */
  private simpleRouting = true;
  private responseSweep: NodeJS.Timeout | null = null;

  constructor(public options: ServerOptions) {
    this.serverId = createNkeyServer().getPublicKey();
    if (!options.serverName) options.serverName = this.serverId;
    this.logger = options.logger ?? nullLogger;
    const op = options.operator;
    if (op) {
      this.registry = new AccountRegistry(op.systemAccount ? { systemAccount: op.systemAccount } : {});
      this.operatorMode = new OperatorMode(op, this.registry);
    } else {
      if (options.accounts) validateAccountsForStartup(options.accounts, authUserNames(options));
      this.registry = options.accounts ? AccountRegistry.fromConfig(options.accounts) : new AccountRegistry();
      this.operatorMode = null;
    }
    this.globalAccount = this.registry.get(GLOBAL_ACCOUNT)!;
    this.sublist = this.sublistFor(GLOBAL_ACCOUNT);
    this.authenticator = this.authenticatorFor(options);
    this.system = new SystemServices(this);
    this.accountsChanged();
  }

  /** The authenticator `o` calls for (null when no auth is configured). */
  static authenticatorOf(o: ServerOptions): ConnectAuthenticator | null {
    if (o.authenticator) return o.authenticator;
    const cfg = authConfigOf(o);
    return cfg ? authenticatorFor(cfg) : null;
  }

  private authenticatorFor(o: ServerOptions): ConnectAuthenticator | null {
    if (o.authenticator) return o.authenticator;
    if (this.operatorMode) return operatorAuthenticator(this.operatorMode, o.authTimeout);
    const cfg = authConfigOf(o);
    if (!cfg) return null;
    const owner = new Map<string, string>();
    for (const a of o.accounts?.accounts ?? []) {
      for (const u of a.users) owner.set(u.nkey ?? u.user ?? '', a.name);
    }
    return authenticatorFor(cfg, (user) => owner.get(user));
  }

  /** An account's routing table, created on first use. */
  sublistFor(account: string): Sublist<Subscription> {
    let sl = this.sublists.get(account);
    if (!sl) {
      sl = new Sublist<Subscription>(this.options.sublistCache === false ? 0 : 1024);
      this.sublists.set(account, sl);
    }
    return sl;
  }

  /** An account's routing table, if it has one. */
  sublistOf(account: string): Sublist<Subscription> | undefined {
    return this.sublists.get(account);
  }

  /** Every account's routing table, by account name. */
  accountSublists(): [string, Sublist<Subscription>][] {
    return [...this.sublists.entries()];
  }

  /** Subscriptions across every account. */
  subscriptionCount(): number {
    let n = 0;
    for (const sl of this.sublists.values()) n += sl.size;
    return n;
  }

  /** The account a client authenticated into, loading a JWT account when needed. */
  lookupAccount(name: string): Account | undefined {
    const op = this.operatorMode;
    const acc = op ? op.loadAccount(name) : this.registry.get(name);
    if (op && acc && acc.streamImports.length + acc.serviceImports.length > 0) {
      // A JWT account with imports: load the exporters too and re-decide the fast path.
      for (const i of [...acc.streamImports, ...acc.serviceImports]) op.loadAccount(i.account);
      if (this.simpleRouting) this.accountsChanged();
    }
    if (acc) for (const l of this.accountListeners) l(acc);
    return acc;
  }

  /**
   * Call after accounts were added or replaced (claims updates): clients follow their account's new
   * object (and are closed when it revokes their user), and the fast path is re-decided.
   */
  accountsChanged(): void {
    for (const c of [...this.clients.values()]) {
      const a = this.registry.get(c.account.name);
      if (!a || a === c.account) continue;
      c.account = a;
      if (a.revocations) c.closeIfRevoked(a.revocations);
    }
    if (this.accountListeners.length > 0)
      for (const a of this.registry.list()) for (const l of this.accountListeners) l(a);
    const imports = this.registry.list().some((a) => a.streamImports.length + a.serviceImports.length > 0);
    this.simpleRouting = !imports;
    if (imports && !this.responseSweep) {
      this.responseSweep = setInterval(() => this.registry.sweepResponses(), 5000);
      this.responseSweep.unref();
    }
  }

  /** Moves message counters of live connections into their accounts (for statz and `/accstatz`). */
  syncAccountStats(): void {
    for (const c of this.clients.values()) c.syncAccountStats();
  }

  get authRequired(): boolean {
    return this.authenticator?.authRequired ?? false;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Binds the client listener. */
  async listen(): Promise<void> {
    const o = this.options;
    const srv = createNetServer({ noDelay: true }, (sock) => this.accept(sock));
    this.listener = srv;
    const port = Math.max(o.port, 0);
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error) => reject(e);
      srv.once('error', onErr);
      srv.listen({ host: o.host, port, exclusive: true }, () => {
        srv.off('error', onErr);
        resolve();
      });
    });
    srv.on('error', (e) => this.logger.error(`Client listener error: ${e.message}`));
    this.boundPort = (srv.address() as AddressInfo).port;
    this.logger.info(`Listening for client connections on ${hostPort(o.host, this.boundPort)}`);
  }

  private accept(sock: Socket): void {
    if (this.shuttingDown) {
      sock.destroy();
      return;
    }
    const o = this.options;
    const cid = this.nextCid++;
    const nonce = this.authenticator?.needsNonce ? randomBytes(11).toString('base64url') : undefined;
    const c = new Client(this, cid, sock, nonce);
    const full = this.clients.size >= o.maxConnections;
    this.clients.set(cid, c);
    this.totalConnections++;
    this.logger.debug(`${c.tag()} - Client connection created`);
    c.begin(this.infoLine(c));
    if (full) {
      // Like nats-server: INFO first, then the error, and the connection shows up in /connz?state=closed.
      this.logger.error(`${c.tag()} - Maximum connections exceeded`);
      c.fatal(ERR.maxConns, CloseReason.maxConnections);
    }
  }

  /** INFO line for one client, fields in nats-server 2.9.10's order. */
  infoLine(c: Client): string {
    const o = this.options;
    const info: Record<string, unknown> = {
      server_id: this.serverId,
      server_name: o.serverName,
      version: o.version,
      proto: 1,
      go: `node${process.versions.node}`,
      host: o.host,
      port: this.boundPort,
      headers: true,
    };
    if (this.authRequired && this.authenticator?.advertiseAuthRequired !== false) info.auth_required = true;
    info.max_payload = o.maxPayload;
    if (o.jetstream) info.jetstream = true;
    info.client_id = c.cid;
    info.client_ip = c.ip.startsWith('::ffff:') ? c.ip.slice(7) : c.ip;
    if (c.nonce) info.nonce = c.nonce;
    return `INFO ${JSON.stringify(info)} \r\n`;
  }

  /**
   * Routes one publish to every matching subscription of the publisher's account, and across
   * accounts by their exports and imports; returns whether anything was delivered.
   * Queue groups get one member each, picked at random.
   */
  route(
    from: Client,
    subject: string,
    reply: string,
    headerSize: number,
    data: Buffer,
    start = 0,
    end = data.length,
  ): boolean {
    this.routingFrom = from;
    // Internal clients (JetStream) carry their account and its sublist like connections do.
    if (this.simpleRouting && !subject.startsWith('$SYS.')) {
      return this.deliverMatch(
        from,
        from.sublist ?? this.sublist,
        subject,
        reply,
        headerSize,
        data,
        start,
        end,
      );
    }
    const account = from.account?.name ?? GLOBAL_ACCOUNT;
    return this.routeAccounts(from, account, subject, reply, headerSize, data, start, end, true);
  }

  /** Publishes a message as the server into `account` (system replies and events). */
  publishInternal(account: string, subject: string, payload: string, reply = ''): void {
    const data = Buffer.from(payload);
    this.routingFrom = null;
    if (this.simpleRouting && !subject.startsWith('$SYS.')) {
      const sl = this.sublists.get(account);
      if (sl) this.deliverMatch(null, sl, subject, reply, -1, data, 0, data.length);
      return;
    }
    this.routeAccounts(null, account, subject, reply, -1, data, 0, data.length, false);
  }

  private routeAccounts(
    from: Client | null,
    account: string,
    subject: string,
    reply: string,
    headerSize: number,
    data: Buffer,
    start: number,
    end: number,
    services: boolean,
  ): boolean {
    const sys = this.registry.systemAccount;
    let delivered = false;
    for (const d of this.registry.routePublish(account, subject, reply === '' ? undefined : reply)) {
      if (services && d.account === sys && isSysRequestSubject(d.subject)) {
        const body = data.toString('utf8', headerSize > 0 ? start + headerSize : start, end);
        if (this.system.request(d.subject, d.reply, body)) delivered = true;
      }
      const sl = this.sublists.get(d.account);
      if (sl && this.deliverMatch(from, sl, d.subject, d.reply ?? '', headerSize, data, start, end)) {
        delivered = true;
      }
    }
    return delivered;
  }

  private deliverMatch(
    from: Client | null,
    sublist: Sublist<Subscription>,
    subject: string,
    reply: string,
    headerSize: number,
    data: Buffer,
    start: number,
    end: number,
  ): boolean {
    const r = sublist.match(subject);
    const psubs = r.psubs;
    const qsubs = r.qsubs;
    if (psubs.length === 0 && qsubs.length === 0) return false;
    const size = end - start;
    // One view per publish, shared by every receiver: copying a whole Buffer needs no further view.
    if (size > 32 && (start !== 0 || end !== data.length)) {
      data = data.subarray(start, end);
      start = 0;
      end = size;
    }
    const sizes = headerSize < 0 ? sizeTail(size) : `${headerSize} ${size}\r\n`;
    const tail = reply === '' ? sizes : `${reply} ${sizes}`;
    const noEcho = from !== null && !from.echo;
    let delivered = 0;
    for (let i = 0; i < psubs.length; i++) {
      const sub = psubs[i]!;
      const c = sub.client;
      if ((noEcho && c === from) || c.closed) continue;
      if (this.deliverTo(sub, subject, reply, tail, headerSize, data, start, end)) delivered++;
    }
    for (let g = 0; g < qsubs.length; g++) {
      const group = qsubs[g]!;
      const n = group.length;
      const startAt = n === 1 ? 0 : Math.floor(Math.random() * n);
      for (let k = 0; k < n; k++) {
        const sub = group[(startAt + k) % n]!;
        const c = sub.client;
        if ((noEcho && c === from) || c.closed) continue;
        if (this.deliverTo(sub, subject, reply, tail, headerSize, data, start, end)) {
          delivered++;
          break;
        }
      }
    }
    return delivered > 0;
  }

  private deliverTo(
    sub: Subscription,
    subject: string,
    reply: string,
    tail: string,
    headerSize: number,
    data: Buffer,
    start: number,
    end: number,
  ): boolean {
    const c = sub.client;
    if (!this.claimDelivery(sub, subject, reply, end - start)) return false;
    // Internal subscribers (JetStream) take a view; connections copy straight from the read buffer.
    if (c instanceof Client) c.deliver(sub, subject, tail, headerSize, data, start, end);
    else
      (c as Client).deliver(
        sub,
        subject,
        tail,
        headerSize,
        start === 0 && end === data.length ? data : data.subarray(start, end),
      );
    return true;
  }

  /**
   * The checks and counting of one delivery to `sub` (shown as `subject`): subscribe-side deny
   * filters, reply permissions, auto-unsubscribe; false when it must not be delivered.
   */
  claimDelivery(sub: Subscription, subject: string, reply: string | undefined, size: number): boolean {
    const c = sub.client;
    if (sub.filtered && c.permissions !== null && !c.permissions.canDeliver(subject)) return false;
    if (reply && c.permissions !== null) c.permissions.recordReply(reply);
    if (sub.max > 0) {
      // Auto-unsubscribe: deliver up to max, then drop the subscription.
      if (sub.nmsgs >= sub.max) return false;
      sub.nmsgs++;
      if (sub.nmsgs >= sub.max) c.removeSub(sub);
    } else sub.nmsgs++;
    this.outMsgs++;
    this.outBytes += size;
    return true;
  }

  /** Queues `c` for the once-per-tick flush. */
  scheduleFlush(c: Client): void {
    this.flushList.push(c);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushAll);
    }
  }

  /**
   * Runs `fn` once at the start of the next per-tick flush, before anything queued this tick reaches a
   * socket. JetStream commits the tick's appends to disk here and only then queues their PubAcks.
   */
  beforeFlush(fn: () => void): void {
    this.preFlush.push(fn);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushAll);
    }
  }

  private readonly flushAll = (): void => {
    this.flushQueued = false;
    if (this.preFlush.length > 0) {
      const hooks = this.preFlush;
      this.preFlush = [];
      for (const fn of hooks) {
        try {
          fn();
        } catch (err) {
          this.logger.error(`pre-flush hook failed: ${(err as Error).message}`);
        }
      }
    }
    const list = this.flushList;
    // Flushing may schedule more flushes (close paths); iterate by index over a growing list.
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c.flushScheduled) c.flush();
    }
    list.length = 0;
  };

  removeClient(c: Client): void {
    if (!this.clients.delete(c.cid)) return;
    this.logger.debug(`${c.tag()} - Client connection closed: ${c.closeReason}`);
    const ring = this.closedClients;
    ring.push({
      cid: c.cid,
      ip: c.ip,
      port: c.remotePort,
      start: c.start,
      stop: c.stop ?? new Date(),
      lastActivity: c.lastActivity,
      reason: c.closeReason,
      rttMs: c.rttMs,
      inMsgs: c.inMsgs,
      outMsgs: c.outMsgs,
      inBytes: c.inBytes,
      outBytes: c.outBytes,
      name: c.name,
      lang: c.lang,
      version: c.version,
      user: c.user,
      account: c.account.name,
      subs: [...c.subs.values()].map((s) => ({
        subject: s.subject,
        queue: s.queue,
        sid: s.sid,
        msgs: s.nmsgs,
      })),
    });
    // Bounded ring of recently closed connections; trimmed in batches so a close stays O(1) amortised.
    const max = this.options.maxClosedClients;
    if (ring.length > max + (max >> 2)) ring.splice(0, ring.length - max);
    if (c.connected) this.system.clientDisconnected(c);
  }

  /**
   * Applies a reloaded configuration (SIGHUP): limits, logging and auth. Listen addresses cannot change
   * at runtime, as in nats-server. Existing clients are re-authenticated against the new settings and
   * dropped when they no longer pass.
   */
  reload(next: ServerOptions): void {
    const cur = this.options;
    for (const k of ['host', 'port', 'httpHost', 'httpPort'] as const) {
      if (next[k] !== cur[k] && !(k === 'httpHost' && !next[k])) {
        throw new Error(
          `config reload not supported for ${k}: old=${String(cur[k])}, new=${String(next[k])}`,
        );
      }
    }
    this.options = {
      ...next,
      serverName: next.serverName || cur.serverName,
      logger: next.logger ?? cur.logger,
    };
    if (next.logger) this.logger = next.logger;
    this.authenticator = this.authenticatorFor(this.options);
    this.configLoadTime = new Date();
    for (const c of [...this.clients.values()]) c.reloaded();
  }

  /** Stops accepting, closes every client and the listener. */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.responseSweep) clearInterval(this.responseSweep);
    const l = this.listener;
    for (const c of [...this.clients.values()]) c.close(CloseReason.serverShutdown, true);
    if (l) await new Promise<void>((resolve) => l.close(() => resolve()));
  }
}

const SIZE_TAILS: string[] = [];
/** `<size>\r\n`, cached for the common sizes so a publish does not allocate it. */
function sizeTail(size: number): string {
  if (size >= 65536) return `${size}\r\n`;
  let t = SIZE_TAILS[size];
  if (t === undefined) {
    t = `${size}\r\n`;
    SIZE_TAILS[size] = t;
  }
  return t;
}

/** Users of `authorization {}`, which `no_auth_user` may also name. */
function authUserNames(o: ServerOptions): string[] {
  const users = (o.auth?.users ?? []) as Array<{ user: string; account?: string }>;
  return users.filter((u) => u.account === undefined).map((u) => u.user);
}

/** `host:port`, bracketing IPv6 literals. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
