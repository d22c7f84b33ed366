import { subjectMatches } from '../router/subject.js';
import type { StoredMessage } from '../store/types.js';
import { type ConsumerConfig, consumerConfigJson, consumerFilters } from './consumer-config.js';
import type { Stream } from './stream.js';
import {
  appendHeaders,
  buildHeaders,
  EMPTY,
  goDurationString,
  nowNs,
  parseGoDuration,
  parseTime,
  randomName,
  rfc3339,
  str,
  utf8,
} from './util.js';

/** What a consumer persists through the stream store (`saveConsumerState`). */
interface PersistedConsumer {
  config: ConsumerConfig;
  created: string;
  dseq: number;
  sseq: number;
  ackFloor: [number, number];
  /** [sseq, dseq, deliveredAtNs] */
  pending: Array<[number, number, string]>;
  rdc: Array<[number, number]>;
  lps?: number[];
  lpsEnd?: number;
  /** ns of the last delivery and the last ack (info's last_active). */
  lastDelivered?: string;
  lastAck?: string;
}

interface PendingEntry {
  dseq: number;
  /** Delivery time, ns since the epoch. */
  ts: bigint;
  /** Wall-clock ms after which it is redelivered. */
  deadline: number;
}

interface PullRequest {
  reply: string;
  batch: number;
  maxBytes: number;
  /** Wall-clock ms; 0 = never. */
  expires: number;
  noWait: boolean;
  hbMs: number;
  delivered: number;
  timer?: NodeJS.Timeout;
  hbTimer?: NodeJS.Timeout;
  lastSent: number;
}

/** Callbacks into the JetStream instance. */
export interface ConsumerHooks {
  /** Ephemeral consumer idle past its inactive_threshold. */
  inactive(c: Consumer): void;
}

const PERSIST_MS = 1000;

