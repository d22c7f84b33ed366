import type { MessageBrowseQuery, MessageBrowseResponse, MessageSummary } from '@tern/contracts';
import { InvalidRange, InvalidSubject } from './errors.js';
import type { JsApi, StoredMsg } from './jsapi.js';
import { parseHeaderBlock, payloadKind, payloadPreview } from './payload.js';
import { isValidFilter, subjectMatches } from './subjects.js';

// Browsing reads with STREAM.MSG.GET only (by sequence, or `next_by_subj`): no consumer is created,
// nothing is acked, so work-queue and interest streams are left exactly as they were.

/** Requests in flight at once when reading consecutive sequences. */
const PIPELINE = 128;
/** Sequences scanned per step when paging backwards with a subject filter grows up to this. */
const MAX_WINDOW = 65_536;

export function toSummary(m: StoredMsg): MessageSummary {
  const kind = payloadKind(m.data);
  return {
    seq: m.seq,
    subject: m.subject,
    time: new Date(m.timeMs).toISOString(),
    size: m.data.length + (m.hdrs?.length ?? 0),
    headerCount: parseHeaderBlock(m.hdrs).length,
    kind,
    preview: payloadPreview(m.data, kind),
  };
}

export function checkFilter(subject: string | undefined): string | undefined {
  if (subject === undefined || subject === '' || subject === '>') return undefined;
  if (!isValidFilter(subject)) throw new InvalidSubject(`"${subject}" is not a valid subject filter`);
  return subject;
}

/**
 * Every message with a sequence in [from, to] matching `filter`, in order. Unfiltered reads are
 * pipelined by sequence; filtered reads hop with `next_by_subj`.
 */
export async function* scan(
  js: JsApi,
  stream: string,
  from: number,
  to: number,
  filter?: string,
): AsyncGenerator<StoredMsg> {
  if (from > to) return;
  if (filter) {
    let seq = from;
    while (seq <= to) {
      const m = await js.getMsg(stream, seq, filter);
      if (!m || m.seq > to) return;
      yield m;
      seq = m.seq + 1;
    }
    return;
  }
  let next = from;
  const inflight: Promise<StoredMsg | undefined>[] = [];
  const fill = () => {
    while (inflight.length < PIPELINE && next <= to) {
      const p = js.getMsg(stream, next++);
      // Requests left in flight when the caller stops early must not become unhandled rejections.
      p.catch(() => {});
      inflight.push(p);
    }
  };
  fill();
  while (inflight.length > 0) {
    const m = await (inflight.shift() as Promise<StoredMsg | undefined>);
    fill();
    if (m) yield m;
  }
}

async function collect(it: AsyncGenerator<StoredMsg>, max: number): Promise<StoredMsg[]> {
  const out: StoredMsg[] = [];
  if (max <= 0) return out;
  for await (const m of it) {
    out.push(m);
    if (out.length >= max) break;
  }
  return out;
}

/** The first sequence in [first, last] whose message was stored at or after `timeMs`, or last+1. */
export async function seekTime(
  js: JsApi,
  stream: string,
  first: number,
  last: number,
  timeMs: number,
): Promise<number> {
  let lo = Math.max(first, 1);
  let hi = last + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const m = await js.getMsg(stream, mid, '>');
    if (!m || m.seq > last) hi = mid;
    else if (m.timeMs >= timeMs) hi = mid;
    else lo = m.seq + 1;
  }
  return lo;
}

