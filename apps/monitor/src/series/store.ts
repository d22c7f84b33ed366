import type { PrismaClient } from '@tern/db';
import { AccountTotals } from './accounts.js';
import type { EntityKind, MetricType, Observation } from './extract.js';
import { estimateLag, type Lag } from './lag.js';
import { CounterState, type CounterStateOptions } from './rates.js';
import { Ring } from './ring.js';

/** Identifies one series: a metric of an entity of a target. */
export interface SeriesKey {
  target: string;
  kind: EntityKind;
  id: string;
  metric: string;
}

/** One point recorded by `ingest` (what the live feed pushes). */
export interface SeriesSample extends SeriesKey {
  t: number;
  v: number;
}

/** The latest raw reading of one observed metric (counters as the server reports them). */
export interface LatestValue extends SeriesKey {
  type: MetricType;
  t: number;
  value: number;
  /** Counters: the per-second rate over the last interval (null right after a reset or on the first reading). */
  rate?: number | null;
}

/** The latest lag estimate of one consumer. */
export interface ConsumerLag {
  target: string;
  /** `<account>/<stream>/<consumer>`. */
  id: string;
  t: number;
  lag: Lag;
}

/** One point of a query answer: the mean over its step plus the extremes seen in it. */
export interface QueryPoint {
  t: number;
  v: number;
  min: number;
  max: number;
}

export interface SeriesQuery extends SeriesKey {
  /** Milliseconds since the epoch, inclusive. */
  from: number;
  to: number;
  /** Default 500. */
  maxPoints?: number;
}

/** A sum over many series: every entity of `kind` (or those in `ids`) of one target, or of every target (`*`). */
export interface AggregateQuery {
  /** A target id, or `*` for every target. */
  target: string;
  kind: EntityKind;
  metric: string;
  /** Only these entity ids (default: all of `kind`). */
  ids?: readonly string[];
  from: number;
  to: number;
  /** Default 500. */
  maxPoints?: number;
}

export interface SeriesResult {
  /** `raw`: the samples as scraped (from memory); `rollup`: 1-minute points (database plus not yet written). */
  resolution: 'raw' | 'rollup';
  /** Spacing of the returned points; 0 for raw samples returned as they are. */
  stepMs: number;
  points: QueryPoint[];
}

/** The part of the Prisma client the store uses. */
export type SeriesDb = Pick<PrismaClient, 'seriesPoint' | '$executeRaw'>;

