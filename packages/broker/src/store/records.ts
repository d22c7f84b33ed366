// The on-disk record format of the file store's block files. Every record is framed and checksummed:
//
//   0  u32 length of the whole record (this field through the checksum)
//   4  u8  type            5 u8 flags            6 u16 subject length
//   8  u32 header length / tombstone count
//   12 u64 sequence (lo, hi)
//   20 i64 time (ns since the epoch)
//   28 subject, headers, data | sequences (u64 each) for tombstones
//   .. u32 crc32 of bytes [4, length - 4)
//
// A torn write shows up as a short or checksum-failing record; recovery truncates it.

import zlib from 'node:zlib';

export const T_MSG = 1;
/** Tombstones: the listed sequences were removed. */
export const T_DEL = 2;
/** Every sequence below `seq` was removed (purge, compact, limits). */
export const T_FLOOR = 3;
/** First record of a block: the next sequence when the block was created. */
export const T_BASE = 4;
/** A message whose bytes were overwritten (erase); its sequence still counts as used. */
export const T_ERASED = 5;

export const F_HEADERS = 1;
export const HDR_LEN = 28;
export const CRC_LEN = 4;
export const OVERHEAD = HDR_LEN + CRC_LEN;
/** Largest record recovery accepts; anything bigger is treated as a torn length field. */
export const MAX_RECORD = 256 * 1024 * 1024;
export const MAX_DEL_PER_RECORD = 8192;

const TWO32 = 2 ** 32;

