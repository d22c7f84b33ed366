import { EventEmitter } from 'node:events';
import type { ServerSummary } from '@tern/contracts';
import type { AccstatzBody } from '../series/extract.js';
import type { ConnzFull, HealthzBody, JszFull, RoutezFull, SubszFull, VarzFull } from './bodies.js';
import { discoverPeers } from './discovery.js';
import { fetchHealthz, fetchMonitorJson, ScrapeError } from './fetch.js';
import { isVarz, type Varz } from './varz.js';

/** What the scraper needs to know about a target. */
export interface ScrapeTarget {
  id: string;
  name: string;
  monitorUrls: string[];
  embedded: boolean;
  /** Add cluster peers found through /routez and connect_urls (default true). */
  discover?: boolean;
}

/** Everything one scrape of one server returned; only `varz` is always there. */
export interface ServerScrape {
  varz: VarzFull;
  connz?: ConnzFull;
  subsz?: SubszFull;
  jsz?: JszFull;
  routez?: RoutezFull;
  accstatz?: AccstatzBody;
  healthz?: HealthzBody;
}

/** The optional endpoints scraped next to /varz. */
export type ExtraEndpoint = Exclude<keyof ServerScrape, 'varz'>;

/** One successful scrape of one server's `/varz`. */
export interface VarzSample {
  targetId: string;
  monitorUrl: string;
  time: Date;
  varz: Varz;
  /** Every body fetched in this scrape. */
  snapshot: ServerScrape;
  /** False when `snapshot.jsz` was carried over from an earlier scrape (see `jszEveryMs`). */
  jszFresh: boolean;
  /** False when `snapshot.subsz` was carried over from an earlier scrape (see `subszEntriesPerScrape`). */
  subszFresh: boolean;
  discovered: boolean;
}

/** The latest known state of one monitoring endpoint (one server of a target). */
export interface EndpointState {
  target: ScrapeTarget;
  monitorUrl: string;
  status: 'up' | 'down' | 'unknown';
  error?: string;
  lastScrape?: Date;
  varz?: Varz;
  /** The last successful scrape (kept while down, like `varz`). */
  snapshot?: ServerScrape;
  /** Optional endpoints that failed on the last scrape (not counting ones the server does not have). */
  partialErrors: { path: string; reason: string }[];
  /** Added by peer discovery rather than configured on the target. */
  discovered: boolean;
  /** Consecutive failures; drives the back-off. */
  failures: number;
}

export interface ScraperEvents {
  /** A successful `/varz` scrape. */
  sample: [VarzSample];
  /** An endpoint changed between up and down. */
  status: [EndpointState];
  /** Peer discovery added an endpoint to a target. */
  discovered: [EndpointState];
  /** A target was removed (not when it is replaced by setTarget). */
  removed: [string];
}

export interface ScraperOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Upper bound of the back-off after failures (default 30 s or the interval, whichever is larger). */
  maxBackoffMs?: number;
  /** Fetch /connz, /subsz, /jsz, /routez, /accstatz and /healthz besides /varz (default true). */
  extras?: boolean;
  /** Connections fetched per server and scrape (default 1,024, nats-server's own default). */
  connzLimit?: number;
  /** Subscriptions fetched per server and scrape (default 10,000). */
  subszLimit?: number;
  /** How long an endpoint a server does not have (HTTP 404) is not asked again (default 5 minutes). */
  unsupportedRetryMs?: number;
  /** Least time between two discovery rounds of one target (default 10 s). */
  discoveryEveryMs?: number;
  /** Discover cluster peers of targets that do not say otherwise (default true). */
  discover?: boolean;
  /**
   * Stream and consumer configurations (`/jsz?config=1`, about half of a big /jsz body) are fetched
   * this often and carried over in between (default 30 s).
   */
  jszConfigEveryMs?: number;
  /**
   * How often /jsz (streams and consumers, by far the largest body) is fetched; between two fetches the
   * last one is carried over and not ingested again. Default: every scrape while a server reports at
   * most `jszEntitiesPerScrape` streams and consumers, one scrape in N above N times that.
   */
  jszEveryMs?: number;
  /** See `jszEveryMs` (default 2,000). */
  jszEntitiesPerScrape?: number;
  /**
   * /subsz (every subscription, the second largest body) is fetched every scrape while the last one listed
   * at most this many subscriptions, one scrape in N above N times that, and carried over in between
   * (default 2,000).
   */
  subszEntriesPerScrape?: number;
}

