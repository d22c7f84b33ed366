import { randomBytes } from 'node:crypto';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const utf8 = (s: string): Uint8Array => enc.encode(s);
export const str = (b: Uint8Array | undefined): string => (b ? dec.decode(b) : '');
export const EMPTY = new Uint8Array(0);

/** JSON as Go's encoding/json writes it: `<`, `>` and `&` escaped (clients compare bytes in places). */
export function goJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the epoch, monotonic within the process (message times must never go back). */
export function nowNs(): bigint {
  return process.hrtime.bigint() + epochOffsetNs;
}

/** Go's RFC3339Nano in UTC: fraction trimmed of trailing zeros; 0n is Go's zero time. */
export function rfc3339(ns: bigint): string {
  if (ns === 0n) return ZERO_TIME;
  const ms = Number(ns / 1_000_000n);
  const frac = ns % 1_000_000_000n;
  const base = new Date(ms).toISOString().slice(0, 19);
  if (frac === 0n) return `${base}Z`;
  return `${base}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** Parses an RFC3339 timestamp (any precision, any offset) to ns since the epoch. */
export function parseTime(s: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  return BigInt(ms) * 1_000_000n + frac;
}

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric id, as nats-server names ephemeral consumers and advisories. */
export function randomName(len = 8): string {
  const b = randomBytes(len);
  let s = '';
  for (let i = 0; i < len; i++) s += NAME_CHARS[(b[i] ?? 0) % NAME_CHARS.length];
  return s;
}

/** A parsed NATS header block. */
export interface Headers {
  code: number;
  description: string;
  fields: Array<[string, string]>;
}

/** Parses `NATS/1.0[ code[ desc]]\r\nK: V\r\n...\r\n\r\n`. */
export function parseHeaders(raw: Uint8Array | undefined): Headers | undefined {
  if (!raw || raw.length === 0) return undefined;
  const text = str(raw);
  const lines = text.split('\r\n');
  const first = lines[0] ?? '';
  let code = 0;
  let description = '';
  const m = /^NATS\/1\.0(?: (\d{3})(?: (.*))?)?$/.exec(first.trim());
  if (m) {
    code = m[1] ? Number(m[1]) : 0;
    description = m[2] ?? '';
  }
  const fields: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    const c = l.indexOf(':');
    if (c <= 0) continue;
    fields.push([l.slice(0, c).trim(), l.slice(c + 1).trim()]);
  }
  return { code, description, fields };
}

/** First value of header `key` (exact case, as nats-server's getHeader). */
export function header(h: Headers | undefined, key: string): string | undefined {
  if (!h) return undefined;
  for (const [k, v] of h.fields) if (k === key) return v;
  return undefined;
}

/** Builds a header block; `status` like `404 No Messages`. */
export function buildHeaders(fields: Array<[string, string]>, status?: string): Uint8Array {
  let s = status ? `NATS/1.0 ${status}\r\n` : 'NATS/1.0\r\n';
  for (const [k, v] of fields) s += `${k}: ${v}\r\n`;
  s += '\r\n';
  return utf8(s);
}

/** Appends fields to an existing raw header block (or starts one), keeping the original bytes. */
export function appendHeaders(raw: Uint8Array | undefined, fields: Array<[string, string]>): Uint8Array {
  if (!raw || raw.length < 4) return buildHeaders(fields);
  // Drop the final blank line, add the fields, close again.
  const head = str(raw).replace(/\r\n\r\n$/, '\r\n');
  let s = head.endsWith('\r\n') ? head : `${head}\r\n`;
  for (const [k, v] of fields) s += `${k}: ${v}\r\n`;
  return utf8(`${s}\r\n`);
}

/** Parses a Go duration string (`1s`, `500ms`, `1m30s`) into ns. */
export function parseGoDuration(s: string): bigint | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (units[m[2] ?? 'ns'] ?? 1);
    matched = re.lastIndex;
  }
  if (matched !== s.length || s.length === 0) return undefined;
  return BigInt(Math.round(total));
}

/** Go's time.Duration String() for whole-second style values used in 409 texts. */
export function goDurationString(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trimNum(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trimNum(ns / 1e6)}ms`;
  let out = '';
  let rest = ns / 1e9;
  const h = Math.floor(rest / 3600);
  if (h) {
    out += `${h}h`;
    rest -= h * 3600;
  }
  const m = Math.floor(rest / 60);
  if (h || m) {
    out += `${m}m`;
    rest -= m * 60;
  }
  return `${out}${trimNum(rest)}s`;
}

function trimNum(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** Whether two subject patterns (wildcards allowed) can match a common subject. */
export function subjectsCollide(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] === '>' || y[i] === '>') return true;
    if (x[i] === '*' || y[i] === '*') continue;
    if (x[i] !== y[i]) return false;
  }
  if (x.length === y.length) return true;
  const longer = x.length > y.length ? x : y;
  return longer[n - 1] === '>' ? true : (x.length < y.length ? x : y)[n] === '>';
}

/** Whether every subject matched by `sub` is also matched by `sup`. */
export function subjectIsSubset(sub: string, sup: string): boolean {
  const s = sub.split('.');
  const p = sup.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i < s.length;
    if (i >= s.length) return false;
    if (p[i] === '*') {
      if (s[i] === '>') return false;
      continue;
    }
    if (s[i] !== p[i]) return false;
  }
  return s.length === p.length;
}

/** Whether version string `v` (x.y.z) is at least `min`. */
export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}
