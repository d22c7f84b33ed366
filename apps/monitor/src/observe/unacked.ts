// The real time of the oldest message a consumer still owes (lag.ts's best age method). After a scrape
// whose /jsz lists consumers, the most behind ones get the time of the first message at or after
// ack_floor.stream_seq + 1 on their filter subject, fetched with `$JS.API.STREAM.MSG.GET.<stream>` and
// `next_by_subj` (nats-server 2.9), in the background over the target's pooled connection; the next
// ingest of the same ack floor uses it. A sequence's time never changes, so answers are cached.
//
// The pool connects as the target's credentials, in one account; a request reaches the stream of that
// name in that account. Before its first fetch a stream is checked to be the scraped one by comparing the
// creation time STREAM.INFO reports with the one /jsz reported, so consumers of other accounts (or a
// same-named stream elsewhere) keep their estimate rather than get another stream's time.

import type { NatsConnection } from '@nats-io/transport-node';
import type { JszFull } from '../scrape/bodies.js';
import { consumerId, parseTime } from '../series/extract.js';

/** Opens (or reuses) a target's NATS connection: the monitor's pool. */
export interface TargetConnections {
  get(targetId: string): Promise<NatsConnection>;
}

export interface UnackedTimesOptions {
  connections: TargetConnections;
  /** Consumers looked up per scrape of a server, the most outstanding first (default 50). */
  maxPerScrape?: number;
  /** Requests in flight at once over all targets (default 4). */
  concurrency?: number;
  /** Per request (default 1000 ms). */
  timeoutMs?: number;
  /** Answers kept, least recently used dropped first (default 10,000). */
  maxCached?: number;
  /** A target whose connection failed is left alone this long (default 30 s). */
  retryAfterMs?: number;
  now?: () => number;
}

interface Job {
  key: string;
  targetId: string;
  stream: string;
  streamKey: string;
  streamCreated: string;
  seq: number;
  subject: string;
}

const td = new TextDecoder();

/** Fetches and caches the time of each lagging consumer's oldest unacknowledged message. */
export class UnackedTimes {
  readonly #conns: TargetConnections;
  readonly #max: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #maxCached: number;
  readonly #retryAfterMs: number;
  readonly #now: () => number;
  readonly #times = new Map<string, number>();
  /** Stream key → whether the pooled connection's stream of that name is the scraped one. */
  readonly #streams = new Map<string, boolean>();
  readonly #queued = new Set<string>();
  #queue: Job[] = [];
  readonly #down = new Map<string, number>();
  readonly #inflight = new Set<Promise<void>>();
  #closed = false;

