// The file store: append-only block files of checksummed records (records.ts), an in-memory index
// rebuilt by scanning the blocks on open, tombstones instead of rewrites, and consumer state blobs
// written atomically. Layout under `dir`:
//
//   blk/0000000001.blk ...   blocks; only the last one is appended to
//   consumers/<name>.cs      one blob per consumer (crc32 + length + bytes), replaced by rename
//
// Durability. Each append is handed to the OS with one write before append() returns (unless
// `batchWrites`), so a killed process loses nothing it acknowledged. fsync follows `fsync`:
// 'always' syncs every write, 'interval' every `syncIntervalMs`, 'never' leaves it to the OS;
// flush() syncs unless the policy is 'never'. Removals the limits imply (max_msgs, max_bytes,
// per-subject, max_age) are recorded lazily once per tick: recovery re-applies the limits, so a lost
// tombstone of that kind is re-derived. Explicit removals and purges are written before returning.
//
// Blocks are removed when none of their messages is alive; a block holding tombstones for older
// blocks is only removed once it is the oldest, so a tombstone never outlives its target's removal.

import fs from 'node:fs';
import path from 'node:path';
import { IndexedStore } from './indexed-store.js';
import {
  checkRecord,
  crc32,
  decodeMsg,
  delRecordLen,
  encodeDel,
  encodeMark,
  encodeMsg,
  erasedRecord,
  HDR_LEN,
  MAX_DEL_PER_RECORD,
  msgRecordLen,
  OVERHEAD,
  readSeq,
  T_BASE,
  T_DEL,
  T_ERASED,
  T_FLOOR,
  T_MSG,
} from './records.js';
import { type StoredMessage, StoreError, type StoreLimits } from './types.js';

export interface FileStoreOptions {
  /** When data is fsynced: every write, every `syncIntervalMs`, or never (flush() still syncs unless 'never'). */
  fsync?: 'always' | 'interval' | 'never';
  /** Target size of a block file in bytes (default 8 MiB). */
  blockSize?: number;
  /** Interval for fsync 'interval' (default 1000 ms). */
  syncIntervalMs?: number;
  /** Buffer appends and write them once per tick: faster, but a killed process loses the current tick. */
  batchWrites?: boolean;
  /** Slots of the read cache, direct-mapped by sequence (default 4096, rounded up to a power of two). */
  cacheSize?: number;
  /** Receives recovery notes: truncated torn tails, skipped corrupt records. */
  onWarning?: (message: string) => void;
}

/** nats-server's filestore record size: 22 + subject + data + 8, plus 4 + headers when present. */
export function fileStoreMsgSize(slen: number, hlen: number, dlen: number): number {
  return hlen === 0 ? 22 + slen + dlen + 8 : 22 + slen + 4 + hlen + dlen + 8;
}

interface Block {
  id: number;
  file: string;
  fd: number;
  /** Bytes in the block including those still in the write buffer. */
  size: number;
  /** Bytes handed to the OS. */
  written: number;
  live: number;
  /** Holds tombstones or floors for older blocks: removable only once it is the oldest. */
  extTomb: boolean;
  base: number;
  dirty: boolean;
}

const BLK = 0;
const OFF = 1;
const RLEN = 2;
const READ_AHEAD = 64 * 1024;
const WBUF = 1024 * 1024;
const LAZY_DEL_MAX = 16_384;

const blockName = (id: number): string => `${String(id).padStart(10, '0')}.blk`;
const consumerFile = (name: string): string => `${encodeURIComponent(name).replace(/\./g, '%2E')}.cs`;

/** A durable `StreamStore` on append-only block files. */
export class FileStore extends IndexedStore {
  private readonly blkDir: string;
  private readonly consDir: string;
  private readonly fsyncPolicy: 'always' | 'interval' | 'never';
  private readonly blockSize: number;
  private readonly batch: boolean;
  private readonly cacheSize: number;
  private readonly warn: (message: string) => void;

  private blocks: Block[] = [];
  private byId = new Map<number, Block>();
  private active!: Block;
  private wbuf = Buffer.allocUnsafe(WBUF);
  private wlen = 0;
  private rbuf = Buffer.allocUnsafe(READ_AHEAD);
  private cache: (StoredMessage | undefined)[];
  private cacheMask: number;

