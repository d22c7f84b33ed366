import type { Socket } from 'node:net';
import '../protocol/buffer-ext.js';
import { type Account, decodeJwtUnverified, isRevoked } from '../accounts/index.js';
import {
  PermissionChecker,
  type Permissions,
  pubPermissionViolation,
  subPermissionViolation,
} from '../auth/index.js';
import { ERR, errLine } from '../protocol/errors.js';
import { Parser, type ProtocolError, type ProtocolSink } from '../protocol/parser.js';
import { isLiteral, isValidLiteralSubject, isValidQueue, isValidSubject } from '../router/subject.js';
import type { Sublist } from '../router/sublist.js';
import type { ConnectAuthResult, ConnectOptions } from './auth-hook.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';

/** Why a connection closed; the strings are nats-server's `ClosedState` texts shown in /connz. */
export const CloseReason = {
  clientClosed: 'Client Closed',
  authTimeout: 'Authentication Timeout',
  authViolation: 'Authorization Violation',
  authFailure: 'Authentication Failure',
  parseError: 'Parse Error',
  protocolViolation: 'Protocol Violation',
  slowConsumerPending: 'Slow Consumer (Pending Bytes)',
  slowConsumerDeadline: 'Slow Consumer (Write Deadline)',
  writeError: 'Write Error',
  readError: 'Read Error',
  staleConnection: 'Stale Connection',
  maxPayload: 'Maximum Message Payload Exceeded',
  maxControlLine: 'Maximum Control Line Exceeded',
  maxConnections: 'Maximum Connections Exceeded',
  maxAccountConnections: 'Maximum Account Connections Exceeded',
  maxSubscriptions: 'Maximum Subscriptions Exceeded',
  serverShutdown: 'Server Shutdown',
  badClientProtocol: 'Bad Client Protocol Version',
  noRespondersNeedsHeaders: 'No Responders Requires Headers',
  missingHeaders: 'Message Headers Not Supported',
  revocation: 'Credentials Revoked',
} as const;

const CRLF_LEN = 2;
/** Payloads at least this big are queued by reference instead of copied into the chunk. */
const ZERO_COPY_MIN = 16 * 1024;
const MIN_CHUNK = 1024;
const MAX_CHUNK = 64 * 1024;
const PING = 'PING\r\n';
/** nats-server re-measures a client's RTT at most this often (DEFAULT_RTT_MEASUREMENT_INTERVAL). */
const RTT_MEASUREMENT_INTERVAL = 60 * 60 * 1000;
const PONG = 'PONG\r\n';
const OK = '+OK\r\n';
const NO_RESPONDERS_HDR = 'NATS/1.0 503\r\n\r\n';

const CONNECT_TYPES: Record<string, 'boolean' | 'string' | 'number'> = {
  verbose: 'boolean',
  pedantic: 'boolean',
  tls_required: 'boolean',
  auth_token: 'string',
  user: 'string',
  pass: 'string',
  nkey: 'string',
  jwt: 'string',
  sig: 'string',
  name: 'string',
  lang: 'string',
  version: 'string',
  protocol: 'number',
  echo: 'boolean',
  headers: 'boolean',
  no_responders: 'boolean',
  account: 'string',
  new_account: 'boolean',
};

/**
 * Decodes CONNECT JSON with Go's `json.Unmarshal` strictness: a known field of the wrong type is an
 * error, `null` (whole or per field) means "not set".
 */
export function decodeConnect(json: string): ConnectOptions {
  const v: unknown = JSON.parse(json);
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('CONNECT is not an object');
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const want = CONNECT_TYPES[k];
    if (val === null || want === undefined) continue;
    if (typeof val !== want) throw new Error(`CONNECT field ${k} has the wrong type`);
    if (want === 'number' && !Number.isInteger(val)) throw new Error(`CONNECT field ${k} is not an integer`);
    out[k] = val;
  }
  return out as ConnectOptions;
}

/** Writes a latin1 string into `buf` at `p`; short strings by hand (cheaper than the native call). */
function putLatin1(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n > 12) return p + buf.latin1Write(s, p);
  for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
  return p + n;
}

/** One client connection: parses its input, routes its publishes, batches its output. */
export class Client implements ProtocolSink {
  readonly parser: Parser;
  readonly subs = new Map<string, Subscription>();
  readonly start = new Date();
  lastActivity = Date.now();
  readonly ip: string;
  readonly remotePort: number;

