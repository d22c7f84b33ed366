// ---- Adapter: JsBus over Tern's server (the only JetStream file that knows the server's internals) ----
// Internal subscriptions are ordinary router entries owned by one InternalClient per account (in that
// account's sublist), never in `server.clients`; the router calls `deliver()` on it like on any connection.
import type { Account } from '../accounts/index.js';
import type { ServerOptions } from '../options.js';
import { isLiteral } from '../router/subject.js';
import type { Sublist } from '../router/sublist.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { Subscription } from '../server/subscription.js';
import type { JsBus, JsClientInfo, JsHandler } from './bus.js';
import { createJetStream, type JetStream, type JsAccountLimits } from './jetstream.js';

const GLOBAL_ACCOUNT = '$G';

/** Stands in for a connection in the router; receives what internal subscriptions match. */
class InternalClient {
  readonly cid = 0;
  closed = false;
  /** Internal subscriptions are not permission-checked. */
  readonly permissions = null;
  echo = true;
  readonly subs = new Map<string, Subscription>();
  readonly handlers = new Map<Subscription, JsHandler>();
  name = 'jetstream';
  lang = '';
  version = '';
  user = '';
  ip = '';
  private nextSid = 1;
  /** The account this client publishes and subscribes in (the router reads both). */
  readonly account: Account | undefined;
  readonly sublist: Sublist<Subscription>;

  constructor(
    private readonly server: Server,
    readonly accountName: string,
  ) {
    this.account = server.registry.get(accountName);
    this.sublist = server.sublistFor(accountName);
  }

  subscribe(subject: string, handler: JsHandler, queue = ''): { unsubscribe(): void } {
    const sid = `js${this.nextSid++}`;
    const sub = new Subscription(this as unknown as Client, subject, queue, sid, isLiteral(subject));
    this.subs.set(sid, sub);
    this.handlers.set(sub, handler);
    this.sublist.insert(sub);
    return { unsubscribe: () => this.removeSub(sub) };
  }

  removeSub(sub: Subscription): void {
    if (!this.handlers.delete(sub)) return;
    this.subs.delete(sub.sid);
    this.sublist.remove(sub);
  }

  /** Called by the router: `tail` is `[reply ]<hdr size> <total size>\r\n` or `[reply ]<size>\r\n`. */
  deliver(sub: Subscription, subject: string, tail: string, headerSize: number, payload: Buffer): void {
    const h = this.handlers.get(sub);
    if (!h) return;
    // The reply is the first of two (three with headers) space-separated fields.
    const sp = tail.indexOf(' ');
    const reply =
      sp >= 0 && (headerSize < 0 || tail.indexOf(' ', sp + 1) >= 0) ? tail.slice(0, sp) : undefined;
    const hdr = headerSize > 0 ? payload.subarray(0, headerSize) : undefined;
    const data = headerSize > 0 ? payload.subarray(headerSize) : payload;
    h(subject, reply, hdr, data, this.infoOf(this.server.routingFrom));
  }

  private lastFrom: Client | null = null;
  private lastInfo: JsClientInfo | undefined;

  /** The sender's identity; a connection's does not change once connected, so the last one is reused. */
  private infoOf(c: Client | null): JsClientInfo | undefined {
    if (c !== this.lastFrom || c === null) {
      this.lastFrom = c;
      this.lastInfo = clientInfo(c, this.accountName);
    }
    return this.lastInfo;
  }
}

function clientInfo(c: Client | null | undefined, account: string): JsClientInfo | undefined {
  if (!c || (c as unknown as { cid: number }).cid === 0) return undefined;
  return {
    account,
    user: c.user || undefined,
    cid: c.cid,
    host: c.ip.startsWith('::ffff:') ? c.ip.slice(7) : c.ip,
    name: c.name || undefined,
    lang: c.lang || undefined,
    version: c.version || undefined,
  };
}

const toBuf = (u: Uint8Array): Buffer =>
  Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** JsBus over a Tern server, in one account's subject space. */
