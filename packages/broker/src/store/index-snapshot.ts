// The file store's index snapshot: its in-memory index written out so that opening the store loads
// it instead of decoding every block. Layout (little-endian; columns in the platform's order, which
// the `le` flag records):
//
//   0  "TERNIDX1"           8  u32 version        12 u32 crc32 of bytes [16, end)
//   16 u32 meta length M    20 u32 column count C 24 f64 slots n
//   32 meta: u8 le, C × u8 element size, the IndexHead, the blocks, the subject table
//   .. zero padding to a multiple of 8, then C columns of n elements each
//
// A block entry says which bytes of which block file the index reflects: id, covered length, the
// checksum of the block's first record (it names the block: base sequence and creation time) and
// the mtime the file had when the snapshot was taken.

import fs from 'node:fs';
import type { IndexHead } from './indexed-store.js';
import { crc32 } from './records.js';

export interface SnapshotBlock {
  id: number;
  /** Bytes of the block file the index reflects; later bytes are replayed. */
  covered: number;
  base: number;
  extTomb: boolean;
  /** Checksum field of the block's first record. */
  idCrc: number;
  /** The file's mtime when the snapshot was taken; anything else means it was written since. */
  mtimeNs: bigint;
}

/** A per-slot column of the index. */
export type Column = Int32Array | Uint32Array | BigInt64Array;

export interface SnapshotMeta {
  head: IndexHead;
  blocks: SnapshotBlock[];
  subjects: (string | undefined)[];
}

/** Why a snapshot cannot be used. */
export class SnapshotInvalid extends Error {}

const MAGIC = Buffer.from('TERNIDX1');
const VERSION = 1;
const HEAD = 32;
const NO_SUBJECT = 0xffffffff;
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const pad8 = (n: number): number => (8 - (n % 8)) % 8;

function encodeMeta(meta: SnapshotMeta, elemSizes: number[]): Buffer {
  const names = meta.subjects.map((s) => (s === undefined ? undefined : Buffer.from(s)));
  let len = 1 + elemSizes.length + 7 * 8 + 4 + meta.blocks.length * (4 + 8 + 8 + 1 + 4 + 8) + 4;
  for (const b of names) len += 4 + (b?.length ?? 0);
  const buf = Buffer.alloc(len);
  let p = buf.writeUInt8(LE, 0);
  for (const e of elemSizes) p = buf.writeUInt8(e, p);
  const h = meta.head;
  for (const v of [h.msgs, h.bytes, h.firstSeq, h.lastSeq, h.lo]) p = buf.writeDoubleLE(v, p);
  p = buf.writeBigInt64LE(h.firstTime, p);
  p = buf.writeBigInt64LE(h.lastTime, p);
  p = buf.writeUInt32LE(meta.blocks.length, p);
  for (const b of meta.blocks) {
    p = buf.writeUInt32LE(b.id, p);
    p = buf.writeDoubleLE(b.covered, p);
    p = buf.writeDoubleLE(b.base, p);
    p = buf.writeUInt8(b.extTomb ? 1 : 0, p);
    p = buf.writeUInt32LE(b.idCrc, p);
    p = buf.writeBigInt64LE(b.mtimeNs, p);
  }
  p = buf.writeUInt32LE(names.length, p);
  for (const b of names) {
    if (b === undefined) {
      p = buf.writeUInt32LE(NO_SUBJECT, p);
      continue;
    }
    p = buf.writeUInt32LE(b.length, p);
    p += b.copy(buf, p);
  }
  return buf;
}

function decodeMeta(buf: Buffer, elemSizes: number[], n: number): SnapshotMeta {
  try {
    return readMeta(buf, elemSizes, n);
  } catch (err) {
    if (err instanceof RangeError) throw new SnapshotInvalid('has a truncated header');
    throw err;
  }
}

function readMeta(buf: Buffer, elemSizes: number[], n: number): SnapshotMeta {
  let p = 0;
  if (buf.readUInt8(p++) !== LE) throw new SnapshotInvalid('was written on a machine of another byte order');
  for (const e of elemSizes) {
    if (buf.readUInt8(p++) !== e) throw new SnapshotInvalid('has a different column layout');
  }
  const num = (): number => {
    const v = buf.readDoubleLE(p);
    p += 8;
    if (!Number.isSafeInteger(v) || v < 0) throw new SnapshotInvalid('has an invalid number');
    return v;
  };
  const big = (): bigint => {
    const v = buf.readBigInt64LE(p);
    p += 8;
    return v;
  };
  const u32 = (): number => {
    const v = buf.readUInt32LE(p);
    p += 4;
    return v;
  };
  const head: IndexHead = {
    msgs: num(),
    bytes: num(),
    firstSeq: num(),
    lastSeq: num(),
    lo: num(),
    firstTime: big(),
    lastTime: big(),
    n,
  };
  const blocks: SnapshotBlock[] = [];
  for (let i = u32(); i > 0; i--) {
    const id = u32();
    const covered = num();
    const base = num();
    const extTomb = buf.readUInt8(p++) === 1;
    blocks.push({ id, covered, base, extTomb, idCrc: u32(), mtimeNs: big() });
    if (blocks.length > 1 && id <= blocks.at(-2)!.id) throw new SnapshotInvalid('lists blocks out of order');
  }
  const subjects: (string | undefined)[] = [];
  for (let i = u32(); i > 0; i--) {
    const len = u32();
    if (len === NO_SUBJECT) {
      subjects.push(undefined);
      continue;
    }
    if (p + len > buf.length) throw new SnapshotInvalid('has a truncated subject table');
    subjects.push(buf.toString('utf8', p, p + len));
    p += len;
  }
  if (p !== buf.length) throw new SnapshotInvalid('has trailing bytes in its header');
  return { head, blocks, subjects };
}

