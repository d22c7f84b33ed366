// The bookkeeping both stores share: a seq-indexed columnar index (one slot per sequence, holes for
// deletes), a per-subject index (count, first, last and a doubly linked list of that subject's
// sequences), limit enforcement and the purge/pending semantics of nats-server's memstore/filestore.
// Subclasses decide where the payload lives and how removals are made durable.

import { isAllFilter, isLiteralSubject, matchTokens, tokenizeFilter } from './subject-match.js';
import {
  type PurgeRequest,
  type StoredMessage,
  StoreError,
  type StoreLimits,
  type StoreState,
  type StreamStore,
} from './types.js';

interface SubjectState {
  id: number;
  subject: string;
  msgs: number;
  first: number;
  last: number;
}

/** The scalars of an index snapshot; slots cover sequences [lo, lo + n). */
export interface IndexHead {
  msgs: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: bigint;
  lastTime: bigint;
  lo: number;
  n: number;
}

/** Per-slot columns: subject id (-1 for a hole), accounted size, time, and the subclass's columns. */
export interface IndexColumns {
  sid: Int32Array;
  sizes: Uint32Array;
  times: BigInt64Array;
  ext: Uint32Array[];
}

export interface IndexImage extends IndexHead, IndexColumns {
  /** Subject by id; undefined for a free id. */
  subjects: (string | undefined)[];
}

const CHUNK_SHIFT = 10;
const CHUNK = 1 << CHUNK_SHIFT;
const MIN_CAP = 1024;
const EMPTY = -1;

const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Wall-clock nanoseconds since the epoch, monotonic within the process. */
export function nowNs(): bigint {
  return process.hrtime.bigint() + epochOffsetNs;
}

/** Limits that enforce nothing. */
export const UNLIMITED: StoreLimits = Object.freeze({
  maxMsgs: -1,
  maxBytes: -1,
  maxAgeNs: 0n,
  maxMsgsPerSubject: -1,
  maxMsgSize: -1,
  discard: 'old',
  discardNewPerSubject: false,
});

export abstract class IndexedStore<P = never> implements StreamStore {
  protected limits: StoreLimits;
  protected closed = false;
  /** Set while an append that failed to persist is rolled back (no onRemove). */
  private undoing = false;

  protected msgs = 0;
  protected bytes = 0;
  protected firstSeq = 0;
  protected lastSeq = 0;
  protected firstTime = 0n;
  protected lastTime = 0n;

  // Slot i describes sequence base + i.
  protected base = 1;
  private cap = 0;
  protected sid = new Int32Array(0);
  protected sizes = new Uint32Array(0);
  protected times = new BigInt64Array(0);
  private prevSame = new Float64Array(0);
  private nextSame = new Float64Array(0);
  private chunkLive = new Int32Array(0);
  /** Extra per-slot columns a subclass asked for (e.g. block id, offset, record length). */
  protected ext: Uint32Array[] = [];
  /** Per-slot payload objects (the memory store keeps its messages here). */
  protected payload: (P | undefined)[] = [];

  private subjById: (SubjectState | undefined)[] = [];
  private freeIds: number[] = [];
  private subjMap = new Map<string, SubjectState>();
  private subjGen = 0;
  private markCache = new Map<string, { gen: number; mark: Uint8Array; states: SubjectState[] }>();

  protected constructor(
    limits: StoreLimits,
    private readonly extColumns = 0,
  ) {
    this.limits = { ...limits };
    this.alloc(MIN_CAP, 1);
  }

  /** Accounted size of one message, as nats-server reports it in the stream's `bytes`. */
  protected abstract msgSize(slen: number, hlen: number, dlen: number): number;
  /** Makes a just-indexed message durable (or keeps its payload). */
  protected abstract persist(
    seq: number,
    idx: number,
    subject: string,
    headers: Uint8Array | undefined,
    data: Uint8Array,
    time: bigint,
  ): void;
  protected abstract load(seq: number, idx: number, subject: string): StoredMessage | undefined;
  /** Called before a slot is cleared. `explicit` is false for removals the limits derive. */
  protected abstract onRemove(seq: number, idx: number, erase: boolean, explicit: boolean): void;
  /** Called after every message was dropped at once (purge all / compact past the end). */
  protected abstract onClearAll(): void;
  /** Called when a public operation finished removing messages. */
  protected abstract commitRemovals(explicit: boolean): void;
  abstract commitWrites(): void;

