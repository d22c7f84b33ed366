import type { LiveSample, LiveStatusEvent } from '@tern/contracts';
import type { ConnInfo, SubDetail } from '../scrape/bodies.js';
import type { EndpointState, Scraper, ServerScrape, VarzSample } from '../scrape/scraper.js';
import { extractObservations, type Observation } from '../series/extract.js';
import { LiveHub } from '../series/live.js';
import type { SeriesSample, SeriesStore } from '../series/store.js';
import type { UnackedTimes } from './unacked.js';

/** What `GET /api/live` streams: new series points and server status changes. */
export type LiveItem = { type: 'sample'; sample: LiveSample } | { type: 'status'; status: LiveStatusEvent };

/** The id used for "all servers of a target" and "all targets" in series. */
export const ALL = '*';

/** Counters whose per-server rates are summed into the `server:*` aggregates. */
const SUMMED_RATES = ['in_msgs', 'out_msgs', 'in_bytes', 'out_bytes', 'slow_consumers'] as const;

export interface ObservatoryOptions {
  scraper: Scraper;
  store: SeriesStore;
  hub?: LiveHub<LiveItem>;
  /** How often the `server:*` aggregates are recorded (the scrape interval). */
  aggregateEveryMs: number;
  /** How often the store is maintained (rollups written, memory trimmed; default 10 s). */
  maintainEveryMs?: number;
  /** Called with errors that cannot be returned to anyone (a failed rollup write). */
  onError?: (err: unknown) => void;
}

/** The connection or subscription list of one fetch from one endpoint, kept for the next one's rates. */
interface Counted<T> {
  t: number;
  /** The server's start time: a restart reuses connection ids, so it yields no rates. */
  start: number;
  items: readonly T[];
}

/**
 * The last two fetches of one list of one endpoint. Rates are worked out when a view first asks for them:
 * per scrape this only keeps a reference to a list the snapshot holds anyway.
 */
interface RateTrack<T, K> {
  prev?: Counted<T>;
  cur: Counted<T>;
  rates?: Map<K, [number | null, number | null]>;
}

/** A scraped server that answered its last scrape, with the body of that scrape. */
export interface UpServer {
  state: EndpointState;
  snap: ServerScrape;
  serverId: string;
}

/**
 * Connects the scraper to the series store and the live feed: every scrape becomes observations in
 * the store, new points go to live subscribers, and per-target / global throughput aggregates are
 * recorded on a timer. It also keeps the small per-connection and per-subscription rate state the
 * views need (those are not charted, so they are not series).
 */