/**
 * Writes a snapshot to `file` atomically (a temp file renamed over it); `columns` are n elements
 * each (n = meta.head.n). `fsync` 'now' syncs it before the rename; 'background' writes the bytes
 * now (the caller may change its columns after this returns) but syncs and renames off the event
 * loop, settling the returned promise once the snapshot is in place.
 */
export function saveSnapshot(
  file: string,
  meta: SnapshotMeta,
  columns: Column[],
  fsync: 'no' | 'now' | 'background',
): Promise<void> | undefined {
  const metaBuf = encodeMeta(
    meta,
    columns.map((c) => c.BYTES_PER_ELEMENT),
  );
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(VERSION, 8);
  head.writeUInt32LE(metaBuf.length, 16);
  head.writeUInt32LE(columns.length, 20);
  head.writeDoubleLE(meta.head.n, 24);
  const parts: Uint8Array[] = [metaBuf, Buffer.alloc(pad8(HEAD + metaBuf.length)), ...columns.map(bytesOf)];
  let crc = crc32(head.subarray(16));
  for (const part of parts) crc = crc32(part, crc);
  head.writeUInt32LE(crc, 12);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let pos = 0;
    for (const part of [head, ...parts]) {
      let done = 0;
      while (done < part.length) done += fs.writeSync(fd, part, done, part.length - done, pos + done);
      pos += part.length;
    }
    if (fsync === 'now') fs.fdatasyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  if (fsync !== 'background') {
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    return undefined;
  }
  return new Promise((resolve, reject) => {
    fs.fdatasync(fd, (err) => {
      try {
        fs.closeSync(fd);
        if (err) throw err;
        fs.renameSync(tmp, file);
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** An opened snapshot: its meta is checked for shape; the checksum once readColumns has read the rest. */
export class SnapshotReader {
  private crc: number;
  private pos: number;

  private constructor(
    private readonly fd: number,
    readonly meta: SnapshotMeta,
    private readonly want: number,
    crc: number,
    pos: number,
  ) {
    this.crc = crc;
    this.pos = pos;
  }

  /**
   * Opens `file` expecting columns of the given element sizes. Returns undefined when there is no
   * snapshot; throws SnapshotInvalid when it is not a usable one.
   */
  static open(file: string, elemSizes: number[]): SnapshotReader | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const size = fs.fstatSync(fd).size;
      const head = Buffer.alloc(HEAD);
      if (size < HEAD || readAt(fd, head, 0) < HEAD) throw new SnapshotInvalid('is truncated');
      if (!head.subarray(0, 8).equals(MAGIC)) throw new SnapshotInvalid('is not an index snapshot');
      if (head.readUInt32LE(8) !== VERSION) throw new SnapshotInvalid(`has version ${head.readUInt32LE(8)}`);
      const metaLen = head.readUInt32LE(16);
      const n = head.readDoubleLE(24);
      if (head.readUInt32LE(20) !== elemSizes.length || !Number.isSafeInteger(n) || n < 0) {
        throw new SnapshotInvalid('has a different column layout');
      }
      const colStart = HEAD + metaLen + pad8(HEAD + metaLen);
      const expected = colStart + n * elemSizes.reduce((a, b) => a + b, 0);
      if (size !== expected) throw new SnapshotInvalid(`is ${size} bytes, expected ${expected}`);
      const rest = Buffer.alloc(colStart - HEAD);
      if (readAt(fd, rest, HEAD) < rest.length) throw new SnapshotInvalid('is truncated');
      const crc = crc32(rest, crc32(head.subarray(16)));
      const meta = decodeMeta(rest.subarray(0, metaLen), elemSizes, n);
      return new SnapshotReader(fd, meta, head.readUInt32LE(12), crc, colStart);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** Reads the columns into `columns` (n elements each, in the layout order) and checks the checksum. */
  readColumns(columns: Column[]): void {
    for (const col of columns) {
      const bytes = bytesOf(col);
      if (readAt(this.fd, bytes, this.pos) < bytes.length) throw new SnapshotInvalid('is truncated');
      this.crc = crc32(bytes, this.crc);
      this.pos += bytes.length;
    }
    if (this.crc !== this.want) throw new SnapshotInvalid('fails its checksum');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readAt(fd: number, buf: Uint8Array, pos: number): number {
  let done = 0;
  while (done < buf.length) {
    const got = fs.readSync(fd, buf, done, buf.length - done, pos + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}