export interface SeriesStoreOptions {
  /** Where 1-minute rollups are persisted; without it only raw memory is kept and queried. */
  db?: SeriesDb;
  /** Raw samples kept in memory (default 1 hour). */
  rawRetentionMs?: number;
  /** Hard cap on raw series in memory; the least recently updated is evicted (default 50,000). */
  maxSeries?: number;
  /** Hard cap on points per raw series (default 2,048: 1 hour at 2 s, with room). */
  maxPointsPerSeries?: number;
  /**
   * Repeated values are stored as runs (first and last point); a silence longer than this ends a run
   * so that outages show as gaps (default 30 s; keep it a few scrape intervals).
   */
  maxRunGapMs?: number;
  /** Rollup resolution (default 1 minute). */
  rollupMs?: number;
  /**
   * A closed minute that lies on the line through the series' last two written minutes (an idle
   * gauge, a steadily ageing lag) is not written; a row is still written at least this often, and
   * queries interpolate between rows at most this far apart (default 10 minutes; 0 writes every minute).
   */
  rollupHeartbeatMs?: number;
  /** Rollups kept in the database (default 7 days). */
  rollupRetentionMs?: number;
  /** How often `maintain` deletes expired rollups (default 10 minutes). */
  pruneEveryMs?: number;
  /** Rows per INSERT (default 1,000). */
  flushBatchSize?: number;
  /** Rollups waiting for the database beyond this are dropped, oldest first (default 200,000). */
  maxPendingRollups?: number;
  /** Latest readings and lag estimates not refreshed for this long are forgotten (default 5 minutes). */
  latestTtlMs?: number;
  /** Hard cap on latest readings kept (default 4 × maxSeries). */
  maxLatest?: number;
  /** Smallest step of an aggregate over raw samples: about the scrape interval (default 2 s). */
  aggregateStepMs?: number;
  /** A server's account figures count toward its cluster's totals this long after its last scrape (default 10 s). */
  accountStaleAfterMs?: number;
  /** Rate computation: maximum gap and the window of the consume rate used for lag. */
  counters?: CounterStateOptions;
  /** Which series get rollups (default: all). */
  persist?: (key: SeriesKey) => boolean;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** What `maintain` did. */
export interface MaintainResult {
  written: number;
  pruned: number;
  error?: string;
}

export interface SeriesStoreStats {
  series: number;
  points: number;
  /** Bytes held by raw point arrays. */
  bytes: number;
  latest: number;
  lags: number;
  pendingRollups: number;
  droppedRollups: number;
  evictedSeries: number;
  lastFlushError?: string;
}

/** Extra inputs for `ingest`. */
export interface IngestExtras {
  /** Real publish time of the message at ack_floor.stream_seq + 1, by consumer id, when the caller fetched it. */
  oldestUnackedTimes?: ReadonlyMap<string, number>;
  /** Return the points added (default true); without live subscribers nobody reads them. */
  samples?: boolean;
}

interface Acc {
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
}

interface Rollup extends SeriesKey {
  bucket: number;
  min: number;
  max: number;
  avg: number;
  last: number;
  count: number;
}

interface Entry extends SeriesKey {
  ring: Ring;
  rec: Entity;
  /** The last two rollups written (or queued), which define the line a skipped minute lies on. */
  lastW?: Rollup;
  prevW?: Rollup;
  /** The latest closed minute skipped because it lay on that line: written when the line ends. */
  held?: Rollup;
  /** Time of the latest sample, for evicting the least recently updated series. */
  touched: number;
  acc?: Acc;
  persist: boolean;
}

interface Latest extends LatestValue {
  counter?: CounterState;
  rec: Entity;
}

/** One entity's readings and series by metric: a scrape looks its entity up once, not once per metric. */
interface Entity {
  key: string;
  target: string;
  kind: EntityKind;
  id: string;
  latest: Map<string, Latest>;
  series: Map<string, Entry>;
}

/** Readings kept for lag estimation and /metrics only: charting a timestamp says nothing. */
const STATE_ONLY = new Set(['first_ts', 'last_ts', 'delivered_last_active', 'ack_floor_last_active']);

/** The series name a counter's per-second rate is recorded under. */
export const rateMetric = (counter: string): string => `${counter}_rate`;

/** Series names of the derived lag (seconds). */
export const LAG_DRAIN_METRIC = 'lag_drain_seconds';
export const LAG_AGE_METRIC = 'lag_oldest_unacked_seconds';

const keyOf = (target: string, kind: string, id: string, metric: string): string =>
  `${target}\u0000${kind}\u0000${id}\u0000${metric}`;

/**
 * Time series of every scraped entity. Raw samples live in bounded in-memory rings; each series is
 * also rolled up into 1-minute min/max/avg/last points that `maintain()` writes to the database in
 * batches and prunes after `rollupRetentionMs`. Counters are stored as per-second rates
 * (`<metric>_rate`), gauges as they are, and consumers get derived lag series. Memory is bounded by
 * `maxSeries × maxPointsPerSeries` points plus `maxLatest` readings however long it runs.
 */
export class SeriesStore {
  readonly #db: SeriesDb | undefined;
  readonly #o: Required<Omit<SeriesStoreOptions, 'db' | 'persist' | 'counters'>>;
  readonly #counterOpts: CounterStateOptions;
  readonly #persist: (key: SeriesKey) => boolean;
  // Map iteration order is insertion order; re-inserting on update keeps the least recently updated first.
  // Sets of records rather than maps by a `target/kind/id/metric` string: 100,000 such keys cost more
  // than the data they index. Lookups go through `#entities`.
  readonly #series = new Set<Entry>();
  readonly #latest = new Set<Latest>();
  readonly #entities = new Map<string, Entity>();
  readonly #lags = new Map<string, ConsumerLag>();
  readonly #accounts = new Map<string, AccountTotals>();
  readonly #startedAt = new Map<string, number>();
  #pending: Rollup[] = [];
  #dropped = 0;
  #evicted = 0;
  #lastPrune = Number.NEGATIVE_INFINITY;
  #lastFlushError: string | undefined;
  #maintaining: Promise<MaintainResult> | undefined;

  constructor(opts: SeriesStoreOptions = {}) {
    this.#db = opts.db;
    const maxSeries = opts.maxSeries ?? 50_000;
    this.#o = {
      rawRetentionMs: opts.rawRetentionMs ?? 3_600_000,
      maxSeries,
      maxPointsPerSeries: opts.maxPointsPerSeries ?? 2_048,
      maxRunGapMs: opts.maxRunGapMs ?? 30_000,
      rollupMs: opts.rollupMs ?? 60_000,
      rollupHeartbeatMs: opts.rollupHeartbeatMs ?? 600_000,
      rollupRetentionMs: opts.rollupRetentionMs ?? 7 * 86_400_000,
      pruneEveryMs: opts.pruneEveryMs ?? 600_000,
      flushBatchSize: opts.flushBatchSize ?? 1_000,
      maxPendingRollups: opts.maxPendingRollups ?? 200_000,
      latestTtlMs: opts.latestTtlMs ?? 300_000,
      maxLatest: opts.maxLatest ?? 4 * maxSeries,
      accountStaleAfterMs: opts.accountStaleAfterMs ?? 10_000,
      aggregateStepMs: opts.aggregateStepMs ?? 2_000,
      now: opts.now ?? Date.now,
    };
    this.#counterOpts = opts.counters ?? {};
    this.#persist = opts.persist ?? (() => true);
  }