export function serverBus(server: Server, account = GLOBAL_ACCOUNT): JsBus {
  const ic = new InternalClient(server, account);
  const from = ic as unknown as Client;
  return {
    subscribe: (subject, handler, queue) => ic.subscribe(subject, handler, queue),
    hasInterest: (subject) => ic.sublist.hasInterest(subject),
    beforeFlush: (fn) => server.beforeFlush(fn),
    publish(subject, reply, headers, payload, asSubject) {
      const hs = headers && headers.length > 0 ? headers.length : -1;
      const body = hs > 0 ? Buffer.concat([toBuf(headers as Uint8Array), toBuf(payload)]) : toBuf(payload);
      if (asSubject === undefined || asSubject === subject) {
        server.route(from, subject, reply ?? '', hs, body);
        return;
      }
      // Matched on `subject`, shown as `asSubject`.
      const r = ic.sublist.match(subject);
      const sizes = hs < 0 ? `${body.length}\r\n` : `${hs} ${body.length}\r\n`;
      const tail = reply ? `${reply} ${sizes}` : sizes;
      for (const sub of r.psubs) deliverShownAs(server, sub, asSubject, reply, tail, hs, body);
      for (const group of r.qsubs) {
        const n = group.length;
        const start = n === 1 ? 0 : Math.floor(Math.random() * n);
        for (let k = 0; k < n; k++) {
          const sub = group[(start + k) % n] as Subscription;
          if (deliverShownAs(server, sub, asSubject, reply, tail, hs, body)) break;
        }
      }
    },
  };
}

/** One delivery of a message matched on another subject than `shown`, with the router's checks. */
function deliverShownAs(
  server: Server,
  sub: Subscription,
  shown: string,
  reply: string | undefined,
  tail: string,
  hs: number,
  body: Buffer,
): boolean {
  const c = sub.client;
  if (c.closed || !server.claimDelivery(sub, shown, reply, body.length)) return false;
  c.deliver(sub, shown, tail, hs, body, 0, body.length, true);
  return true;
}

/** Extra JetStream settings beyond `ServerOptions.jetstream/storeDir`. */
export interface AttachOptions {
  maxMemory?: number;
  maxStore?: number;
}

/** Starts JetStream on a running server (recovering streams from the store dir). */
export async function attachJetStream(
  server: Server,
  opts: ServerOptions,
  extra: AttachOptions = {},
): Promise<JetStream> {
  const log = server.logger;
  const { accounts, disabled } = jetStreamAccounts(server);
  const js = createJetStream({
    bus: serverBus(server),
    busFor: (account) => serverBus(server, account),
    accounts,
    disabledAccounts: disabled,
    storeDir: opts.storeDir,
    maxMemory: extra.maxMemory ?? opts.jetstreamMaxMemory,
    maxStore: extra.maxStore ?? opts.jetstreamMaxStore,
    serverName: opts.serverName || server.serverId,
    serverId: server.serverId,
    version: opts.version,
    log: (level, msg) =>
      level === 'error' ? log.error(msg) : level === 'warn' ? log.warn(msg) : log.info(msg),
  });
  await js.start();
  if (server.operatorMode) {
    // JWT accounts load lazily and their claims change live: enable JetStream as they arrive.
    server.accountListeners.push((a) => {
      if (a.name !== server.registry.systemAccount) js.syncAccount(a.name, limitsOf(a));
    });
  }
  log.info(`JetStream started, store directory "${js.storeDir}"`);
  return js;
}

/**
 * Which accounts run JetStream, as nats-server decides (enableJetStreamAccounts): with no accounts
 * configured only `$G`; otherwise each account with JetStream limits, never the system account.
 */
function jetStreamAccounts(server: Server): { accounts: Map<string, JsAccountLimits>; disabled: string[] } {
  const reg = server.registry;
  const all = reg.list().filter((a) => a.name !== reg.systemAccount);
  const accounts = new Map<string, JsAccountLimits>();
  const disabled: string[] = [];
  const configured = all.some((a) => a.name !== GLOBAL_ACCOUNT) || server.operatorMode !== null;
  if (!configured) {
    accounts.set(GLOBAL_ACCOUNT, {
      maxMemory: -1,
      maxStore: -1,
      maxStreams: -1,
      maxConsumers: -1,
      maxAckPending: -1,
      memoryMaxStreamBytes: -1,
      storeMaxStreamBytes: -1,
      maxBytesRequired: false,
    });
    return { accounts, disabled };
  }
  for (const a of all) {
    const l = limitsOf(a);
    if (l) accounts.set(a.name, l);
    else disabled.push(a.name);
  }
  return { accounts, disabled };
}

/** An account's JetStream limits, or null when JetStream is not enabled for it. */
function limitsOf(a: Account): JsAccountLimits | null {
  const j = a.jetstream;
  if (!j?.enabled) return null;
  return {
    maxMemory: j.maxMemory,
    maxStore: j.maxStore,
    maxStreams: j.maxStreams,
    maxConsumers: j.maxConsumers,
    maxAckPending: j.maxAckPending,
    // JWT limits leave these 0 for "no per-stream cap"; nats-server reports that as -1.
    memoryMaxStreamBytes: j.memoryMaxStreamBytes > 0 ? j.memoryMaxStreamBytes : -1,
    storeMaxStreamBytes: j.storeMaxStreamBytes > 0 ? j.storeMaxStreamBytes : -1,
    maxBytesRequired: j.maxBytesRequired,
  };
}