interface Endpoint {
  state: EndpointState;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
  /** Optional endpoints answered 404, until when they are skipped. */
  unsupported: Map<ExtraEndpoint, number>;
  /** When /jsz was last fetched with configurations. */
  jszConfigAt?: number;
  /** When /jsz was last fetched. */
  jszAt?: number;
  /** When /subsz was last fetched. */
  subszAt?: number;
}

/**
 * Polls every target's monitoring endpoints on its own timer, so a slow or dead server never delays
 * the others. Failures back off exponentially up to `maxBackoffMs`; the latest result per endpoint is
 * kept in memory and every sample is emitted for consumers that keep history.
 */
export class Scraper extends EventEmitter<ScraperEvents> {
  readonly #opts: Required<Omit<ScraperOptions, 'jszEveryMs'>> & { jszEveryMs?: number };
  readonly #targets = new Map<string, Map<string, Endpoint>>();
  readonly #discovering = new Map<string, { at: number; running?: Promise<string[]> }>();
  #running = false;

  constructor(opts: ScraperOptions) {
    super();
    this.#opts = {
      maxBackoffMs: Math.max(30_000, opts.intervalMs),
      extras: true,
      connzLimit: 1024,
      subszLimit: 10_000,
      unsupportedRetryMs: 300_000,
      discoveryEveryMs: 10_000,
      discover: true,
      jszConfigEveryMs: 30_000,
      jszEntitiesPerScrape: 2_000,
      subszEntriesPerScrape: 2_000,
      ...opts,
    };
  }

  /** The polling interval. */
  get intervalMs(): number {
    return this.#opts.intervalMs;
  }

  /** The paths fetched besides /varz. */
  get extraPaths(): Record<ExtraEndpoint, string> {
    return {
      connz: `/connz?limit=${this.#opts.connzLimit}&subs=1`,
      subsz: `/subsz?subs=1&limit=${this.#opts.subszLimit}`,
      jsz: JSZ_WITH_CONFIG,
      routez: '/routez',
      accstatz: '/accstatz',
      healthz: '/healthz',
    };
  }

  /** Begins polling (the first scrape of every endpoint happens at once). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const endpoints of this.#targets.values()) for (const e of endpoints.values()) this.#schedule(e, 0);
  }

  /** Stops polling and waits for scrapes in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    const inFlight: Promise<void>[] = [];
    for (const endpoints of this.#targets.values()) {
      for (const e of endpoints.values()) {
        clearTimeout(e.timer);
        if (e.inFlight) inFlight.push(e.inFlight);
      }
    }
    for (const d of this.#discovering.values()) if (d.running) inFlight.push(d.running.then(() => undefined));
    await Promise.allSettled(inFlight);
  }

  /** Adds or replaces a target; its endpoints are scraped at once when running. */
  setTarget(target: ScrapeTarget): void {
    this.#drop(target.id);
    const endpoints = new Map<string, Endpoint>();
    this.#targets.set(target.id, endpoints);
    for (const monitorUrl of new Set(target.monitorUrls)) this.#addEndpoint(target, monitorUrl, false);
  }

  #addEndpoint(target: ScrapeTarget, monitorUrl: string, discovered: boolean): Endpoint {
    const endpoint: Endpoint = {
      state: { target, monitorUrl, status: 'unknown', failures: 0, partialErrors: [], discovered },
      unsupported: new Map(),
    };
    this.#targets.get(target.id)?.set(monitorUrl, endpoint);
    if (this.#running) this.#schedule(endpoint, 0);
    return endpoint;
  }

  removeTarget(id: string): void {
    if (this.#drop(id)) this.emit('removed', id);
  }

  #drop(id: string): boolean {
    const endpoints = this.#targets.get(id);
    if (!endpoints) return false;
    for (const e of endpoints.values()) clearTimeout(e.timer);
    this.#targets.delete(id);
    this.#discovering.delete(id);
    return true;
  }

  /** The latest state of one target's endpoints (configured first, then discovered). */
  targetStates(id: string): EndpointState[] {
    return [...(this.#targets.get(id)?.values() ?? [])].map((e) => e.state);
  }

  /** Ids of the targets being scraped. */
  targetIds(): string[] {
    return [...this.#targets.keys()];
  }

  /** The latest state of every endpoint, in insertion order. */
  states(): EndpointState[] {
    return [...this.#targets.values()].flatMap((endpoints) => [...endpoints.values()].map((e) => e.state));
  }

  /** The latest state as the API's server summaries. */
  summaries(): ServerSummary[] {
    return this.states().map(toSummary);
  }

  /** Scrapes all endpoints of one target now (or every target) and resolves when done. */
  async scrapeNow(targetId?: string): Promise<void> {
    const targets = targetId ? [this.#targets.get(targetId)] : [...this.#targets.values()];
    await Promise.all(
      targets.flatMap((endpoints) => [...(endpoints?.values() ?? [])].map((e) => this.#scrape(e))),
    );
  }

  #schedule(endpoint: Endpoint, delayMs: number): void {
    clearTimeout(endpoint.timer);
    endpoint.timer = setTimeout(() => {
      void this.#scrape(endpoint).then(() => {
        if (this.#running && this.#isCurrent(endpoint)) this.#schedule(endpoint, this.#delay(endpoint.state));
      });
    }, delayMs);
    endpoint.timer.unref();
  }

  #isCurrent(endpoint: Endpoint): boolean {
    return this.#targets.get(endpoint.state.target.id)?.get(endpoint.state.monitorUrl) === endpoint;
  }

  #delay(state: EndpointState): number {
    if (state.failures === 0) return this.#opts.intervalMs;
    return Math.min(this.#opts.intervalMs * 2 ** Math.min(state.failures, 16), this.#opts.maxBackoffMs);
  }

  #scrape(endpoint: Endpoint): Promise<void> {
    endpoint.inFlight ??= this.#scrapeOnce(endpoint).finally(() => {
      endpoint.inFlight = undefined;
    });
    return endpoint.inFlight;
  }

  async #scrapeOnce(endpoint: Endpoint): Promise<void> {
    const state = endpoint.state;
    const before = state.status;
    const time = new Date();
    const timeout = this.#opts.timeoutMs;
    // Every endpoint is asked at once: a scrape takes as long as the slowest answer, bounded by the timeout.
    const extras = this.#opts.extras ? this.#extrasFor(endpoint, time.getTime()) : [];
    const extraResults = Promise.allSettled(
      extras.map(([key, path]) =>
        key === 'healthz'
          ? fetchHealthz(state.monitorUrl, timeout)
          : fetchMonitorJson(state.monitorUrl, path, timeout),
      ),
    );
    try {
      const body = await fetchMonitorJson(state.monitorUrl, '/varz', timeout);
      if (!isVarz(body))
        throw new ScrapeError(state.monitorUrl, '/varz did not return a NATS server description');
      const snapshot: ServerScrape = { varz: body };
      const partialErrors: EndpointState['partialErrors'] = [];
      const results = await extraResults;
      let needConfig = false;
      results.forEach((r, i) => {
        const [key, path] = extras[i]!;
        if (r.status === 'fulfilled') {
          (snapshot as unknown as Record<string, unknown>)[key] = r.value;
          if (key === 'subsz') endpoint.subszAt = time.getTime();
          if (key !== 'jsz') return;
          endpoint.jszAt = time.getTime();
          if (path === JSZ_WITH_CONFIG) endpoint.jszConfigAt = time.getTime();
          // Something new has no configuration yet: fetched again with configurations below.
          else if (!carryConfigs(state.snapshot?.jsz, snapshot.jsz)) needConfig = true;
        } else if (r.reason instanceof ScrapeError && r.reason.reason.startsWith('HTTP 404')) {
          endpoint.unsupported.set(key, time.getTime() + this.#opts.unsupportedRetryMs);
        } else {
          partialErrors.push({
            path,
            reason: r.reason instanceof ScrapeError ? r.reason.reason : String(r.reason),
          });
        }
      });
      const jszFresh = snapshot.jsz !== undefined;
      if (!jszFresh && extras.every(([key]) => key !== 'jsz') && state.snapshot?.jsz) {
        snapshot.jsz = state.snapshot.jsz;
      }
      const subszFresh = snapshot.subsz !== undefined;
      if (!subszFresh && extras.every(([key]) => key !== 'subsz') && state.snapshot?.subsz) {
        snapshot.subsz = state.snapshot.subsz;
      }
      if (needConfig) {
        try {
          snapshot.jsz = (await fetchMonitorJson(state.monitorUrl, JSZ_WITH_CONFIG, timeout)) as JszFull;
          endpoint.jszConfigAt = time.getTime();
        } catch {
          // keep the body without configurations; the next scrape asks again
          endpoint.jszConfigAt = undefined;
        }
      }
      Object.assign(state, {
        status: 'up',
        error: undefined,
        lastScrape: time,
        varz: body,
        snapshot,
        partialErrors,
        failures: 0,
      });
      if (this.#isCurrent(endpoint)) {
        this.emit('sample', {
          targetId: state.target.id,
          monitorUrl: state.monitorUrl,
          time,
          varz: body,
          snapshot,
          jszFresh,
          subszFresh,
          discovered: state.discovered,
        });
        this.#maybeDiscover(state.target.id);
      }
    } catch (err) {
      await extraResults;
      state.status = 'down';
      state.error = err instanceof ScrapeError ? err.reason : (err as Error).message;
      state.lastScrape = time;
      state.partialErrors = [];
      state.failures++;
    }
    if (state.status !== before && this.#isCurrent(endpoint)) this.emit('status', state);
  }

  #extrasFor(endpoint: Endpoint, now: number): [ExtraEndpoint, string][] {
    const withConfig =
      endpoint.jszConfigAt === undefined ||
      now - endpoint.jszConfigAt >= this.#opts.jszConfigEveryMs ||
      !endpoint.state.snapshot?.jsz;
    return (Object.entries(this.extraPaths) as [ExtraEndpoint, string][])
      .filter(([key]) => {
        // Half an interval of slack so timer jitter does not skip a due fetch.
        const last = endpoint.state.snapshot;
        const slack = this.#opts.intervalMs / 2;
        if (
          key === 'jsz' &&
          endpoint.jszAt !== undefined &&
          last?.jsz &&
          now - endpoint.jszAt < this.#jszEveryMs(last.jsz) - slack
        ) {
          return false;
        }
        if (
          key === 'subsz' &&
          endpoint.subszAt !== undefined &&
          last?.subsz &&
          now - endpoint.subszAt < this.#subszEveryMs(last.subsz) - slack
        ) {
          return false;
        }
        const until = endpoint.unsupported.get(key);
        if (until === undefined) return true;
        if (until > now) return false;
        endpoint.unsupported.delete(key);
        return true;
      })
      .map(([key, path]) => [key, key === 'jsz' && !withConfig ? JSZ_WITHOUT_CONFIG : path]);
  }

  // A server with thousands of consumers answers /jsz with megabytes: parsing and ingesting that every
  // 2 s would cost most of a core, so big servers are asked less often (consumer lag moves slowly).
  #jszEveryMs(last: JszFull): number {
    if (this.#opts.jszEveryMs !== undefined) return this.#opts.jszEveryMs;
    const entities = (last.streams ?? 0) + (last.consumers ?? 0);
    return this.#opts.intervalMs * Math.max(1, Math.ceil(entities / this.#opts.jszEntitiesPerScrape));
  }

  // The same for /subsz: 10,000 subscriptions are 1.4 MB of JSON, and the subject tree changes slowly.
  #subszEveryMs(last: SubszFull): number {
    const entries = last.subscriptions_list?.length ?? 0;
    return this.#opts.intervalMs * Math.max(1, Math.ceil(entries / this.#opts.subszEntriesPerScrape));
  }

  // Discovery runs at most once per `discoveryEveryMs` per target and only when a route names a server
  // that no endpoint of the target has answered for.
  #maybeDiscover(targetId: string): void {
    const endpoints = this.#targets.get(targetId);
    if (!endpoints) return;
    const states = [...endpoints.values()].map((e) => e.state);
    if ((states[0]?.target.discover ?? this.#opts.discover) === false) return;
    const known = new Set(states.flatMap((s) => (s.varz ? [s.varz.server_id] : [])));
    const unknownPeer = states.some((s) =>
      (s.snapshot?.routez?.routes ?? []).some((r) => !known.has(r.remote_id)),
    );
    if (!unknownPeer) return;
    const d = this.#discovering.get(targetId);
    if (d && (d.running || Date.now() - d.at < this.#opts.discoveryEveryMs)) return;
    void this.discover(targetId);
  }

  /** Looks for the target's cluster peers now; resolves with the monitoring URLs added. */
  discover(targetId: string): Promise<string[]> {
    const endpoints = this.#targets.get(targetId);
    if (!endpoints) return Promise.resolve([]);
    const running = this.#discovering.get(targetId)?.running;
    if (running) return running;
    const entry: { at: number; running?: Promise<string[]> } = { at: Date.now() };
    this.#discovering.set(targetId, entry);
    const states = [...endpoints.values()].map((e) => e.state);
    entry.running = discoverPeers(states, this.#opts.timeoutMs)
      .then((found) => {
        const added: string[] = [];
        if (this.#targets.get(targetId) !== endpoints) return added;
        for (const url of found) {
          if (endpoints.has(url)) continue;
          const e = this.#addEndpoint(states[0]!.target, url, true);
          added.push(url);
          this.emit('discovered', e.state);
        }
        return added;
      })
      .catch(() => [])
      .finally(() => {
        entry.running = undefined;
      });
    return entry.running;
  }
}

const JSZ_WITH_CONFIG = '/jsz?accounts=1&streams=1&consumers=1&config=1';
const JSZ_WITHOUT_CONFIG = '/jsz?accounts=1&streams=1&consumers=1';

/** Copies stream and consumer configurations from the previous /jsz into one fetched without them; false if some were missing. */
function carryConfigs(prev: JszFull | undefined, next: JszFull | undefined): boolean {
  if (!prev || !next) return false;
  let complete = true;
  const configs = new Map<string, unknown>();
  for (const a of prev.account_details ?? []) {
    for (const st of a.stream_detail ?? []) {
      if (st.config) configs.set(`${a.name}\u0000${st.name}`, st.config);
      for (const c of st.consumer_detail ?? []) {
        if (c.config) configs.set(`${a.name}\u0000${st.name}\u0000${c.name}`, c.config);
      }
    }
  }
  for (const a of next.account_details ?? []) {
    for (const st of a.stream_detail ?? []) {
      st.config ??= configs.get(`${a.name}\u0000${st.name}`) as typeof st.config;
      if (!st.config) complete = false;
      for (const c of st.consumer_detail ?? []) {
        c.config ??= configs.get(`${a.name}\u0000${st.name}\u0000${c.name}`) as typeof c.config;
        if (!c.config) complete = false;
      }
    }
  }
  return complete;
}

function toSummary(state: EndpointState): ServerSummary {
  const v = state.varz;
  const summary: ServerSummary = {
    targetId: state.target.id,
    targetName: state.target.name,
    monitorUrl: state.monitorUrl,
    embedded: state.target.embedded,
    status: state.status,
  };
  if (state.error !== undefined) summary.error = state.error;
  if (state.lastScrape) summary.lastScrape = state.lastScrape.toISOString();
  if (!v) return summary;
  // Numbers from the last successful scrape are kept while a server is down, so the UI can show them greyed.
  return {
    ...summary,
    serverId: v.server_id,
    serverName: v.server_name,
    version: v.version,
    uptime: v.uptime,
    start: v.start,
    connections: v.connections,
    totalConnections: v.total_connections,
    subscriptions: v.subscriptions,
    inMsgs: v.in_msgs,
    outMsgs: v.out_msgs,
    inBytes: v.in_bytes,
    outBytes: v.out_bytes,
    slowConsumers: v.slow_consumers,
    jetstream: v.jetstream ? v.jetstream.config !== undefined : undefined,
  };
}