  // ---- columns --------------------------------------------------------------------------------

  private alloc(cap: number, base: number): void {
    this.cap = cap;
    this.base = base;
    this.sid = new Int32Array(cap).fill(EMPTY);
    this.sizes = new Uint32Array(cap);
    this.times = new BigInt64Array(cap);
    this.prevSame = new Float64Array(cap);
    this.nextSame = new Float64Array(cap);
    this.chunkLive = new Int32Array(cap >> CHUNK_SHIFT);
    this.ext = [];
    for (let i = 0; i < this.extColumns; i++) this.ext.push(new Uint32Array(cap));
    this.payload = [];
  }

  /** Makes room for `seq`, shifting out the dead head or growing. Returns its slot. */
  private slotFor(seq: number): number {
    let idx = seq - this.base;
    if (idx < this.cap) return idx;
    const newBase = this.msgs > 0 ? this.firstSeq : seq;
    const needed = seq - newBase + 1;
    let newCap = this.cap;
    while (newCap < needed * 2) newCap *= 2;
    const shift = newBase - this.base;
    const keep = Math.max(0, this.cap - shift);
    const copy = <T extends Int32Array | Uint32Array | BigInt64Array | Float64Array>(old: T, fresh: T): T => {
      if (keep > 0)
        (fresh as Int32Array).set((old as Int32Array).subarray(shift, shift + keep) as Int32Array);
      return fresh;
    };
    const sid = new Int32Array(newCap).fill(EMPTY);
    if (keep > 0) sid.set(this.sid.subarray(shift, shift + keep));
    this.sid = sid;
    this.sizes = copy(this.sizes, new Uint32Array(newCap));
    this.times = copy(this.times, new BigInt64Array(newCap));
    this.prevSame = copy(this.prevSame, new Float64Array(newCap));
    this.nextSame = copy(this.nextSame, new Float64Array(newCap));
    this.ext = this.ext.map((col) => copy(col, new Uint32Array(newCap)));
    if (this.payload.length > 0) {
      this.payload = shift >= this.payload.length ? [] : this.payload.slice(shift);
    }
    this.cap = newCap;
    this.base = newBase;
    this.chunkLive = new Int32Array(newCap >> CHUNK_SHIFT);
    for (let i = 0; i < keep; i++) if (sid[i]! >= 0) this.chunkLive[i >> CHUNK_SHIFT]!++;
    idx = seq - this.base;
    return idx;
  }

  /** The slot of a live message, or -1. */
  protected slotOf(seq: number): number {
    if (!Number.isInteger(seq)) return -1;
    const idx = seq - this.base;
    if (idx < 0 || idx >= this.cap || this.sid[idx]! < 0) return -1;
    return idx;
  }

  /** First live slot at or after `idx` (or -1), skipping empty chunks. */
  private nextLiveSlot(idx: number, endIdx: number): number {
    if (idx < 0) idx = 0;
    const sid = this.sid;
    while (idx <= endIdx) {
      if ((idx & (CHUNK - 1)) === 0 && this.chunkLive[idx >> CHUNK_SHIFT] === 0) {
        idx += CHUNK;
        continue;
      }
      if (sid[idx]! >= 0) return idx;
      idx++;
    }
    return -1;
  }

  /** Live messages in slots [from, to]. */
  private countLive(from: number, to: number): number {
    if (from < 0) from = 0;
    if (to >= this.cap) to = this.cap - 1;
    let n = 0;
    const sid = this.sid;
    while (from <= to) {
      if ((from & (CHUNK - 1)) === 0 && from + CHUNK - 1 <= to) {
        n += this.chunkLive[from >> CHUNK_SHIFT]!;
        from += CHUNK;
        continue;
      }
      if (sid[from]! >= 0) n++;
      from++;
    }
    return n;
  }

  // ---- index maintenance ----------------------------------------------------------------------

