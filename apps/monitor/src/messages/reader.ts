import { createInbox, type Msg } from '@nats-io/transport-node';
import { scan } from './browse.js';
import type { JsApi, StoredMsg } from './jsapi.js';

/** Below this many sequences a bulk read uses STREAM.MSG.GET (no consumer at all). */
const CONSUMER_MIN_SPAN = 2000;
const HEARTBEAT_MS = 1000;
/** Heartbeats that may be missed before the read is given up. */
const MISSED_HEARTBEATS = 5;

/**
 * Reads [from, to] in order for bulk work (replay, export). On limits-retention streams this uses an
 * ephemeral push consumer (ack none, flow control, in memory, deleted afterwards and by an inactivity
 * threshold in any case), far faster than one request per message. Work-queue and interest streams are
 * read with STREAM.MSG.GET only, because a consumer there would take part in retention.
 */
export async function* readRange(
  js: JsApi,
  stream: string,
  from: number,
  to: number,
  filter?: string,
): AsyncGenerator<StoredMsg> {
  for await (const batch of readRangeBatches(js, stream, from, to, filter)) yield* batch;
}

/**
 * Like readRange, but yields the messages in consecutive batches (as many as have arrived), so a caller
 * can handle a batch without a turn of the event loop per message. The next batch is not requested from
 * the server (flow control) until the caller asks for it.
 */
export async function* readRangeBatches(
  js: JsApi,
  stream: string,
  from: number,
  to: number,
  filter?: string,
): AsyncGenerator<StoredMsg[]> {
  if (from > to) return;
  const info = await js.streamInfo(stream);
  const retention = info.config.retention ?? 'limits';
  if (retention !== 'limits' || to - from + 1 < CONSUMER_MIN_SPAN) {
    for await (const m of scan(js, stream, from, to, filter)) yield [m];
    return;
  }
  yield* consumerScan(js, stream, from, to, filter);
}

interface AckInfo {
  sseq: number;
  dseq: number;
  timeMs: number;
  pending: number;
}

const DOTS = new Int32Array(16);

/** Token `t` (t >= 1) of a subject whose `n` dots are in DOTS. */
function ackToken(subject: string, t: number, n: number): string {
  return subject.slice((DOTS[t - 1] as number) + 1, t < n ? DOTS[t] : subject.length);
}

/** Parses a JetStream delivery's reply subject (`$JS.ACK.<stream>.<consumer>.<dlv>.<sseq>.<dseq>.<ts>.<pending>[...]`). */
export function parseAckSubject(reply: string | undefined): AckInfo | undefined {
  if (!reply?.startsWith('$JS.ACK.')) return undefined;
  // Runs once per delivered message, so it finds the dots by hand instead of splitting the string.
  let n = 0;
  for (let i = 0; i < reply.length && n < DOTS.length; i++) {
    if (reply.charCodeAt(i) === 46) DOTS[n++] = i;
  }
  const tokens = n + 1;
  // v1 has 9 tokens; v2 adds domain and account hash after ACK and a random token at the end.
  const off = tokens === 9 ? 5 : tokens >= 12 ? 7 : -1;
  if (off < 0) return undefined;
  const ns = ackToken(reply, off + 2, n);
  // Nanoseconds to milliseconds by dropping digits: exact, and no BigInt per message.
  const timeMs = ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
  return {
    sseq: Number(ackToken(reply, off, n)),
    dseq: Number(ackToken(reply, off + 1, n)),
    timeMs,
    pending: Number(ackToken(reply, off + 3, n)),
  };
}

function rawHeaders(m: Msg): Uint8Array | undefined {
  // The client keeps the received bytes; using them keeps headers byte-exact (order, case, repeats).
  const impl = m as unknown as { _rdata?: Uint8Array; _msg?: { hdr?: number } };
  const hdr = impl._msg?.hdr ?? 0;
  if (impl._rdata && hdr > 0) return impl._rdata.subarray(0, hdr);
  return m.headers ? new TextEncoder().encode(m.headers.toString()) : undefined;
}