  // Connect state (nats-server defaults when a field is omitted).
  connected = false;
  verbose = true;
  pedantic = true;
  echo = true;
  headers = false;
  noResponders = false;
  name = '';
  lang = '';
  version = '';
  user = '';
  permissions: PermissionChecker | null = null;
  /** The account this connection is bound to (`$G` until CONNECT says otherwise). */
  account: Account;
  /** The account's routing table. */
  sublist: Sublist<Subscription>;
  /** Counted in the account's connections (undone on close). */
  private accountBound = false;
  /** Counters already added to the account's totals. */
  private statsSynced = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };
  /** The CONNECT options, kept to re-authenticate on reload. */
  private connectOpts: ConnectOptions = {};

  // Stats.
  inMsgs = 0;
  inBytes = 0;
  private readMsgs = 0;
  private readBytes = 0;
  private parseFailed = false;
  outMsgs = 0;
  outBytes = 0;
  /** Round trip of the last server PING, in ms; -1 before the first one. */
  rttMs = -1;
  private pingSentAt = 0;
  private rttMeasuredAt = 0;
  private lastClientPing = 0;
  private pingsOut = 0;

  // Outbound batching: bytes are written into `chunk` at `pos`; `[flushed,pos)` is not yet handed to the
  // socket. Handed-out regions are views the socket may still hold, so they are never rewritten.
  private chunk: Buffer | null = null;
  private chunkSize = MIN_CHUNK;
  private pos = 0;
  private flushed = 0;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private socketPending = 0;
  /** True while queued in the server's per-tick flush list. */
  flushScheduled = false;
  private waitingDrain = false;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private authTimer: NodeJS.Timeout | null = null;

  closed = false;
  closeReason = '';
  /** Cached `-V` flag so the hot path pays one boolean check. */
  private readonly trace: boolean;
  stop: Date | null = null;

  constructor(
    readonly server: Server,
    readonly cid: number,
    private readonly socket: Socket,
    readonly nonce: string | undefined,
  ) {
    this.trace = server.logger.traceEnabled;
    this.account = server.globalAccount;
    this.sublist = server.sublist;
    this.ip = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    const o = server.options;
    this.parser = new Parser(this, { maxControlLine: o.maxControlLine, maxPayload: o.maxPayload });
    socket.setNoDelay(true);
    socket.on('data', (buf: Buffer) => this.onData(buf));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => this.close(this.closed ? this.closeReason : CloseReason.readError, true));
    socket.on('close', () => this.close(CloseReason.clientClosed, true));
    const auth = server.authenticator;
    if (auth) {
      this.authTimer = setTimeout(() => {
        if (!this.connected) this.fatal(ERR.authTimeout, CloseReason.authTimeout);
      }, auth.timeoutMs);
    }
  }

  /** Sends INFO and arms the ping timer; called once the client is registered. */
  begin(info: string): void {
    this.enqueueString(info);
    this.flush();
    this.armPing(true);
  }

  private onData(buf: Buffer): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    this.parser.parse(buf);
    this.commitReadStats();
  }

  /**
   * Inbound counters are added once per read, and dropped when that read ended in a protocol error, so
   * in_msgs/in_bytes match nats-server's readLoop exactly.
   */
  private commitReadStats(): void {
    const m = this.readMsgs;
    if (m === 0) return;
    const b = this.readBytes;
    this.readMsgs = 0;
    this.readBytes = 0;
    if (this.parseFailed) return;
    this.inMsgs += m;
    this.inBytes += b;
    this.server.inMsgs += m;
    this.server.inBytes += b;
  }

  // ---- ProtocolSink -------------------------------------------------------------------------------

  onConnect(json: string): void {
    let o: ConnectOptions;
    try {
      o = decodeConnect(json);
    } catch {
      // nats-server closes without an -ERR on malformed CONNECT JSON.
      this.server.logger.error(`${this.tag()} - Error parsing CONNECT: ${json.slice(0, 64)}`);
      this.close(CloseReason.protocolViolation);
      return;
    }
    this.connectOpts = o;
    if (this.trace) this.traceIn('CONNECT', json.replace(/"pass"\s*:\s*"[^"]*"/, '"pass":"[REDACTED]"'));
    this.verbose = o.verbose !== false;
    this.pedantic = o.pedantic !== false;
    this.echo = o.echo !== false;
    this.headers = o.headers === true;
    this.parser.headers = this.headers;
    this.noResponders = o.no_responders === true;
    this.name = typeof o.name === 'string' ? o.name : '';
    this.lang = typeof o.lang === 'string' ? o.lang : '';
    this.version = typeof o.version === 'string' ? o.version : '';
    const proto = o.protocol ?? 0;
    if (typeof proto !== 'number' || proto < 0 || proto > 1) {
      this.fatal(ERR.invalidProtocol, CloseReason.badClientProtocol);
      return;
    }
    if (this.noResponders && !this.headers) {
      this.fatal(ERR.noRespondersNeedsHeaders, CloseReason.noRespondersNeedsHeaders);
      return;
    }
    const auth = this.server.authenticator;
    if (!auth) {
      this.connectAccepted();
      return;
    }
    const res = auth.authenticate(o, this.nonce, { ip: this.ip });
    if (!(res instanceof Promise)) {
      this.authDecided(res);
      return;
    }
    // Hold later frames (e.g. the PING nats.js sends right after CONNECT) until the answer is in.
    this.parser.pause();
    this.socket.pause();
    res.then(
      (r) => this.authDecided(r),
      (e: unknown) => this.authDecided({ ok: false, reason: e instanceof Error ? e.message : String(e) }),
    );
  }

  /** Re-applies limits and auth after a configuration reload. */
  reloaded(): void {
    const o = this.server.options;
    this.parser.limits.maxControlLine = o.maxControlLine;
    this.parser.limits.maxPayload = o.maxPayload;
    if (!this.connected) return;
    const auth = this.server.authenticator;
    if (!auth) {
      this.setPermissions(undefined);
      return;
    }
    const opts = this.connectOpts;
    const res = auth.authenticate(opts, this.nonce, { ip: this.ip });
    const apply = (r: ConnectAuthResult) => {
      if (this.closed) return;
      if (!r.ok) {
        this.fatal(ERR.authViolation, CloseReason.authFailure);
        return;
      }
      this.user = r.user ?? '';
      this.setPermissions(r.permissions);
    };
    if (res instanceof Promise) res.then(apply, () => apply({ ok: false }));
    else apply(res);
  }

  private authDecided(r: ConnectAuthResult): void {
    if (this.closed) return;
    if (!r.ok) {
      this.server.logger.error(`${this.tag()} - authentication error: ${r.reason ?? 'denied'}`);
      this.fatal(ERR.authViolation, CloseReason.authFailure);
      return;
    }
    this.user = r.user ?? '';
    this.setPermissions(r.permissions);
    if (r.account !== undefined) {
      const acc = this.server.lookupAccount(r.account);
      if (!acc) {
        this.server.logger.error(`${this.tag()} - authentication error: account ${r.account} not found`);
        this.fatal(ERR.authViolation, CloseReason.authFailure);
        return;
      }
      this.account = acc;
      this.sublist = this.server.sublistFor(acc.name);
      const o = this.server.options;
      this.parser.limits.maxPayload = acc.effectiveMaxPayload(o.maxPayload);
    }
    this.connectAccepted();
    if (this.closed) return;
    this.socket.resume();
    this.parser.resume();
    this.commitReadStats();
  }

  private connectAccepted(): void {
    if (this.authTimer) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
    const limit = this.account.addConnection();
    if (limit !== undefined) {
      this.server.logger.error(`${this.tag()} - ${limit}`);
      this.fatal(limit, CloseReason.maxAccountConnections);
      return;
    }
    this.accountBound = true;
    this.connected = true;
    if (this.verbose) this.sendOk();
    this.server.system.clientConnected(this);
  }

  /** Adds what this connection sent and received since the last call to its account's counters. */
  syncAccountStats(): void {
    const c = this.account.counters;
    const s = this.statsSynced;
    c.inMsgs += this.inMsgs - s.inMsgs;
    c.inBytes += this.inBytes - s.inBytes;
    c.outMsgs += this.outMsgs - s.outMsgs;
    c.outBytes += this.outBytes - s.outBytes;
    this.statsSynced = {
      inMsgs: this.inMsgs,
      inBytes: this.inBytes,
      outMsgs: this.outMsgs,
      outBytes: this.outBytes,
    };
  }

  /** The user JWT of CONNECT (operator mode). */
  get jwt(): string | undefined {
    return this.connectOpts.jwt;
  }

  /**
   * Closes the connection when `revocations` (from a new account JWT) revoke its user JWT, as
   * nats-server does on a claims update: revoked credentials lose live connections too.
   */
  closeIfRevoked(revocations: Record<string, number>): void {
    const jwt = this.connectOpts.jwt;
    if (!this.connected || jwt === undefined) return;
    let iat: number;
    try {
      iat = decodeJwtUnverified(jwt).iat;
    } catch {
      return;
    }
    if (isRevoked(revocations, this.user, iat)) this.fatal(ERR.authRevoked, CloseReason.revocation);
  }

  setPermissions(p: Permissions | undefined): void {
    this.permissions = p ? new PermissionChecker(p) : null;
  }

  onPub(subject: string, reply: string, headerSize: number, data: Buffer, start: number, end: number): void {
    if (!this.connected && this.server.authRequired) {
      this.authViolation();
      return;
    }
    const size = end - start;
    if (this.trace) {
      const verb = headerSize < 0 ? 'PUB' : 'HPUB';
      const sizes = headerSize < 0 ? `${size}` : `${headerSize} ${size}`;
      this.traceIn(verb, reply ? `${subject} ${reply} ${sizes}` : `${subject} ${sizes}`);
      this.server.logger.trace(
        `${this.tag()} - <<- MSG_PAYLOAD: [${JSON.stringify(data.toString('latin1', start, end))}]`,
      );
    }
    this.readMsgs++;
    this.readBytes += size;
    const srv = this.server;
    // nats-server reports a wildcard publish subject in pedantic mode but still routes the message.
    if (this.pedantic && !isValidLiteralSubject(subject)) this.sendErr(ERR.invalidPubSubject);
    if (this.permissions !== null && !this.permissions.canPublish(subject)) {
      this.server.logger.error(
        `${this.tag()} - Publish Violation - User "${this.user}", Subject "${subject}"`,
      );
      this.sendErr(pubPermissionViolation(subject));
      return;
    }
    if (this.verbose) this.sendOk();
    const delivered = srv.route(this, subject, reply, headerSize, data, start, end);
    if (!delivered && reply !== '' && this.noResponders) this.sendNoResponders(reply);
  }

  private sendNoResponders(reply: string): void {
    const r = this.sublist.match(reply);
    let sub: Subscription | undefined;
    for (const s of r.psubs) {
      if (s.client === this) {
        sub = s;
        break;
      }
    }
    if (!sub) {
      outer: for (const g of r.qsubs) {
        for (const s of g) {
          if (s.client === this) {
            sub = s;
            break outer;
          }
        }
      }
    }
    if (!sub) return;
    const n = NO_RESPONDERS_HDR.length;
    this.enqueueString(`HMSG ${reply} ${sub.sid} ${n} ${n}\r\n${NO_RESPONDERS_HDR}\r\n`);
    this.scheduleFlush();
  }

  onSub(subject: string, queue: string, sid: string): void {
    if (this.trace) this.traceIn('SUB', queue ? `${subject} ${queue} ${sid}` : `${subject} ${sid}`);
    if (!this.connected && this.server.authRequired) {
      this.authViolation();
      return;
    }
    // Same order of checks as nats-server: permissions, the subscription cap, then (on insert) validity.
    if (
      this.permissions !== null &&
      !this.permissions.canSubscribe(subject, queue === '' ? undefined : queue)
    ) {
      this.server.logger.error(
        `${this.tag()} - Subscription Violation - User "${this.user}", Subject "${subject}"`,
      );
      this.sendErr(subPermissionViolation(subject, queue === '' ? undefined : queue));
      return;
    }
    const max = this.server.options.maxSubscriptions;
    // An account's max_subscriptions applies per connection, as nats-server's applyAccountLimits.
    const accMax = this.account.limits.maxSubscriptions;
    if ((max > 0 && this.subs.size >= max) || (accMax >= 0 && this.subs.size >= accMax)) {
      this.sendErr(ERR.maxSubs);
      return;
    }
    if (this.subs.has(sid)) {
      // A duplicate sid is a no-op re-subscribe.
      if (this.verbose) this.sendOk();
      return;
    }
    if (!isValidSubject(subject) || (queue !== '' && !isValidQueue(queue))) {
      this.sendErr(ERR.invalidSubject);
      return;
    }
    const sub = new Subscription(this, subject, queue, sid, isLiteral(subject));
    if (this.permissions?.needsDeliveryFilter(subject)) sub.filtered = true;
    this.subs.set(sid, sub);
    this.sublist.insert(sub);
    if (this.verbose) this.sendOk();
  }

  onUnsub(sid: string, max: number): void {
    if (this.trace) this.traceIn('UNSUB', max > 0 ? `${sid} ${max}` : sid);
    if (!this.connected && this.server.authRequired) {
      this.authViolation();
      return;
    }
    const sub = this.subs.get(sid);
    if (sub) {
      if (max > 0 && sub.nmsgs < max) sub.max = max;
      else this.removeSub(sub);
    }
    if (this.verbose) this.sendOk();
  }

  onPing(): void {
    if (this.trace) this.traceIn('PING', '');
    this.lastClientPing = Date.now();
    if (!this.connected && this.server.authRequired) {
      this.authViolation();
      return;
    }
    if (this.trace) this.traceOut('PONG');
    this.enqueueString(PONG);
    // Like nats-server, answer the first client PING with a PING of our own to measure the RTT.
    if (this.rttMs < 0 && this.pingSentAt === 0 && this.connected) {
      this.pingsOut++;
      this.pingSentAt = performance.now();
      this.enqueueString(PING);
    }
    this.scheduleFlush();
  }

  onPong(): void {
    if (this.trace) this.traceIn('PONG', '');
    if (!this.connected && this.server.authRequired) {
      this.authViolation();
      return;
    }
    this.pingsOut = 0;
    if (this.pingSentAt > 0) {
      this.rttMs = performance.now() - this.pingSentAt;
      this.rttMeasuredAt = Date.now();
      this.pingSentAt = 0;
    }
  }

  onInfo(): void {
    // Clients may send INFO; nats-server ignores it for client connections (but not before auth).
    if (!this.connected && this.server.authRequired) this.authViolation();
  }

  onOk(): void {
    if (!this.connected && this.server.authRequired) this.authViolation();
  }

  onErr(text: string): void {
    this.server.logger.error(`${this.tag()} - Client error: ${text}`);
    this.close(CloseReason.clientClosed);
  }

  onProtocolError(err: ProtocolError): void {
    this.parseFailed = true;
    this.server.logger.error(`${this.tag()} - Client parser ERROR: ${err.message}`);
    switch (err.kind) {
      case 'max_payload':
        this.fatal(ERR.maxPayload, CloseReason.maxPayload);
        break;
      case 'max_control_line':
        this.fatal(ERR.maxControlLine, CloseReason.maxControlLine);
        break;
      case 'bad_args':
      case 'headers_unsupported':
        this.close(CloseReason.protocolViolation);
        break;
      default:
        this.fatal(ERR.unknownOp, CloseReason.protocolViolation);
    }
  }

  // ---- delivery -----------------------------------------------------------------------------------

  /**
   * Queues one MSG/HMSG for `sub`. `tail` is `[reply ]<sizes>\r\n`, shared by all receivers of one
   * publish so the per-subscriber work is one string concat and one copy of the payload.
   * `shownAs`: the message was matched on another subject than `subject` (JetStream deliveries), so
   * the subscription's pre-encoded prefix, which names the matched subject, is not used.
   */
  deliver(
    sub: Subscription,
    subject: string,
    tail: string,
    headerSize: number,
    data: Buffer,
    start = 0,
    end = data.length,
    shownAs = false,
  ): void {
    const size = end - start;
    this.outMsgs++;
    this.outBytes += size;
    if (this.trace)
      this.traceOut(`${headerSize < 0 ? 'MSG' : 'HMSG'} ${subject} ${sub.sid} ${tail.slice(0, -2)}`);
    const prefix = shownAs ? '' : headerSize < 0 ? sub.msgPrefix : sub.hmsgPrefix;
    if (size >= ZERO_COPY_MIN) {
      this.enqueueString(
        (prefix !== '' ? prefix : `${headerSize < 0 ? 'MSG' : 'HMSG'} ${subject} ${sub.sid} `) + tail,
      );
      this.enqueueBuffer(start === 0 && end === data.length ? data : data.subarray(start, end));
      this.enqueueString('\r\n');
    } else {
      // Written piecewise into the chunk: no per-message string concatenation or Buffer views.
      const need =
        (prefix !== '' ? prefix.length : subject.length + sub.sid.length + 7) + tail.length + size + CRLF_LEN;
      let chunk = this.chunk;
      if (chunk === null || chunk.length - this.pos < need) chunk = this.newChunk(need);
      let p = this.pos;
      if (prefix !== '') p = putLatin1(chunk, p, prefix);
      else {
        if (headerSize >= 0) chunk[p++] = 72; // H
        chunk[p++] = 77; // M
        chunk[p++] = 83; // S
        chunk[p++] = 71; // G
        chunk[p++] = 32;
        p = putLatin1(chunk, p, subject);
        chunk[p++] = 32;
        p = putLatin1(chunk, p, sub.sid);
        chunk[p++] = 32;
      }
      p = putLatin1(chunk, p, tail);
      if (size > 0) {
        if (size <= 32) for (let i = start; i < end; i++) chunk[p++] = data[i]!;
        else p += data.copy(chunk, p, start, end);
      }
      chunk[p++] = 13;
      chunk[p++] = 10;
      this.pos = p;
    }
    if (!this.flushScheduled) this.scheduleFlush();
  }

  // ---- outbound -----------------------------------------------------------------------------------

  private newChunk(need: number): Buffer {
    this.retireChunk();
    this.checkPending();
    if (this.chunkSize < MAX_CHUNK && this.chunk !== null) this.chunkSize *= 2;
    const size = Math.max(need, this.chunkSize);
    const c = Buffer.allocUnsafe(size);
    this.chunk = c;
    this.pos = 0;
    this.flushed = 0;
    return c;
  }

  /** Moves the unflushed part of the chunk to the queue. */
  private retireChunk(): void {
    if (this.chunk !== null && this.pos > this.flushed) {
      const part = this.chunk.subarray(this.flushed, this.pos);
      this.queued.push(part);
      this.queuedBytes += part.length;
      this.flushed = this.pos;
    }
  }

  enqueueString(s: string): void {
    const need = Buffer.byteLength(s, 'latin1');
    let chunk = this.chunk;
    if (chunk === null || chunk.length - this.pos < need) chunk = this.newChunk(need);
    this.pos += chunk.latin1Write(s, this.pos);
  }

  private enqueueBuffer(b: Buffer): void {
    this.retireChunk();
    this.queued.push(b);
    this.queuedBytes += b.length;
    this.checkPending();
  }

  /**
   * Cut-off between flushes: checked whenever a chunk fills up (so at most one chunk past the limit),
   * like nats-server's check when queueing outbound data.
   */
  private checkPending(): void {
    if (this.queuedBytes + this.socketPending > this.server.options.maxPending && !this.closed) {
      this.slowConsumer(CloseReason.slowConsumerPending);
    }
  }

  /** Bytes waiting to be written to this connection (ours plus the socket's). */
  get pendingBytes(): number {
    return this.queuedBytes + (this.pos - this.flushed) + this.socketPending;
  }

  scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    this.server.scheduleFlush(this);
  }

  /** Hands everything queued to the socket in one corked batch. Called once per tick by the server. */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed && this.socket.destroyed) return;
    this.retireChunk();
    if (this.queued.length === 0) return;
    if (this.pendingBytes > this.server.options.maxPending) {
      this.slowConsumer(CloseReason.slowConsumerPending);
      return;
    }
    if (this.waitingDrain) return;
    const q = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    const sock = this.socket;
    let ok = true;
    if (q.length === 1) ok = sock.write(q[0]!);
    else {
      sock.cork();
      for (const b of q) ok = sock.write(b);
      sock.uncork();
    }
    this.socketPending = sock.writableLength;
    if (this.chunk !== null && this.chunk.length - this.pos < 256) {
      this.chunk = null;
      this.pos = this.flushed = 0;
    }
    if (!ok) {
      this.waitingDrain = true;
      this.deadlineTimer = setTimeout(() => {
        if (this.waitingDrain) this.slowConsumer(CloseReason.slowConsumerDeadline);
      }, this.server.options.writeDeadline);
    }
  }

  private onDrain(): void {
    this.waitingDrain = false;
    this.socketPending = this.socket.writableLength;
    if (this.deadlineTimer) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = null;
    }
    if (this.queued.length > 0 || this.pos > this.flushed) this.flush();
  }

  private slowConsumer(reason: string): void {
    if (this.closed) return;
    this.server.slowConsumers++;
    this.server.logger.info(
      `${this.tag()} - Slow Consumer Detected: ${
        reason === CloseReason.slowConsumerDeadline
          ? 'WriteDeadline exceeded'
          : `MaxPending of ${this.server.options.maxPending} Exceeded`
      }`,
    );
    this.queued = [];
    this.queuedBytes = 0;
    this.chunk = null;
    this.pos = this.flushed = 0;
    this.close(reason, true);
  }

  sendOk(): void {
    if (this.trace) this.traceOut('OK');
    this.enqueueString(OK);
    this.scheduleFlush();
  }

  sendErr(text: string): void {
    if (this.trace) this.traceOut(`-ERR '${text}'`);
    this.enqueueString(errLine(text));
    this.scheduleFlush();
  }

  /** Sends `-ERR` and closes after it is flushed. */
  fatal(text: string, reason: string): void {
    if (this.closed) return;
    this.enqueueString(errLine(text));
    this.close(reason);
  }

  private authViolation(): void {
    this.fatal(ERR.authViolation, CloseReason.authViolation);
  }

  removeSub(sub: Subscription): void {
    if (this.subs.get(sub.sid) === sub) {
      this.subs.delete(sub.sid);
      this.sublist.remove(sub);
    }
  }

  // ---- pings --------------------------------------------------------------------------------------

  private armPing(first: boolean): void {
    const o = this.server.options;
    let d = o.pingInterval;
    // nats-server sends the first PING to a client early (firstClientPingInterval = 2s).
    if (first && d > 2000) d = 2000;
    this.pingTimer = setTimeout(() => this.onPingTimer(), d);
    this.pingTimer.unref();
  }

  private onPingTimer(): void {
    this.pingTimer = null;
    if (this.closed) return;
    // As nats-server: no PING while the client is active (data or its own PINGs within the interval),
    // unless the RTT needs measuring.
    const now = Date.now();
    const interval = this.server.options.pingInterval;
    const needRtt = this.rttMs < 0 || now - this.rttMeasuredAt > RTT_MEASUREMENT_INTERVAL;
    if (!needRtt && (now - this.lastActivity < interval || now - this.lastClientPing < interval)) {
      this.armPing(false);
      return;
    }
    if (this.pingsOut + 1 > this.server.options.maxPingsOut) {
      this.server.logger.debug(`${this.tag()} - Stale Client Connection - Closing`);
      this.fatal(ERR.staleConnection, CloseReason.staleConnection);
      return;
    }
    this.pingsOut++;
    this.pingSentAt = performance.now();
    this.enqueueString(PING);
    this.scheduleFlush();
    this.armPing(false);
  }

  // ---- teardown -----------------------------------------------------------------------------------

  /**
   * Closes the connection: pending output is flushed first unless `now` (socket already gone, or a
   * slow consumer whose buffer we drop).
   */
  close(reason: string, now = false): void {
    if (this.closed) {
      if (now && !this.socket.destroyed) this.socket.destroy();
      return;
    }
    this.closed = true;
    this.closeReason = reason;
    this.stop = new Date();
    this.parser.close();
    for (const t of [this.pingTimer, this.authTimer, this.deadlineTimer]) if (t) clearTimeout(t);
    this.pingTimer = this.authTimer = this.deadlineTimer = null;
    for (const sub of this.subs.values()) this.sublist.remove(sub);
    if (this.accountBound) {
      this.accountBound = false;
      this.account.removeConnection();
    }
    this.syncAccountStats();
    this.server.removeClient(this);
    if (now) {
      this.socket.destroy();
    } else {
      this.retireChunk();
      const q = this.queued;
      this.queued = [];
      this.queuedBytes = 0;
      for (const b of q) this.socket.write(b);
      this.socket.end();
      // Do not wait forever on a peer that stopped reading.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    }
    this.chunk = null;
  }

  /** Protocol tracing (`-V`), in nats-server's `<<- [OP args]` / `->> [OP]` form. */
  private traceIn(op: string, arg: string): void {
    this.server.logger.trace(`${this.tag()} - <<- [${arg ? `${op} ${arg}` : op}]`);
  }

  private traceOut(what: string): void {
    this.server.logger.trace(`${this.tag()} - ->> [${what}]`);
  }

  tag(): string {
    return `${this.ip}:${this.remotePort} - cid:${this.cid}`;
  }

  get idleMs(): number {
    return Date.now() - this.lastActivity;
  }
}
