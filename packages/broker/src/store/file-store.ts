// The file store: append-only block files of checksummed records (records.ts), an in-memory index
// loaded from a snapshot or rebuilt by scanning the blocks on open, tombstones instead of rewrites,
// and consumer state blobs written atomically. Layout under `dir`:
//
//   blk/0000000001.blk ...   blocks; only the last one is appended to
//   consumers/<name>.cs      one blob per consumer (crc32 + length + bytes), replaced by rename
//   index.snap               the index as of some prefix of each block (index-snapshot.ts)
//
// Restart. close() writes index.snap, and so does a timer once enough was appended since the last
// one. Opening loads it when it matches the blocks (same blocks, none shorter than it covers, any
// block written since it was taken still made of valid records up to what it covers) and replays
// only the bytes it does not cover; otherwise it warns, deletes it and scans every block. Writing it
// stamps each block's mtime 1 s into the past, so any later write to a block shows.
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
import { type SnapshotBlock, SnapshotInvalid, SnapshotReader, saveSnapshot } from './index-snapshot.js';
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
  intactRecordLen,
  MAX_DEL_PER_RECORD,
  msgRecordLen,
  OVERHEAD,
  readSeq,
  readTime,
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
  /** Receives recovery notes: truncated torn tails, skipped corrupt records, unusable index snapshots. */
  onWarning?: (message: string) => void;
  /** How often to check whether enough was appended to write a new index snapshot (default 10 s; 0: only on close). */
  snapshotIntervalMs?: number;
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
  /** Background fsyncs in flight on `fd`; it is closed only once they are done. */
  syncing: number;
  closeWhenSynced: boolean;
}