  /**
   * Records one server's observations: `account` ones are first combined with the target's other
   * servers (see `AccountTotals`). This is what the scraper calls after each scrape of a server.
   */
  ingestServer(
    target: string,
    serverId: string,
    time: number,
    observations: readonly Observation[],
    extras?: IngestExtras,
  ): SeriesSample[] {
    let totals = this.#accounts.get(target);
    if (!totals) {
      totals = new AccountTotals({ staleAfterMs: this.#o.accountStaleAfterMs, counters: this.#counterOpts });
      this.#accounts.set(target, totals);
    }
    const combined = totals.update(serverId, time, observations);
    const own = observations.filter((o) => o.kind !== 'account');
    for (const o of combined) own.push(o);
    return this.ingest(target, time, own, extras);
  }

  /** Records observations taken at `time` (ms) as they are; returns the points added to series (see `samples`). */
  ingest(
    target: string,
    time: number,
    observations: readonly Observation[],
    extras?: IngestExtras,
  ): SeriesSample[] {
    if (!this.#startedAt.has(target)) this.#startedAt.set(target, time);
    const out: SeriesSample[] | undefined = extras?.samples === false ? undefined : [];
    const consumers = new Map<string, Entity>();
    let rec: Entity | undefined;
    for (const o of observations) {
      // Observations come grouped by entity.
      if (!rec || rec.latest.size === 0 || o.id !== rec.id || o.kind !== rec.kind) {
        rec = this.#entity(target, o.kind, o.id);
      }
      let l = rec.latest.get(o.metric);
      if (!l) {
        if (this.#latest.size >= this.#o.maxLatest) {
          for (const x of evictOldestOf(this.#latest, (x) => x.t)) this.#unlinkLatest(x);
          rec = this.#entity(target, o.kind, o.id);
        }
        l = {
          target,
          kind: o.kind,
          id: o.id,
          metric: o.metric,
          type: o.type,
          t: time,
          value: o.value,
          rate: undefined,
          counter: undefined,
          rec,
        };
        this.#latest.add(l);
        rec.latest.set(o.metric, l);
      }
      l.t = time;
      l.value = o.value;
      l.type = o.type;
      if (o.type === 'counter') {
        let rate: number | null;
        if (o.rate !== undefined)
          rate = o.rate; // combined from several servers, already a rate
        else {
          // Only the ack floor's smoothed rate is read (the consume rate behind lag): others keep no window.
          l.counter ??= new CounterState({
            ...this.#counterOpts,
            window: o.metric === 'ack_floor_stream_seq',
          });
          rate = l.counter.update({ t: time, value: o.value, epoch: o.epoch });
        }
        l.rate = rate;
        if (rate !== null) this.#record(rec, rateMetric(o.metric), time, rate, out);
      } else if (!STATE_ONLY.has(o.metric)) {
        this.#record(rec, o.metric, time, o.value, out);
      }
      if (o.kind === 'consumer') consumers.set(o.id, rec);
    }
    for (const [id, c] of consumers) this.#updateLag(target, id, c, time, extras, out);
    return out ?? [];
  }

  #entity(target: string, kind: EntityKind, id: string): Entity {
    const key = `${target}\u0000${kind}\u0000${id}`;
    let rec = this.#entities.get(key);
    if (!rec) {
      rec = { key, target, kind, id, latest: new Map(), series: new Map() };
      this.#entities.set(key, rec);
    }
    return rec;
  }

  #find(target: string, kind: EntityKind, id: string): Entity | undefined {
    return this.#entities.get(`${target}\u0000${kind}\u0000${id}`);
  }

  #entry(key: SeriesKey): Entry | undefined {
    return this.#find(key.target, key.kind, key.id)?.series.get(key.metric);
  }

  #unlinkLatest(l: Latest): void {
    this.#latest.delete(l);
    l.rec.latest.delete(l.metric);
    this.#dropEmpty(l.rec);
  }

  #unlinkEntry(e: Entry): void {
    this.#series.delete(e);
    e.rec.series.delete(e.metric);
    this.#dropEmpty(e.rec);
  }