  /** Adds a message to the index; returns its slot. Sequence must be above lastSeq. */
  protected indexInsert(seq: number, subject: string, size: number, time: bigint): number {
    const idx = this.slotFor(seq);
    let ss = this.subjMap.get(subject);
    if (ss === undefined) {
      const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.subjById.length;
      ss = { id, subject, msgs: 0, first: seq, last: seq };
      this.subjById[id] = ss;
      this.subjMap.set(subject, ss);
      this.subjGen++;
      this.prevSame[idx] = 0;
    } else {
      this.prevSame[idx] = ss.last;
      this.nextSame[ss.last - this.base] = seq;
      ss.last = seq;
    }
    ss.msgs++;
    this.nextSame[idx] = 0;
    this.sid[idx] = ss.id;
    this.sizes[idx] = size;
    this.times[idx] = time;
    this.chunkLive[idx >> CHUNK_SHIFT]!++;
    if (this.msgs === 0) {
      this.firstSeq = seq;
      this.firstTime = time;
    }
    this.msgs++;
    this.bytes += size;
    this.lastSeq = seq;
    this.lastTime = time;
    return idx;
  }

  /** Removes a live message from the index. */
  protected indexRemove(seq: number, erase: boolean, explicit: boolean): boolean {
    const idx = this.slotOf(seq);
    if (idx < 0) return false;
    if (!this.undoing) this.onRemove(seq, idx, erase, explicit);
    const ss = this.subjById[this.sid[idx]!]!;
    const prev = this.prevSame[idx]!;
    const next = this.nextSame[idx]!;
    if (prev > 0) this.nextSame[prev - this.base] = next;
    if (next > 0) this.prevSame[next - this.base] = prev;
    ss.msgs--;
    if (ss.msgs === 0) {
      this.subjMap.delete(ss.subject);
      this.subjById[ss.id] = undefined;
      this.freeIds.push(ss.id);
      this.subjGen++;
    } else {
      if (ss.first === seq) ss.first = next;
      if (ss.last === seq) ss.last = prev;
    }
    this.sid[idx] = EMPTY;
    if (this.payload.length > idx) this.payload[idx] = undefined;
    this.chunkLive[idx >> CHUNK_SHIFT]!--;
    this.msgs--;
    this.bytes -= this.sizes[idx]!;
    if (seq === this.firstSeq) {
      if (this.msgs === 0) {
        this.firstSeq = this.lastSeq + 1;
        this.firstTime = 0n;
      } else {
        const n = this.nextLiveSlot(idx + 1, this.lastSeq - this.base);
        this.firstSeq = n + this.base;
        this.firstTime = this.times[n]!;
      }
    }
    return true;
  }

  /** Drops every message and moves the first sequence to `first` (>= lastSeq + 1 keeps lastSeq). */
  protected indexClearAll(first: number): void {
    this.subjMap.clear();
    this.subjById = [];
    this.freeIds = [];
    this.subjGen++;
    this.markCache.clear();
    this.msgs = 0;
    this.bytes = 0;
    if (first - 1 > this.lastSeq) this.lastSeq = first - 1;
    this.firstSeq = this.lastSeq + 1;
    this.firstTime = 0n;
    this.alloc(MIN_CAP, this.firstSeq);
  }

  /** Moves lastSeq forward without storing (recovery of erased records). */
  protected bumpLastSeq(seq: number, time?: bigint): void {
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    if (time !== undefined && time > this.lastTime) this.lastTime = time;
    if (this.msgs === 0) this.firstSeq = seq + 1;
  }

  protected subjectOfSlot(idx: number): string {
    return this.subjById[this.sid[idx]!]!.subject;
  }

  // ---- snapshots ------------------------------------------------------------------------------

  /** The index as columns over slots [lo, lo + n) (views, not copies) plus the subject table. */
  protected indexImage(): IndexImage {
    const live = this.msgs > 0;
    const lo = live ? this.firstSeq : this.lastSeq + 1;
    const n = live ? this.lastSeq - this.firstSeq + 1 : 0;
    const from = live ? lo - this.base : 0;
    const view = <T extends Int32Array | Uint32Array | BigInt64Array>(col: T): T =>
      col.subarray(from, from + n) as T;
    return {
      msgs: this.msgs,
      bytes: this.bytes,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      lo,
      n,
      sid: view(this.sid),
      sizes: view(this.sizes),
      times: view(this.times),
      ext: this.ext.map(view),
      subjects: this.subjById.map((ss) => ss?.subject),
    };
  }

  /** Empties the index and returns columns for slots [lo, lo + n) to be filled, then endIndexLoad. */
  protected beginIndexLoad(lo: number, n: number): IndexColumns {
    this.resetIndex();
    let cap = MIN_CAP;
    while (cap < n) cap *= 2;
    this.alloc(cap, lo);
    return {
      sid: this.sid.subarray(0, n),
      sizes: this.sizes.subarray(0, n),
      times: this.times.subarray(0, n),
      ext: this.ext.map((col) => col.subarray(0, n)),
    };
  }