/** Digits of `s` in [from, to) as a number; NaN when empty or not all digits. */
function digitsAt(s: string, from: number, to: number): number {
  if (to <= from) return Number.NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Reads delivery count, stream and consumer sequence of an ack subject
 * (`$JS.ACK.<stream>.<consumer>.<dc>.<sseq>.<dseq>.<ts>.<pending>`, counted from the end as newer
 * formats append tokens at the front) without splitting it; false when it has fewer than 9 tokens.
 */
function readAckSubject(subject: string, out: { dc: number; sseq: number; dseq: number }): boolean {
  let dots = 0;
  for (let i = 0; i < subject.length; i++) if (subject.charCodeAt(i) === 46) dots++;
  if (dots < 8) return false;
  const ts = subject.lastIndexOf('.', subject.lastIndexOf('.') - 1);
  const dseqAt = subject.lastIndexOf('.', ts - 1);
  const sseqAt = subject.lastIndexOf('.', dseqAt - 1);
  const dcAt = subject.lastIndexOf('.', sseqAt - 1);
  out.dc = digitsAt(subject, dcAt + 1, sseqAt);
  out.sseq = digitsAt(subject, sseqAt + 1, dseqAt);
  out.dseq = digitsAt(subject, dseqAt + 1, ts);
  return true;
}

/**
 * Heartbeat timers fire every interval and send when nothing went out for that long. A timer can fire a
 * millisecond or two before `Date.now()` shows a whole interval, which without slack skips a beat.
 */
const heartbeatSlack = (intervalMs: number): number => Math.min(20, intervalMs >> 2);

/** Whether an ack body is empty or exactly `+ACK`, checked on the bytes (the common case). */
const isPlainAck = (d: Uint8Array): boolean =>
  d.length === 0 || (d.length === 4 && d[0] === 43 && d[1] === 65 && d[2] === 67 && d[3] === 75);
const FC_SEND_BYTES = 1024 * 1024;
const FC_STALL_BYTES = 2 * 1024 * 1024;
const FC_SEND_MSGS = 8192;

/** One consumer's state machine: delivery, acks, redelivery, pull requests, push flow. */
export class Consumer {
  /** Next consumer (delivery) sequence to assign. */
  private dseq = 1;
  /** Next stream sequence to look at for fresh deliveries. */
  private sseq = 1;
  private ackFloor = { c: 0, s: 0 };
  private readonly pending = new Map<number, PendingEntry>();
  private readonly rdc = new Map<number, number>();
  private rdq: number[] = [];
  /** last_per_subject start: the sequences still to deliver, and the stream's last seq at creation. */
  private lps: number[] = [];
  private lpsEnd = 0;
  private waiting: PullRequest[] = [];
  private subs: Array<{ unsubscribe(): void }> = [];
  private scheduled = false;
  private stopped = false;
  private ackTimer: NodeJS.Timeout | undefined;
  private ackTimerAt = 0;
  private hbTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private inactiveTimer: NodeJS.Timeout | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private lastActivity = Date.now();
  private lastDeliveryWall = 0;
  private lastDeliveredMsgTime = 0n;
  private lastDeliveredAt = 0n;
  private lastAckAt = 0n;
  private fcBytes = 0;
  private fcMsgs = 0;
  private fcOutstanding: string | undefined;
  private rateBits = 0;
  private rateAt = 0;
  private persistQueued = false;
  private readonly filters: string[];

  constructor(
    readonly stream: Stream,
    readonly name: string,
    public config: ConsumerConfig,
    readonly created: bigint,
    private readonly hooks: ConsumerHooks,
    restored?: Uint8Array,
  ) {
    this.filters = consumerFilters(config);
    if (restored) this.restore(restored);
    else this.initPosition();
  }

  get isPull(): boolean {
    return !this.config.deliver_subject;
  }

  get isDurable(): boolean {
    return !!this.config.durable_name;
  }

  private restore(raw: Uint8Array): void {
    const p = JSON.parse(str(raw)) as PersistedConsumer;
    this.dseq = p.dseq;
    this.sseq = p.sseq;
    this.ackFloor = { c: p.ackFloor[0], s: p.ackFloor[1] };
    const now = Date.now();
    for (const [s, d, ts] of p.pending)
      this.pending.set(s, { dseq: d, ts: BigInt(ts), deadline: now + this.ackWaitMs(1) });
    for (const [s, n] of p.rdc) this.rdc.set(s, n);
    this.lps = p.lps ?? [];
    this.lpsEnd = p.lpsEnd ?? 0;
    this.lastDeliveredAt = BigInt(p.lastDelivered ?? '0');
    this.lastAckAt = BigInt(p.lastAck ?? '0');
  }

  /** Serialised config + state, for the store. */
  static decodeConfig(raw: Uint8Array): { config: ConsumerConfig; created: bigint } {
    const p = JSON.parse(str(raw)) as PersistedConsumer;
    return { config: p.config, created: BigInt(p.created) };
  }

  private initPosition(): void {
    const store = this.stream.store;
    const st = store.state();
    const first = Math.max(1, st.firstSeq);
    const c = this.config;
    switch (c.deliver_policy) {
      case 'all':
        this.sseq = first;
        break;
      case 'last': {
        let last = 0;
        if (this.filters.length === 0) last = st.lastSeq;
        else for (const f of this.filters) last = Math.max(last, store.last(f)?.seq ?? 0);
        this.sseq = last > 0 && st.messages > 0 ? last : st.lastSeq + 1;
        break;
      }
      case 'new':
        this.sseq = st.lastSeq + 1;
        break;
      case 'by_start_sequence':
        this.sseq = Math.max(c.opt_start_seq ?? 1, 1);
        break;
      case 'by_start_time': {
        const t = parseTime(c.opt_start_time ?? '') ?? 0n;
        let seq = st.lastSeq + 1;
        for (let m = store.next(first); m; m = store.next(m.seq + 1)) {
          if (m.time >= t) {
            seq = m.seq;
            break;
          }
        }
        this.sseq = seq;
        break;
      }
      case 'last_per_subject': {
        const seqs: number[] = [];
        for (const f of this.filters.length ? this.filters : ['>']) {
          for (const subj of store.subjects(f).keys()) {
            const m = store.last(subj);
            if (m) seqs.push(m.seq);
          }
        }
        this.lps = seqs.sort((a, b) => a - b);
        this.lpsEnd = st.lastSeq;
        // As nats-server: positioned at the first last-per-subject message, skipping the others.
        this.sseq = this.lps[0] ?? st.lastSeq + 1;
        break;
      }
    }
  }

  // ---- lifecycle ----

  start(): void {
    const bus = this.stream.bus;
    const s = this.stream.name;
    this.subs.push(
      bus.subscribe(`$JS.ACK.${s}.${this.name}.>`, (subj, reply, _h, data) => this.onAck(subj, reply, data)),
    );
    this.subs.push(
      bus.subscribe(`$JS.API.CONSUMER.MSG.NEXT.${s}.${this.name}`, (_subj, reply, _h, data) => {
        if (reply) this.onPullRequest(reply, data);
      }),
    );
    if (!this.isPull && this.config.flow_control) {
      this.subs.push(bus.subscribe(`$JS.FC.${s}.${this.name}.>`, (subj) => this.onFlowControlReply(subj)));
    }
    if (!this.isPull && this.config.idle_heartbeat) {
      const ms = Math.max(1, Math.floor(this.config.idle_heartbeat / 1e6));
      this.hbTimer = setInterval(() => this.pushHeartbeat(ms), ms);
      this.hbTimer.unref?.();
    }
    this.armInactive();
    this.armAckTimer();
    this.schedule();
  }

  /** Stops timers and subscriptions; `deleted` tells waiting pulls the consumer is gone. */
  stop(deleted: boolean): void {
    if (this.stopped) return;
    if (!deleted) this.persistNow();
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    for (const t of [this.ackTimer, this.pollTimer, this.replayTimer]) if (t) clearTimeout(t);
    for (const t of [this.hbTimer, this.inactiveTimer]) if (t) clearInterval(t);
    for (const r of this.waiting) {
      this.clearRequest(r);
      if (deleted) this.status(r.reply, '409 Consumer Deleted');
    }
    this.waiting = [];
  }

  /** The stream's config changed (limits, subjects). */
  onStreamChanged(): void {
    this.schedule();
  }

  /**
   * inactive_threshold: nats-server 2.9 deletes durables too once idle that long (checked against
   * 2.9.10: a durable with a 1 s threshold is gone after 2.5 s without a subscriber or pull).
   */
  private armInactive(): void {
    if (this.inactiveTimer) clearInterval(this.inactiveTimer);
    this.inactiveTimer = undefined;
    if (!this.config.inactive_threshold || this.stopped) return;
    const ms = Math.max(1, Math.floor(this.config.inactive_threshold / 1e6));
    this.inactiveTimer = setInterval(() => this.checkInactive(ms), Math.min(ms, 1000));
    this.inactiveTimer.unref?.();
  }

  /** Update with a validated config (only mutable fields differ). */
  updateConfig(next: ConsumerConfig): void {
    const rearm = next.inactive_threshold !== this.config.inactive_threshold;
    this.config = next;
    if (rearm) {
      this.lastActivity = Date.now();
      this.armInactive();
    }
    this.persist();
    this.schedule();
  }

  matches(subject: string): boolean {
    if (this.filters.length === 0) return true;
    for (const f of this.filters) if (subjectMatches(f, subject)) return true;
    return false;
  }

  /** Interest retention: whether this consumer still has to see/ack `seq`. */
  needsAck(seq: number): boolean {
    if (this.pending.has(seq)) return true;
    if (this.lps.length > 0) return this.lps.includes(seq) || seq > this.lpsEnd;
    return seq >= this.sseq;
  }

  onStored(_seq: number, subject: string): void {
    if (this.matches(subject)) this.schedule();
  }

  /** Messages were removed from the stream (purge, expiry, rollup, delete). */
  onPurged(): void {
    const store = this.stream.store;
    const st = store.state();
    const first = st.messages > 0 ? st.firstSeq : st.lastSeq + 1;
    if (this.sseq < first) this.sseq = first;
    for (const s of [...this.pending.keys()]) {
      if (!store.get(s)) {
        this.pending.delete(s);
        this.rdc.delete(s);
      }
    }
    this.rdq = this.rdq.filter((s) => this.pending.has(s));
    this.lps = this.lps.filter((s) => !!store.get(s));
    if (this.ackFloor.s < first - 1 && this.pending.size === 0)
      this.ackFloor = { c: this.dseq - 1, s: first - 1 };
    this.updateFloor();
    this.persist();
    this.schedule();
  }

  // ---- delivery ----

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** Next message to deliver without consuming it. */
  private peek(): { msg: StoredMessage; redelivery: boolean } | undefined {
    const store = this.stream.store;
    while (this.rdq.length > 0) {
      const s = this.rdq[0] as number;
      const m = store.get(s);
      if (m && this.pending.has(s)) return { msg: m, redelivery: true };
      this.rdq.shift();
      this.pending.delete(s);
    }
    if (
      this.config.ack_policy !== 'none' &&
      this.pending.size >= (this.config.max_ack_pending ?? 0) &&
      (this.config.max_ack_pending ?? 0) > 0
    ) {
      return undefined;
    }
    while (this.lps.length > 0) {
      const m = store.get(this.lps[0] as number);
      if (m) return { msg: m, redelivery: false };
      this.lps.shift();
    }
    if (this.sseq <= this.lpsEnd) this.sseq = this.lpsEnd + 1;
    const m = this.nextFresh();
    return m ? { msg: m, redelivery: false } : undefined;
  }

  private nextFresh(): StoredMessage | undefined {
    const store = this.stream.store;
    let m: StoredMessage | undefined;
    if (this.filters.length <= 1) {
      m = store.next(this.sseq, this.filters[0]);
    } else {
      for (const f of this.filters) {
        const x = store.next(this.sseq, f);
        if (x && (!m || x.seq < m.seq)) m = x;
      }
    }
    if (!m) {
      const last = store.state().lastSeq;
      if (this.sseq <= last) this.sseq = last + 1;
    }
    return m;
  }

  numPending(): number {
    const store = this.stream.store;
    let n = this.lps.length;
    const from = this.lps.length > 0 ? this.lpsEnd + 1 : this.sseq;
    if (this.filters.length === 0) n += store.numPending(from);
    else for (const f of this.filters) n += store.numPending(from, f);
    return n;
  }

  private run(): void {
    if (this.stopped) return;
    const bus = this.stream.bus;
    for (;;) {
      let target: string | undefined;
      let req: PullRequest | undefined;
      if (this.isPull) {
        while (this.waiting.length > 0) {
          const r = this.waiting[0] as PullRequest;
          if (r.expires && Date.now() >= r.expires) {
            this.expireRequest(r);
            continue;
          }
          if (!bus.hasInterest(r.reply)) {
            this.clearRequest(r);
            this.waiting.shift();
            continue;
          }
          break;
        }
        req = this.waiting[0];
        if (!req) break;
        target = req.reply;
      } else {
        const ds = this.config.deliver_subject as string;
        if (!bus.hasInterest(ds)) {
          this.pollInterest();
          break;
        }
        if (this.fcOutstanding && this.fcBytes >= FC_STALL_BYTES) break;
        target = ds;
      }
      const next = this.peek();
      if (!next) break;
      if (!next.redelivery && this.config.replay_policy === 'original' && this.lastDeliveredMsgTime > 0n) {
        const gapMs = Number((next.msg.time - this.lastDeliveredMsgTime) / 1_000_000n);
        const wait = this.lastDeliveryWall + gapMs - Date.now();
        if (wait > 0) {
          if (!this.replayTimer) {
            this.replayTimer = setTimeout(() => {
              this.replayTimer = undefined;
              this.schedule();
            }, wait);
          }
          break;
        }
      }
      const { msg, redelivery } = next;
      const size = msg.subject.length + (msg.headers?.length ?? 0) + msg.data.length;
      if (!req && this.config.rate_limit_bps && !this.takeRate(size)) break;
      if (req && req.maxBytes > 0 && size > req.maxBytes) {
        this.finishRequest(req, '409 Message Size Exceeds MaxBytes');
        continue;
      }
      // Commit.
      if (redelivery) this.rdq.shift();
      else if (this.lps.length > 0 && this.lps[0] === msg.seq) {
        this.lps.shift();
        this.sseq = this.lps.length > 0 ? msg.seq + 1 : Math.max(msg.seq + 1, this.lpsEnd + 1);
      } else this.sseq = msg.seq + 1;
      this.deliver(target as string, msg, redelivery);
      if (req) {
        req.delivered++;
        req.batch--;
        req.lastSent = Date.now();
        if (req.maxBytes > 0) req.maxBytes -= size;
        if (req.batch <= 0) {
          this.clearRequest(req);
          this.waiting.shift();
        } else if (req.maxBytes < 0) {
          this.finishRequest(req, undefined);
        }
      } else {
        this.fcBytes += size;
        this.fcMsgs++;
        if (
          this.config.flow_control &&
          !this.fcOutstanding &&
          (this.fcBytes >= FC_SEND_BYTES || this.fcMsgs >= FC_SEND_MSGS)
        ) {
          this.sendFlowControl();
        }
      }
    }
    // no_wait requests that can make no more progress end now. As nats-server 2.9.10 does, they
    // stay queued (silently) while max_ack_pending holds deliveries back.
    if (this.isPull && !this.ackPendingFull()) {
      for (const r of [...this.waiting]) {
        if (!r.noWait) continue;
        if (r.delivered === 0) this.finishRequest(r, '404 No Messages');
        else this.finishRequest(r, '408 Request Timeout', true);
      }
    }
    this.persist();
  }

  /** rate_limit_bps for push consumers: a token bucket of bits holding at most one second's worth. */
  private takeRate(bytes: number): boolean {
    const rate = this.config.rate_limit_bps as number;
    const now = Date.now();
    // Starts full: the first second's worth goes at once.
    this.rateBits =
      this.rateAt === 0 ? rate : Math.min(rate, this.rateBits + ((now - this.rateAt) / 1000) * rate);
    this.rateAt = now;
    const need = bytes * 8;
    // A message larger than the bucket goes once the bucket is full.
    if (this.rateBits >= Math.min(need, rate)) {
      this.rateBits -= need;
      return true;
    }
    if (!this.replayTimer) {
      const waitMs = Math.ceil(((Math.min(need, rate) - this.rateBits) / rate) * 1000);
      this.replayTimer = setTimeout(() => {
        this.replayTimer = undefined;
        this.schedule();
      }, waitMs);
    }
    return false;
  }

  private deliver(target: string, msg: StoredMessage, redelivery: boolean): void {
    const dc = redelivery ? (this.rdc.get(msg.seq) ?? 1) + 1 : 1;
    if (redelivery) this.rdc.set(msg.seq, dc);
    const dseq = this.dseq++;
    const now = nowNs();
    if (this.config.ack_policy !== 'none') {
      const deadline = Date.now() + this.ackWaitMs(dc);
      this.pending.set(msg.seq, { dseq, ts: now, deadline });
      if (!this.ackTimer || deadline < this.ackTimerAt) this.armAckTimer();
    } else {
      this.ackFloor = { c: dseq, s: msg.seq };
    }
    const pending = this.numPending();
    const reply = `${this.ackPrefix}${dc}.${msg.seq}.${dseq}.${msg.time}.${pending}`;
    let hdr = msg.headers;
    let data = msg.data;
    if (this.config.headers_only) {
      hdr = appendHeaders(msg.headers, [['Nats-Msg-Size', String(msg.data.length)]]);
      data = EMPTY;
    }
    this.lastDeliveredAt = now;
    this.lastDeliveryWall = Date.now();
    this.lastDeliveredMsgTime = msg.time;
    this.lastActivity = Date.now();
    this.stream.bus.publish(target, reply, hdr, data, msg.subject);
    if (this.config.ack_policy === 'none') this.stream.checkInterest(msg.seq);
  }

  private ackWaitMs(dc: number): number {
    const b = this.config.backoff;
    if (b && b.length > 0) return Math.max(1, Math.floor((b[Math.min(dc - 1, b.length - 1)] ?? 0) / 1e6));
    return Math.max(1, Math.floor((this.config.ack_wait ?? 30_000_000_000) / 1e6));
  }

  private armAckTimer(): void {
    if (this.stopped || this.pending.size === 0) return;
    let min = Number.POSITIVE_INFINITY;
    for (const p of this.pending.values()) if (p.deadline < min) min = p.deadline;
    // Entries waiting in the redelivery queue have no deadline.
    if (!Number.isFinite(min)) return;
    if (this.ackTimer) {
      // Only re-arm when something is due sooner than the armed time.
      if (min >= this.ackTimerAt) return;
      clearTimeout(this.ackTimer);
    }
    this.ackTimerAt = min;
    this.ackTimer = setTimeout(() => this.onAckTimer(), Math.max(0, min - Date.now()));
    this.ackTimer.unref?.();
  }

  private onAckTimer(): void {
    this.ackTimer = undefined;
    if (this.stopped) return;
    const now = Date.now();
    const due: number[] = [];
    for (const [s, p] of this.pending) if (p.deadline <= now && !this.rdq.includes(s)) due.push(s);
    due.sort((a, b) => a - b);
    const maxDeliver = this.config.max_deliver ?? -1;
    for (const s of due) {
      const dc = this.rdc.get(s) ?? 1;
      const p = this.pending.get(s) as PendingEntry;
      if (maxDeliver > 0 && dc >= maxDeliver) {
        this.pending.delete(s);
        this.rdc.delete(s);
        this.advisory('MAX_DELIVERIES', {
          type: 'io.nats.jetstream.advisory.v1.max_deliver',
          stream_seq: s,
          deliveries: dc,
        });
        this.stream.checkInterest(s);
        continue;
      }
      p.deadline = Number.POSITIVE_INFINITY;
      this.rdq.push(s);
    }
    this.rdq.sort((a, b) => a - b);
    this.updateFloor();
    this.armAckTimer();
    this.schedule();
  }

  // ---- acks (consumer.go processAck) ----

  private readonly ackAt = { dc: 0, sseq: 0, dseq: 0 };
  /** `$JS.ACK.<stream>.<consumer>.`, the fixed start of every delivery's reply subject. */
  private get ackPrefix(): string {
    if (this.ackPrefixText === '') this.ackPrefixText = `$JS.ACK.${this.stream.name}.${this.name}.`;
    return this.ackPrefixText;
  }
  private ackPrefixText = '';

  private onAck(subject: string, reply: string | undefined, data: Uint8Array): void {
    if (!readAckSubject(subject, this.ackAt)) return;
    const { sseq, dseq, dc } = this.ackAt;
    const body = isPlainAck(data) ? '' : str(data);
    this.lastActivity = Date.now();
    let replyAck = true;
    if (body === '' || body === '+ACK' || body === '+OK') {
      this.ack(sseq, dseq);
    } else if (body.startsWith('-NAK')) {
      this.nak(sseq, dseq, dc, body.slice(4).trim());
    } else if (body.startsWith('+WPI')) {
      const p = this.pending.get(sseq);
      if (p && !this.rdq.includes(sseq)) {
        p.deadline = Date.now() + this.ackWaitMs(this.rdc.get(sseq) ?? 1);
        this.armAckTimerReset();
      }
    } else if (body.startsWith('+NXT')) {
      replyAck = false;
      this.ack(sseq, dseq);
      if (reply) this.onPullRequest(reply, utf8(body.slice(4).trim()));
    } else if (body.startsWith('+TERM')) {
      if (this.pending.delete(sseq)) {
        this.rdq = this.rdq.filter((s) => s !== sseq);
        const deliveries = this.rdc.get(sseq) ?? dc;
        this.rdc.delete(sseq);
        this.updateFloor();
        this.advisory('MSG_TERMINATED', {
          type: 'io.nats.jetstream.advisory.v1.terminated',
          consumer_seq: dseq,
          stream_seq: sseq,
          deliveries,
          reason: body.slice(5).trim() || undefined,
        });
        this.stream.checkInterest(sseq);
      }
    } else {
      replyAck = false;
    }
    if (reply && replyAck) this.stream.bus.publish(reply, undefined, undefined, EMPTY);
    this.persist();
    this.schedule();
  }

  private armAckTimerReset(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.armAckTimer();
  }

  private ack(sseq: number, _dseq: number): void {
    this.lastAckAt = nowNs();
    const pol = this.config.ack_policy;
    if (pol === 'none') return;
    if (pol === 'all') {
      const acked: number[] = [];
      for (const s of this.pending.keys()) if (s <= sseq) acked.push(s);
      for (const s of acked) {
        this.pending.delete(s);
        this.rdc.delete(s);
      }
      this.rdq = this.rdq.filter((s) => s > sseq);
      this.updateFloor();
      for (const s of acked) this.stream.checkInterest(s);
      return;
    }
    if (!this.pending.delete(sseq)) return;
    this.rdc.delete(sseq);
    if (this.rdq.length > 0) this.rdq = this.rdq.filter((s) => s !== sseq);
    this.updateFloor();
    this.stream.checkInterest(sseq);
  }

  private nak(sseq: number, dseq: number, dc: number, arg: string): void {
    const p = this.pending.get(sseq);
    if (!p) return;
    let delayMs = 0;
    if (arg.startsWith('{')) {
      try {
        const d = JSON.parse(arg) as { delay?: number };
        if (typeof d.delay === 'number' && d.delay > 0) delayMs = Math.floor(d.delay / 1e6);
      } catch {
        // nats-server ignores a malformed delay and naks immediately
      }
    } else if (arg) {
      const d = parseGoDuration(arg);
      if (d !== undefined) delayMs = Number(d / 1_000_000n);
    }
    this.advisory('MSG_NAKED', {
      type: 'io.nats.jetstream.advisory.v1.nak',
      consumer_seq: dseq,
      stream_seq: sseq,
      deliveries: dc,
    });
    if (delayMs > 0) {
      p.deadline = Date.now() + delayMs;
      this.rdq = this.rdq.filter((s) => s !== sseq);
      this.armAckTimerReset();
      return;
    }
    if (!this.rdq.includes(sseq)) {
      this.rdq.push(sseq);
      this.rdq.sort((a, b) => a - b);
    }
    p.deadline = Number.POSITIVE_INFINITY;
  }

  private updateFloor(): void {
    if (this.config.ack_policy === 'none') return;
    if (this.pending.size === 0) {
      this.ackFloor = { c: this.dseq - 1, s: this.sseq - 1 };
      return;
    }
    // Pending keeps first-delivery order, which is stream order: the first key is the lowest.
    const min = this.pending.keys().next().value as number;
    const p = this.pending.get(min) as PendingEntry;
    const c = p.dseq - 1;
    const s = min - 1;
    if (s > this.ackFloor.s) {
      // Updated in place: this runs once per ack.
      this.ackFloor.c = Math.max(c, this.ackFloor.c);
      this.ackFloor.s = s;
    }
  }

  // ---- pull requests (consumer.go processNextMsgRequest) ----

  private onPullRequest(reply: string, data: Uint8Array): void {
    if (this.stopped) return;
    this.lastActivity = Date.now();
    if (!this.isPull) {
      this.status(reply, '409 Consumer is push based');
      return;
    }
    let batch = 1;
    let expiresNs = 0;
    let noWait = false;
    let maxBytes = 0;
    let hbNs = 0;
    const text = str(data).trim();
    if (text.length > 0) {
      if (text.startsWith('{')) {
        try {
          const o = JSON.parse(text) as Record<string, unknown>;
          batch = typeof o.batch === 'number' ? o.batch : 1;
          expiresNs = typeof o.expires === 'number' ? o.expires : 0;
          noWait = o.no_wait === true;
          maxBytes = typeof o.max_bytes === 'number' ? o.max_bytes : 0;
          hbNs = typeof o.idle_heartbeat === 'number' ? o.idle_heartbeat : 0;
        } catch {
          this.status(reply, '400 Bad Request');
          return;
        }
      } else {
        const n = Number(text);
        if (Number.isFinite(n)) batch = n;
      }
    }
    if (batch <= 0) batch = 1;
    const c = this.config;
    if (c.max_batch && batch > c.max_batch) {
      this.status(reply, `409 Exceeded MaxRequestBatch of ${c.max_batch}`);
      return;
    }
    if (c.max_expires && expiresNs > c.max_expires) {
      this.status(reply, `409 Exceeded MaxRequestExpires of ${goDurationString(c.max_expires)}`);
      return;
    }
    if (c.max_bytes && maxBytes > c.max_bytes) {
      this.status(reply, `409 Exceeded MaxRequestMaxBytes of ${c.max_bytes}`);
      return;
    }
    if (this.waiting.length >= (c.max_waiting ?? 512)) {
      this.status(reply, '409 Exceeded MaxWaiting');
      return;
    }
    const r: PullRequest = {
      reply,
      batch,
      maxBytes,
      expires: expiresNs > 0 ? Date.now() + Math.max(1, Math.floor(expiresNs / 1e6)) : 0,
      noWait,
      hbMs: hbNs > 0 ? Math.max(1, Math.floor(hbNs / 1e6)) : 0,
      delivered: 0,
      lastSent: Date.now(),
    };
    if (noWait && !this.ackPendingFull() && this.rdq.length === 0 && this.numPending() === 0) {
      this.status(reply, '404 No Messages');
      return;
    }
    if (r.expires) {
      r.timer = setTimeout(() => this.expireRequest(r), r.expires - Date.now());
      r.timer.unref?.();
    }
    if (r.hbMs) {
      r.hbTimer = setInterval(() => {
        if (Date.now() - r.lastSent < r.hbMs - heartbeatSlack(r.hbMs)) return;
        r.lastSent = Date.now();
        this.stream.bus.publish(r.reply, undefined, this.heartbeatHeaders(), EMPTY);
      }, r.hbMs);
      r.hbTimer.unref?.();
    }
    this.waiting.push(r);
    this.schedule();
  }

  private ackPendingFull(): boolean {
    const max = this.config.max_ack_pending ?? 0;
    return this.config.ack_policy !== 'none' && max > 0 && this.pending.size >= max;
  }

  private heartbeatHeaders(stalled?: string): Uint8Array {
    const f: Array<[string, string]> = [
      ['Nats-Last-Consumer', String(this.dseq - 1)],
      ['Nats-Last-Stream', String(this.sseq - 1)],
    ];
    if (stalled) f.push(['Nats-Consumer-Stalled', stalled]);
    return buildHeaders(f, '100 Idle Heartbeat');
  }

  private clearRequest(r: PullRequest): void {
    if (r.timer) clearTimeout(r.timer);
    if (r.hbTimer) clearInterval(r.hbTimer);
    r.timer = undefined;
    r.hbTimer = undefined;
  }

  private removeRequest(r: PullRequest): void {
    this.clearRequest(r);
    const i = this.waiting.indexOf(r);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private expireRequest(r: PullRequest): void {
    if (!this.waiting.includes(r)) return;
    this.finishRequest(r, '408 Request Timeout', true);
  }

  /** Ends a pull request, telling the client why (no status when the batch was simply filled). */
  private finishRequest(r: PullRequest, status: string | undefined, withPending = false): void {
    this.removeRequest(r);
    if (!status) return;
    if (withPending || status.startsWith('409 Message Size')) {
      this.status(r.reply, status, [
        ['Nats-Pending-Messages', String(r.batch)],
        ['Nats-Pending-Bytes', String(Math.max(0, r.maxBytes))],
      ]);
    } else {
      this.status(r.reply, status);
    }
  }

  private status(reply: string, status: string, fields: Array<[string, string]> = []): void {
    this.stream.bus.publish(reply, undefined, buildHeaders(fields, status), EMPTY);
  }

  // ---- push ----

  private pollInterest(): void {
    if (this.pollTimer || this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.schedule();
    }, 50);
    this.pollTimer.unref?.();
  }

  private sendFlowControl(): void {
    const subj = `$JS.FC.${this.stream.name}.${this.name}.${randomName(4)}`;
    this.fcOutstanding = subj;
    this.stream.bus.publish(
      this.config.deliver_subject as string,
      subj,
      buildHeaders([], '100 FlowControl Request'),
      EMPTY,
    );
  }

  private onFlowControlReply(subject: string): void {
    if (subject !== this.fcOutstanding) return;
    this.fcOutstanding = undefined;
    this.fcBytes = 0;
    this.fcMsgs = 0;
    this.schedule();
  }

  private pushHeartbeat(ms: number): void {
    if (this.stopped) return;
    const ds = this.config.deliver_subject as string;
    if (Date.now() - this.lastDeliveryWall < ms - heartbeatSlack(ms)) return;
    if (!this.stream.bus.hasInterest(ds)) return;
    this.lastDeliveryWall = Date.now();
    this.stream.bus.publish(ds, undefined, this.heartbeatHeaders(this.fcOutstanding), EMPTY);
  }

  private checkInactive(thresholdMs: number): void {
    if (this.stopped) return;
    const bus = this.stream.bus;
    if (this.isPull) {
      if (this.waiting.length > 0) this.lastActivity = Date.now();
    } else if (bus.hasInterest(this.config.deliver_subject as string)) {
      this.lastActivity = Date.now();
    }
    if (Date.now() - this.lastActivity > thresholdMs) this.hooks.inactive(this);
  }

  private advisory(kind: string, body: Record<string, unknown>): void {
    const { type, ...rest } = body;
    this.stream.host.advisory(
      `$JS.EVENT.ADVISORY.CONSUMER.${kind}.${this.stream.name}.${this.name}`,
      {
        type,
        id: randomName(22),
        timestamp: rfc3339(nowNs()),
        stream: this.stream.name,
        consumer: this.name,
        ...rest,
      },
      this.stream.account,
    );
  }

  // ---- persistence ----

  /**
   * Saves state at most every PERSIST_MS (1 s, the default fsync interval of the messages): the file
   * store syncs each save, which at 10 saves a second was 8% of a pull consumer's CPU. A crash loses
   * at most that window of acks, which means redelivery, never a skipped message; a clean stop saves.
   */
  private persist(): void {
    if (this.persistQueued || this.stopped) return;
    this.persistQueued = true;
    const t = setTimeout(() => {
      this.persistQueued = false;
      if (!this.stopped) this.persistNow();
    }, PERSIST_MS);
    t.unref?.();
  }

  persistNow(): void {
    const p: PersistedConsumer = {
      config: this.config,
      created: this.created.toString(),
      dseq: this.dseq,
      sseq: this.sseq,
      ackFloor: [this.ackFloor.c, this.ackFloor.s],
      pending: [...this.pending].map(([s, e]) => [s, e.dseq, e.ts.toString()]),
      rdc: [...this.rdc],
    };
    if (this.lastDeliveredAt) p.lastDelivered = this.lastDeliveredAt.toString();
    if (this.lastAckAt) p.lastAck = this.lastAckAt.toString();
    if (this.lps.length) {
      p.lps = this.lps;
      p.lpsEnd = this.lpsEnd;
    }
    try {
      this.stream.store.saveConsumerState(this.name, utf8(JSON.stringify(p)));
    } catch (e) {
      this.stream.host.log(
        'warn',
        `consumer ${this.stream.name}/${this.name}: state not saved: ${(e as Error).message}`,
      );
    }
  }

  // ---- info ----

  info(): Record<string, unknown> {
    // Requests whose requester went away do not count as waiting (nats-server prunes them too).
    const bus = this.stream.bus;
    for (const r of [...this.waiting]) if (!bus.hasInterest(r.reply)) this.removeRequest(r);
    const delivered: Record<string, unknown> = { consumer_seq: this.dseq - 1, stream_seq: this.sseq - 1 };
    if (this.lastDeliveredAt) delivered.last_active = rfc3339(this.lastDeliveredAt);
    const ackFloor: Record<string, unknown> = { consumer_seq: this.ackFloor.c, stream_seq: this.ackFloor.s };
    if (this.lastAckAt) ackFloor.last_active = rfc3339(this.lastAckAt);
    let redelivered = 0;
    for (const [s] of this.rdc) if (this.pending.has(s)) redelivered++;
    const o: Record<string, unknown> = {
      stream_name: this.stream.name,
      name: this.name,
      created: rfc3339(this.created),
      config: consumerConfigJson(this.config),
      delivered,
      ack_floor: ackFloor,
      num_ack_pending: this.pending.size,
      num_redelivered: redelivered,
      num_waiting: this.waiting.length,
      num_pending: this.numPending(),
    };
    if (!this.isPull && this.stream.bus.hasInterest(this.config.deliver_subject as string))
      o.push_bound = true;
    return o;
  }
}
