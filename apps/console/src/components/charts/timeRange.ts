// The time ranges offered by every chart, and the query window each one stands for.

/** A chart's time range: the last 5 minutes, hour, day or week. */
export type TimeRange = '5m' | '1h' | '24h' | '7d';

export const TIME_RANGES: ReadonlyArray<{ value: TimeRange; label: string; ms: number }> = [
  { value: '5m', label: '5 m', ms: 5 * 60_000 },
  { value: '1h', label: '1 h', ms: 60 * 60_000 },
  { value: '24h', label: '24 h', ms: 24 * 60 * 60_000 },
  { value: '7d', label: '7 d', ms: 7 * 24 * 60 * 60_000 },
];

export const DEFAULT_RANGE: TimeRange = '1h';

/** Points asked of the API per series: about one per two pixels of a wide chart. */
export const MAX_POINTS = 400;

/** Duration of a range in milliseconds. */
export function rangeMs(range: TimeRange): number {
  return TIME_RANGES.find((r) => r.value === range)?.ms ?? 60 * 60_000;
}

/** Parses a range from a URL parameter, falling back to the default. */
export function parseRange(value: string | null | undefined): TimeRange {
  return TIME_RANGES.some((r) => r.value === value) ? (value as TimeRange) : DEFAULT_RANGE;
}

/**
 * The query window of a range ending now. `to` is rounded up to `alignMs` so that query keys stay
 * stable between renders and refetches reuse the cache until the window moves on.
 */
export function rangeWindow(range: TimeRange, now: number, alignMs = 5_000): { from: number; to: number } {
  const to = Math.ceil(now / alignMs) * alignMs;
  return { from: to - rangeMs(range), to };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An axis tick for a range: clock time for short ranges, day and time for a week. */
export function formatTick(t: number, range: TimeRange): string {
  const d = new Date(t);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (range === '5m') return `${hm}:${pad(d.getSeconds())}`;
  if (range === '7d') return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
  return hm;
}

/** The full timestamp shown in a chart tooltip. */
export function formatTooltipTime(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const TICK_STEPS = [
  10_000,
  15_000,
  30_000,
  60_000,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3_600_000,
  2 * 3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  86_400_000,
];

/**
 * Evenly spaced, round axis ticks (every 1 m, 10 m, 6 h, …) across [from, to], at most `maxTicks`,
 * aligned to local clock time.
 */
export function timeTicks(from: number, to: number, maxTicks = 6): number[] {
  if (!(to > from) || maxTicks < 1) return [];
  const span = to - from;
  const step =
    TICK_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  // Align to local time so "every 6 h" falls on 00:00, 06:00, … of the viewer's clock.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}
