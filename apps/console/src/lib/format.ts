// Pure display formatting. Every function accepts missing values and returns an em dash for them.

export const MISSING = '—';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** Whole numbers with separators below a million, compact above it: 12,345 and 1.23M. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return MISSING;
  return Math.abs(n) < 1_000_000 ? integer.format(n) : compact.format(n);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Binary units: 1536 → "1.5 KiB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return MISSING;
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1')} ${BYTE_UNITS[unit]}`;
}

const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 86_400],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/**
 * Parses a nats-server duration as found in `/varz` `uptime` ("1y2d3h4m5s", "45s", "1.5s") into seconds.
 * Returns undefined when it is not one.
 */
export function parseNatsDuration(s: string | null | undefined): number | undefined {
  if (!s) return undefined;
  const re = /(\d+(?:\.\d+)?)(y|d|h|ms|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const value = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? value / 1000 : value * (DURATION_UNITS.find(([u]) => u === unit)?.[1] ?? 0);
    matched = re.lastIndex;
  }
  return matched === s.length ? total : undefined;
}

/** The two most significant units of a duration in seconds: "2d 3h", "4m 5s", "12s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return MISSING;
  let rest = Math.floor(seconds);
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  if (parts.length === 0) return '0s';
  if (parts[1]?.startsWith('0')) parts.pop();
  return parts.join(' ');
}

/** A server's uptime from its `/varz` `uptime` string, shortened to two units. */
export function formatUptime(uptime: string | null | undefined): string {
  const seconds = parseNatsDuration(uptime);
  return seconds === undefined ? (uptime ?? MISSING) : formatDuration(seconds);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time, sortable and unambiguous: "2026-11-26 08:54:12". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "just now", "12s ago", "5m ago", "3h ago", "2d ago". */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return MISSING;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return MISSING;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
