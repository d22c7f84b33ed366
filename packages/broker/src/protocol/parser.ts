import './buffer-ext.js';

/**
 * Byte-level parser for the client side of the NATS protocol.
 *
 * Control lines are located with `indexOf('\n')` over the read buffer and decoded in place; payloads are
 * sliced with `subarray` and skipped by length. Bytes are copied only when a control line or payload is
 * split across reads. Subjects, reply subjects, queue names and sids are decoded as latin1 so that every
 * byte maps to one char and round-trips exactly onto the wire.
 */

/** Receives parsed frames; one method per client verb. */
export interface ProtocolSink {
  onConnect(json: string): void;
  /**
   * The payload is `data[start,end)` (a range of the read buffer, so no view is allocated per message);
   * `headerSize` is -1 for PUB, for HPUB the header block length at the start of the payload. The range
   * stays valid after the call (node:net never reuses read buffers).
   */
  onPub(subject: string, reply: string, headerSize: number, data: Buffer, start: number, end: number): void;
  onSub(subject: string, queue: string, sid: string): void;
  onUnsub(sid: string, max: number): void;
  onPing(): void;
  onPong(): void;
  onInfo(json: string): void;
  onOk(): void;
  onErr(text: string): void;
  onProtocolError(err: ProtocolError): void;
}

export interface ParserLimits {
  maxControlLine: number;
  maxPayload: number;
}

/**
 * `unknown_op`: nats-server answers `-ERR 'Unknown Protocol Operation'` and closes; `bad_args`: it closes
 * silently (an argument error inside a known verb); `headers_unsupported`: HPUB from a client that did
 * not negotiate headers, also a silent close.
 */
export type ProtocolErrorKind =
  | 'unknown_op'
  | 'max_control_line'
  | 'max_payload'
  | 'bad_args'
  | 'headers_unsupported';

/** A framing error; carries the parser state and a printable snippet of the offending input. */
export class ProtocolError extends Error {
  constructor(
    readonly kind: ProtocolErrorKind,
    readonly state: string,
    readonly snippet: string,
    detail: string,
  ) {
    super(`${detail} (state=${state}, near ${JSON.stringify(snippet)})`);
  }
}

const ST_LINE = 0;
const ST_PAYLOAD = 1;
const ST_END_CR = 2;
const ST_END_LF = 3;
const ST_DEAD = 4;
const STATE_NAMES = ['CONTROL_LINE', 'MSG_PAYLOAD', 'MSG_END_R', 'MSG_END_N', 'CLOSED'];

const EMPTY = Buffer.alloc(0);
const CR = 13;
const LF = 10;
const SP = 32;
const TAB = 9;

function snippetOf(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, Math.min(end, start + 32));
}

/** Splits `buf[start,end)` on runs of spaces/tabs into latin1 strings (nats-server `splitArg`). */
function splitArgs(buf: Buffer, start: number, end: number, out: string[]): number {
  let n = 0;
  let i = start;
  while (i < end) {
    while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i >= end) break;
    const s = i;
    while (i < end && buf[i] !== SP && buf[i] !== TAB) i++;
    if (n < out.length) out[n] = buf.latin1Slice(s, i);
    n++;
  }
  return n;
}

