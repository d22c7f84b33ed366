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
  if (from > to) return;
  const info = await js.streamInfo(stream);
  const retention = info.config.retention ?? 'limits';
  if (retention !== 'limits' || to - from + 1 < CONSUMER_MIN_SPAN) {
    yield* scan(js, stream, from, to, filter);
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

/** Parses a JetStream delivery's reply subject (`$JS.ACK.<stream>.<consumer>.<dlv>.<sseq>.<dseq>.<ts>.<pending>[...]`). */
export function parseAckSubject(reply: string | undefined): AckInfo | undefined {
  if (!reply?.startsWith('$JS.ACK.')) return undefined;
  const t = reply.split('.');
  // v1 has 9 tokens; v2 adds domain and account hash after ACK and a random token at the end.
  const off = t.length === 9 ? 5 : t.length >= 12 ? 7 : -1;
  if (off < 0) return undefined;
  const sseq = Number(t[off]);
  const dseq = Number(t[off + 1]);
  const ns = BigInt(t[off + 2] ?? '0');
  const pending = Number(t[off + 3]);
  return { sseq, dseq, timeMs: Number(ns / 1_000_000n), pending };
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
): AsyncGenerator<StoredMsg> {
  let next = from;
  // A gap (a delivery lost to a slow subscription) restarts the consumer after the last message seen.
  for (let attempt = 0; attempt < 5 && next <= to; attempt++) {
    const inbox = createInbox();
    const sub = js.nc.subscribe(inbox);
    let name: string | undefined;
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
      let lastDseq = 0;
      let lastActivity = Date.now();
      const watchdog = setInterval(() => {
        if (Date.now() - lastActivity > HEARTBEAT_MS * MISSED_HEARTBEATS) sub.unsubscribe();
      }, HEARTBEAT_MS);
      try {
        let gap = false;
        for await (const m of sub) {
          lastActivity = Date.now();
          if (m.headers && m.headers.code === 100) {
            // Flow control asks for an empty reply once we have processed what came before it.
            if (m.reply) m.respond();
            continue;
          }
          const ack = parseAckSubject(m.reply);
          if (!ack) continue;
          if (ack.dseq !== lastDseq + 1) {
            gap = true;
            break;
          }
          lastDseq = ack.dseq;
          if (ack.sseq > to) return;
          next = ack.sseq + 1;
          yield { seq: ack.sseq, subject: m.subject, timeMs: ack.timeMs, hdrs: rawHeaders(m), data: m.data };
          if (ack.pending === 0 || ack.sseq >= to) return;
        }
        if (!gap) throw new Error(`reading stream ${stream} stalled (no heartbeat from the server)`);
      } finally {
        clearInterval(watchdog);
      }
    } finally {
      sub.unsubscribe();
      if (name) await js.request(`CONSUMER.DELETE.${stream}.${name}`, undefined, stream).catch(() => {});
    }
  }
}
