import type { ConsumerLag as ConsumerLagDto, ConsumerSummary, StreamSummary } from '@tern/contracts';
import type { ConsumerFull, StreamFull } from '../scrape/bodies.js';
import { consumerId, parseTime, streamId } from '../series/extract.js';
import { estimateLag } from '../series/lag.js';
import type { Observatory, UpServer } from './observatory.js';

/** One stream as reported by the server that leads it (or the only one reporting it). */
export interface StreamRecord {
  targetId: string;
  targetName: string;
  account: string;
  body: StreamFull;
  /** Name of the reporting server. */
  reporter: string;
  leader: boolean;
}

/** One consumer, from the report of its leader when the cluster says who that is. */
export interface ConsumerRecord {
  targetId: string;
  targetName: string;
  account: string;
  stream: string;
  body: ConsumerFull;
  reporter: string;
  leader: boolean;
}

const isLeaderOf = (cluster: { leader?: string } | undefined, up: UpServer): boolean =>
  cluster?.leader === undefined ||
  cluster.leader === up.snap.varz.server_name ||
  cluster.leader === up.serverId;

/**
 * Streams and consumers of every server that answered, deduplicated per target: each server holding
 * a replica reports it, and the leader's report wins (a non-clustered report counts as the leader's).
 */
export function collectJetStream(
  obs: Observatory,
  targetId?: string,
): {
  streams: StreamRecord[];
  consumers: ConsumerRecord[];
} {
  const streams = new Map<string, StreamRecord>();
  const consumers = new Map<string, ConsumerRecord>();
  for (const up of obs.upServers(targetId)) {
    const t = up.state.target;
    const reporter = up.snap.varz.server_name ?? up.serverId;
    for (const acc of up.snap.jsz?.account_details ?? []) {
      for (const s of acc.stream_detail ?? []) {
        const sk = `${t.id}\u0000${streamId(acc.name, s.name)}`;
        const leader = isLeaderOf(s.cluster, up);
        const had = streams.get(sk);
        if (!had || (leader && !had.leader)) {
          streams.set(sk, {
            targetId: t.id,
            targetName: t.name,
            account: acc.name,
            body: s,
            reporter,
            leader,
          });
        }
        for (const c of s.consumer_detail ?? []) {
          const ck = `${t.id}\u0000${consumerId(acc.name, s.name, c.name)}`;
          const cLeader = c.cluster ? isLeaderOf(c.cluster, up) : leader;
          const hadC = consumers.get(ck);
          if (!hadC || (cLeader && !hadC.leader)) {
            consumers.set(ck, {
              targetId: t.id,
              targetName: t.name,
              account: acc.name,
              stream: s.name,
              body: c,
              reporter,
              leader: cLeader,
            });
          }
        }
      }
    }
  }
  return { streams: [...streams.values()], consumers: [...consumers.values()] };
}