async function* consumerScan(
  js: JsApi,
  stream: string,
  from: number,
  to: number,
  filter: string | undefined,
): AsyncGenerator<StoredMsg[]> {
  let next = from;
  // A gap (a delivery lost to a slow subscription) restarts the consumer after the last message seen.
  for (let attempt = 0; attempt < 5 && next <= to; attempt++) {
    const inbox = createInbox();
    // Deliveries are queued by a callback (no promise per message) and handed over in batches. A flow
    // control request is queued in place and answered only once the batch before it has been handled,
    // so the server never runs further ahead than its flow-control window.
    let queue: (StoredMsg | Msg)[] = [];
    let wake: (() => void) | null = null;
    let state: 'reading' | 'ended' | 'gap' | 'stalled' = 'reading';
    let lastDseq = 0;
    let lastActivity = Date.now();
    let waiting = false;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const sub = js.nc.subscribe(inbox, {
      callback: (_err, m) => {
        lastActivity = Date.now();
        if (state !== 'reading') return;
        const ack = parseAckSubject(m.reply);
        if (!ack) {
          // Idle heartbeats need nothing; flow control asks for an empty reply (given in order, below).
          if (m.reply && m.headers?.code === 100) {
            queue.push(m);
            notify();
          }
          return;
        }
        if (ack.dseq !== lastDseq + 1) {
          state = 'gap';
        } else if (ack.sseq > to) {
          state = 'ended';
        } else {
          lastDseq = ack.dseq;
          queue.push({
            seq: ack.sseq,
            subject: m.subject,
            timeMs: ack.timeMs,
            hdrs: rawHeaders(m),
            data: m.data,
          });
          if (ack.pending === 0 || ack.sseq >= to) state = 'ended';
        }
        notify();
      },
    });
    let name: string | undefined;
    let watchdog: ReturnType<typeof setInterval> | undefined;
    try {
      const created = await js.request<{ name: string; num_pending: number }>(
        `CONSUMER.CREATE.${stream}`,
        {
          stream_name: stream,
          config: {
            deliver_subject: inbox,
            deliver_policy: 'by_start_sequence',
            opt_start_seq: next,
            ack_policy: 'none',
            replay_policy: 'instant',
            flow_control: true,
            idle_heartbeat: HEARTBEAT_MS * 1_000_000,
            inactive_threshold: 30_000_000_000,
            mem_storage: true,
            num_replicas: 1,
            ...(filter ? { filter_subject: filter } : {}),
          },
        },
        stream,
      );
      name = created.name;
      if (created.num_pending === 0) return;
      watchdog = setInterval(() => {
        if (waiting && state === 'reading' && Date.now() - lastActivity > HEARTBEAT_MS * MISSED_HEARTBEATS) {
          state = 'stalled';
          notify();
        }
      }, HEARTBEAT_MS);
      for (;;) {
        if (queue.length === 0 && state === 'reading') {
          // Only time spent waiting on the server counts towards a stall, not time the caller spends on
          // a batch (a rate-limited replay may take long over one).
          lastActivity = Date.now();
          waiting = true;
          while (queue.length === 0 && state === 'reading') await new Promise<void>((r) => (wake = r));
          waiting = false;
        }
        const items = queue;
        queue = [];
        const batch: StoredMsg[] = [];
        const flowControl: Msg[] = [];
        for (const item of items) {
          if ('seq' in item) batch.push(item);
          else flowControl.push(item);
        }
        const last = batch.at(-1);
        if (last) {
          next = last.seq + 1;
          yield batch;
        }
        for (const fc of flowControl) fc.respond();
        if (queue.length > 0 || state === 'reading') continue;
        if (state === 'ended') return;
        if (state === 'stalled')
          throw new Error(`reading stream ${stream} stalled (no heartbeat from the server)`);
        break;
      }
    } finally {
      if (watchdog) clearInterval(watchdog);
      sub.unsubscribe();
      if (name) await js.request(`CONSUMER.DELETE.${stream}.${name}`, undefined, stream).catch(() => {});
    }
  }
  if (next <= to) throw new Error(`reading stream ${stream} kept losing deliveries (a slow subscription)`);
}
