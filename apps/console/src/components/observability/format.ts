// Display formatting of rates, lag and ratios. Missing values become an em dash, like lib/format.

import { formatBytes, formatDuration, MISSING } from '@/lib/format';

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

const missing = (n: number | null | undefined): n is null | undefined =>
  n === null || n === undefined || !Number.isFinite(n);

/** A count per second: "0/s", "3.5/s", "12.4K/s". */
export function formatRate(n: number | null | undefined, unit = '/s'): string {
  if (missing(n)) return MISSING;
  const abs = Math.abs(n);
  const text =
    abs >= 10_000
      ? compact.format(n)
      : abs >= 100
        ? Math.round(n).toLocaleString('en-US')
        : oneDecimal.format(n);
  return `${text}${unit}`;
}

/** Bytes per second in binary units: "1.5 KiB/s". */
export function formatByteRate(n: number | null | undefined): string {
  if (missing(n) || n < 0) return MISSING;
  return `${formatBytes(n)}/s`;
}

/** A short number for chart axes: 950, 1.2K, 3.4M. */
export function formatAxisNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  const abs = Math.abs(n);
  if (abs >= 1_000) return compact.format(n);
  return abs > 0 && abs < 10 ? twoDecimals.format(n) : oneDecimal.format(n);
}

/**
 * Lag as time. Zero is "caught up"; no estimate (no consume rate) with messages outstanding is "stalled"
 * when the caller says so, otherwise an em dash.
 */
export function formatLagTime(seconds: number | null | undefined, opts: { stalled?: boolean } = {}): string {
  if (missing(seconds)) return opts.stalled ? 'stalled' : MISSING;
  if (seconds <= 0) return '0s';
  if (seconds < 1) return '<1s';
  return formatDuration(seconds);
}

/** A fraction as a percentage: 0.123 → "12.3%". */
export function formatPercent(fraction: number | null | undefined): string {
  if (missing(fraction)) return MISSING;
  return `${oneDecimal.format(fraction * 100)}%`;
}

/** A server's CPU share as reported by /varz (already a percentage). */
export function formatCpu(percent: number | null | undefined): string {
  if (missing(percent)) return MISSING;
  return `${oneDecimal.format(percent)}%`;
}

const RTT_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration from /connz (`rtt`, e.g. "2.407491ms", "706µs") shortened: "2.4ms", "706µs". */
export function formatRtt(rtt: string | null | undefined): string {
  if (!rtt) return MISSING;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let end = 0;
  for (let m = re.exec(rtt); m; m = re.exec(rtt)) {
    ms += Number(m[1]) * (RTT_UNITS[m[2] ?? ''] ?? 0);
    end = re.lastIndex;
  }
  if (end !== rtt.length || end === 0) return rtt;
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${oneDecimal.format(ms)}ms`;
  return `${oneDecimal.format(ms / 1000)}s`;
}