const table = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function tableCrc32(buf: Uint8Array, value = 0): number {
  let c = value ^ -1;
  for (let i = 0; i < buf.length; i++) c = table[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** CRC-32 (IEEE), continuing from `value` (a previous result); zlib's native one when Node has it (20.15+). */
export const crc32: (buf: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (buf, value = 0) => (zlib as unknown as { crc32(b: Uint8Array, v: number): number }).crc32(buf, value)
    : tableCrc32;

let viewFor: ArrayBufferLike | undefined;
let view: DataView | undefined;

/** A DataView over `buf`'s memory (cached for the last buffer): its BigInt accessors allocate less. */
function dataView(buf: Buffer): DataView {
  if (buf.buffer !== viewFor || view === undefined) {
    viewFor = buf.buffer;
    view = new DataView(buf.buffer);
  }
  return view;
}

/** The i64 time field at `off` (Buffer.readBigInt64LE builds it from parts; this is one BigInt). */
export function readTime(buf: Buffer, off: number): bigint {
  return dataView(buf).getBigInt64(buf.byteOffset + off, true);
}

function writeTime(buf: Buffer, off: number, time: bigint): void {
  dataView(buf).setBigInt64(buf.byteOffset + off, time, true);
}

export function writeSeq(buf: Buffer, off: number, seq: number): void {
  buf.writeUInt32LE(seq >>> 0, off);
  buf.writeUInt32LE(Math.floor(seq / TWO32), off + 4);
}

export function readSeq(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * TWO32;
}

function seal(buf: Buffer, off: number, len: number): void {
  buf.writeUInt32LE(crc32(buf.subarray(off + 4, off + len - CRC_LEN)), off + len - CRC_LEN);
}

export function msgRecordLen(slen: number, hlen: number, dlen: number): number {
  return OVERHEAD + slen + hlen + dlen;
}

/** Encodes a message record at `off`; `buf` must have room for msgRecordLen bytes. */
export function encodeMsg(
  buf: Buffer,
  off: number,
  seq: number,
  time: bigint,
  subject: string,
  slen: number,
  headers: Uint8Array | undefined,
  data: Uint8Array,
): number {
  const hlen = headers === undefined ? 0 : headers.length;
  const len = OVERHEAD + slen + hlen + data.length;
  buf.writeUInt32LE(len, off);
  buf[off + 4] = T_MSG;
  buf[off + 5] = headers === undefined ? 0 : F_HEADERS;
  buf.writeUInt16LE(slen, off + 6);
  buf.writeUInt32LE(hlen, off + 8);
  writeSeq(buf, off + 12, seq);
  writeTime(buf, off + 20, time);
  let p = off + HDR_LEN;
  p += buf.write(subject, p, slen, 'utf8');
  if (headers !== undefined) {
    buf.set(headers, p);
    p += hlen;
  }
  buf.set(data, p);
  seal(buf, off, len);
  return len;
}

/** Encodes a FLOOR or BASE record (32 bytes). */
export function encodeMark(buf: Buffer, off: number, type: number, seq: number, time: bigint): number {
  buf.fill(0, off, off + OVERHEAD);
  buf.writeUInt32LE(OVERHEAD, off);
  buf[off + 4] = type;
  writeSeq(buf, off + 12, seq);
  writeTime(buf, off + 20, time);
  seal(buf, off, OVERHEAD);
  return OVERHEAD;
}

export function delRecordLen(count: number): number {
  return OVERHEAD + count * 8;
}

/** Encodes a tombstone record listing `seqs`. */
export function encodeDel(buf: Buffer, off: number, seqs: readonly number[]): number {
  const len = delRecordLen(seqs.length);
  buf.fill(0, off, off + HDR_LEN);
  buf.writeUInt32LE(len, off);
  buf[off + 4] = T_DEL;
  buf.writeUInt32LE(seqs.length, off + 8);
  let p = off + HDR_LEN;
  for (const s of seqs) {
    writeSeq(buf, p, s);
    p += 8;
  }
  seal(buf, off, len);
  return len;
}

/** An erased copy of a message record of `len` bytes: same frame and sequence, every other byte zero. */
export function erasedRecord(len: number, seq: number): Buffer {
  const buf = Buffer.alloc(len);
  buf.writeUInt32LE(len, 0);
  buf[4] = T_ERASED;
  writeSeq(buf, 12, seq);
  seal(buf, 0, len);
  return buf;
}

export type ParseResult =
  | { ok: true; type: number; len: number }
  | { ok: false; reason: 'short' | 'length' | 'checksum' | 'type'; len: number };

/** Checks the frame and checksum of the record at `off` without decoding it. */
export function checkRecord(buf: Buffer, off: number, end: number): ParseResult {
  if (end - off < 4) return { ok: false, reason: 'short', len: 0 };
  const len = buf.readUInt32LE(off);
  if (len < OVERHEAD || len > MAX_RECORD) return { ok: false, reason: 'length', len };
  if (off + len > end) return { ok: false, reason: 'short', len };
  const want = buf.readUInt32LE(off + len - CRC_LEN);
  if (crc32(buf.subarray(off + 4, off + len - CRC_LEN)) !== want)
    return { ok: false, reason: 'checksum', len };
  const type = buf[off + 4]!;
  if (type < T_MSG || type > T_ERASED) return { ok: false, reason: 'type', len };
  return { ok: true, type, len };
}

/**
 * The length of the intact record at `off` (frame and checksum checked, any type), or -1: the
 * allocation-free form of checkRecord for hot loops that only skip bad records.
 */
export function intactRecordLen(buf: Buffer, off: number, end: number): number {
  if (end - off < 4) return -1;
  const len = buf.readUInt32LE(off);
  if (len < OVERHEAD || len > MAX_RECORD || off + len > end) return -1;
  const type = buf[off + 4]!;
  if (type < T_MSG || type > T_ERASED) return -1;
  if (crc32(buf.subarray(off + 4, off + len - CRC_LEN)) !== buf.readUInt32LE(off + len - CRC_LEN)) return -1;
  return len;
}

export interface DecodedMsg {
  seq: number;
  time: bigint;
  subject: string;
  headers: Uint8Array | undefined;
  data: Uint8Array;
}

/**
 * Decodes a checked message record, copying its payload out of `buf`. `subject`: the record's subject
 * when the caller knows it already (the store's index), saving a string per message.
 */
export function decodeMsg(buf: Buffer, off: number, len: number, subject?: string): DecodedMsg {
  const slen = buf.readUInt16LE(off + 6);
  const hlen = buf.readUInt32LE(off + 8);
  const hasHeaders = (buf[off + 5]! & F_HEADERS) !== 0;
  const p = off + HDR_LEN;
  subject ??= buf.toString('utf8', p, p + slen);
  const body = Buffer.from(buf.subarray(p + slen, off + len - CRC_LEN));
  return {
    seq: readSeq(buf, off + 12),
    time: readTime(buf, off + 20),
    subject,
    headers: hasHeaders ? body.subarray(0, hlen) : undefined,
    data: body.subarray(hlen),
  };
}
