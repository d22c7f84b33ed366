// Display of the changed fields of a dry run.

import { formatDurationNs } from './units';

/** Config fields that hold nanoseconds in the JetStream API. */
const DURATION_FIELD =
  /(^|\.)(max_age|duplicate_window|ack_wait|inactive_threshold|idle_heartbeat|max_expires|backoff\.\d+)$/;

const MAX_TEXT = 200;

/** A changed value as one short line of text; durations also in words (`3600000000000 (1h)`). */
export function formatDiffValue(value: unknown, path = ''): string {
  if (value === undefined) return '—';
  if (typeof value === 'number' && DURATION_FIELD.test(path) && value > 0) {
    return `${value} (${formatDurationNs(value)})`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
