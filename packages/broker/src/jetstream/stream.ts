import { subjectMatches } from '../router/subject.js';
import { fileStoreMsgSize } from '../store/file-store.js';
import { memStoreMsgSize } from '../store/memory-store.js';
import { type StoredMessage, StoreError, type StoreLimits, type StreamStore } from '../store/types.js';
import type { JsBus, JsClientInfo } from './bus.js';
import type { Consumer } from './consumer.js';
import { ApiError, Errors } from './errors.js';
import { type StreamConfig, streamConfigJson } from './stream-config.js';
import {
  appendHeaders,
  buildHeaders,
  EMPTY,
  goJson,
  header,
  nowNs,
  parseHeaders,
  rfc3339,
  str,
  utf8,
} from './util.js';

/** What a stream needs from the JetStream instance that owns it. */
export interface StreamHost {
  /** The message bus of one account's subject space. */
  busFor(account: string): JsBus;
  /** Publishes an advisory in `account` when someone listens (nats-server skips uninterested advisories too). */
  advisory(subject: string, body: Record<string, unknown>, account?: string): void;
  /** Persists the stream's config after an update. */
  saveMeta(stream: Stream): void;
  /** A message was stored in `stream` (mirrors and sources of it catch up). */
  stored(stream: Stream): void;
  /** File streams batch their writes per tick and send PubAcks after the batch is written. */
  readonly deferAcks: boolean;
  /** Whether the server-wide memory/file limit leaves room for `bytes` more. */
  hasRoom(storage: 'file' | 'memory', bytes: number): boolean;
  /** Whether the account's memory/file limit leaves room for a record of `stored` bytes. */
  accountHasRoom(storage: 'file' | 'memory', stored: number, account: string): boolean;
  /** Looks up a stream of the same account (for mirrors and sources). */
  findStream(account: string, name: string): Stream | undefined;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
}

export function storeLimits(c: StreamConfig): StoreLimits {
  return {
    maxMsgs: c.max_msgs,
    maxBytes: c.max_bytes,
    maxAgeNs: BigInt(c.max_age),
    maxMsgsPerSubject: c.max_msgs_per_subject,
    maxMsgSize: c.max_msg_size,
    discard: c.discard,
    discardNewPerSubject: !!c.discard_new_per_subject,
  };
}

const STORE_ERRORS: Record<string, string> = {
  MAX_MSGS: 'maximum messages exceeded',
  MAX_BYTES: 'maximum bytes exceeded',
  MAX_MSGS_PER_SUBJECT: 'maximum messages per subject exceeded',
};

interface DedupeEntry {
  seq: number;
  ts: bigint;
}