  private replaying = false;
  private pendingDel: number[] = [];
  private pendingErase: { blk: number; off: number; len: number; seq: number }[] = [];
  private floorWritten = 0;
  private rollAfterCommit = false;
  private tickScheduled = false;
  private syncTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly dir: string,
    limits: StoreLimits,
    opts: FileStoreOptions,
  ) {
    super(limits, 3);
    this.blkDir = path.join(dir, 'blk');
    this.consDir = path.join(dir, 'consumers');
    this.fsyncPolicy = opts.fsync ?? 'interval';
    this.blockSize = Math.max(opts.blockSize ?? 8 * 1024 * 1024, 4096);
    this.batch = opts.batchWrites ?? false;
    const slots = Math.max(0, opts.cacheSize ?? 4096);
    this.cacheSize = slots === 0 ? 0 : 2 ** Math.ceil(Math.log2(slots));
    this.cacheMask = this.cacheSize - 1;
    this.cache = new Array(this.cacheSize).fill(undefined);
    this.warn = opts.onWarning ?? (() => {});
  }

  /** Opens (creating if needed) the store in `dir`, recovering its blocks and truncating a torn tail. */
  static async open(dir: string, limits: StoreLimits, opts: FileStoreOptions = {}): Promise<FileStore> {
    const fsStore = new FileStore(dir, limits, opts);
    fsStore.recover();
    if (fsStore.fsyncPolicy === 'interval') {
      fsStore.syncTimer = setInterval(() => fsStore.syncDirty(), opts.syncIntervalMs ?? 1000);
      fsStore.syncTimer.unref();
    }
    return fsStore;
  }

  protected msgSize(slen: number, hlen: number, dlen: number): number {
    return fileStoreMsgSize(slen, hlen, dlen);
  }

  // ---- recovery -------------------------------------------------------------------------------

  private recover(): void {
    fs.mkdirSync(this.blkDir, { recursive: true });
    fs.mkdirSync(this.consDir, { recursive: true });
    const ids = fs
      .readdirSync(this.blkDir)
      .filter((n) => /^\d+\.blk$/.test(n))
      .map((n) => Number.parseInt(n, 10))
      .sort((a, b) => a - b);
    this.replaying = true;
    try {
      for (const id of ids) this.replayBlock(id);
    } finally {
      this.replaying = false;
    }
    // Every removal below firstSeq is on disk already.
    this.floorWritten = Math.max(1, this.firstSeq);
    const last = this.blocks.at(-1);
    if (last === undefined || last.size === 0) {
      if (last !== undefined) this.dropBlock(last);
      this.newBlock((last?.id ?? 0) + 1, this.lastSeq + 1);
    } else {
      this.active = last;
    }
    // Removals the limits imply are not always on disk yet; derive them again.
    this.enforceAllLimits();
    this.writeDeletes();
    this.tryRemoveBlocks();
  }

  private replayBlock(id: number): void {
    const file = path.join(this.blkDir, blockName(id));
    const fd = fs.openSync(file, 'r+');
    const buf = fs.readFileSync(file);
    const blk: Block = {
      id,
      file,
      fd,
      size: 0,
      written: 0,
      live: 0,
      extTomb: false,
      base: this.lastSeq + 1,
      dirty: false,
    };
    this.blocks.push(blk);
    this.byId.set(id, blk);
    const hasOlder = this.blocks.length > 1;
    let pos = 0;
    while (pos < buf.length) {
      const r = checkRecord(buf, pos, buf.length);
      if (!r.ok) {
        // A bad record followed by a good one is damage in place (e.g. an interrupted erase): skip it.
        if (
          r.reason === 'checksum' &&
          pos + r.len < buf.length &&
          checkRecord(buf, pos + r.len, buf.length).ok
        ) {
          this.warn(`${blockName(id)}: skipped a corrupt record at offset ${pos}`);
          pos += r.len;
          continue;
        }
        this.warn(`${blockName(id)}: truncated ${buf.length - pos} bytes at offset ${pos} (${r.reason})`);
        fs.ftruncateSync(fd, pos);
        break;
      }
      const seq = readSeq(buf, pos + 12);
      const time = buf.readBigInt64LE(pos + 20);
      switch (r.type) {
        case T_MSG:
          if (seq > this.lastSeq) {
            const slen = buf.readUInt16LE(pos + 6);
            const hlen = buf.readUInt32LE(pos + 8);
            const dlen = r.len - OVERHEAD - slen - hlen;
            const subject = buf.toString('utf8', pos + HDR_LEN, pos + HDR_LEN + slen);
            const idx = this.indexInsert(seq, subject, fileStoreMsgSize(slen, hlen, dlen), time);
            this.ext[BLK]![idx] = id;
            this.ext[OFF]![idx] = pos;
            this.ext[RLEN]![idx] = r.len;
            blk.live++;
          } else {
            this.warn(`${blockName(id)}: ignored out-of-order sequence ${seq} at offset ${pos}`);
          }
          break;
        case T_ERASED:
          this.bumpLastSeq(seq);
          break;
        case T_BASE:
          blk.base = seq;
          this.bumpLastSeq(seq - 1, time);
          break;
        case T_FLOOR:
          if (hasOlder) blk.extTomb = true;
          this.applyFloor(seq, time);
          break;
        case T_DEL: {
          const n = buf.readUInt32LE(pos + 8);
          for (let i = 0; i < n; i++) {
            const s = readSeq(buf, pos + HDR_LEN + i * 8);
            if (s < blk.base) blk.extTomb = true;
            this.indexRemove(s, false, true);
          }
          break;
        }
      }
      pos += r.len;
    }
    blk.size = pos;
    blk.written = pos;
  }

  private applyFloor(seq: number, time: bigint): void {
    if (seq > this.lastSeq) {
      this.indexClearAll(seq);
      for (const b of this.blocks) b.live = 0;
      if (time > this.lastTime) this.lastTime = time;
      return;
    }
    while (this.msgs > 0 && this.firstSeq < seq) this.indexRemove(this.firstSeq, false, true);
  }

  // ---- blocks and writes ----------------------------------------------------------------------

  private newBlock(id: number, base: number): void {
    const file = path.join(this.blkDir, blockName(id));
    const fd = fs.openSync(file, 'wx+');
    const blk: Block = {
      id,
      file,
      fd,
      size: 0,
      written: 0,
      live: 0,
      extTomb: false,
      base,
      dirty: false,
    };
    this.blocks.push(blk);
    this.byId.set(id, blk);
    this.active = blk;
    this.wlen = encodeMark(this.wbuf, 0, T_BASE, base, this.lastTime);
    blk.size = this.wlen;
    this.flushWrites();
  }

  /** Starts a new block; `base` is the next sequence it may hold (the one being appended, if any). */
  private rollover(base = this.lastSeq + 1): void {
    this.flushWrites();
    const old = this.active;
    if (this.fsyncPolicy !== 'never' && old.dirty) {
      fs.fdatasyncSync(old.fd);
      old.dirty = false;
    }
    this.newBlock(old.id + 1, base);
  }

  /** Makes room for `len` bytes at the end of the active block; returns the write buffer (write at wlen). */
  private reserve(len: number, seq?: number): Buffer {
    if (this.active.size > OVERHEAD && this.active.size + len > this.blockSize) this.rollover(seq);
    if (this.wlen + len > this.wbuf.length) this.flushWrites();
    if (len > this.wbuf.length) this.wbuf = Buffer.allocUnsafe(len);
    return this.wbuf;
  }

  private flushWrites(): void {
    if (this.wlen === 0) return;
    const blk = this.active;
    let done = 0;
    try {
      while (done < this.wlen) {
        done += fs.writeSync(blk.fd, this.wbuf, done, this.wlen - done, blk.written + done);
      }
    } catch (err) {
      // Leave no partial record behind; the buffered bytes stay pending.
      if (done > 0) fs.ftruncateSync(blk.fd, blk.written);
      throw err;
    }
    blk.written += this.wlen;
    this.wlen = 0;
    if (this.fsyncPolicy === 'always') fs.fdatasyncSync(blk.fd);
    else blk.dirty = true;
  }

  private syncDirty(): void {
    if (this.closed) return;
    try {
      this.flushWrites();
      for (const b of this.blocks) {
        if (!b.dirty) continue;
        fs.fdatasyncSync(b.fd);
        b.dirty = false;
      }
    } catch (err) {
      this.warn(`fsync failed: ${(err as Error).message}`);
    }
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(() => {
      this.tickScheduled = false;
      if (this.closed) return;
      try {
        this.writeDeletes();
        this.flushWrites();
        this.tryRemoveBlocks();
      } catch (err) {
        this.warn(`background write failed: ${(err as Error).message}`);
      }
    });
  }

  protected persist(
    seq: number,
    idx: number,
    subject: string,
    headers: Uint8Array | undefined,
    data: Uint8Array,
    time: bigint,
  ): void {
    const slen = Buffer.byteLength(subject);
    if (slen > 0xffff) throw new StoreError('MAX_MSG_SIZE', 'subject too long');
    const hlen = headers === undefined ? 0 : headers.length;
    const len = msgRecordLen(slen, hlen, data.length);
    const buf = this.reserve(len, seq);
    const off = this.active.size;
    const wlen = this.wlen;
    encodeMsg(buf, wlen, seq, time, subject, slen, headers, data);
    this.wlen += len;
    this.active.size += len;
    if (this.batch) this.scheduleTick();
    else {
      try {
        this.flushWrites();
      } catch (err) {
        this.wlen = wlen;
        this.active.size = off;
        throw err;
      }
    }
    this.ext[BLK]![idx] = this.active.id;
    this.ext[OFF]![idx] = off;
    this.ext[RLEN]![idx] = len;
    this.active.live++;
    // Nothing is cached here: an append allocates nothing that outlives the tick (the read cache is
    // filled by reads, and reads of records still in the write buffer decode them from there).
  }

  commitWrites(): void {
    this.checkOpen();
    this.flushWrites();
  }

  // ---- reads ----------------------------------------------------------------------------------

  private cachePut(seq: number, msg: StoredMessage): void {
    if (this.cacheSize > 0) this.cache[seq & this.cacheMask] = msg;
  }

  private cacheGet(seq: number): StoredMessage | undefined {
    if (this.cacheSize === 0) return undefined;
    const m = this.cache[seq & this.cacheMask];
    return m !== undefined && m.seq === seq ? m : undefined;
  }

  private cacheDrop(seq: number): void {
    if (this.cacheGet(seq) !== undefined) this.cache[seq & this.cacheMask] = undefined;
  }

  protected load(seq: number, idx: number): StoredMessage | undefined {
    const hit = this.cacheGet(seq);
    if (hit !== undefined) return hit;
    const blkId = this.ext[BLK]![idx]!;
    const off = this.ext[OFF]![idx]!;
    const len = this.ext[RLEN]![idx]!;
    const blk = this.byId.get(blkId);
    if (blk === undefined) throw new StoreError('CORRUPT', `block ${blkId} of message ${seq} is missing`);
    if (blk === this.active && off >= blk.written) {
      // Still in the write buffer (which holds the active block's bytes from `written` on).
      const at = off - blk.written;
      const r = checkRecord(this.wbuf, at, this.wlen);
      if (!r.ok || r.type !== T_MSG || readSeq(this.wbuf, at + 12) !== seq) {
        throw new StoreError('CORRUPT', `buffered message ${seq} at ${off} is unreadable`);
      }
      const msg = decodeMsg(this.wbuf, at, r.len);
      this.cachePut(seq, msg);
      return msg;
    }
    // Read ahead: consumers mostly walk forward, so decode the neighbours into the cache too.
    const want = Math.max(len, Math.min(READ_AHEAD, blk.written - off));
    const buf = want <= this.rbuf.length ? this.rbuf : Buffer.allocUnsafe(want);
    const got = fs.readSync(blk.fd, buf, 0, want, off);
    const first = checkRecord(buf, 0, got);
    if (!first.ok || first.type !== T_MSG || readSeq(buf, 12) !== seq) {
      throw new StoreError('CORRUPT', `message ${seq} in ${blockName(blkId)} at ${off} is unreadable`);
    }
    const msg = decodeMsg(buf, 0, first.len);
    let pos = first.len;
    while (this.cacheSize > 1 && pos < got) {
      const r = checkRecord(buf, pos, got);
      if (!r.ok) break;
      if (r.type === T_MSG) {
        const s = readSeq(buf, pos + 12);
        const i = this.slotOf(s);
        if (
          i >= 0 &&
          this.ext[BLK]![i] === blkId &&
          this.ext[OFF]![i] === off + pos &&
          this.cacheGet(s) === undefined
        ) {
          this.cachePut(s, decodeMsg(buf, pos, r.len));
        }
      }
      pos += r.len;
    }
    this.cachePut(seq, msg);
    return msg;
  }

  // ---- removals -------------------------------------------------------------------------------

  protected onRemove(seq: number, idx: number, erase: boolean): void {
    const blk = this.byId.get(this.ext[BLK]![idx]!);
    if (blk !== undefined) blk.live--;
    if (this.replaying) return;
    this.cacheDrop(seq);
    this.pendingDel.push(seq);
    if (erase && blk !== undefined) {
      this.pendingErase.push({ blk: blk.id, off: this.ext[OFF]![idx]!, len: this.ext[RLEN]![idx]!, seq });
    }
  }

  protected onClearAll(): void {
    for (const b of this.blocks) b.live = 0;
    this.cache.fill(undefined);
    this.pendingDel = [];
    this.rollAfterCommit = true;
  }

  protected commitRemovals(explicit: boolean): void {
    if (!explicit && !this.rollAfterCommit && this.pendingDel.length < LAZY_DEL_MAX) {
      this.scheduleTick();
      return;
    }
    this.writeDeletes();
    this.flushWrites();
    for (const e of this.pendingErase) {
      const blk = this.byId.get(e.blk);
      if (blk === undefined) continue;
      fs.writeSync(blk.fd, erasedRecord(e.len, e.seq), 0, e.len, e.off);
      if (this.fsyncPolicy === 'always') fs.fdatasyncSync(blk.fd);
      else blk.dirty = true;
    }
    this.pendingErase = [];
    if (this.rollAfterCommit) {
      this.rollAfterCommit = false;
      if (this.active.live === 0 && this.active.size > OVERHEAD) {
        this.rollover();
        // The new block repeats the floor so removing the old ones in any order stays safe.
        this.writeFloor();
        this.flushWrites();
      }
    }
    this.tryRemoveBlocks();
  }

  private writeFloor(): void {
    const buf = this.reserve(OVERHEAD);
    encodeMark(buf, this.wlen, T_FLOOR, this.firstSeq, this.lastTime);
    this.wlen += OVERHEAD;
    this.active.size += OVERHEAD;
    if (this.blocks.length > 1) this.active.extTomb = true;
    this.floorWritten = this.firstSeq;
  }

  /** Records pending removals: one floor for everything below firstSeq, tombstones for the rest. */
  private writeDeletes(): void {
    if (this.firstSeq > this.floorWritten && this.lastSeq > 0) this.writeFloor();
    const rest = this.pendingDel.filter((s) => s >= this.floorWritten);
    this.pendingDel = [];
    for (let i = 0; i < rest.length; i += MAX_DEL_PER_RECORD) {
      const part = rest.slice(i, i + MAX_DEL_PER_RECORD);
      const len = delRecordLen(part.length);
      const buf = this.reserve(len);
      encodeDel(buf, this.wlen, part);
      this.wlen += len;
      this.active.size += len;
      if (Math.min(...part) < this.active.base) this.active.extTomb = true;
    }
    this.flushWrites();
  }

  private tryRemoveBlocks(): void {
    for (let i = 0; i < this.blocks.length; ) {
      const b = this.blocks[i]!;
      if (b !== this.active && b.live === 0 && (!b.extTomb || i === 0)) {
        this.dropBlock(b);
        continue;
      }
      i++;
    }
  }

  private dropBlock(b: Block): void {
    fs.closeSync(b.fd);
    fs.rmSync(b.file, { force: true });
    this.blocks.splice(this.blocks.indexOf(b), 1);
    this.byId.delete(b.id);
  }

  // ---- consumers ------------------------------------------------------------------------------

  saveConsumerState(consumer: string, state: Uint8Array): void {
    this.checkOpen();
    const file = path.join(this.consDir, consumerFile(consumer));
    const tmp = `${file}.tmp`;
    const buf = Buffer.allocUnsafe(8 + state.length);
    buf.writeUInt32LE(state.length, 4);
    buf.set(state, 8);
    buf.writeUInt32LE(crc32(buf.subarray(4)), 0);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, buf, 0, buf.length, 0);
      if (this.fsyncPolicy !== 'never') fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }

  loadConsumerStates(): Map<string, Uint8Array> {
    this.checkOpen();
    const out = new Map<string, Uint8Array>();
    for (const name of fs.readdirSync(this.consDir)) {
      if (!name.endsWith('.cs')) continue;
      const buf = fs.readFileSync(path.join(this.consDir, name));
      if (
        buf.length < 8 ||
        buf.readUInt32LE(4) !== buf.length - 8 ||
        crc32(buf.subarray(4)) !== buf.readUInt32LE(0)
      ) {
        this.warn(`consumer state ${name} is corrupt; ignored`);
        continue;
      }
      let consumer: string;
      try {
        consumer = decodeURIComponent(name.slice(0, -3));
      } catch {
        this.warn(`consumer state ${name} has an undecodable name; ignored`);
        continue;
      }
      out.set(consumer, new Uint8Array(buf.subarray(8)));
    }
    return out;
  }

  removeConsumerState(consumer: string): void {
    this.checkOpen();
    fs.rmSync(path.join(this.consDir, consumerFile(consumer)), { force: true });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async flush(): Promise<void> {
    this.checkOpen();
    this.writeDeletes();
    this.flushWrites();
    this.tryRemoveBlocks();
    if (this.fsyncPolicy !== 'never') this.syncDirty();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.shutdown();
  }

  async destroy(): Promise<void> {
    this.shutdown();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private shutdown(): void {
    this.closed = true;
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    for (const b of this.blocks) {
      try {
        fs.closeSync(b.fd);
      } catch {
        // already closed
      }
    }
    this.blocks = [];
    this.byId.clear();
    this.cache.fill(undefined);
  }

  /** Block files currently on disk (for tests and monitoring). */
  blockFiles(): string[] {
    return this.blocks.map((b) => b.file);
  }
}
