// Display formatting of rates, lag and ratios. Missing values become an em dash, like lib/format.

import { formatBytes, formatDuration, MISSING } from '@/lib/format';

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
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
  return Math.abs(n) >= 1_000 ? compact.format(n) : oneDecimal.format(n);
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
