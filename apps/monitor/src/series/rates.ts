// Counter -> per-second rate. A counter that goes down, or whose epoch changed (a server restart, a
// stream or consumer re-created), has restarted from zero: that interval yields no rate at all, never
// a negative one and never the whole counter as a spike.

import { doubles } from './ring.js';

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
 * readings since the last reset for smoothed rates. Readings live in small rings of doubles (no object per
 * reading: a monitor holds tens of thousands of counters); `window: false` keeps only the latest.
 */
export class CounterState {
  readonly #maxGapMs: number;
  readonly #windowMs: number;
  readonly #maxSamples: number;
  // The window as a ring of times and values; every reading in it shares `#epoch` (a reset clears it).
  #t: number[];
  #v: number[];
  #start = 0;
  #len = 0;
  #epoch = '';
  /** The rate over the last interval, or null after a reset, a gap or on the first reading. */
  lastRate: number | null = null;

  constructor(opts: CounterStateOptions & { window?: boolean } = {}) {
    this.#maxGapMs = opts.maxGapMs ?? 300_000;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#maxSamples = opts.window === false ? 1 : Math.max(2, opts.maxWindowSamples ?? 64);
    const cap = Math.min(this.#maxSamples, 4);
    this.#t = doubles(cap);
    this.#v = doubles(cap);
  }

  #at(i: number): number {
    return (this.#start + i) % this.#t.length;
  }

  /** The latest reading, if any. */
  get latest(): CounterSample | undefined {
    if (!this.#len) return undefined;
    const i = this.#at(this.#len - 1);
    return { t: this.#t[i]!, value: this.#v[i]!, epoch: this.#epoch };
  }

  /** Adds a reading; returns the rate since the previous one (null when there is none). Out-of-order readings are ignored. */
  update(sample: CounterSample): number | null {
    const epoch = sample.epoch ?? '';
    if (!this.#len) {
      this.#push(sample.t, sample.value, epoch);
      this.lastRate = null;
      return null;
    }
    const li = this.#at(this.#len - 1);
    const r = rateBetween(
      { t: this.#t[li]!, value: this.#v[li]!, epoch: this.#epoch },
      sample,
      this.#maxGapMs,
    );
    if ('none' in r && r.none === 'not-after') return null;
    if ('none' in r) this.#len = 0; // reset or gap: older readings say nothing about the new run
    this.#push(sample.t, sample.value, epoch);
    const horizon = sample.t - this.#windowMs;
    // Keep one reading at or before the horizon so the window always spans the full period.
    while (this.#len > 2 && this.#t[this.#at(1)]! <= horizon) this.#drop();
    this.lastRate = 'rate' in r ? r.rate : null;
    return this.lastRate;
  }

  #drop(): void {
    this.#start = (this.#start + 1) % this.#t.length;
    this.#len--;
  }

  #push(t: number, v: number, epoch: string): void {
    if (!this.#len) this.#start = 0;
    this.#epoch = epoch;
    if (this.#len === this.#t.length) {
      if (this.#t.length < this.#maxSamples) this.#grow();
      else this.#drop();
    }
    const i = this.#at(this.#len);
    this.#t[i] = t;
    this.#v[i] = v;
    this.#len++;
  }

  #grow(): void {
    const cap = Math.min(this.#maxSamples, this.#t.length * 2);
    const t = doubles(cap);
    const v = doubles(cap);
    for (let i = 0; i < this.#len; i++) {
      t[i] = this.#t[this.#at(i)]!;
      v[i] = this.#v[this.#at(i)]!;
    }
    this.#t = t;
    this.#v = v;
    this.#start = 0;
  }

  /**
   * The average rate over (up to) the window ending at the latest reading, since the last reset; null
   * with fewer than two readings. `minSpanMs` rejects windows too short to mean anything.
   */
  windowRate(minSpanMs = 0): number | null {
    if (this.#len < 2) return null;
    // The first kept reading is the last one at or before the window start (or the first since a reset).
    const first = this.#start;
    const last = this.#at(this.#len - 1);
    const span = this.#t[last]! - this.#t[first]!;
    if (span <= 0 || span < minSpanMs) return null;
    return ((this.#v[last]! - this.#v[first]!) * 1000) / span;
  }
}