/** `parseSize` over bytes `buf[start,end)`. */
function sizeAt(buf: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Parses a non-negative decimal; -1 when empty or not all digits (nats-server `parseSize`). */
export function parseSize(s: string): number {
  const len = s.length;
  if (len === 0 || len > 15) return -1;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const V_PUB = 0;
const V_HPUB = 1;
const V_SUB = 2;
const V_UNSUB = 3;
const V_ERR = 4;

export class Parser {
  private state = ST_LINE;
  /** Set by the sink (e.g. while an async CONNECT check runs); input is held until `resume`. */
  private paused = false;
  private held: Buffer | null = null;
  /** Bytes of a control line split across reads. */
  private lineBuf: Buffer | null = null;
  private lineLen = 0;
  /** Pending PUB/HPUB frame. */
  private pubSubject = '';
  private pubReply = '';
  private pubHdr = -1;
  private pubSize = 0;
  /** Destination of a payload split across reads. */
  private payloadBuf: Buffer | null = null;
  private payloadHave = 0;
  private readonly args: string[] = ['', '', '', '', ''];
  private readonly lastSubjectBytes = new Uint8Array(64);
  private lastSubjectLen = -1;
  private lastSubject = '';
  /** Start/end offsets of up to five PUB/HPUB arguments. */
  private readonly tok = new Int32Array(10);
  /** Whether HPUB is accepted; the client sets it from CONNECT's `headers`. */
  headers = false;

  constructor(
    private readonly sink: ProtocolSink,
    /** Mutable so a config reload can change them for live connections. */
    readonly limits: ParserLimits,
  ) {}

  /** Stops parsing; used after a fatal error. */
  close(): void {
    this.state = ST_DEAD;
    this.lineBuf = null;
    this.payloadBuf = null;
  }

  get closed(): boolean {
    return this.state === ST_DEAD;
  }

  /** Bytes held across reads (split control line or payload). */
  get bufferedBytes(): number {
    return (this.lineBuf ? this.lineBuf.length : 0) + (this.payloadBuf ? this.payloadBuf.length : 0);
  }

  /** Stops dispatching after the current frame; later input is held (not copied unless it piles up). */
  pause(): void {
    this.paused = true;
  }

  /** Dispatches the held input and continues normally. */
  resume(): void {
    this.paused = false;
    const h = this.held;
    this.held = null;
    if (h !== null && this.state !== ST_DEAD) this.parse(h);
  }

  parse(buf: Buffer): void {
    if (this.paused) {
      this.held = this.held === null ? buf : Buffer.concat([this.held, buf]);
      return;
    }
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      switch (this.state) {
        case ST_LINE: {
          // Fast path for the hot verb: `PUB ` scanned by hand (tokens and the line end in one pass).
          if (
            this.lineBuf === null &&
            (buf[pos]! | 0x20) === 0x70 &&
            pos + 4 < len &&
            (buf[pos + 1]! | 0x20) === 0x75 &&
            (buf[pos + 2]! | 0x20) === 0x62 &&
            (buf[pos + 3] === SP || buf[pos + 3] === TAB)
          ) {
            const next = this.fastPub(buf, pos + 4, len);
            if (next >= 0) {
              pos = next;
              break;
            }
          }
          const nl = buf.indexOf(LF, pos);
          if (nl < 0) {
            this.stashLine(buf, pos, len);
            return;
          }
          if (this.lineBuf !== null) {
            this.stashLine(buf, pos, nl + 1);
            if ((this.state as number) === ST_DEAD) return;
            const line = this.lineBuf;
            const lineEnd = this.lineLen;
            this.lineBuf = null;
            this.lineLen = 0;
            pos = nl + 1;
            this.processLine(line, 0, lineEnd - 1);
          } else {
            const start = pos;
            pos = nl + 1;
            this.processLine(buf, start, nl);
          }
          if (this.paused) {
            if (pos < len) this.held = buf.subarray(pos);
            return;
          }
          break;
        }
        case ST_PAYLOAD: {
          const want = this.pubSize - this.payloadHave;
          if (this.payloadBuf === null && len - pos >= want) {
            // Whole payload in this read: hand out the range, no copy.
            const pstart = pos;
            pos += want;
            if (pos + 1 < len && buf[pos] === CR && buf[pos + 1] === LF) {
              pos += 2;
              this.state = ST_LINE;
              this.sink.onPub(this.pubSubject, this.pubReply, this.pubHdr, buf, pstart, pstart + want);
            } else {
              const payload = buf.subarray(pstart, pstart + want);
              // Rare: trailer split or malformed; go through the slow path with a copy.
              this.payloadBuf = payload; // read buffers are never reused by node:net, so a view is safe
              this.payloadHave = want;
              this.state = ST_END_CR;
            }
            break;
          }
          if (this.payloadBuf === null) {
            this.payloadBuf = Buffer.allocUnsafe(this.pubSize);
            this.payloadHave = 0;
          }
          const n = Math.min(want, len - pos);
          buf.copy(this.payloadBuf, this.payloadHave, pos, pos + n);
          this.payloadHave += n;
          pos += n;
          if (this.payloadHave === this.pubSize) this.state = ST_END_CR;
          break;
        }
        case ST_END_CR: {
          if (buf[pos] !== CR) {
            this.fail('unknown_op', buf, pos, 'expected CR after payload');
            return;
          }
          pos++;
          this.state = ST_END_LF;
          break;
        }
        case ST_END_LF: {
          if (buf[pos] !== LF) {
            this.fail('unknown_op', buf, pos, 'expected LF after payload');
            return;
          }
          pos++;
          const payload = this.payloadBuf ?? EMPTY;
          this.payloadBuf = null;
          this.payloadHave = 0;
          this.state = ST_LINE;
          this.sink.onPub(this.pubSubject, this.pubReply, this.pubHdr, payload, 0, payload.length);
          break;
        }
        default:
          return;
      }
      if ((this.state as number) === ST_DEAD) return;
    }
  }

  private stashLine(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    const total = this.lineLen + n;
    // Like nats-server this bound is approximate for split lines (the verb is counted too); complete
    // lines are checked exactly in checkLength.
    if (total > this.limits.maxControlLine + 10) {
      this.fail('max_control_line', buf, start, 'control line too long');
      return;
    }
    if (this.lineBuf === null || this.lineBuf.length < total) {
      const nb = Buffer.allocUnsafe(Math.max(total * 2, 256));
      if (this.lineBuf) this.lineBuf.copy(nb, 0, 0, this.lineLen);
      this.lineBuf = nb;
    }
    buf.copy(this.lineBuf, this.lineLen, start, end);
    this.lineLen = total;
  }

  private fail(kind: ProtocolErrorKind, buf: Buffer, pos: number, detail: string): void {
    const state = STATE_NAMES[this.state] ?? 'UNKNOWN';
    this.close();
    this.sink.onProtocolError(new ProtocolError(kind, state, snippetOf(buf, pos, buf.length), detail));
  }

  /**
   * `buf[start,end)` is one control line without its LF (a trailing CR is stripped here). Verbs are
   * matched the way nats-server's state machine does: case-insensitive, PING/PONG/+OK ignore the rest
   * of the line, CONNECT/INFO need no separator, PUB/HPUB/SUB/UNSUB/-ERR need a space or tab.
   */
  private processLine(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end--;
    const c0 = start < end ? buf[start]! : CR;
    switch (c0 | 0x20) {
      case 0x70: // p
        if (this.prefix(buf, start, end, 'PUB')) {
          this.argVerb(buf, start, end, 3, V_PUB);
          return;
        }
        if (this.prefix(buf, start, end, 'PING')) {
          this.sink.onPing();
          return;
        }
        if (this.prefix(buf, start, end, 'PONG')) {
          this.sink.onPong();
          return;
        }
        break;
      case 0x68: // h
        if (this.prefix(buf, start, end, 'HPUB')) {
          this.argVerb(buf, start, end, 4, V_HPUB);
          return;
        }
        break;
      case 0x73: // s
        if (this.prefix(buf, start, end, 'SUB')) {
          this.argVerb(buf, start, end, 3, V_SUB);
          return;
        }
        break;
      case 0x75: // u
        if (this.prefix(buf, start, end, 'UNSUB')) {
          this.argVerb(buf, start, end, 5, V_UNSUB);
          return;
        }
        break;
      case 0x63: // c
        if (this.prefix(buf, start, end, 'CONNECT')) {
          if (!this.checkLength(buf, start + 7, end)) return;
          this.sink.onConnect(buf.toString('utf8', start + 7, end).trim());
          return;
        }
        break;
      case 0x69: // i
        if (this.prefix(buf, start, end, 'INFO')) {
          if (!this.checkLength(buf, start + 4, end)) return;
          this.sink.onInfo(buf.toString('utf8', start + 4, end).trim());
          return;
        }
        break;
      case 0x2b: // +
        if (this.prefix(buf, start + 1, end, 'OK')) {
          this.sink.onOk();
          return;
        }
        break;
      case 0x2d: // -
        if (this.prefix(buf, start + 1, end, 'ERR')) {
          this.argVerb(buf, start + 1, end, 3, V_ERR);
          return;
        }
        break;
    }
    this.fail('unknown_op', buf, start, 'unknown protocol operation');
  }

  /** Case-insensitive match of `verb` at `start` (ASCII letters only). */
  private prefix(buf: Buffer, start: number, end: number, verb: string): boolean {
    const vl = verb.length;
    if (end - start < vl) return false;
    for (let i = 0; i < vl; i++) {
      const v = verb.charCodeAt(i);
      const b = buf[start + i]!;
      if (b !== v && b !== (v | 0x20)) return false;
    }
    return true;
  }

  private checkLength(buf: Buffer, argStart: number, end: number): boolean {
    if (end - argStart > this.limits.maxControlLine) {
      this.fail('max_control_line', buf, argStart, 'control line too long');
      return false;
    }
    return true;
  }

  /** A verb that must be followed by a space or tab and arguments. */
  private argVerb(buf: Buffer, start: number, end: number, vl: number, verb: number): void {
    const sep = start + vl;
    if (sep >= end || (buf[sep] !== SP && buf[sep] !== TAB)) {
      this.fail('unknown_op', buf, start, 'expected a space after the verb');
      return;
    }
    if (!this.checkLength(buf, sep + 1, end)) return;
    switch (verb) {
      case V_PUB:
        this.parsePub(buf, sep, end, false);
        return;
      case V_HPUB:
        this.parsePub(buf, sep, end, true);
        return;
      case V_SUB:
        this.parseSub(buf, sep, end);
        return;
      case V_UNSUB:
        this.parseUnsub(buf, sep, end);
        return;
      default:
        this.sink.onErr(buf.toString('utf8', sep, end).trim());
        return;
    }
  }

  /**
   * Tokenises a PUB line starting after `PUB `; returns the position after its LF, or -1 when the line
   * is not complete in this buffer or is too long (the generic path then handles it).
   */
  private fastPub(buf: Buffer, argStart: number, len: number): number {
    const t = this.tok;
    const limit = Math.min(len, argStart + this.limits.maxControlLine + 2);
    let n = 0;
    let i = argStart;
    let inTok = false;
    for (; i < limit; i++) {
      const c = buf[i]!;
      if (c === LF) break;
      // A CR anywhere but before the LF is unusual: leave it to the generic path.
      if (c === CR && (i + 1 >= len || buf[i + 1] !== LF)) return -1;
      if (c === SP || c === TAB || c === CR) {
        if (inTok) {
          if (n < 5) t[n * 2 + 1] = i;
          n++;
          inTok = false;
        }
      } else if (!inTok) {
        if (n < 5) t[n * 2] = i;
        inTok = true;
      }
    }
    if (i >= limit) return -1;
    if (inTok) {
      if (n < 5) t[n * 2 + 1] = i;
      n++;
    }
    const end = buf[i - 1] === CR ? i - 1 : i;
    if (end - argStart > this.limits.maxControlLine) return -1;
    this.finishPub(buf, n, argStart, false);
    return i + 1;
  }

  private parsePub(buf: Buffer, start: number, end: number, headers: boolean): void {
    // Token boundaries only; strings are made for the subject and reply, sizes are read from bytes.
    const t = this.tok;
    let n = 0;
    let i = start;
    while (i < end) {
      let c = buf[i]!;
      while (c === SP || c === TAB) {
        if (++i >= end) break;
        c = buf[i]!;
      }
      if (i >= end) break;
      const s0 = i;
      while (i < end) {
        c = buf[i]!;
        if (c === SP || c === TAB) break;
        i++;
      }
      if (n < 5) {
        t[n * 2] = s0;
        t[n * 2 + 1] = i;
      }
      n++;
    }
    this.finishPub(buf, n, start, headers);
  }

  /** Validates PUB/HPUB tokens (`tok`, `n` of them) and enters the payload state. */
  private finishPub(buf: Buffer, n: number, start: number, headers: boolean): void {
    const t = this.tok;
    const want = headers ? 3 : 2;
    if (n !== want && n !== want + 1) {
      this.fail(
        'bad_args',
        buf,
        start,
        headers ? 'HPUB expects 3 or 4 arguments' : 'PUB expects 2 or 3 arguments',
      );
      return;
    }
    const hasReply = n === want + 1;
    const last = (n - 1) * 2;
    const size = sizeAt(buf, t[last]!, t[last + 1]!);
    let hdr = -1;
    if (headers) {
      hdr = sizeAt(buf, t[last - 2]!, t[last - 1]!);
      if (!this.headers) {
        this.fail('headers_unsupported', buf, start, 'HPUB without headers support');
        return;
      }
      if (hdr < 0 || size < 0 || hdr > size) {
        this.fail('bad_args', buf, start, 'bad HPUB sizes');
        return;
      }
    }
    if (size < 0) {
      this.fail('bad_args', buf, start, 'bad PUB size');
      return;
    }
    if (size > this.limits.maxPayload) {
      this.fail('max_payload', buf, start, 'payload too large');
      return;
    }
    this.pubSubject = this.subjectAt(buf, t[0]!, t[1]!);
    this.pubReply = hasReply ? buf.latin1Slice(t[2]!, t[3]!) : '';
    this.pubHdr = hdr;
    this.pubSize = size;
    this.payloadHave = 0;
    this.state = ST_PAYLOAD;
  }

  /**
   * The subject string for `buf[start,end)`. Publishers tend to repeat subjects, so the previous one is
   * reused when the bytes match: a short byte compare instead of a string allocation per message.
   */
  private subjectAt(buf: Buffer, start: number, end: number): string {
    const n = end - start;
    const last = this.lastSubjectBytes;
    if (n === this.lastSubjectLen && n <= last.length) {
      let i = 0;
      while (i < n && buf[start + i] === last[i]) i++;
      if (i === n) return this.lastSubject;
    }
    const s = buf.latin1Slice(start, end);
    if (n <= last.length) {
      for (let i = 0; i < n; i++) last[i] = buf[start + i]!;
      this.lastSubjectLen = n;
      this.lastSubject = s;
    }
    return s;
  }

  private parseSub(buf: Buffer, start: number, end: number): void {
    const a = this.args;
    const n = splitArgs(buf, start, end, a);
    if (n === 2) {
      this.sink.onSub(a[0]!, '', a[1]!);
      return;
    }
    if (n === 3) {
      this.sink.onSub(a[0]!, a[1]!, a[2]!);
      return;
    }
    this.fail('bad_args', buf, start, 'SUB expects 2 or 3 arguments');
  }

  private parseUnsub(buf: Buffer, start: number, end: number): void {
    const a = this.args;
    const n = splitArgs(buf, start, end, a);
    if (n === 1) {
      this.sink.onUnsub(a[0]!, 0);
      return;
    }
    // An unparsable max is treated as none, as nats-server does.
    if (n === 2) {
      this.sink.onUnsub(a[0]!, Math.max(0, parseSize(a[1]!)));
      return;
    }
    this.fail('bad_args', buf, start, 'UNSUB expects 1 or 2 arguments');
  }
}