  /**
   * Rebuilds the per-subject state from columns filled after beginIndexLoad and checks them against
   * `head`. Returns what is inconsistent, or undefined.
   */
  protected endIndexLoad(head: IndexHead, subjects: readonly (string | undefined)[]): string | undefined {
    const states = subjects.map((subject, id): SubjectState | undefined =>
      subject === undefined ? undefined : { id, subject, msgs: 0, first: 0, last: 0 },
    );
    const { sid, sizes, prevSame, nextSame, chunkLive } = this;
    let msgs = 0;
    let bytes = 0;
    let first = 0;
    for (let i = 0; i < head.n; i++) {
      const id = sid[i]!;
      if (id < 0) {
        if (id !== EMPTY) return `slot ${i} has subject id ${id}`;
        continue;
      }
      const ss = states[id];
      if (ss === undefined) return `slot ${i} has unknown subject id ${id}`;
      const seq = head.lo + i;
      if (ss.msgs === 0) {
        ss.first = seq;
        prevSame[i] = 0;
      } else {
        prevSame[i] = ss.last;
        nextSame[ss.last - head.lo] = seq;
      }
      nextSame[i] = 0;
      ss.last = seq;
      ss.msgs++;
      chunkLive[i >> CHUNK_SHIFT]!++;
      if (msgs === 0) first = seq;
      msgs++;
      bytes += sizes[i]!;
    }
    if (msgs !== head.msgs || bytes !== head.bytes) {
      return `it counts ${head.msgs} messages / ${head.bytes} bytes, its slots ${msgs} / ${bytes}`;
    }
    if (msgs > 0 && (first !== head.firstSeq || this.times[0] !== head.firstTime)) {
      return `first sequence ${head.firstSeq} is not its first live slot ${first}`;
    }
    if (msgs === 0 && head.firstSeq !== head.lastSeq + 1) return 'an empty index with a gap';
    if (head.lastSeq < head.lo + head.n - 1) return 'slots past the last sequence';
    for (const ss of states) {
      if (ss === undefined) continue;
      if (ss.msgs === 0) return `subject ${ss.subject} has no messages`;
      if (this.subjMap.has(ss.subject)) return `subject ${ss.subject} is listed twice`;
      this.subjMap.set(ss.subject, ss);
    }
    this.subjById = states;
    this.freeIds = [];
    for (let id = states.length - 1; id >= 0; id--) if (states[id] === undefined) this.freeIds.push(id);
    this.subjGen++;
    this.msgs = msgs;
    this.bytes = bytes;
    this.firstSeq = head.firstSeq;
    this.lastSeq = head.lastSeq;
    this.firstTime = head.firstTime;
    this.lastTime = head.lastTime;
    return undefined;
  }

  /** Forgets everything, as a store that was never written. */
  protected resetIndex(): void {
    this.subjMap.clear();
    this.subjById = [];
    this.freeIds = [];
    this.subjGen++;
    this.markCache.clear();
    this.msgs = 0;
    this.bytes = 0;
    this.firstSeq = 0;
    this.lastSeq = 0;
    this.firstTime = 0n;
    this.lastTime = 0n;
    this.alloc(MIN_CAP, 1);
  }

  protected checkOpen(): void {
    if (this.closed) throw new StoreError('CLOSED', 'store is closed');
  }

  // ---- limits ---------------------------------------------------------------------------------

  protected enforcePerSubject(ss: SubjectState): void {
    const maxp = this.limits.maxMsgsPerSubject;
    if (maxp <= 0) return;
    while (ss.msgs > maxp) {
      if (!this.indexRemove(ss.first, false, false)) break;
    }
  }

  protected enforceMsgsAndBytes(): void {
    if (this.limits.discard !== 'old') return;
    const { maxMsgs, maxBytes } = this.limits;
    if (maxMsgs > 0) while (this.msgs > maxMsgs) this.indexRemove(this.firstSeq, false, false);
    if (maxBytes > 0)
      while (this.bytes > maxBytes && this.msgs > 0) this.indexRemove(this.firstSeq, false, false);
  }