  constructor(opts: UnackedTimesOptions) {
    this.#conns = opts.connections;
    this.#max = opts.maxPerScrape ?? 50;
    this.#concurrency = Math.max(1, opts.concurrency ?? 4);
    this.#timeoutMs = opts.timeoutMs ?? 1000;
    this.#maxCached = opts.maxCached ?? 10_000;
    this.#retryAfterMs = opts.retryAfterMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * The known times (ms) by consumer id for one server's /jsz; starts fetching the missing ones of the
   * most behind consumers in the background (never waits for them).
   */
  lookup(targetId: string, jsz: JszFull | undefined): Map<string, number> | undefined {
    const out = new Map<string, number>();
    const missing: (Job & { outstanding: number })[] = [];
    for (const acc of jsz?.account_details ?? []) {
      for (const s of acc.stream_detail ?? []) {
        if (!s.created) continue;
        // A stream re-created under the same name is another stream, with other sequences.
        const streamKey = `${targetId}\u0000${acc.name}\u0000${s.name}\u0000${s.created}`;
        if (this.#streams.get(streamKey) === false) continue;
        for (const c of s.consumer_detail ?? []) {
          const outstanding = (c.num_pending ?? 0) + (c.num_ack_pending ?? 0);
          const floor = c.ack_floor?.stream_seq;
          // Without the configuration the filter is unknown; several filters have no single next_by_subj.
          const filters = c.config?.filter_subjects;
          if (
            outstanding <= 0 ||
            floor === undefined ||
            !c.config ||
            (Array.isArray(filters) && filters.length)
          )
            continue;
          const subject = c.config.filter_subject || '>';
          const seq = floor + 1;
          const key = `${streamKey}\u0000${subject}\u0000${seq}`;
          const t = this.#times.get(key);
          if (t !== undefined) {
            this.#times.delete(key); // most recently used last
            this.#times.set(key, t);
            out.set(consumerId(acc.name, s.name, c.name), t);
          } else if (!this.#queued.has(key)) {
            missing.push({
              key,
              targetId,
              stream: s.name,
              streamKey,
              streamCreated: s.created,
              seq,
              subject,
              outstanding,
            });
          }
        }
      }
    }
    if (missing.length && !this.#closed && (this.#down.get(targetId) ?? 0) <= this.#now()) {
      missing.sort((a, b) => b.outstanding - a.outstanding);
      for (const job of missing.slice(0, this.#max)) {
        this.#queued.add(job.key);
        this.#queue.push(job);
      }
      // Jobs queued behind a slow server are for ack floors that have likely moved on: drop the oldest.
      for (const j of this.#queue.splice(0, Math.max(0, this.#queue.length - 2 * this.#max))) {
        this.#queued.delete(j.key);
      }
      this.#pump();
    }
    return out.size ? out : undefined;
  }

  /** Resolves when no lookup is queued or in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
  }

  /** Starts no more requests; resolves once those in flight have ended. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const j of this.#queue) this.#queued.delete(j.key);
    this.#queue = [];
    await this.idle();
  }

  /** Forgets a removed target's answers. */
  forgetTarget(targetId: string): void {
    const prefix = `${targetId}\u0000`;
    for (const m of [this.#times, this.#streams, this.#down]) {
      for (const k of m.keys()) if (k === targetId || k.startsWith(prefix)) m.delete(k);
    }
  }

  #pump(): void {
    while (this.#inflight.size < this.#concurrency && this.#queue.length && !this.#closed) {
      const job = this.#queue.shift()!;
      const run: Promise<void> = this.#run(job).finally(() => {
        this.#inflight.delete(run);
        this.#queued.delete(job.key);
        this.#pump();
      });
      this.#inflight.add(run);
    }
  }

  async #run(job: Job): Promise<void> {
    if ((this.#down.get(job.targetId) ?? 0) > this.#now()) return;
    let nc: NatsConnection;
    try {
      nc = await this.#conns.get(job.targetId);
    } catch {
      // No NATS URL or credentials, or unreachable: the estimate stays; try again later.
      this.#down.set(job.targetId, this.#now() + this.#retryAfterMs);
      return;
    }
    if (this.#closed || nc.isClosed()) return;
    try {
      if (!this.#streams.has(job.streamKey)) {
        const info = await this.#request(nc, `STREAM.INFO.${job.stream}`, undefined);
        const created = (info as { created?: string } | undefined)?.created;
        if (info === undefined || created === undefined) {
          this.#streams.set(job.streamKey, false);
          return;
        }
        this.#streams.set(job.streamKey, sameTime(created, job.streamCreated));
        if (this.#streams.size > this.#maxCached) this.#streams.clear();
      }
      if (!this.#streams.get(job.streamKey)) return;
      const body = { seq: job.seq, next_by_subj: job.subject };
      const res = (await this.#request(nc, `STREAM.MSG.GET.${job.stream}`, body)) as
        | { message?: { time?: string } }
        | undefined;
      // Not found: nothing at or after that sequence (yet), so nothing to cache.
      const t = parseTime(res?.message?.time);
      if (t === undefined) return;
      this.#times.set(job.key, t);
      if (this.#times.size > this.#maxCached) this.#times.delete(this.#times.keys().next().value!);
    } catch {
      // A timeout or a failed request leaves the estimate in place.
    }
  }

  /** One JetStream API request; undefined when the server answers with an error (e.g. 404). */
  async #request(nc: NatsConnection, api: string, body: unknown): Promise<unknown> {
    const msg = await nc.request(`$JS.API.${api}`, body === undefined ? '' : JSON.stringify(body), {
      timeout: this.#timeoutMs,
    });
    const parsed = JSON.parse(td.decode(msg.data)) as { error?: unknown };
    return parsed.error ? undefined : parsed;
  }
}

/** Two RFC 3339 times are the same instant (nanoseconds compared when both have them). */
function sameTime(a: string, b: string): boolean {
  if (a === b) return true;
  const ns = (s: string) => /\.(\d+)/.exec(s)?.[1]?.padEnd(9, '0') ?? '000000000';
  return parseTime(a) === parseTime(b) && ns(a) === ns(b);
}