/** A page of the browser (see MessageBrowseQuery). */
export async function browse(
  js: JsApi,
  stream: string,
  q: MessageBrowseQuery,
): Promise<MessageBrowseResponse> {
  const filter = checkFilter(q.subject);
  const info = await js.streamInfo(stream);
  const first = info.state.first_seq;
  const last = info.state.last_seq;
  const limit = q.limit;
  const empty = info.state.messages === 0;
  let page: StoredMsg[] = [];
  let olderSeq: number | null = null;
  let newerSeq: number | null = null;

  if (!empty && (q.time !== undefined || q.direction === 'forward')) {
    let start = q.seq ?? first;
    if (q.time !== undefined) {
      const t = Date.parse(q.time);
      if (Number.isNaN(t)) throw new InvalidRange(`"${q.time}" is not a time`);
      start = await seekTime(js, stream, first, last, t);
    }
    start = Math.max(start, first);
    const got = await collect(scan(js, stream, start, last, filter), limit + 1);
    page = got.slice(0, limit);
    newerSeq = got.length > limit ? (got[limit] as StoredMsg).seq : null;
    const head = page[0]?.seq ?? start;
    olderSeq = head > first ? head - 1 : null;
  } else if (!empty) {
    const end = Math.min(q.seq ?? last, last);
    // Walk windows backwards from `end`, widening them while a filter leaves them sparse.
    let hi = end;
    let window = filter ? limit * 4 : limit + 1;
    let got: StoredMsg[] = [];
    while (hi >= first && got.length <= limit) {
      const lo = Math.max(first, hi - window + 1);
      const part = await collect(scan(js, stream, lo, hi, filter), Number.POSITIVE_INFINITY);
      got = [...part, ...got];
      hi = lo - 1;
      window = Math.min(window * 4, MAX_WINDOW);
    }
    page = got.slice(-limit);
    const head = page[0]?.seq;
    olderSeq = got.length > limit && head !== undefined ? head - 1 : null;
    newerSeq = end < last ? end + 1 : null;
  }
  return { stream, messages: page.map(toSummary), olderSeq, newerSeq, firstSeq: first, lastSeq: last };
}

/** A selection resolved to a sequence range (time bounds searched by binary search). */
export interface ResolvedRange {
  fromSeq: number;
  toSeq: number;
  filter: string | undefined;
  /** Stream state when resolved, for estimates. */
  messages: number;
  bytes: number;
  first: number;
  last: number;
}

export async function resolveRange(
  js: JsApi,
  stream: string,
  r: { fromSeq?: number; toSeq?: number; startTime?: string; endTime?: string; subject?: string },
): Promise<ResolvedRange> {
  const filter = checkFilter(r.subject);
  const info = await js.streamInfo(stream);
  const first = info.state.first_seq;
  const last = info.state.last_seq;
  let fromSeq = Math.max(r.fromSeq ?? first, first);
  let toSeq = Math.min(r.toSeq ?? last, last);
  for (const [name, value] of [
    ['startTime', r.startTime],
    ['endTime', r.endTime],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      throw new InvalidRange(`${name} "${value}" is not a time`);
    }
  }
  if (r.startTime)
    fromSeq = Math.max(fromSeq, await seekTime(js, stream, first, last, Date.parse(r.startTime)));
  if (r.endTime) {
    // Inclusive end: everything stored before the first message after endTime.
    toSeq = Math.min(toSeq, (await seekTime(js, stream, first, last, Date.parse(r.endTime) + 1)) - 1);
  }
  if (r.fromSeq !== undefined && r.toSeq !== undefined && r.fromSeq > r.toSeq) {
    throw new InvalidRange(`fromSeq ${r.fromSeq} is after toSeq ${r.toSeq}`);
  }
  return {
    fromSeq,
    toSeq,
    filter,
    messages: info.state.messages,
    bytes: info.state.bytes,
    first,
    last,
  };
}

/** Messages in a resolved range: exact when cheap, else an upper bound (scans at most `scanLimit`). */
export async function countRange(
  js: JsApi,
  stream: string,
  r: ResolvedRange,
  scanLimit = 10_000,
): Promise<{ count: number; exact: boolean; bytes: number }> {
  if (r.fromSeq > r.toSeq || r.messages === 0) return { count: 0, exact: true, bytes: 0 };
  const avg = r.messages > 0 ? r.bytes / r.messages : 0;
  const whole = r.fromSeq <= r.first && r.toSeq >= r.last;
  if (!r.filter && whole) return { count: r.messages, exact: true, bytes: r.bytes };
  if (r.filter && whole) {
    const info = await js.streamInfo(stream, r.filter);
    const count = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    return { count, exact: true, bytes: Math.round(count * avg) };
  }
  const span = r.toSeq - r.fromSeq + 1;
  if (span <= scanLimit) {
    let count = 0;
    let bytes = 0;
    for await (const m of scan(js, stream, r.fromSeq, r.toSeq, r.filter)) {
      count++;
      bytes += m.data.length + (m.hdrs?.length ?? 0);
    }
    return { count, exact: true, bytes };
  }
  return { count: span, exact: false, bytes: Math.round(span * avg) };
}

/** Whether a stored message falls in the selection (used by callers that re-check after a resume). */
export const inSelection = (m: StoredMsg, r: { filter?: string | undefined }): boolean =>
  !r.filter || subjectMatches(r.filter, m.subject);