  /** Applies all count limits, as after recovery or a limits update. */
  protected enforceAllLimits(): void {
    const maxp = this.limits.maxMsgsPerSubject;
    if (maxp > 0) {
      for (const ss of [...this.subjMap.values()]) if (ss.msgs > maxp) this.enforcePerSubject(ss);
    }
    this.enforceMsgsAndBytes();
  }

  // ---- StreamStore ----------------------------------------------------------------------------

  append(
    subject: string,
    headers: Uint8Array | undefined,
    data: Uint8Array,
    timeNs?: bigint,
  ): { seq: number; time: bigint } {
    this.checkOpen();
    const hlen = headers === undefined ? 0 : headers.length;
    const lim = this.limits;
    if (lim.maxMsgSize >= 0 && hlen + data.length > lim.maxMsgSize) {
      throw new StoreError('MAX_MSG_SIZE', 'message size exceeds maximum allowed');
    }
    const size = this.msgSize(Buffer.byteLength(subject), hlen, data.length);
    const ss = this.subjMap.get(subject);
    // At the per-subject limit, the append replaces that subject's oldest message.
    const atSubjLimit = ss !== undefined && lim.maxMsgsPerSubject > 0 && ss.msgs >= lim.maxMsgsPerSubject;
    if (lim.discard === 'new') {
      if (atSubjLimit && lim.discardNewPerSubject) {
        throw new StoreError('MAX_MSGS_PER_SUBJECT', 'maximum messages per subject exceeded');
      }
      if (lim.maxMsgs > 0 && this.msgs >= lim.maxMsgs && !atSubjLimit) {
        throw new StoreError('MAX_MSGS', 'maximum messages exceeded');
      }
      // nats-server refuses when the stream would reach (not only exceed) max_bytes.
      if (lim.maxBytes > 0 && this.bytes + size >= lim.maxBytes) {
        const oldIdx = atSubjLimit ? this.slotOf(ss.first) : -1;
        if (oldIdx < 0 || this.sizes[oldIdx]! < size) {
          throw new StoreError('MAX_BYTES', 'maximum bytes exceeded');
        }
      }
    }
    const seq = this.lastSeq + 1;
    const time = timeNs ?? nowNs();
    const prev = { firstSeq: this.firstSeq, firstTime: this.firstTime, lastTime: this.lastTime };
    const idx = this.indexInsert(seq, subject, size, time);
    try {
      this.persist(seq, idx, subject, headers, data, time);
    } catch (err) {
      // Nothing was stored: take the message back out of the index and give the sequence back.
      this.undoing = true;
      try {
        this.indexRemove(seq, false, false);
      } finally {
        this.undoing = false;
      }
      this.lastSeq = seq - 1;
      this.lastTime = prev.lastTime;
      if (this.msgs === 0) [this.firstSeq, this.firstTime] = [prev.firstSeq, prev.firstTime];
      throw err;
    }
    const before = this.msgs;
    if (lim.maxMsgsPerSubject > 0) this.enforcePerSubject(this.subjMap.get(subject)!);
    this.enforceMsgsAndBytes();
    if (this.msgs < before) this.commitRemovals(false);
    return { seq, time };
  }

  get(seq: number): StoredMessage | undefined {
    this.checkOpen();
    const idx = this.slotOf(seq);
    if (idx < 0) return undefined;
    return this.load(seq, idx, this.subjectOfSlot(idx));
  }

  next(fromSeq: number, filter?: string): StoredMessage | undefined {
    this.checkOpen();
    if (this.msgs === 0) return undefined;
    const from = Math.max(fromSeq, this.firstSeq);
    if (from > this.lastSeq) return undefined;
    let seq = -1;
    if (isAllFilter(filter)) {
      const idx = this.nextLiveSlot(from - this.base, this.lastSeq - this.base);
      if (idx >= 0) seq = idx + this.base;
    } else if (isLiteralSubject(filter!)) {
      const ss = this.subjMap.get(filter!);
      if (ss === undefined || ss.last < from) return undefined;
      if (from <= ss.first) seq = ss.first;
      else seq = this.walkSubjectFrom(ss, from);
    } else {
      const { mark, states } = this.matching(filter!);
      let end = -1;
      let best = Number.MAX_SAFE_INTEGER;
      for (const ss of states) {
        if (ss.last > end) end = ss.last;
        if (ss.first >= from && ss.first < best) best = ss.first;
      }
      if (end < from) return undefined;
      const stop = Math.min(end, best);
      for (let s = from; s <= stop; s++) {
        const id = this.sid[s - this.base]!;
        if (id >= 0 && mark[id] === 1) {
          seq = s;
          break;
        }
      }
    }
    return seq < 0 ? undefined : this.get(seq);
  }

