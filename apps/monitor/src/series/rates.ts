// Counter -> per-second rate. A counter that goes down, or whose epoch changed (a server restart, a
// stream or consumer re-created), has restarted from zero: that interval yields no rate at all, never
// a negative one and never the whole counter as a spike.

/** One counter reading. */
export interface CounterSample {
  /** Milliseconds since the epoch. */
  t: number;
  value: number;
  /** Changes whenever the counter restarts; samples of different epochs are never compared. */
  epoch?: string;
}

/** Why `rateBetween` gave no rate. */
export type NoRate = 'reset' | 'gap' | 'not-after';

/** The rate per second from `prev` to `cur`, or why there is none. */
export function rateBetween(
  prev: CounterSample,
  cur: CounterSample,
  maxGapMs = Number.POSITIVE_INFINITY,
): { rate: number } | { none: NoRate } {
  const dt = cur.t - prev.t;
  if (!(dt > 0)) return { none: 'not-after' };
  if ((prev.epoch ?? '') !== (cur.epoch ?? '') || cur.value < prev.value) return { none: 'reset' };
  if (dt > maxGapMs) return { none: 'gap' };
  return { rate: ((cur.value - prev.value) * 1000) / dt };
}

export interface CounterStateOptions {
  /** Samples further apart than this give no rate (default 5 minutes): an average over a long outage is not a reading. */
  maxGapMs?: number;
  /** How far back `windowRate` looks (default 60 s). */
  windowMs?: number;
  /** Hard cap on samples kept for the window (default 64). */
  maxWindowSamples?: number;
}

/**
 * The state of one counter: its latest reading, the rate over the last interval and a short window of
 * readings since the last reset for smoothed rates.
 */
export class CounterState {
  readonly #maxGapMs: number;
  readonly #windowMs: number;
  readonly #maxSamples: number;
  #window: CounterSample[] = [];
  /** The rate over the last interval, or null after a reset, a gap or on the first reading. */
  lastRate: number | null = null;

  constructor(opts: CounterStateOptions = {}) {
    this.#maxGapMs = opts.maxGapMs ?? 300_000;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#maxSamples = Math.max(2, opts.maxWindowSamples ?? 64);
  }

  /** The latest reading, if any. */
  get latest(): CounterSample | undefined {
    return this.#window.at(-1);
  }

  /** Adds a reading; returns the rate since the previous one (null when there is none). Out-of-order readings are ignored. */
  update(sample: CounterSample): number | null {
    const prev = this.latest;
    if (!prev) {
      this.#window.push(sample);
      this.lastRate = null;
      return null;
    }
    const r = rateBetween(prev, sample, this.#maxGapMs);
    if ('none' in r && r.none === 'not-after') return null;
    if ('none' in r) this.#window = []; // reset or gap: older readings say nothing about the new run
    this.#window.push(sample);
    const horizon = sample.t - this.#windowMs;
    // Keep one reading at or before the horizon so the window always spans the full period.
    while (this.#window.length > 2 && this.#window[1]!.t <= horizon) this.#window.shift();
    while (this.#window.length > this.#maxSamples) this.#window.shift();
    this.lastRate = 'rate' in r ? r.rate : null;
    return this.lastRate;
  }

  /**
   * The average rate over (up to) the window ending at the latest reading, since the last reset; null
   * with fewer than two readings. `minSpanMs` rejects windows too short to mean anything.
   */
  windowRate(minSpanMs = 0): number | null {
    const last = this.latest;
    if (!last || this.#window.length < 2) return null;
    // The first kept reading is the last one at or before the window start (or the first since a reset).
    const from = this.#window[0]!;
    const span = last.t - from.t;
    if (span <= 0 || span < minSpanMs) return null;
    return ((last.value - from.value) * 1000) / span;
  }
}
