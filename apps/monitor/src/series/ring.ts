// A time-ordered ring of (time, value) points that grows by doubling up to a hard cap. Runs of an
// unchanged value keep only their first and last point (a chart of an idle consumer costs two
// points, not 1,800 an hour); `range` re-creates the run's value at the edges of the requested range.

/** One raw point. */
export interface RawPoint {
  t: number;
  v: number;
}

export class Ring {
  readonly #max: number;
  readonly #maxRunGapMs: number;
  /**
   * Points interleaved as [t0, v0, t1, v1, …]: one allocation per series, not two. A plain array of
   * doubles (V8 stores them unboxed) rather than a Float64Array, whose view and buffer objects cost
   * more than a small series' points.
   */
  #p: number[];
  #cap: number;
  #start = 0;
  #len = 0;
  /** Whether the newest two points are joined without a silence (only then may a run extend). */
  #joined = false;
  /** Time of the newest point dropped because the ring was full: raw data before it is incomplete. */
  droppedUntil = Number.NEGATIVE_INFINITY;

  /** `maxRunGapMs`: a run is not extended over a longer silence, so gaps stay visible. */
  // A small start: most series are idle runs of two points.
  constructor(maxPoints: number, maxRunGapMs = Number.POSITIVE_INFINITY, initial = 4) {
    this.#max = Math.max(2, maxPoints);
    this.#maxRunGapMs = maxRunGapMs;
    this.#cap = Math.min(this.#max, Math.max(2, initial));
    this.#p = doubles(this.#cap * 2);
  }

  get length(): number {
    return this.#len;
  }

  /** Bytes held by the backing arrays. */
  get bytes(): number {
    return this.#p.length * 8;
  }

  #at(i: number): number {
    return (this.#start + i) % this.#cap;
  }

  last(): RawPoint | undefined {
    if (!this.#len) return undefined;
    const i = this.#at(this.#len - 1);
    return { t: this.#p[2 * i]!, v: this.#p[2 * i + 1]! };
  }

  first(): RawPoint | undefined {
    if (!this.#len) return undefined;
    return { t: this.#p[2 * this.#start]!, v: this.#p[2 * this.#start + 1]! };
  }

  /** Appends a point; returns false (and keeps nothing) when it is not newer than the last one. */
  push(t: number, v: number): boolean {
    if (this.#len) {
      const li = this.#at(this.#len - 1);
      if (t <= this.#p[2 * li]!) return false;
      const joined = t - this.#p[2 * li]! <= this.#maxRunGapMs;
      if (
        joined &&
        this.#joined &&
        this.#len >= 2 &&
        Object.is(this.#p[2 * li + 1], v) &&
        Object.is(this.#p[2 * this.#at(this.#len - 2) + 1], v)
      ) {
        this.#p[2 * li] = t; // extend the run
        return true;
      }
      this.#joined = joined;
    }
    if (this.#len === this.#cap) {
      if (this.#cap < this.#max) this.#grow();
      else {
        this.droppedUntil = this.#p[2 * this.#start]!;
        this.#start = (this.#start + 1) % this.#cap;
        this.#len--;
      }
    }
    const i = this.#at(this.#len);
    this.#p[2 * i] = t;
    this.#p[2 * i + 1] = v;
    this.#len++;
    return true;
  }

  #grow(): void {
    const cap = Math.min(this.#max, this.#cap * 2);
    const p = doubles(cap * 2);
    for (let i = 0; i < this.#len; i++) {
      const j = this.#at(i);
      p[2 * i] = this.#p[2 * j]!;
      p[2 * i + 1] = this.#p[2 * j + 1]!;
    }
    this.#p = p;
    this.#cap = cap;
    this.#start = 0;
  }

  /** Drops points older than `cutoff`; a run crossing the cutoff keeps its value from the cutoff on. */
  dropBefore(cutoff: number): void {
    while (this.#len && this.#p[2 * this.#start]! < cutoff) {
      if (this.#len >= 2) {
        const next = this.#at(1);
        if (this.#p[2 * next]! > cutoff && Object.is(this.#p[2 * next + 1], this.#p[2 * this.#start + 1])) {
          this.#p[2 * this.#start] = cutoff;
          break;
        }
      }
      this.#start = (this.#start + 1) % this.#cap;
      this.#len--;
    }
    if (!this.#len) this.#start = 0;
  }

  /** Points with from <= t <= to, including a run's value at `from` and `to` when a run spans them. */
  range(from: number, to: number): RawPoint[] {
    const out: RawPoint[] = [];
    let prev: RawPoint | undefined;
    for (let k = 0; k < this.#len; k++) {
      const i = this.#at(k);
      const p = { t: this.#p[2 * i]!, v: this.#p[2 * i + 1]! };
      if (p.t < from) {
        prev = p;
        continue;
      }
      if (p.t > to) {
        if (!out.length) {
          if (prev && Object.is(prev.v, p.v)) {
            out.push({ t: from, v: p.v });
            if (to > from) out.push({ t: to, v: p.v });
          }
        } else if (Object.is(out.at(-1)!.v, p.v) && out.at(-1)!.t < to) out.push({ t: to, v: p.v });
        break;
      }
      if (!out.length && prev && Object.is(prev.v, p.v) && p.t > from) out.push({ t: from, v: p.v });
      out.push(p);
    }
    return out;
  }
}

/** An array of `n` zeros (a double, so that V8 keeps it as an unboxed double array). */
export const doubles = (n: number): number[] => new Array<number>(n).fill(0.5).fill(0);