/** One stream: its subscriptions, publish path, store and consumers. */
export class Stream {
  readonly consumers = new Map<string, Consumer>();
  private subs: Array<{ unsubscribe(): void }> = [];
  private dedupe = new Map<string, DedupeEntry>();
  private lastMsgId = '';
  private expireTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly host: StreamHost,
    readonly account: string,
    public config: StreamConfig,
    readonly created: bigint,
    readonly store: StreamStore,
  ) {
    this.bus = host.busFor(account);
  }

  /** The account's message bus: the stream's subjects, acks and replies live in its subject space. */
  readonly bus: JsBus;

  get name(): string {
    return this.config.name;
  }

  /** Subscribes to the stream's subjects (and the direct-get subjects) and starts expiry. */
  start(): void {
    this.subscribe();
    this.scheduleExpire();
    // Sources catch up after the create response, as nats-server's source consumers do.
    setImmediate(() => this.syncSources());
  }

  private subscribe(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    const bus = this.bus;
    for (const subj of this.config.subjects ?? []) {
      this.subs.push(bus.subscribe(subj, (s, r, h, d, c) => this.onPublish(s, r, h, d, c)));
    }
    if (this.config.allow_direct) {
      const base = `$JS.API.DIRECT.GET.${this.name}`;
      this.subs.push(bus.subscribe(base, (s, r, _h, d) => this.onDirectGet(s, r, d, undefined), '_sys_'));
      this.subs.push(
        bus.subscribe(
          `${base}.>`,
          (s, r, _h, d) => this.onDirectGet(s, r, d, s.slice(base.length + 1)),
          '_sys_',
        ),
      );
    }
  }

  /** Applies a validated new config. */
  update(next: StreamConfig): void {
    const resub =
      JSON.stringify(next.subjects) !== JSON.stringify(this.config.subjects) ||
      next.allow_direct !== this.config.allow_direct;
    this.config = next;
    this.store.updateLimits(storeLimits(next));
    if (resub) this.subscribe();
    this.scheduleExpire();
    for (const c of this.consumers.values()) c.onStreamChanged();
  }

  async stop(): Promise<void> {
    this.closed = true;
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    if (this.expireTimer) clearTimeout(this.expireTimer);
    for (const c of this.consumers.values()) c.stop(false);
  }

  // ---- publish path (stream.go processJetStreamMsg) ----

  private onPublish(
    subject: string,
    reply: string | undefined,
    hdr: Uint8Array | undefined,
    data: Uint8Array,
    _client: JsClientInfo | undefined,
  ): void {
    if (this.closed) return;
    const res = this.processPublish(subject, hdr, data);
    if (!reply || this.config.no_ack) return;
    let body: string;
    if (res instanceof ApiError) {
      body = goJson({ error: res.toJSON(), stream: this.name, seq: 0 });
    } else if (res.duplicate) {
      body = `${this.ackPrefix}${res.seq},"duplicate": true}`;
    } else {
      body = `${this.ackPrefix}${res.seq}}`;
    }
    if (!this.host.deferAcks || this.config.storage !== 'file') {
      this.bus.publish(reply, undefined, undefined, utf8(body));
      return;
    }
    // The file store buffers this tick's appends; they are written in one go just before the broker
    // next writes to any connection, and the acks are queued only after that write succeeded, so a
    // killed process never loses an acknowledged message.
    this.pendingAcks.push(reply, body);
    if (this.pendingAcks.length === 2) this.bus.beforeFlush(this.flushAcks);
  }

  /** `{"stream":"<name>", "seq":` as nats-server prints it; the sequence follows (names never change). */
  private get ackPrefix(): string {
    if (this.ackPrefixText === '') this.ackPrefixText = `{"stream":${goJson(this.name)}, "seq":`;
    return this.ackPrefixText;
  }
  private ackPrefixText = '';

  /** Reply subjects and bodies, alternating, of PubAcks waiting for this tick's write. */
  private pendingAcks: string[] = [];
  private ackRetry: NodeJS.Timeout | undefined;

  private readonly flushAcks = (): void => {
    if (this.closed) this.pendingAcks = [];
    if (this.ackRetry !== undefined || this.pendingAcks.length === 0) return;
    try {
      this.store.commitWrites();
    } catch (err) {
      // Nothing is acknowledged before it is written: keep the acks and try the write again shortly.
      // Appends fail on their own once the write buffer is full, so what waits here is bounded.
      this.host.log('warn', `stream ${this.name}: write failed, acks held back: ${(err as Error).message}`);
      this.ackRetry = setTimeout(() => {
        this.ackRetry = undefined;
        if (this.closed) return;
        this.bus.beforeFlush(this.flushAcks);
      }, 200);
      this.ackRetry.unref?.();
      return;
    }
    const acks = this.pendingAcks;
    this.pendingAcks = [];
    for (let i = 0; i < acks.length; i += 2) {
      // Buffer.from takes small strings from a shared slab: cheaper than TextEncoder per ack.
      this.bus.publish(acks[i] as string, undefined, undefined, Buffer.from(acks[i + 1] as string));
    }
  };

  /** Stores one message, applying dedupe, expectations, rollups and limits. */
  processPublish(
    subject: string,
    hdr: Uint8Array | undefined,
    data: Uint8Array,
  ): ApiError | { seq: number; duplicate?: boolean } {
    const c = this.config;
    if (c.sealed) return Errors.streamSealed();
    const size = (hdr?.length ?? 0) + data.length;
    if (c.max_msg_size >= 0 && size > c.max_msg_size) return Errors.streamMessageExceedsMaximum();
    if (hdr && hdr.length > 64 * 1024) return Errors.streamHeaderExceedsMaximum();
    const slen = Buffer.byteLength(subject);
    const stored =
      c.storage === 'memory'
        ? memStoreMsgSize(slen, hdr?.length ?? 0, data.length)
        : fileStoreMsgSize(slen, hdr?.length ?? 0, data.length);
    if (!this.host.accountHasRoom(c.storage, stored, this.account)) return Errors.accountResourcesExceeded();
    if (!this.host.hasRoom(c.storage, size)) return Errors.insufficientResources();
    const h = parseHeaders(hdr);
    let msgId: string | undefined;
    let rollup: string | undefined;
    if (h) {
      // Only messages with headers use the de-duplication state (Nats-Msg-Id, -Expected-Last-Msg-Id).
      if (!this.dedupeLoaded) this.rebuildDedupe();
      msgId = header(h, 'Nats-Msg-Id') || undefined;
      if (msgId) {
        this.pruneDedupe();
        const d = this.dedupe.get(msgId);
        if (d) return { seq: d.seq, duplicate: true };
      }
      const es = header(h, 'Nats-Expected-Stream');
      if (es && es !== this.name) return Errors.streamNotMatch();
      const state = this.store.state();
      const els = header(h, 'Nats-Expected-Last-Sequence');
      if (els !== undefined && Number(els) !== state.lastSeq)
        return Errors.streamWrongLastSequence(state.lastSeq);
      const elss = header(h, 'Nats-Expected-Last-Subject-Sequence');
      if (elss !== undefined) {
        const last = this.store.last(subject)?.seq ?? 0;
        if (Number(elss) !== last) return Errors.streamWrongLastSequence(last);
      }
      const elid = header(h, 'Nats-Expected-Last-Msg-Id');
      if (elid !== undefined && elid !== this.lastMsgId) return Errors.streamWrongLastMsgId(this.lastMsgId);
      rollup = header(h, 'Nats-Rollup');
      if (rollup !== undefined) {
        if (!c.allow_rollup_hdrs || c.deny_purge) return Errors.streamRollupFailed('rollup not permitted');
        if (rollup !== 'sub' && rollup !== 'all')
          return Errors.streamRollupFailed(`rollup value invalid: "${rollup}"`);
      }
    }
    // Republished messages carry the previous sequence of the same subject.
    const prevOnSubject = c.republish ? (this.store.last(subject)?.seq ?? 0) : 0;
    let seq: number;
    let ts: bigint;
    try {
      const r = this.store.append(subject, hdr && hdr.length > 0 ? hdr : undefined, data, nowNs());
      seq = r.seq;
      ts = r.time;
    } catch (e) {
      if (e instanceof StoreError) {
        if (e.code === 'MAX_MSG_SIZE') return Errors.streamMessageExceedsMaximum();
        return Errors.streamStoreFailed(STORE_ERRORS[e.code] ?? e.message);
      }
      return Errors.streamStoreFailed(String((e as Error).message ?? e));
    }
    if (msgId) this.dedupe.set(msgId, { seq, ts });
    // nats-server tracks the id of the last stored message, empty when it had none.
    this.lastMsgId = msgId ?? '';
    if (rollup === 'sub') this.store.purge({ filter: subject, upToSeq: seq });
    else if (rollup === 'all') this.store.purge({ upToSeq: seq });
    if (rollup) for (const cons of this.consumers.values()) cons.onPurged();
    if (c.republish) this.republish(subject, hdr, data, seq, prevOnSubject);
    this.host.stored(this);
    // Interest retention keeps nothing nobody is interested in; a work queue waits for its consumer.
    if (c.retention === 'interest' && !this.anyConsumerWants(subject)) {
      this.store.remove(seq);
    } else {
      for (const cons of this.consumers.values()) cons.onStored(seq, subject);
    }
    return { seq };
  }

  private republish(
    subject: string,
    hdr: Uint8Array | undefined,
    data: Uint8Array,
    seq: number,
    last: number,
  ): void {
    const rp = this.config.republish;
    if (!rp) return;
    const src = rp.src || '>';
    if (!subjectMatches(src, subject)) return;
    let dest = rp.dest;
    if (dest.endsWith('>') && src.endsWith('>')) {
      const prefix = src.slice(0, -1);
      dest = dest.slice(0, -1) + subject.slice(prefix.length);
    }
    const fields: Array<[string, string]> = [
      ['Nats-Stream', this.name],
      ['Nats-Subject', subject],
      ['Nats-Sequence', String(seq)],
      ['Nats-Last-Sequence', String(last)],
    ];
    if (rp.headers_only) fields.push(['Nats-Msg-Size', String(data.length)]);
    this.bus.publish(dest, undefined, appendHeaders(hdr, fields), rp.headers_only ? EMPTY : data);
  }

  private anyConsumerWants(subject: string): boolean {
    for (const c of this.consumers.values()) if (c.matches(subject)) return true;
    return false;
  }

  /** Interest/workqueue retention: drop `seq` once no consumer still needs it. */
  checkInterest(seq: number): void {
    if (this.config.retention === 'limits') return;
    const m = this.store.get(seq);
    if (!m) return;
    for (const c of this.consumers.values()) if (c.matches(m.subject) && c.needsAck(seq)) return;
    this.store.remove(seq);
  }

  private pruneDedupe(): void {
    const cutoff = nowNs() - BigInt(this.config.duplicate_window) * 1n;
    for (const [k, v] of this.dedupe) {
      if (v.ts >= cutoff) break;
      this.dedupe.delete(k);
    }
  }

  /** Rebuilds the Nats-Msg-Id window from the stored messages that are still inside it. */
  /** Whether the dedupe map and lastMsgId reflect the stored messages (see rebuildDedupe). */
  private dedupeLoaded = false;

  /**
   * Rebuilds the dedupe map from the messages inside duplicate_window. Done on the first publish with
   * headers rather than at start, as nats-server does, so a restart does not read every recent
   * message; publishes without headers meanwhile need none of it (and keep lastMsgId right: '').
   */
  private rebuildDedupe(): void {
    this.dedupeLoaded = true;
    const st = this.store.state();
    if (st.messages === 0 || this.config.duplicate_window <= 0) return;
    const cutoff = nowNs() - BigInt(this.config.duplicate_window);
    // Binary search for the first message inside the window, then read forward: the file store
    // reads ahead, so a forward scan costs one pass over the window.
    let lo = st.firstSeq;
    let hi = st.lastSeq + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const m = this.store.next(mid);
      if (!m || m.time >= cutoff) hi = mid;
      else lo = m.seq + 1;
    }
    let lastId = '';
    for (let m = this.store.next(lo); m; m = this.store.next(m.seq + 1)) {
      const id = m.headers ? header(parseHeaders(m.headers), 'Nats-Msg-Id') : undefined;
      if (id) this.dedupe.set(id, { seq: m.seq, ts: m.time });
      lastId = id ?? '';
    }
    this.lastMsgId = lastId;
  }

  private scheduleExpire(): void {
    if (this.expireTimer) clearTimeout(this.expireTimer);
    this.expireTimer = undefined;
    if (this.config.max_age <= 0 || this.closed) return;
    const tick = Math.max(10, Math.min(1000, Math.floor(this.config.max_age / 1e6 / 4)));
    this.expireTimer = setTimeout(() => {
      try {
        const n = this.store.expire(nowNs());
        if (n > 0) for (const c of this.consumers.values()) c.onPurged();
      } catch (e) {
        this.host.log('warn', `stream ${this.name}: expire failed: ${(e as Error).message}`);
      }
      this.scheduleExpire();
    }, tick);
    this.expireTimer.unref?.();
  }

  // ---- mirrors and sources (local streams only) ----

  private sourcePos = new Map<string, number>();
  private sourceActive = new Map<string, bigint>();
  private syncing = false;

  private sourceKey(name: string): string {
    return `$src.${name}`;
  }

  /** Copies what the mirrored/sourced streams stored since last time. */
  syncSources(): void {
    if (this.syncing || this.closed) return;
    const list = this.config.mirror ? [this.config.mirror] : (this.config.sources ?? []);
    if (list.length === 0) return;
    this.syncing = true;
    try {
      for (const src of list) {
        const origin = this.host.findStream(this.account, src.name);
        if (!origin) continue;
        let pos = this.sourcePos.get(src.name);
        if (pos === undefined) {
          const saved = this.store.loadConsumerStates().get(this.sourceKey(src.name));
          pos = saved
            ? Number(new TextDecoder().decode(saved))
            : this.startSeq(origin, src.opt_start_seq, src.opt_start_time);
        }
        let copied = 0;
        for (
          let m = origin.store.next(pos, src.filter_subject);
          m;
          m = origin.store.next(m.seq + 1, src.filter_subject)
        ) {
          const hdr = this.config.mirror
            ? m.headers
            : appendHeaders(m.headers, [['Nats-Stream-Source', `${origin.name} ${m.seq}`]]);
          try {
            // A mirror keeps the origin's sequences: its deleted and purged ones stay unused here too.
            if (this.config.mirror) this.store.skipTo(m.seq - 1);
            this.store.append(m.subject, hdr, m.data, m.time);
          } catch (e) {
            this.host.log(
              'warn',
              `stream ${this.name}: copying ${origin.name}/${m.seq} failed: ${(e as Error).message}`,
            );
          }
          pos = m.seq + 1;
          copied++;
        }
        this.sourcePos.set(src.name, pos);
        if (copied > 0) {
          this.sourceActive.set(src.name, nowNs());
          this.store.saveConsumerState(this.sourceKey(src.name), utf8(String(pos)));
          for (const c of this.consumers.values()) c.onStored(0, '>');
          for (const c of this.consumers.values()) c.onStreamChanged();
          this.host.stored(this);
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  private startSeq(origin: Stream, seq?: number, time?: string): number {
    if (seq) return seq;
    if (time) {
      const t = Date.parse(time) * 1e6;
      for (let m = origin.store.next(1); m; m = origin.store.next(m.seq + 1))
        if (Number(m.time) >= t) return m.seq;
      return origin.store.state().lastSeq + 1;
    }
    return 1;
  }

  private sourceInfo(name: string): Record<string, unknown> {
    const origin = this.host.findStream(this.account, name);
    const pos = this.sourcePos.get(name) ?? 1;
    const lag = origin ? Math.max(0, origin.store.state().lastSeq - pos + 1) : 0;
    const at = this.sourceActive.get(name);
    return { name, lag, active: at ? Number(nowNs() - at) : -1 };
  }

  // ---- message access ----

  /** STREAM.MSG.GET lookup: `seq`, `last_by_subj` or `next_by_subj` (from `seq`). */
  lookup(req: { seq?: number; last_by_subj?: string; next_by_subj?: string }): StoredMessage | undefined {
    if (req.last_by_subj) return this.store.last(req.last_by_subj);
    if (req.next_by_subj) return this.store.next(Math.max(1, req.seq ?? 1), req.next_by_subj);
    if (req.seq) return this.store.get(req.seq);
    return undefined;
  }

  private onDirectGet(
    _subject: string,
    reply: string | undefined,
    data: Uint8Array,
    lastBySubject: string | undefined,
  ): void {
    if (!reply) return;
    const bus = this.bus;
    const status = (s: string) => bus.publish(reply, undefined, buildHeaders([], s), EMPTY);
    let m: StoredMessage | undefined;
    if (lastBySubject !== undefined) {
      if (data.length > 0) {
        status('408 Bad Request');
        return;
      }
      m = this.store.last(lastBySubject);
    } else {
      if (data.length === 0) {
        status('408 Empty Request');
        return;
      }
      let req: Record<string, unknown>;
      try {
        req = JSON.parse(str(data));
      } catch {
        status('408 Malformed Request');
        return;
      }
      const seq = typeof req.seq === 'number' ? req.seq : undefined;
      const lbs = typeof req.last_by_subj === 'string' ? req.last_by_subj : undefined;
      const nbs = typeof req.next_by_subj === 'string' ? req.next_by_subj : undefined;
      if ((seq === undefined || seq === 0) && !lbs && !nbs) {
        status('408 Bad Request');
        return;
      }
      if (lbs && (seq || nbs)) {
        status('408 Bad Request');
        return;
      }
      m = this.lookup({ seq, last_by_subj: lbs, next_by_subj: nbs });
    }
    if (!m) {
      status('404 Message Not Found');
      return;
    }
    const hdr = appendHeaders(m.headers, [
      ['Nats-Stream', this.name],
      ['Nats-Subject', m.subject],
      ['Nats-Sequence', String(m.seq)],
      ['Nats-Time-Stamp', rfc3339(m.time)],
    ]);
    bus.publish(reply, undefined, hdr, m.data);
  }

  // ---- info ----

  stateJson(opts: { subjectsFilter?: string; deletedDetails?: boolean } = {}): Record<string, unknown> {
    const st = this.store.state();
    const o: Record<string, unknown> = {
      messages: st.messages,
      bytes: st.bytes,
      first_seq: st.firstSeq,
      first_ts: rfc3339(st.messages > 0 ? st.firstTime : 0n),
      last_seq: st.lastSeq,
      last_ts: rfc3339(st.lastTime),
    };
    if (st.numSubjects > 0) o.num_subjects = st.numSubjects;
    if (opts.subjectsFilter) {
      const subs = this.store.subjects(opts.subjectsFilter);
      if (subs.size > 0) o.subjects = Object.fromEntries(subs);
    }
    if (st.numDeleted > 0) {
      o.num_deleted = st.numDeleted;
      if (opts.deletedDetails) {
        const del: number[] = [];
        for (let s = st.firstSeq; s <= st.lastSeq && del.length < st.numDeleted; s++)
          if (!this.store.get(s)) del.push(s);
        o.deleted = del;
      }
    }
    o.consumer_count = this.consumers.size;
    return o;
  }

  /** StreamInfo body (config, created, state). */
  info(opts: { subjectsFilter?: string; deletedDetails?: boolean } = {}): Record<string, unknown> {
    const o: Record<string, unknown> = {
      config: streamConfigJson(this.config),
      created: rfc3339(this.created),
      state: this.stateJson(opts),
    };
    if (this.config.mirror) o.mirror = this.sourceInfo(this.config.mirror.name);
    if (this.config.sources) o.sources = this.config.sources.map((x) => this.sourceInfo(x.name));
    return o;
  }
}
