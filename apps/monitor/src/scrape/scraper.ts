import { EventEmitter } from 'node:events';
import type { ServerSummary } from '@tern/contracts';
import { fetchMonitorJson, ScrapeError } from './fetch.js';
import { isVarz, type Varz } from './varz.js';

/** What the scraper needs to know about a target. */
export interface ScrapeTarget {
  id: string;
  name: string;
  monitorUrls: string[];
  embedded: boolean;
}

/** One successful scrape of one server's `/varz`. */
export interface VarzSample {
  targetId: string;
  monitorUrl: string;
  time: Date;
  varz: Varz;
}

/** The latest known state of one monitoring endpoint (one server of a target). */
export interface EndpointState {
  target: ScrapeTarget;
  monitorUrl: string;
  status: 'up' | 'down' | 'unknown';
  error?: string;
  lastScrape?: Date;
  varz?: Varz;
  /** Consecutive failures; drives the back-off. */
  failures: number;
}

export interface ScraperEvents {
  /** A successful `/varz` scrape. */
  sample: [VarzSample];
  /** An endpoint changed between up and down. */
  status: [EndpointState];
}

export interface ScraperOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Upper bound of the back-off after failures (default 30 s or the interval, whichever is larger). */
  maxBackoffMs?: number;
}

interface Endpoint {
  state: EndpointState;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
}

/**
 * Polls every target's monitoring endpoints on its own timer, so a slow or dead server never delays
 * the others. Failures back off exponentially up to `maxBackoffMs`; the latest result per endpoint is
 * kept in memory and every sample is emitted for consumers that keep history.
 */
export class Scraper extends EventEmitter<ScraperEvents> {
  readonly #opts: Required<ScraperOptions>;
  readonly #targets = new Map<string, Map<string, Endpoint>>();
  #running = false;

  constructor(opts: ScraperOptions) {
    super();
    this.#opts = { maxBackoffMs: Math.max(30_000, opts.intervalMs), ...opts };
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
    await Promise.allSettled(inFlight);
  }

  /** Adds or replaces a target; its endpoints are scraped at once when running. */
  setTarget(target: ScrapeTarget): void {
    this.removeTarget(target.id);
    const endpoints = new Map<string, Endpoint>();
    for (const monitorUrl of new Set(target.monitorUrls)) {
      const endpoint: Endpoint = { state: { target, monitorUrl, status: 'unknown', failures: 0 } };
      endpoints.set(monitorUrl, endpoint);
      if (this.#running) this.#schedule(endpoint, 0);
    }
    this.#targets.set(target.id, endpoints);
  }

  removeTarget(id: string): void {
    const endpoints = this.#targets.get(id);
    if (!endpoints) return;
    for (const e of endpoints.values()) clearTimeout(e.timer);
    this.#targets.delete(id);
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
    try {
      const body = await fetchMonitorJson(state.monitorUrl, '/varz', this.#opts.timeoutMs);
      if (!isVarz(body))
        throw new ScrapeError(state.monitorUrl, '/varz did not return a NATS server description');
      Object.assign(state, { status: 'up', error: undefined, lastScrape: time, varz: body, failures: 0 });
      if (this.#isCurrent(endpoint))
        this.emit('sample', { targetId: state.target.id, monitorUrl: state.monitorUrl, time, varz: body });
    } catch (err) {
      state.status = 'down';
      state.error = err instanceof ScrapeError ? err.reason : (err as Error).message;
      state.lastScrape = time;
      state.failures++;
    }
    if (state.status !== before && this.#isCurrent(endpoint)) this.emit('status', state);
  }
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