const BLK = 0;
const OFF = 1;
const RLEN = 2;
const READ_AHEAD = 64 * 1024;
const WBUF = 1024 * 1024;
const LAZY_DEL_MAX = 16_384;
const SNAPSHOT = 'index.snap';
/** Snapshot element sizes: sid, sizes, times, then the BLK, OFF, RLEN columns. */
const SNAP_COLUMNS = [4, 4, 8, 4, 4, 4];
const SNAP_SLOT_BYTES = 28;

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
  private warn: (message: string) => void;
  private readonly snapFile: string;

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
  private snapTimer: NodeJS.Timeout | undefined;
  /** Torn tails found while replaying, cut once recovery settled on its result. */
  private truncations: { fd: number; at: number }[] = [];
  /** A snapshot being synced and renamed into place. */
  private snapPending: Promise<void> | undefined;
  /** Where the last index snapshot on disk ends: block id and covered bytes of that block. */
  private snapMark: { id: number; off: number } | undefined;

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
    this.snapFile = path.join(dir, SNAPSHOT);
  }

  /** Opens (creating if needed) the store in `dir`, recovering its blocks and truncating a torn tail. */
  static async open(dir: string, limits: StoreLimits, opts: FileStoreOptions = {}): Promise<FileStore> {
    const fsStore = new FileStore(dir, limits, opts);
    fsStore.recover();
    if (fsStore.fsyncPolicy === 'interval') {
      fsStore.syncTimer = setInterval(() => fsStore.syncInBackground(), opts.syncIntervalMs ?? 1000);
      fsStore.syncTimer.unref();
    }
    const every = opts.snapshotIntervalMs ?? 10_000;
    if (every > 0) {
      fsStore.snapTimer = setInterval(() => fsStore.maybeSaveIndex(), every);
      fsStore.snapTimer.unref();
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
      if (ids.length === 0) fs.rmSync(this.snapFile, { force: true });
      else if (!this.loadSnapshot(ids)) for (const id of ids) this.replayBlock(id);
      for (const t of this.truncations) fs.ftruncateSync(t.fd, t.at);
      this.truncations = [];
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
    this.maybeSaveIndex();
  }

  /**
   * Loads the index snapshot and replays what it does not cover. Returns false (having warned and
   * left the store empty, the snapshot deleted) when there is none or it does not match the blocks.
   */
  private loadSnapshot(ids: number[]): boolean {
    const warn = this.warn;
    let reader: SnapshotReader | undefined;
    try {
      reader = SnapshotReader.open(this.snapFile, SNAP_COLUMNS);
      if (reader === undefined) throw new SnapshotInvalid('is missing (the store was not closed cleanly)');
      const { head, blocks: listed, subjects } = reader.meta;
      const cols = this.beginIndexLoad(head.lo, head.n);
      reader.readColumns([cols.sid, cols.sizes, cols.times, ...cols.ext]);
      const problem = this.endIndexLoad(head, subjects);
      if (problem !== undefined) throw new SnapshotInvalid(`is inconsistent: ${problem}`);

      const onDisk = new Set(ids);
      const lastListed = listed.at(-1)?.id ?? 0;
      const isListed = new Set(listed.map((b) => b.id));
      for (const id of ids) {
        if (id <= lastListed && !isListed.has(id))
          throw new SnapshotInvalid(`does not know ${blockName(id)}`);
      }
      // Blocks removed since the snapshot stay as ghosts (fd -1) until the replay shows them empty.
      const tails: { blk: Block; end: number }[] = [];
      const touched: Block[] = [];
      for (const sb of listed) {
        const blk = onDisk.has(sb.id) ? this.openBlock(sb.id, sb.base) : this.ghostBlock(sb.id, sb.base);
        blk.extTomb = sb.extTomb;
        blk.size = blk.written = sb.covered;
        if (blk.fd < 0) continue;
        const size = this.checkListedBlock(blk, sb);
        if (size > sb.covered && sb.id !== lastListed) {
          throw new SnapshotInvalid(
            `covers ${blockName(sb.id)}, which grew since, though it was not the last`,
          );
        }
        if (size > sb.covered) tails.push({ blk, end: size });
        if (size > sb.covered || fs.fstatSync(blk.fd, { bigint: true }).mtimeNs !== sb.mtimeNs)
          touched.push(blk);
      }
      this.countBlockLive();
      const erased = touched.flatMap((b) => this.verifyCovered(b));

      const held: string[] = [];
      this.warn = (m) => held.push(m);
      for (const t of tails) this.replayRecords(t.blk, t.blk.size, t.end);
      for (const id of ids) {
        if (id <= lastListed) continue;
        // A block started after the snapshot starts after everything the snapshot knows.
        if (this.replayBlock(id).base <= head.lastSeq) {
          throw new SnapshotInvalid(`ends at sequence ${head.lastSeq}, after the start of ${blockName(id)}`);
        }
      }
      this.warn = warn;
      // Erased in place after the snapshot, with the tombstone lost: a scan would not have it either.
      for (const e of erased) {
        const idx = this.slotOf(e.seq);
        if (idx >= 0 && this.ext[BLK]![idx] === e.blk && this.ext[OFF]![idx] === e.off) {
          this.indexRemove(e.seq, false, true);
        }
      }
      for (const g of this.blocks.filter((b) => b.fd < 0)) {
        if (g.live > 0)
          throw new SnapshotInvalid(`lists ${blockName(g.id)}, which is gone but held live messages`);
        this.blocks.splice(this.blocks.indexOf(g), 1);
        this.byId.delete(g.id);
      }
      for (const m of held) warn(m);
      this.snapMark = { id: lastListed, off: listed.at(-1)?.covered ?? 0 };
      return true;
    } catch (err) {
      this.warn = warn;
      const why = err instanceof SnapshotInvalid ? err.message : `is unreadable (${(err as Error).message})`;
      warn(`index snapshot ${why}; rebuilding the index from ${ids.length} block(s)`);
      for (const b of this.blocks) if (b.fd >= 0) fs.closeSync(b.fd);
      this.blocks = [];
      this.byId.clear();
      this.truncations = [];
      this.snapMark = undefined;
      this.resetIndex();
      fs.rmSync(this.snapFile, { force: true });
      return false;
    } finally {
      reader?.close();
    }
  }

  /** Checks that a listed block file is the one the snapshot describes; returns its size. */
  private checkListedBlock(blk: Block, sb: SnapshotBlock): number {
    const size = fs.fstatSync(blk.fd).size;
    if (size < sb.covered) {
      throw new SnapshotInvalid(`covers ${sb.covered} bytes of ${blockName(blk.id)}, which has ${size}`);
    }
    const first = Buffer.alloc(OVERHEAD);
    if (
      sb.covered < OVERHEAD ||
      fs.readSync(blk.fd, first, 0, OVERHEAD, 0) < OVERHEAD ||
      first.readUInt32LE(OVERHEAD - 4) !== sb.idCrc
    ) {
      throw new SnapshotInvalid(`does not match the first record of ${blockName(blk.id)}`);
    }
    return size;
  }

  /** Live counts per block, from the loaded index; every live slot must lie in covered bytes. */
  private countBlockLive(): void {
    if (this.msgs === 0) return;
    const [blkCol, offCol, lenCol] = [this.ext[BLK]!, this.ext[OFF]!, this.ext[RLEN]!];
    let last: Block | undefined;
    for (let i = this.firstSeq - this.base; i <= this.lastSeq - this.base; i++) {
      if (this.sid[i]! < 0) continue;
      const id = blkCol[i]!;
      const blk = last !== undefined && last.id === id ? last : this.byId.get(id);
      if (blk === undefined || offCol[i]! + lenCol[i]! > blk.size) {
        throw new SnapshotInvalid(`places message ${this.base + i} outside the blocks it covers`);
      }
      blk.live++;
      last = blk;
    }
  }

  /**
   * A block written since the snapshot: its covered bytes must still be whole, valid records (a
   * flipped byte or a cut shows here). Returns the messages erased in place.
   */
  private verifyCovered(blk: Block): { seq: number; blk: number; off: number }[] {
    const buf = Buffer.allocUnsafe(blk.size);
    if (fs.readSync(blk.fd, buf, 0, blk.size, 0) < blk.size) {
      throw new SnapshotInvalid(`covers more of ${blockName(blk.id)} than it could read`);
    }
    const erased: { seq: number; blk: number; off: number }[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const r = checkRecord(buf, pos, buf.length);
      if (!r.ok) {
        throw new SnapshotInvalid(
          `does not match ${blockName(blk.id)}, written since: bad record at offset ${pos}`,
        );
      }
      if (r.type === T_ERASED) erased.push({ seq: readSeq(buf, pos + 12), blk: blk.id, off: pos });
      pos += r.len;
    }
    return erased;
  }

  /** Registers block `id`; `open`: 'r+' for an existing file, 'wx+' for a new one, null for none (-1). */
  private addBlock(id: number, base: number, open: 'r+' | 'wx+' | null): Block {
    const file = path.join(this.blkDir, blockName(id));
    const blk: Block = {
      id,
      file,
      fd: open === null ? -1 : fs.openSync(file, open),
      size: 0,
      written: 0,
      live: 0,
      extTomb: false,
      base,
      dirty: false,
      syncing: 0,
      closeWhenSynced: false,
    };
    this.blocks.push(blk);
    this.byId.set(id, blk);
    return blk;
  }

  private openBlock(id: number, base: number): Block {
    return this.addBlock(id, base, 'r+');
  }

  /** A block the snapshot lists but that is gone from disk (checked once the tail is replayed). */
  private ghostBlock(id: number, base: number): Block {
    return this.addBlock(id, base, null);
  }

  private replayBlock(id: number): Block {
    const blk = this.openBlock(id, this.lastSeq + 1);
    this.replayRecords(blk, 0, fs.fstatSync(blk.fd).size);
    return blk;
  }

  /** Indexes the records of `blk` in [start, end); a torn tail is noted in `truncations`. */
  private replayRecords(blk: Block, start: number, end: number): void {
    const id = blk.id;
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(blk.fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    const hasOlder = this.blocks.indexOf(blk) > 0;
    const len = got;
    let pos = 0;
    while (pos < len) {
      const r = checkRecord(buf, pos, len);
      if (!r.ok) {
        // A bad record followed by a good one is damage in place (e.g. an interrupted erase): skip it.
        if (r.reason === 'checksum' && pos + r.len < len && checkRecord(buf, pos + r.len, len).ok) {
          this.warn(`${blockName(id)}: skipped a corrupt record at offset ${start + pos}`);
          pos += r.len;
          continue;
        }
        this.warn(`${blockName(id)}: truncated ${len - pos} bytes at offset ${start + pos} (${r.reason})`);
        this.truncations.push({ fd: blk.fd, at: start + pos });
        break;
      }
      const seq = readSeq(buf, pos + 12);
      const time = readTime(buf, pos + 20);
      switch (r.type) {
        case T_MSG:
          if (seq > this.lastSeq) {
            const slen = buf.readUInt16LE(pos + 6);
            const hlen = buf.readUInt32LE(pos + 8);
            const dlen = r.len - OVERHEAD - slen - hlen;
            const subject = buf.toString('utf8', pos + HDR_LEN, pos + HDR_LEN + slen);
            const idx = this.indexInsert(seq, subject, fileStoreMsgSize(slen, hlen, dlen), time);
            this.ext[BLK]![idx] = id;
            this.ext[OFF]![idx] = start + pos;
            this.ext[RLEN]![idx] = r.len;
            blk.live++;
          } else {
            this.warn(`${blockName(id)}: ignored out-of-order sequence ${seq} at offset ${start + pos}`);
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
    blk.size = start + pos;
    blk.written = start + pos;
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
    const blk = this.addBlock(id, base, 'wx+');
    this.active = blk;
    this.wlen = encodeMark(this.wbuf, 0, T_BASE, base, this.lastTime);
    blk.size = this.wlen;
    this.flushWrites();
  }

  /** Starts a new block; `base` is the next sequence it may hold (the one being appended, if any). */
  private rollover(base = this.lastSeq + 1): void {
    this.flushWrites();
    const old = this.active;
    // 'always' synced every write already; 'interval' leaves the old block dirty for the timer.
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

  /**
   * fsync policy 'interval': syncs dirty blocks on libuv's thread pool, so the event loop never waits
   * on the disk (a synchronous fdatasync stalled it for tens of milliseconds once a second). Writes
   * may go on meanwhile; a block whose sync is still running is closed when it finishes.
   */
  private syncInBackground(): void {
    if (this.closed) return;
    try {
      this.flushWrites();
    } catch (err) {
      this.warn(`background write failed: ${(err as Error).message}`);
      return;
    }
    for (const b of this.blocks) {
      if (!b.dirty || b.syncing > 0 || b.fd < 0) continue;
      b.dirty = false;
      b.syncing++;
      fs.fdatasync(b.fd, (err) => {
        b.syncing--;
        if (err) {
          b.dirty = true;
          this.warn(`fsync failed: ${err.message}`);
        }
        if (b.syncing === 0 && b.closeWhenSynced) this.closeFd(b);
      });
    }
  }

  /** Closes a block's file now, or once its background fsync finished. */
  private closeFd(b: Block): void {
    if (b.fd < 0) return;
    if (b.syncing > 0) {
      b.closeWhenSynced = true;
      return;
    }
    try {
      fs.closeSync(b.fd);
    } catch {
      // already closed
    }
    b.fd = -1;
  }

  /** Syncs every dirty block before returning (flush, snapshots). */
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

  /** A skip is an erased-message mark with no body: replay moves lastSeq to its sequence. */
  protected override persistSkip(seq: number): void {
    const buf = this.reserve(OVERHEAD, seq);
    encodeMark(buf, this.wlen, T_ERASED, seq, this.lastTime);
    this.wlen += OVERHEAD;
    this.active.size += OVERHEAD;
    if (this.batch) this.scheduleTick();
    else this.flushWrites();
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

  protected load(seq: number, idx: number, subject: string): StoredMessage | undefined {
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
      const msg = decodeMsg(this.wbuf, at, r.len, subject);
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
    const msg = decodeMsg(buf, 0, first.len, subject);
    let pos = first.len;
    while (this.cacheSize > 1 && pos < got) {
      const rlen = intactRecordLen(buf, pos, got);
      if (rlen < 0) break;
      if (buf[pos + 4] === T_MSG) {
        const s = readSeq(buf, pos + 12);
        const i = this.slotOf(s);
        if (
          i >= 0 &&
          this.ext[BLK]![i] === blkId &&
          this.ext[OFF]![i] === off + pos &&
          this.cacheGet(s) === undefined
        ) {
          this.cachePut(s, decodeMsg(buf, pos, rlen, this.subjectOfSlot(i)));
        }
      }
      pos += rlen;
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
    this.closeFd(b);
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
    await this.snapPending;
    this.saveIndex();
    this.shutdown();
  }

  async destroy(): Promise<void> {
    this.shutdown();
    await this.snapPending;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private shutdown(): void {
    this.closed = true;
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    if (this.snapTimer !== undefined) clearInterval(this.snapTimer);
    for (const b of this.blocks) this.closeFd(b);
    this.blocks = [];
    this.byId.clear();
    this.cache.fill(undefined);
  }

  // ---- index snapshot -------------------------------------------------------------------------

  /**
   * Writes the index snapshot now, so the next open need not scan the blocks (close does this, and a
   * timer once enough was appended). Returns false if it could not (a warning says why) or the
   * timer's snapshot is still being synced.
   */
  saveIndex(): boolean {
    return this.writeIndex(false);
  }

  /** With `background`, the snapshot's fsync and rename happen off the event loop (snapPending). */
  private writeIndex(background: boolean): boolean {
    if (this.closed || this.snapPending !== undefined) return false;
    try {
      this.writeDeletes();
      this.flushWrites();
      if (this.blocks.some((b) => b.size !== b.written)) return false;
      const sync = this.fsyncPolicy !== 'never';
      // Blocks keep this mtime until their next write, which then shows even within the same tick.
      const stamp = Math.floor(Date.now() / 1000) - 1;
      const first = Buffer.alloc(OVERHEAD);
      const blocks: SnapshotBlock[] = [];
      for (const b of this.blocks) {
        if (sync && b.dirty) {
          fs.fdatasyncSync(b.fd);
          b.dirty = false;
        }
        if (b.written < OVERHEAD || fs.readSync(b.fd, first, 0, OVERHEAD, 0) < OVERHEAD) return false;
        fs.futimesSync(b.fd, stamp, stamp);
        blocks.push({
          id: b.id,
          covered: b.written,
          base: b.base,
          extTomb: b.extTomb,
          idCrc: first.readUInt32LE(OVERHEAD - 4),
          mtimeNs: fs.fstatSync(b.fd, { bigint: true }).mtimeNs,
        });
      }
      const img = this.indexImage();
      const last = this.blocks.at(-1);
      const mark = last === undefined ? undefined : { id: last.id, off: last.written };
      const pending = saveSnapshot(
        this.snapFile,
        { head: img, blocks, subjects: img.subjects },
        [img.sid, img.sizes, img.times, ...img.ext],
        !sync ? 'no' : background ? 'background' : 'now',
      );
      if (pending === undefined) {
        this.snapMark = mark;
        return true;
      }
      this.snapPending = pending.then(
        () => {
          this.snapPending = undefined;
          this.snapMark = mark;
        },
        (err: Error) => {
          this.snapPending = undefined;
          if (!this.closed) this.warn(`index snapshot not written: ${err.message}`);
        },
      );
      return true;
    } catch (err) {
      this.warn(`index snapshot not written: ${(err as Error).message}`);
      return false;
    }
  }

  /** Writes a snapshot once replaying what the last one does not cover would cost more than writing one. */
  private maybeSaveIndex(): void {
    if (this.closed) return;
    const mark = this.snapMark;
    let uncovered = 0;
    for (const b of this.blocks) {
      if (mark === undefined || b.id > mark.id) uncovered += b.size;
      else if (b.id === mark.id) uncovered += Math.max(0, b.size - mark.off);
    }
    const slots = this.msgs > 0 ? this.lastSeq - this.firstSeq + 1 : 0;
    if (uncovered >= Math.max(this.blockSize, 2 * slots * SNAP_SLOT_BYTES)) this.writeIndex(true);
  }

  /** Block files currently on disk (for tests and monitoring). */
  blockFiles(): string[] {
    return this.blocks.map((b) => b.file);
  }
}
