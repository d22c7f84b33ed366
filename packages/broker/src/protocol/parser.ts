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
  /** `headerSize` is -1 for PUB; for HPUB it is the header block length within `payload`. */
  onPub(subject: string, reply: string, headerSize: number, payload: Buffer): void;
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
            // Whole payload in this read: hand out a view, no copy.
            const payload = buf.subarray(pos, pos + want);
            pos += want;
            if (pos + 1 < len && buf[pos] === CR && buf[pos + 1] === LF) {
              pos += 2;
              this.state = ST_LINE;
              this.sink.onPub(this.pubSubject, this.pubReply, this.pubHdr, payload);
            } else {
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
          const payload = this.payloadBuf ?? Buffer.alloc(0);
          this.payloadBuf = null;
          this.payloadHave = 0;
          this.state = ST_LINE;
          this.sink.onPub(this.pubSubject, this.pubReply, this.pubHdr, payload);
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

  private parsePub(buf: Buffer, start: number, end: number, headers: boolean): void {
    const a = this.args;
    const n = splitArgs(buf, start, end, a);
    let size: number;
    let hdr = -1;
    if (!headers) {
      if (n === 2) {
        this.pubSubject = a[0]!;
        this.pubReply = '';
        size = parseSize(a[1]!);
      } else if (n === 3) {
        this.pubSubject = a[0]!;
        this.pubReply = a[1]!;
        size = parseSize(a[2]!);
      } else {
        this.fail('bad_args', buf, start, 'PUB expects 2 or 3 arguments');
        return;
      }
    } else {
      if (n === 3) {
        this.pubSubject = a[0]!;
        this.pubReply = '';
        hdr = parseSize(a[1]!);
        size = parseSize(a[2]!);
      } else if (n === 4) {
        this.pubSubject = a[0]!;
        this.pubReply = a[1]!;
        hdr = parseSize(a[2]!);
        size = parseSize(a[3]!);
      } else {
        this.fail('bad_args', buf, start, 'HPUB expects 3 or 4 arguments');
        return;
      }
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
    this.pubHdr = hdr;
    this.pubSize = size;
    this.payloadHave = 0;
    this.state = ST_PAYLOAD;
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