  /** The first sequence >= from of a subject whose first < from <= last. */
  private walkSubjectFrom(ss: SubjectState, from: number): number {
    if (ss.last - from < from - ss.first) {
      let s = ss.last;
      let prev = s;
      while (s >= from) {
        prev = s;
        s = this.prevSame[s - this.base]!;
        if (s === 0) break;
      }
      return prev;
    }
    let s = ss.first;
    while (s < from) s = this.nextSame[s - this.base]!;
    return s;
  }

  last(filter: string): StoredMessage | undefined {
    this.checkOpen();
    if (this.msgs === 0) return undefined;
    if (isAllFilter(filter)) {
      for (let s = this.lastSeq; s >= this.firstSeq; s--) {
        if (this.slotOf(s) >= 0) return this.get(s);
      }
      return undefined;
    }
    if (isLiteralSubject(filter)) {
      const ss = this.subjMap.get(filter);
      return ss === undefined ? undefined : this.get(ss.last);
    }
    let best = 0;
    for (const ss of this.matching(filter).states) if (ss.last > best) best = ss.last;
    return best === 0 ? undefined : this.get(best);
  }

  remove(seq: number, erase = false): boolean {
    this.checkOpen();
    const ok = this.indexRemove(seq, erase, true);
    if (ok) this.commitRemovals(true);
    return ok;
  }

  skipTo(seq: number): void {
    this.checkOpen();
    if (seq <= this.lastSeq) return;
    this.bumpLastSeq(seq);
    this.persistSkip(seq);
  }

  /** Makes a skipTo durable (the file store writes a marker record). */
  protected persistSkip(_seq: number): void {}

  purge(req: PurgeRequest = {}): number {
    this.checkOpen();
    const upTo = req.upToSeq ?? 0;
    const keep = req.keep ?? 0;
    let purged = 0;
    if (isAllFilter(req.filter)) {
      if (keep === 0 && upTo === 0) purged = this.compact(this.lastSeq + 1);
      else if (upTo > 1) purged = this.compact(upTo);
      else if (keep > 0 && keep < this.msgs) purged = this.compact(this.lastSeq - keep + 1);
    } else {
      const filter = req.filter!;
      const literal = isLiteralSubject(filter);
      let count = 0;
      let first = Number.MAX_SAFE_INTEGER;
      let last = 0;
      let mark: Uint8Array | undefined;
      if (literal) {
        const ss = this.subjMap.get(filter);
        if (ss !== undefined) [count, first, last] = [ss.msgs, ss.first, ss.last];
      } else {
        const m = this.matching(filter);
        mark = m.mark;
        for (const ss of m.states) {
          count += ss.msgs;
          if (ss.first < first) first = ss.first;
          if (ss.last > last) last = ss.last;
        }
      }
      if (count === 0 || (keep > 0 && keep >= count)) return 0;
      const limit = keep > 0 ? count - keep : count;
      if (upTo > 1) last = Math.min(last, upTo - 1);
      if (literal) {
        let s = first;
        while (s > 0 && s <= last && purged < limit) {
          const next = this.nextSame[s - this.base]!;
          if (this.indexRemove(s, false, true)) purged++;
          s = next;
        }
      } else {
        for (let s = first; s <= last && purged < limit; s++) {
          const id = this.sid[s - this.base]!;
          if (id >= 0 && mark![id] === 1 && this.indexRemove(s, false, true)) purged++;
        }
      }
    }
    if (purged > 0 || isAllFilter(req.filter)) this.commitRemovals(true);
    return purged;
  }

  /** Removes everything below `seq`; past the end, the next append gets `seq`. */
  private compact(seq: number): number {
    if (seq > this.lastSeq) {
      const purged = this.msgs;
      this.indexClearAll(seq);
      this.onClearAll();
      return purged;
    }
    let purged = 0;
    while (this.msgs > 0 && this.firstSeq < seq) {
      this.indexRemove(this.firstSeq, false, true);
      purged++;
    }
    return purged;
  }