export class Observatory {
  readonly scraper: Scraper;
  readonly store: SeriesStore;
  readonly hub: LiveHub<LiveItem>;
  readonly #opts: ObservatoryOptions;
  readonly #connTracks = new Map<string, RateTrack<ConnInfo, number>>();
  readonly #subTracks = new Map<string, RateTrack<SubDetail, string>>();
  #timers: NodeJS.Timeout[] = [];
  #unacked: UnackedTimes | undefined;
  /** Bumped whenever the scraped state or the store changes; views cache their work per generation. */
  generation = 0;
  readonly #onSample = (s: VarzSample) => this.ingest(s);
  readonly #onStatus = (s: EndpointState) => {
    this.generation++;
    const status: LiveStatusEvent = { targetId: s.target.id, monitorUrl: s.monitorUrl, status: s.status };
    if (s.error !== undefined) status.error = s.error;
    this.hub.publish([{ type: 'status', status }]);
  };

  readonly #onRemoved = (targetId: string) => {
    this.generation++;
    this.forgetTarget(targetId);
    this.#unacked?.forgetTarget(targetId);
    void this.store.deleteTarget(targetId).catch((err: unknown) => this.#opts.onError?.(err));
  };

  constructor(opts: ObservatoryOptions) {
    this.#opts = opts;
    this.scraper = opts.scraper;
    this.store = opts.store;
    this.hub = opts.hub ?? new LiveHub<LiveItem>();
    this.scraper.on('sample', this.#onSample);
    this.scraper.on('status', this.#onStatus);
    this.scraper.on('removed', this.#onRemoved);
  }

  /**
   * Looks up the real time of lagging consumers' oldest unacked messages over NATS from now on (without
   * it, ages are estimated from the stream's first and last times); a second call is ignored.
   */
  useUnackedTimes(u: UnackedTimes): void {
    this.#unacked ??= u;
  }

  /** Ends the lookups of oldest unacked times (before the NATS connections they use close). */
  async stopUnackedTimes(): Promise<void> {
    await this.#unacked?.close();
  }

  /** Starts the aggregate and maintenance timers. */
  start(): void {
    if (this.#timers.length) return;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.#opts.aggregateEveryMs, () => this.aggregate());
    every(this.#opts.maintainEveryMs ?? 10_000, () => {
      void this.store.maintain().then((r) => {
        if (r.error) this.#opts.onError?.(new Error(`series rollups not written: ${r.error}`));
      });
    });
  }

  /** Stops timers, closes live subscriptions and writes what rollups are pending. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.scraper.off('sample', this.#onSample);
    this.scraper.off('status', this.#onStatus);
    this.scraper.off('removed', this.#onRemoved);
    this.hub.close();
    await this.stopUnackedTimes();
    await this.store.close().catch(() => undefined);
  }

  /** Records one scrape (the scraper's `sample` event); returns the points added while someone listens live. */
  ingest(s: VarzSample): SeriesSample[] {
    this.generation++;
    const t = s.time.getTime();
    // A carried-over /jsz or /subsz was ingested when it was fetched: reading it again would be a false sample.
    const snap =
      s.jszFresh && s.subszFresh
        ? s.snapshot
        : {
            ...s.snapshot,
            jsz: s.jszFresh ? s.snapshot.jsz : undefined,
            subsz: s.subszFresh ? s.snapshot.subsz : undefined,
          };
    const observations = extractObservations(snap);
    // Times fetched after earlier scrapes; this one's missing ones are fetched for the next.
    const oldestUnackedTimes = this.#unacked?.lookup(s.targetId, snap.jsz);
    const added = this.store.ingestServer(s.targetId, s.varz.server_id, t, observations, {
      samples: this.hub.size > 0,
      ...(oldestUnackedTimes ? { oldestUnackedTimes } : {}),
    });
    this.#track(s, t);
    this.#publish(added);
    return added;
  }

  /** Records the `server:*` sums of every target and of all targets (`target=*`) at `now`. */
  aggregate(now = Date.now()): SeriesSample[] {
    this.generation++;
    const global = new Map<string, number>();
    const added: SeriesSample[] = [];
    for (const targetId of this.scraper.targetIds()) {
      const sums = this.targetSums(targetId);
      if (!sums) continue;
      for (const [metric, v] of sums) global.set(metric, (global.get(metric) ?? 0) + v);
      added.push(...this.store.ingest(targetId, now, gauges(sums)));
    }
    if (global.size) added.push(...this.store.ingest(ALL, now, gauges(global)));
    this.#publish(added);
    return added;
  }

  /** The current sums over a target's servers that answered (rates only where known), or undefined if none did. */
  targetSums(targetId: string): Map<string, number> | undefined {
    const up = this.upServers(targetId);
    if (!up.length) return undefined;
    const sums = new Map<string, number>([
      ['connections', 0],
      ['subscriptions', 0],
    ]);
    for (const { snap, serverId } of up) {
      sums.set('connections', sums.get('connections')! + (snap.varz.connections ?? 0));
      sums.set('subscriptions', sums.get('subscriptions')! + (snap.varz.subscriptions ?? 0));
      for (const m of SUMMED_RATES) {
        const r = this.store.rate({ target: targetId, kind: 'server', id: serverId, metric: m });
        if (typeof r === 'number') sums.set(`${m}_rate`, (sums.get(`${m}_rate`) ?? 0) + r);
      }
    }
    return sums;
  }

  /** Servers of one target (or all) whose last scrape succeeded, one per server id. */
  upServers(targetId?: string): UpServer[] {
    const states = targetId === undefined ? this.scraper.states() : this.scraper.targetStates(targetId);
    const seen = new Set<string>();
    const out: UpServer[] = [];
    for (const state of states) {
      if (state.status !== 'up' || !state.snapshot) continue;
      const serverId = state.snapshot.varz.server_id;
      const key = `${state.target.id}\u0000${serverId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ state, snap: state.snapshot, serverId });
    }
    return out;
  }

  /** Messages per second from / to one connection over the last scrape interval. */
  connectionRates(state: EndpointState, cid: number): [number | null, number | null] {
    const track = this.#connTracks.get(endpointKey(state));
    if (!track) return [null, null];
    track.rates ??= rates(
      track,
      (c) => c.cid,
      (c) => [c.in_msgs ?? 0, c.out_msgs ?? 0],
    );
    return track.rates.get(cid) ?? [null, null];
  }

  /** Messages per second delivered to one subscription (`account subject queue sid cid`). */
  subscriptionRate(state: EndpointState, key: string): number | null {
    const track = this.#subTracks.get(endpointKey(state));
    if (!track) return null;
    track.rates ??= rates(track, subscriptionKey, (s) => [s.msgs ?? 0, 0]);
    return track.rates.get(key)?.[0] ?? null;
  }

  #track(s: VarzSample, t: number): void {
    const k = `${s.targetId}\u0000${s.monitorUrl}`;
    const start = Date.parse(s.snapshot.varz.start ?? '') || 0;
    const push = <T, K>(tracks: Map<string, RateTrack<T, K>>, items: readonly T[]) =>
      tracks.set(k, { prev: tracks.get(k)?.cur, cur: { t, start, items } });
    push(this.#connTracks, s.snapshot.connz?.connections ?? []);
    // A carried-over list is the one already tracked: tracking it again would read as zero rates.
    if (s.subszFresh || !this.#subTracks.has(k))
      push(this.#subTracks, s.snapshot.subsz?.subscriptions_list ?? []);
  }

  #publish(added: readonly SeriesSample[]): void {
    if (!added.length || this.hub.size === 0) return;
    this.hub.publish(
      added.map((p) => ({
        type: 'sample' as const,
        sample: { target: p.target, entity: `${p.kind}:${p.id}`, metric: p.metric, t: p.t, v: p.v },
      })),
    );
  }

  /** Forgets a removed target's connection and subscription rate state. */
  forgetTarget(targetId: string): void {
    const prefix = `${targetId}\u0000`;
    for (const tracks of [this.#connTracks, this.#subTracks]) {
      for (const k of tracks.keys()) if (k.startsWith(prefix)) tracks.delete(k);
    }
  }
}

const endpointKey = (s: EndpointState) => `${s.target.id}\u0000${s.monitorUrl}`;

const gauges = (sums: Map<string, number>): Observation[] =>
  [...sums].map(([metric, value]) => ({ kind: 'server', id: ALL, metric, type: 'gauge', value }));

/**
 * Per-second rates of two counters of every item of the latest list, against the previous scrape. A
 * counter that went down belongs to a new connection or subscription with a reused id, and a server
 * that restarted reuses them all: no rate.
 */
function rates<T, K>(
  track: RateTrack<T, K>,
  keyOf: (item: T) => K,
  counters: (item: T) => [number, number],
): Map<K, [number | null, number | null]> {
  const { prev, cur } = track;
  const out = new Map<K, [number | null, number | null]>();
  const dt = prev ? (cur.t - prev.t) / 1000 : 0;
  const before = new Map<K, [number, number]>();
  if (prev && dt > 0 && prev.start === cur.start)
    for (const x of prev.items) before.set(keyOf(x), counters(x));
  for (const x of cur.items) {
    const [a, b] = counters(x);
    const p = before.get(keyOf(x));
    out.set(keyOf(x), !p || a < p[0] || b < p[1] ? [null, null] : [(a - p[0]) / dt, (b - p[1]) / dt]);
  }
  return out;
}

/** The key of one subscription in `/subsz?subs=1`. */
export const subscriptionKey = (s: {
  account?: string;
  subject: string;
  qgroup?: string;
  sid?: string;
  cid?: number;
}): string => `${s.account ?? ''} ${s.subject} ${s.qgroup ?? ''} ${s.sid ?? ''} ${s.cid ?? ''}`;
