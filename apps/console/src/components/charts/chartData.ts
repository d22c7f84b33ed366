// Pure shaping of API series into the rows recharts draws. No React here, so it is unit-tested.

/** One point of a series as the API returns it (`min`/`max` may come with rolled-up points). */
export interface SeriesPoint {
  t: number;
  v: number;
  min?: number;
  max?: number;
}

/** One line of a chart. */
export interface SeriesInput {
  key: string;
  label: string;
  points: readonly SeriesPoint[] | undefined;
}

/** One x position of a chart: its time and each line's value there (null breaks the line). */
export type ChartRow = { t: number } & Record<string, number | null>;

export interface ChartData {
  rows: ChartRow[];
  series: Array<{ key: string; label: string }>;
  /** No series has a single point in the window. */
  empty: boolean;
  /** Latest value of each series (undefined when it has none). */
  latest: Record<string, number | undefined>;
  /** X domain: the requested window. */
  domain: [number, number];
}

export interface ToChartDataOptions {
  from: number;
  to: number;
  /**
   * A gap wider than this between two points of a series breaks its line, so a server that was
   * down shows a hole rather than a straight line across. Default: 3 × the median spacing.
   */
  maxGapMs?: number;
}

/** The median spacing of sorted timestamps, or undefined with fewer than two. */
export function medianStep(times: readonly number[]): number | undefined {
  if (times.length < 2) return undefined;
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const step = (times[i] ?? 0) - (times[i - 1] ?? 0);
    if (step > 0) steps.push(step);
  }
  if (!steps.length) return undefined;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}

/**
 * Merges series into rows keyed by time, inside [from, to]. Series scraped at different moments are
 * aligned by interpolating each one at the other series' times within its own span, so lines stay
 * continuous; a gap wider than `maxGapMs` in a series, or a non-finite value, leaves a hole (null).
 */
export function toChartData(inputs: readonly SeriesInput[], opts: ToChartDataOptions): ChartData {
  const latest: Record<string, number | undefined> = {};
  const times = new Set<number>();
  const prepared = inputs.map((s) => {
    const pts = (s.points ?? [])
      .filter((p) => Number.isFinite(p.t) && p.t >= opts.from && p.t <= opts.to)
      .slice()
      .sort((a, b) => a.t - b.t);
    const gap = opts.maxGapMs ?? (medianStep(pts.map((p) => p.t)) ?? Number.POSITIVE_INFINITY) * 3;
    for (const p of pts) {
      times.add(p.t);
      if (Number.isFinite(p.v)) latest[s.key] = p.v;
    }
    // A point just after the last one before a wide gap breaks the line there.
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      if (b.t - a.t > gap) times.add(a.t + 1);
    }
    return { key: s.key, pts, gap };
  });
  const sorted = [...times].sort((a, b) => a - b);
  const rows: ChartRow[] = sorted.map((t) => ({ t }) as ChartRow);
  for (const { key, pts, gap } of prepared) {
    let j = 0; // index of the first point at or after the row's time
    for (const r of rows) {
      while (j < pts.length && pts[j]!.t < r.t) j++;
      const next = pts[j];
      const prev = j > 0 ? pts[j - 1] : undefined;
      let value: number | null = null;
      if (next && next.t === r.t) value = Number.isFinite(next.v) ? next.v : null;
      else if (prev && next && next.t - prev.t <= gap && Number.isFinite(prev.v) && Number.isFinite(next.v)) {
        value = prev.v + ((next.v - prev.v) * (r.t - prev.t)) / (next.t - prev.t);
      }
      r[key] = value;
    }
  }
  return {
    rows,
    series: inputs.map(({ key, label }) => ({ key, label })),
    empty: Object.keys(latest).length === 0,
    latest,
    domain: [opts.from, opts.to],
  };
}

/**
 * Appends live points to a fetched series, keeping time order, replacing a point with the same time
 * and dropping what fell out of the window. Returns the same array when nothing changed.
 */
export function appendPoints(
  points: readonly SeriesPoint[],
  incoming: readonly SeriesPoint[],
  from: number,
  maxPoints = 5_000,
): readonly SeriesPoint[] {
  if (!incoming.length) return points;
  const byTime = new Map<number, SeriesPoint>();
  for (const p of points) if (p.t >= from) byTime.set(p.t, p);
  for (const p of incoming) if (p.t >= from && Number.isFinite(p.v)) byTime.set(p.t, p);
  const out = [...byTime.values()].sort((a, b) => a.t - b.t);
  return out.length > maxPoints ? out.slice(out.length - maxPoints) : out;
}

/** Sum of several series point by point (e.g. msgs/s of every server), matched on time. */
export function sumSeries(all: ReadonlyArray<readonly SeriesPoint[] | undefined>): SeriesPoint[] {
  const sums = new Map<number, number>();
  for (const points of all) {
    for (const p of points ?? []) if (Number.isFinite(p.v)) sums.set(p.t, (sums.get(p.t) ?? 0) + p.v);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}

/** The change of the latest value over the window, for a "↑ 12%" hint; undefined when not meaningful. */
export function trend(points: readonly SeriesPoint[] | undefined): number | undefined {
  const finite = (points ?? []).filter((p) => Number.isFinite(p.v));
  if (finite.length < 2) return undefined;
  const first = finite[0]!.v;
  const last = finite[finite.length - 1]!.v;
  if (first === 0) return undefined;
  return (last - first) / Math.abs(first);
}