  state(): StoreState {
    this.checkOpen();
    return {
      messages: this.msgs,
      bytes: this.bytes,
      firstSeq: this.firstSeq,
      firstTime: this.firstTime,
      lastSeq: this.lastSeq,
      lastTime: this.lastTime,
      numDeleted: this.msgs > 0 ? this.lastSeq - this.firstSeq + 1 - this.msgs : 0,
      numSubjects: this.subjMap.size,
    };
  }

  subjects(filter?: string): Map<string, number> {
    this.checkOpen();
    const out = new Map<string, number>();
    if (isAllFilter(filter)) {
      for (const [s, ss] of this.subjMap) out.set(s, ss.msgs);
    } else if (isLiteralSubject(filter!)) {
      const ss = this.subjMap.get(filter!);
      if (ss !== undefined) out.set(filter!, ss.msgs);
    } else {
      for (const ss of this.matching(filter!).states) out.set(ss.subject, ss.msgs);
    }
    return out;
  }

  numPending(fromSeq: number, filter?: string, lastPerSubject = false): number {
    this.checkOpen();
    if (this.msgs === 0) return 0;
    const from = Math.max(fromSeq, this.firstSeq);
    if (from > this.lastSeq) return 0;
    if (isAllFilter(filter)) {
      if (lastPerSubject) {
        let n = 0;
        for (const ss of this.subjMap.values()) if (ss.last >= from) n++;
        return n;
      }
      if (from === this.firstSeq) return this.msgs;
      if (this.msgs === this.lastSeq - this.firstSeq + 1) return this.lastSeq - from + 1;
      return this.countLive(from - this.base, this.lastSeq - this.base);
    }
    if (isLiteralSubject(filter!)) {
      const ss = this.subjMap.get(filter!);
      if (ss === undefined || ss.last < from) return 0;
      if (lastPerSubject) return 1;
      if (from <= ss.first) return ss.msgs;
      let n = 0;
      for (let s = ss.last; s >= from && s > 0; s = this.prevSame[s - this.base]!) n++;
      return n;
    }
    const { mark, states } = this.matching(filter!);
    let n = 0;
    let partialFrom = Number.MAX_SAFE_INTEGER;
    let partialTo = 0;
    for (const ss of states) {
      if (ss.last < from) continue;
      if (lastPerSubject || from <= ss.first) {
        n += lastPerSubject ? 1 : ss.msgs;
        continue;
      }
      partialTo = Math.max(partialTo, ss.last);
      partialFrom = from;
    }
    for (let s = partialFrom; s <= partialTo; s++) {
      const id = this.sid[s - this.base]!;
      if (id >= 0 && mark[id] === 1) {
        const ss = this.subjById[id]!;
        if (ss.first < from) n++;
      }
    }
    return n;
  }

  updateLimits(limits: StoreLimits): void {
    this.checkOpen();
    this.limits = { ...limits };
    const before = this.msgs;
    this.enforceAllLimits();
    if (this.msgs < before) this.commitRemovals(true);
  }

  expire(now: bigint): number {
    this.checkOpen();
    const maxAge = this.limits.maxAgeNs;
    if (maxAge <= 0n || this.msgs === 0) return 0;
    const minAge = now - maxAge;
    let n = 0;
    while (this.msgs > 0 && this.times[this.firstSeq - this.base]! <= minAge) {
      this.indexRemove(this.firstSeq, false, false);
      n++;
    }
    if (n > 0) this.commitRemovals(false);
    return n;
  }

  /** The subject states matching a wildcard filter and a mark per subject id (cached per generation). */
  private matching(filter: string): { mark: Uint8Array; states: SubjectState[] } {
    const hit = this.markCache.get(filter);
    if (hit !== undefined && hit.gen === this.subjGen) return hit;
    const toks = tokenizeFilter(filter);
    const mark = new Uint8Array(this.subjById.length);
    const states: SubjectState[] = [];
    for (const ss of this.subjMap.values()) {
      if (matchTokens(toks, ss.subject)) {
        mark[ss.id] = 1;
        states.push(ss);
      }
    }
    if (this.markCache.size >= 64) this.markCache.clear();
    const entry = { gen: this.subjGen, mark, states };
    this.markCache.set(filter, entry);
    return entry;
  }

  abstract saveConsumerState(consumer: string, state: Uint8Array): void;
  abstract loadConsumerStates(): Map<string, Uint8Array>;
  abstract removeConsumerState(consumer: string): void;
  abstract flush(): Promise<void>;
  abstract close(): Promise<void>;
  abstract destroy(): Promise<void>;
}