  #dropEmpty(rec: Entity): void {
    if (!rec.latest.size && !rec.series.size) this.#entities.delete(rec.key);
  }

  #updateLag(
    target: string,
    id: string,
    rec: Entity,
    time: number,
    extras: IngestExtras | undefined,
    out: SeriesSample[] | undefined,
  ): void {
    const c = rec.latest;
    const numPending = c.get('num_pending')?.value;
    if (numPending === undefined) return;
    const sid = id.slice(0, id.lastIndexOf('/'));
    const st = this.#entities.get(`${target}\u0000stream\u0000${sid}`)?.latest;
    const floor = c.get('ack_floor_stream_seq');
    const lag = estimateLag({
      now: time,
      numPending,
      numAckPending: c.get('num_ack_pending')?.value ?? 0,
      ackFloorStreamSeq: floor?.value,
      ackFloorLastActive: c.get('ack_floor_last_active')?.value,
      consumeRate: floor?.counter?.windowRate() ?? null,
      stream: {
        firstSeq: st?.get('first_seq')?.value,
        firstTs: st?.get('first_ts')?.value,
        lastSeq: st?.get('last_seq')?.value,
        lastTs: st?.get('last_ts')?.value,
      },
      oldestUnackedTime: extras?.oldestUnackedTimes?.get(id),
    });
    const k = `${target}\u0000${id}`;
    if (!this.#lags.has(k) && this.#lags.size >= this.#o.maxLatest) evictOldest(this.#lags, (x) => x.t);
    this.#lags.set(k, { target, id, t: time, lag });
    if (lag.drainSeconds !== null) this.#record(rec, LAG_DRAIN_METRIC, time, lag.drainSeconds, out);
    if (lag.oldestUnackedAgeSeconds !== null) {
      this.#record(rec, LAG_AGE_METRIC, time, lag.oldestUnackedAgeSeconds, out);
    }
  }

  #record(rec: Entity, metric: string, t: number, v: number, out: SeriesSample[] | undefined): void {
    let e = rec.series.get(metric);
    if (!e) {
      if (this.#series.size >= this.#o.maxSeries) this.#evictOldest();
      // Every field written here, in one order: a spread or a field added later gives each of 50,000
      // entries its own hidden class (V8), which cost more memory than their points.
      e = {
        target: rec.target,
        kind: rec.kind,
        id: rec.id,
        metric,
        rec,
        ring: new Ring(this.#o.maxPointsPerSeries, this.#o.maxRunGapMs),
        lastW: undefined,
        prevW: undefined,
        held: undefined,
        touched: t,
        acc: undefined,
        persist: false,
      };
      e.persist = !!this.#db && this.#persist(e);
      this.#series.add(e);
      rec.series.set(metric, e);
      this.#entities.set(rec.key, rec); // eviction may have dropped it while empty
    }
    const { target, kind, id } = e;
    e.touched = t;
    if (!e.ring.push(t, v)) return; // not newer than the last sample
    e.ring.dropBefore(t - this.#o.rawRetentionMs);
    if (e.persist) this.#accumulate(e, t, v);
    out?.push({ target, kind, id, metric, t, v });
  }

  // Evicts the least recently updated tenth at once: one scan per many insertions, not one per insertion.
  #evictOldest(): void {
    for (const e of evictOldestOf(this.#series, (x) => x.touched)) {
      if (e.acc) this.#enqueue(e, e.acc);
      this.#endLine(e);
      this.#unlinkEntry(e);
      this.#evicted++;
    }
  }

  #accumulate(e: Entry, t: number, v: number): void {
    const bucket = Math.floor(t / this.#o.rollupMs) * this.#o.rollupMs;
    const a = e.acc;
    if (a && a.bucket === bucket) {
      if (v < a.min) a.min = v;
      if (v > a.max) a.max = v;
      a.sum += v;
      a.count++;
      a.last = v;
      return;
    }
    if (a && bucket < a.bucket) return; // a late sample for a closed minute
    if (a) this.#enqueue(e, a);
    e.acc = { bucket, min: v, max: v, sum: v, count: 1, last: v };
  }

  #enqueue(e: Entry, a: Acc): void {
    const r: Rollup = {
      target: e.target,
      kind: e.kind,
      id: e.id,
      metric: e.metric,
      bucket: a.bucket,
      min: a.min,
      max: a.max,
      avg: a.sum / a.count,
      last: a.last,
      count: a.count,
    };
    if (a === e.acc) e.acc = undefined;
    const heartbeat = this.#o.rollupHeartbeatMs;
    const w = e.lastW;
    if (heartbeat > 0 && w && e.prevW && r.bucket === (e.held ?? w).bucket + this.#o.rollupMs) {
      if (onLine(e.prevW, w, r)) {
        if (r.bucket - w.bucket < heartbeat) {
          e.held = r;
          return;
        }
        e.held = undefined; // the line goes on: this row ends one stretch and starts the next
      }
    }
    this.#endLine(e);
    this.#write(e, r);
  }

  /** Writes the minute held back at the end of a line, if any. */
  #endLine(e: Entry): void {
    if (!e.held) return;
    const h = e.held;
    e.held = undefined;
    this.#write(e, h);
  }

  #write(e: Entry, r: Rollup): void {
    e.prevW = e.lastW;
    e.lastW = r;
    this.#pending.push(r);
    const over = this.#pending.length - this.#o.maxPendingRollups;
    if (over > 0) {
      this.#pending.splice(0, over);
      this.#dropped += over;
    }
  }

  /**
   * Housekeeping, to be called periodically (e.g. every 10 s): closes finished minutes, writes
   * pending rollups, drops expired raw points, empty series and stale readings, and prunes expired
   * rollups every `pruneEveryMs`. Never throws; a database error is reported and retried next time.
   */
  maintain(now = this.#o.now()): Promise<MaintainResult> {
    this.#maintaining ??= this.#maintain(now).finally(() => {
      this.#maintaining = undefined;
    });
    return this.#maintaining;
  }

  async #maintain(now: number): Promise<MaintainResult> {
    const cutoff = now - this.#o.rawRetentionMs;
    for (const e of this.#series) {
      if (e.acc && e.acc.bucket + this.#o.rollupMs <= now) this.#enqueue(e, e.acc);
      e.ring.dropBefore(cutoff);
      if (!e.ring.length && !e.acc) {
        this.#endLine(e);
        this.#series.delete(e);
        this.#unlinkEntry(e);
      }
    }
    const stale = now - this.#o.latestTtlMs;
    for (const l of this.#latest) {
      if (l.t < stale) {
        this.#latest.delete(l);
        this.#unlinkLatest(l);
      }
    }
    for (const [k, l] of this.#lags) if (l.t < stale) this.#lags.delete(k);
    const result: MaintainResult = { written: 0, pruned: 0 };
    try {
      result.written = await this.flush();
      if (now - this.#lastPrune >= this.#o.pruneEveryMs) {
        result.pruned = await this.prune(now);
        this.#lastPrune = now;
      }
    } catch (err) {
      result.error = (err as Error).message;
    }
    return result;
  }

  /**
   * Queues every open minute and every minute held back on a line, then writes them: what a monitor
   * does before it stops, so the database ends where memory did.
   */
  async close(): Promise<MaintainResult> {
    await this.#maintaining;
    for (const e of this.#series.values()) {
      if (e.acc) this.#enqueue(e, e.acc);
      this.#endLine(e);
    }
    return this.maintain();
  }

  /** Writes every closed rollup now, in batches; returns rows written. Rows of a failed batch stay queued. */
  async flush(): Promise<number> {
    const db = this.#db;
    if (!db) return 0;
    let written = 0;
    while (this.#pending.length) {
      const batch = this.#pending.slice(0, this.#o.flushBatchSize);
      const droppedBefore = this.#dropped;
      try {
        await writeRollups(db, batch);
        this.#lastFlushError = undefined;
      } catch (err) {
        this.#lastFlushError = (err as Error).message;
        throw err;
      }
      // The cap drops from the front, so rows dropped while the batch was in flight were ours.
      this.#pending.splice(0, Math.max(0, batch.length - (this.#dropped - droppedBefore)));
      written += batch.length;
    }
    return written;
  }

  /** Deletes rollups older than the retention; returns how many. */
  async prune(now = this.#o.now()): Promise<number> {
    if (!this.#db) return 0;
    const { count } = await this.#db.seriesPoint.deleteMany({
      where: { bucket: { lt: new Date(now - this.#o.rollupRetentionMs) } },
    });
    return count;
  }

  /** Forgets a target: its memory now, its rollups in the database. */
  async deleteTarget(target: string): Promise<void> {
    const prefix = `${target}\u0000`;
    for (const e of this.#series) if (e.target === target) this.#series.delete(e);
    for (const l of this.#latest) if (l.target === target) this.#latest.delete(l);
    for (const k of this.#entities.keys()) if (k.startsWith(prefix)) this.#entities.delete(k);
    for (const k of this.#lags.keys()) if (k.startsWith(prefix)) this.#lags.delete(k);
    this.#pending = this.#pending.filter((r) => r.target !== target);
    this.#accounts.delete(target);
    this.#startedAt.delete(target);
    await this.#db?.seriesPoint.deleteMany({ where: { targetId: target } });
  }

  /**
   * Points of one series between `from` and `to`: raw samples when the whole range lies inside what
   * memory holds, else 1-minute rollups (database, then rollups not yet written, then the open minute);
   * either way at most `maxPoints`, averaged over equal steps.
   */
  async query(q: SeriesQuery): Promise<SeriesResult> {
    const maxPoints = Math.max(1, q.maxPoints ?? 500);
    const e = this.#entry(q);
    if (!this.#db || q.from >= this.rawCoverageStart(q)) {
      const raw = e?.ring.range(q.from, q.to) ?? [];
      return {
        resolution: 'raw',
        ...downsample(
          raw.map((p) => ({ ...p, min: p.v, max: p.v, w: 1 })),
          q,
          maxPoints,
          0,
        ),
      };
    }
    const step = this.#o.rollupMs;
    const fromBucket = Math.floor(q.from / step) * step;
    // From one heartbeat earlier: the row a skipped stretch at the start of the range is interpolated from.
    const lookback = fromBucket - this.#o.rollupHeartbeatMs;
    const rows = await this.#db.seriesPoint.findMany({
      where: {
        targetId: q.target,
        entityKind: q.kind,
        entityId: q.id,
        metric: q.metric,
        bucket: { gte: new Date(lookback), lte: new Date(q.to) },
      },
      orderBy: { bucket: 'asc' },
    });
    const byBucket = new Map<number, Rollup>();
    const add = (r: Rollup) => {
      if (r.bucket < lookback || r.bucket > q.to) return;
      const had = byBucket.get(r.bucket);
      byBucket.set(r.bucket, had ? mergeRollups(had, r) : r);
    };
    const key = { target: q.target, kind: q.kind, id: q.id, metric: q.metric };
    for (const r of rows) add({ ...key, bucket: r.bucket.getTime(), ...pick(r) });
    for (const r of this.#pending) {
      if (r.metric === q.metric && r.id === q.id && r.kind === q.kind && r.target === q.target) add(r);
    }
    if (e?.held) add(e.held);
    if (e?.acc) add({ ...key, ...e.acc, avg: e.acc.sum / e.acc.count });
    const points = interpolate(
      [...byBucket.values()]
        .sort((a, b) => a.bucket - b.bucket)
        .map((r) => ({ t: r.bucket, v: r.avg, min: r.min, max: r.max, w: r.count, last: r.last })),
      step,
      this.#o.rollupHeartbeatMs,
    ).filter((p) => p.t >= fromBucket);
    return { resolution: 'rollup', ...downsample(points, q, maxPoints, step) };
  }

  /**
   * The sum of many series on a common grid of equal steps (e.g. `server:*` for a target's total
   * throughput). Each series contributes its mean in each step; a series with no sample in a step
   * contributes its previous step's value while it is inside a run or within `maxRunGapMs` of its
   * last sample, else nothing. Raw when memory covers the range for the target(s), else rollups.
   */
  async queryAggregate(q: AggregateQuery): Promise<SeriesResult & { series: number }> {
    const maxPoints = Math.max(1, q.maxPoints ?? 500);
    const now = this.#o.now();
    const matchTarget = (t: string) => q.target === '*' || t === q.target;
    const ids = q.ids ? new Set(q.ids) : undefined;
    const targets = q.target === '*' ? [...this.#startedAt.keys()] : [q.target];
    const started = Math.max(...targets.map((t) => this.#startedAt.get(t) ?? Number.POSITIVE_INFINITY));
    const raw = !this.#db || q.from >= Math.max(now - this.#o.rawRetentionMs, started);
    const native = raw ? this.#o.aggregateStepMs : this.#o.rollupMs;
    const step = Math.ceil(Math.max(native, Math.ceil((q.to - q.from + 1) / maxPoints)) / native) * native;
    const origin = Math.floor(q.from / step) * step;
    const cells = Math.floor((q.to - origin) / step) + 1;
    const perSeries = new Map<string, RollupPoint[]>();
    const entries = [...this.#series].filter(
      (e) => e.kind === q.kind && e.metric === q.metric && matchTarget(e.target) && (!ids || ids.has(e.id)),
    );
    if (raw) {
      for (const e of entries)
        perSeries.set(`${e.target}\u0000${e.id}`, e.ring.range(q.from, q.to).map(asPoint));
    } else {
      const rows = await this.#db!.seriesPoint.findMany({
        where: {
          ...(q.target === '*' ? {} : { targetId: q.target }),
          entityKind: q.kind,
          metric: q.metric,
          ...(ids ? { entityId: { in: [...ids] } } : {}),
          bucket: { gte: new Date(origin - this.#o.rollupHeartbeatMs), lte: new Date(q.to) },
        },
        orderBy: { bucket: 'asc' },
      });
      const push = (target: string, id: string, p: RollupPoint) => {
        const k = `${target}\u0000${id}`;
        const list = perSeries.get(k);
        if (list) list.push(p);
        else perSeries.set(k, [p]);
      };
      for (const r of rows)
        push(r.targetId, r.entityId, {
          t: r.bucket.getTime(),
          v: r.avg,
          min: r.min,
          max: r.max,
          w: r.count,
          last: r.last,
        });
      const inRange = (b: number) => b >= origin - this.#o.rollupHeartbeatMs && b <= q.to;
      for (const r of this.#pending) {
        if (
          r.kind === q.kind &&
          r.metric === q.metric &&
          matchTarget(r.target) &&
          (!ids || ids.has(r.id)) &&
          inRange(r.bucket)
        ) {
          push(r.target, r.id, { t: r.bucket, v: r.avg, min: r.min, max: r.max, w: r.count, last: r.last });
        }
      }
      for (const e of entries) {
        const h = e.held;
        if (h && inRange(h.bucket)) {
          push(e.target, e.id, { t: h.bucket, v: h.avg, min: h.min, max: h.max, w: h.count, last: h.last });
        }
        if (e.acc && inRange(e.acc.bucket)) {
          push(e.target, e.id, {
            t: e.acc.bucket,
            v: e.acc.sum / e.acc.count,
            min: e.acc.min,
            max: e.acc.max,
            w: e.acc.count,
            last: e.acc.last,
          });
        }
      }
    }
    const sum = new Array<QueryPoint | undefined>(cells);
    for (let points of perSeries.values()) {
      points.sort((a, b) => a.t - b.t);
      if (!raw) points = interpolate(points, this.#o.rollupMs, this.#o.rollupHeartbeatMs);
      const grid = binPoints(points, origin, step, cells, raw ? this.#o.maxRunGapMs : 0);
      grid.forEach((p, i) => {
        if (!p) return;
        const acc = sum[i];
        if (!acc) sum[i] = { t: origin + i * step, v: p.v, min: p.min, max: p.max };
        else {
          acc.v += p.v;
          acc.min += p.min;
          acc.max += p.max;
        }
      });
    }
    return {
      resolution: raw ? 'raw' : 'rollup',
      stepMs: step,
      points: sum.filter((p): p is QueryPoint => p !== undefined),
      series: perSeries.size,
    };
  }

  /** The earliest time from which raw memory holds every sample of the series in `key`. */
  rawCoverageStart(key: SeriesKey, now = this.#o.now()): number {
    const e = this.#entry(key);
    return Math.max(
      now - this.#o.rawRetentionMs,
      this.#startedAt.get(key.target) ?? Number.POSITIVE_INFINITY,
      e ? e.ring.droppedUntil + 1 : Number.NEGATIVE_INFINITY,
    );
  }

  /** The latest raw readings, optionally of one target and/or entity kind. */
  *latest(filter: { target?: string; kind?: EntityKind } = {}): IterableIterator<LatestValue> {
    for (const l of this.#latest.values()) {
      if (
        (filter.target === undefined || l.target === filter.target) &&
        (!filter.kind || l.kind === filter.kind)
      ) {
        const { target, kind, id, metric, type, t, value, rate } = l;
        yield rate === undefined
          ? { target, kind, id, metric, type, t, value }
          : { target, kind, id, metric, type, t, value, rate };
      }
    }
  }

  /** The latest per-second rate of a counter (null right after a reset), or undefined if never seen. */
  rate(key: SeriesKey): number | null | undefined {
    return this.#find(key.target, key.kind, key.id)?.latest.get(key.metric)?.rate;
  }

  /** The latest lag estimate of every consumer, optionally of one target. */
  *lags(target?: string): IterableIterator<ConsumerLag> {
    for (const l of this.#lags.values()) if (target === undefined || l.target === target) yield l;
  }

  /** The series held in memory, optionally of one target. */
  *series(target?: string): IterableIterator<SeriesKey> {
    for (const { target: t, kind, id, metric } of this.#series.values()) {
      if (target === undefined || t === target) yield { target: t, kind, id, metric };
    }
  }

  stats(): SeriesStoreStats {
    let points = 0;
    let bytes = 0;
    for (const e of this.#series.values()) {
      points += e.ring.length;
      bytes += e.ring.bytes;
    }
    return {
      series: this.#series.size,
      points,
      bytes,
      latest: this.#latest.size,
      lags: this.#lags.size,
      pendingRollups: this.#pending.length,
      droppedRollups: this.#dropped,
      evictedSeries: this.#evicted,
      ...(this.#lastFlushError ? { lastFlushError: this.#lastFlushError } : {}),
    };
  }
}

const asPoint = (p: { t: number; v: number }): RollupPoint => ({
  t: p.t,
  v: p.v,
  min: p.v,
  max: p.v,
  w: 1,
  last: p.v,
});

/** A point of a query before binning: a raw sample or a rollup, weighted by its sample count. */
type RollupPoint = QueryPoint & { w: number; last: number };

const FIELDS = ['min', 'max', 'avg', 'last'] as const;

/** Whether minute `r` continues the line through rollups `a` and `b` (equal values: a flat line). */
function onLine(a: Rollup, b: Rollup, r: Rollup): boolean {
  const k = (r.bucket - b.bucket) / (b.bucket - a.bucket);
  for (const f of FIELDS) {
    const want = b[f] + (b[f] - a[f]) * k;
    if (Math.abs(r[f] - want) > 1e-9 * Math.max(1, Math.abs(want))) return false;
  }
  return true;
}

/**
 * Re-creates the minutes the store skipped (see `rollupHeartbeatMs`): between two sorted rollups at
 * most `maxGapMs` apart every missing minute lies on the line joining them.
 */
function interpolate(points: RollupPoint[], stepMs: number, maxGapMs: number): RollupPoint[] {
  if (maxGapMs <= stepMs || points.length < 2) return points;
  const out: RollupPoint[] = [];
  for (let i = 0; i < points.length; i++) {
    const b = points[i]!;
    const a = points[i - 1];
    if (a && b.t - a.t > stepMs && b.t - a.t <= maxGapMs) {
      for (let t = a.t + stepMs; t < b.t; t += stepMs) {
        const k = (t - a.t) / (b.t - a.t);
        const at = (x: number, y: number) => x + (y - x) * k;
        out.push({
          t,
          v: at(a.v, b.v),
          min: at(a.min, b.min),
          max: at(a.max, b.max),
          w: a.w,
          last: at(a.last, b.last),
        });
      }
    }
    out.push(b);
  }
  return out;
}

/**
 * Means of sorted points per grid cell. An empty cell takes the previous cell's value when the
 * points around it have the same value (a stored run) or the last point is at most `fillGapMs` old.
 */
function binPoints(
  points: readonly (QueryPoint & { w: number })[],
  origin: number,
  step: number,
  cells: number,
  fillGapMs: number,
): (QueryPoint | undefined)[] {
  const grid = new Array<(QueryPoint & { w: number; lastT: number; lastV: number }) | undefined>(cells);
  for (const p of points) {
    const i = Math.floor((p.t - origin) / step);
    if (i < 0 || i >= cells) continue;
    const c = grid[i];
    if (!c)
      grid[i] = {
        t: origin + i * step,
        v: p.v * p.w,
        min: p.min,
        max: p.max,
        w: p.w,
        lastT: p.t,
        lastV: p.v,
      };
    else {
      c.v += p.v * p.w;
      c.w += p.w;
      c.min = Math.min(c.min, p.min);
      c.max = Math.max(c.max, p.max);
      c.lastT = p.t;
      c.lastV = p.v;
    }
  }
  const out: (QueryPoint | undefined)[] = grid.map(
    (c) => c && { t: c.t, v: c.v / c.w, min: c.min, max: c.max },
  );
  let prev: { lastT: number; lastV: number } | undefined;
  let j = 0; // first point at or after the current cell
  for (let i = 0; i < cells; i++) {
    const start = origin + i * step;
    while (j < points.length && points[j]!.t < start) j++;
    const c = grid[i];
    if (c) {
      prev = c;
      continue;
    }
    if (!prev) continue;
    const next = points[j];
    if ((next !== undefined && Object.is(next.v, prev.lastV)) || start - prev.lastT <= fillGapMs) {
      out[i] = { t: start, v: prev.lastV, min: prev.lastV, max: prev.lastV };
    }
  }
  return out;
}

/** `evictOldest` for a set: removes and returns the least recently updated tenth (at least one). */
function evictOldestOf<V>(set: Set<V>, time: (v: V) => number): V[] {
  const n = Math.max(1, Math.floor(set.size / 10));
  const oldest = [...set].sort((a, b) => time(a) - time(b)).slice(0, n);
  for (const v of oldest) set.delete(v);
  return oldest;
}

/**
 * Removes the least recently updated tenth of `map` (at least one entry), by `time`; returns what it
 * removed. Maps here are updated in place, so their order says nothing about recency.
 */
function evictOldest<V>(map: Map<string, V>, time: (v: V) => number): [string, V][] {
  const n = Math.max(1, Math.floor(map.size / 10));
  const oldest = [...map].sort((a, b) => time(a[1]) - time(b[1])).slice(0, n);
  for (const [k] of oldest) map.delete(k);
  return oldest;
}

const pick = (r: { min: number; max: number; avg: number; last: number; count: number }) => ({
  min: r.min,
  max: r.max,
  avg: r.avg,
  last: r.last,
  count: r.count,
});

function mergeRollups(a: Rollup, b: Rollup): Rollup {
  const count = a.count + b.count;
  return {
    ...a,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    avg: (a.avg * a.count + b.avg * b.count) / count,
    last: b.last,
    count,
  };
}

/** One INSERT … ON CONFLICT per batch; a minute written twice (e.g. across a restart) is merged, not duplicated. */
async function writeRollups(db: SeriesDb, batch: readonly Rollup[]): Promise<void> {
  const merged = new Map<string, Rollup>();
  for (const r of batch) {
    const k = `${keyOf(r.target, r.kind, r.id, r.metric)}\u0000${r.bucket}`;
    const had = merged.get(k);
    merged.set(k, had ? mergeRollups(had, r) : r);
  }
  // One JSON parameter rather than ten per row (building and sending 10,000 bound values per batch cost
  // the monitor more CPU than the scrapes themselves) or ten arrays (node-postgres escapes every element
  // of an array parameter with a regular expression). Infinity and NaN, which JSON lacks, go as text.
  const num = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
  const rows = JSON.stringify(
    Array.from(merged.values(), (r) => [
      r.target,
      r.kind,
      r.id,
      r.metric,
      r.bucket,
      num(r.min),
      num(r.max),
      num(r.avg),
      num(r.last),
      r.count,
    ]),
  );
  await db.$executeRaw`
    INSERT INTO "SeriesPoint" ("targetId", "entityKind", "entityId", "metric", "bucket", "min", "max", "avg", "last", "count")
    SELECT r->>0, r->>1, r->>2, r->>3, TIMESTAMP '1970-01-01 00:00:00' + (r->>4)::float8 * INTERVAL '1 millisecond',
      (r->>5)::float8, (r->>6)::float8, (r->>7)::float8, (r->>8)::float8, (r->>9)::int4
    FROM json_array_elements(${rows}::json) AS r
    ON CONFLICT ("targetId", "entityKind", "entityId", "metric", "bucket") DO UPDATE SET
      "min" = LEAST("SeriesPoint"."min", EXCLUDED."min"),
      "max" = GREATEST("SeriesPoint"."max", EXCLUDED."max"),
      "avg" = ("SeriesPoint"."avg" * "SeriesPoint"."count" + EXCLUDED."avg" * EXCLUDED."count")
              / ("SeriesPoint"."count" + EXCLUDED."count"),
      "last" = EXCLUDED."last",
      "count" = "SeriesPoint"."count" + EXCLUDED."count"`;
}

/** Averages points (weighted by `w`) into at most `maxPoints` equal steps from `q.from`. */
export function downsample(
  points: readonly (QueryPoint & { w: number })[],
  q: { from: number; to: number },
  maxPoints: number,
  nativeStep: number,
): { stepMs: number; points: QueryPoint[] } {
  if (points.length <= maxPoints) {
    return { stepMs: nativeStep, points: points.map(({ t, v, min, max }) => ({ t, v, min, max })) };
  }
  let step = Math.ceil((q.to - q.from + 1) / maxPoints);
  if (nativeStep > 0) step = Math.ceil(step / nativeStep) * nativeStep;
  const origin = nativeStep > 0 ? Math.floor(q.from / nativeStep) * nativeStep : q.from;
  const out: QueryPoint[] = [];
  let cur: { i: number; sum: number; w: number; min: number; max: number } | undefined;
  const emit = () => {
    if (cur) out.push({ t: origin + cur.i * step, v: cur.sum / cur.w, min: cur.min, max: cur.max });
  };
  for (const p of points) {
    const i = Math.floor((p.t - origin) / step);
    if (!cur || cur.i !== i) {
      emit();
      cur = { i, sum: 0, w: 0, min: p.min, max: p.max };
    }
    cur.sum += p.v * p.w;
    cur.w += p.w;
    if (p.min < cur.min) cur.min = p.min;
    if (p.max > cur.max) cur.max = p.max;
  }
  emit();
  return { stepMs: step, points: out };
}