const iso = (v: string | undefined): string | undefined => {
  const ms = parseTime(v);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

/** The API view of a stream. */
export function toStreamSummary(obs: Observatory, r: StreamRecord): StreamSummary {
  const st = r.body.state ?? {};
  const cfg = r.body.config;
  const out: StreamSummary = {
    targetId: r.targetId,
    targetName: r.targetName,
    account: r.account,
    name: r.body.name,
    subjects: Array.isArray(cfg?.subjects) ? cfg.subjects.filter((x) => typeof x === 'string') : [],
    messages: st.messages ?? 0,
    bytes: st.bytes ?? 0,
    firstSeq: st.first_seq ?? 0,
    lastSeq: st.last_seq ?? 0,
    consumerCount: st.consumer_count ?? 0,
    msgsRate: rateOf(
      obs.store.rate({
        target: r.targetId,
        kind: 'stream',
        id: streamId(r.account, r.body.name),
        metric: 'last_seq',
      }),
    ),
    leader: r.body.cluster?.leader ?? r.reporter,
  };
  const created = iso(r.body.created);
  if (created) out.created = created;
  if (typeof cfg?.storage === 'string') out.storage = cfg.storage;
  if (typeof cfg?.retention === 'string') out.retention = cfg.retention;
  if (typeof cfg?.num_replicas === 'number') out.replicas = cfg.num_replicas;
  const firstTs = st.messages ? iso(st.first_ts) : undefined;
  if (firstTs) out.firstTs = firstTs;
  const lastTs = iso(st.last_ts);
  if (lastTs) out.lastTs = lastTs;
  if (typeof st.num_subjects === 'number') out.numSubjects = st.num_subjects;
  return out;
}

/** Lag estimates of a target's consumers by consumer id (`<account>/<stream>/<consumer>`). */
export function lagsByConsumer(obs: Observatory, targetId?: string): Map<string, ConsumerLagDto> {
  const out = new Map<string, ConsumerLagDto>();
  for (const l of obs.store.lags(targetId)) out.set(`${l.target}\u0000${l.id}`, l.lag);
  return out;
}

/** The API view of a consumer; lag comes from the store's estimate (computed from the series). */
export function toConsumerSummary(
  r: ConsumerRecord,
  lags: ReadonlyMap<string, ConsumerLagDto>,
): ConsumerSummary {
  const c = r.body;
  const cfg = c.config ?? {};
  const id = consumerId(r.account, r.stream, c.name);
  const numPending = c.num_pending ?? 0;
  const numAckPending = c.num_ack_pending ?? 0;
  // Before the store has two scrapes of a consumer it has no estimate: counts are still exact.
  const lag =
    lags.get(`${r.targetId}\u0000${id}`) ??
    estimateLag({ now: Date.now(), numPending, numAckPending, consumeRate: null });
  const out: ConsumerSummary = {
    targetId: r.targetId,
    targetName: r.targetName,
    account: r.account,
    stream: r.stream,
    name: c.name,
    durable: typeof cfg.durable_name === 'string' && cfg.durable_name !== '',
    numPending,
    numAckPending,
    numRedelivered: c.num_redelivered ?? 0,
    numWaiting: c.num_waiting ?? 0,
    deliveredStreamSeq: c.delivered?.stream_seq ?? 0,
    ackFloorStreamSeq: c.ack_floor?.stream_seq ?? 0,
    leader: c.cluster?.leader ?? r.reporter,
    lag: {
      outstanding: lag.outstanding,
      consumeRate: rateOf(lag.consumeRate),
      drainSeconds: finite(lag.drainSeconds),
      oldestUnackedAgeSeconds: finite(lag.oldestUnackedAgeSeconds),
      ageMethod: lag.ageMethod,
    },
  };
  const created = iso(c.created);
  if (created) out.created = created;
  for (const [key, field] of [
    ['ackPolicy', 'ack_policy'],
    ['deliverPolicy', 'deliver_policy'],
    ['filterSubject', 'filter_subject'],
    ['deliverSubject', 'deliver_subject'],
  ] as const) {
    const v = cfg[field];
    if (typeof v === 'string' && v !== '') out[key] = v;
  }
  const lastActive = [iso(c.delivered?.last_active), iso(c.ack_floor?.last_active)]
    .filter((x): x is string => x !== undefined)
    .sort()
    .at(-1);
  if (lastActive) out.lastActive = lastActive;
  return out;
}

/** A rate for the API: null when unknown, never negative. */
export const rateOf = (r: number | null | undefined): number | null =>
  typeof r === 'number' && Number.isFinite(r) ? Math.max(0, r) : null;

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** Compares for sorting: nulls last whatever the order. */
export function compareNullable(
  a: number | string | null | undefined,
  b: number | string | null | undefined,
): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const summaries = new WeakMap<Observatory, { generation: number; value: ConsumerSummary[] }>();

/** Every consumer's API view, computed once per observatory generation. */
export function allConsumerSummaries(obs: Observatory): ConsumerSummary[] {
  let c = summaries.get(obs);
  if (c?.generation !== obs.generation) {
    const lags = lagsByConsumer(obs);
    c = {
      generation: obs.generation,
      value: collectJetStream(obs).consumers.map((r) => toConsumerSummary(r, lags)),
    };
    summaries.set(obs, c);
  }
  return c.value;
}
