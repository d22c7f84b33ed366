// Pure helpers for showing consumer lag: client-side sorting that matches the API's, and severity.

import type { ConsumerSummary, ConsumersQuery } from '@tern/contracts';
import type { SortValue } from '../sort';

export type ConsumerSortKey = NonNullable<ConsumersQuery['sort']>;

/** The value each sort key compares, as the monitor does: `lag` is outstanding messages, ties by drain time. */
export const CONSUMER_SORT: Record<ConsumerSortKey, (c: ConsumerSummary) => SortValue> = {
  lag: (c) => c.lag.outstanding + Math.min(c.lag.drainSeconds ?? 0, 1e9) / 1e10,
  drain: (c) => c.lag.drainSeconds,
  age: (c) => c.lag.oldestUnackedAgeSeconds,
  pending: (c) => c.numPending,
  ack_pending: (c) => c.numAckPending,
  redelivered: (c) => c.numRedelivered,
  name: (c) => `${c.stream}/${c.name}`,
};

/** How worrying a consumer's lag is: nothing outstanding, draining, or stuck (outstanding but no progress). */
export function lagSeverity(c: ConsumerSummary): 'none' | 'lagging' | 'stalled' {
  if (c.lag.outstanding <= 0) return 'none';
  if (c.lag.drainSeconds === null) return 'stalled';
  return 'lagging';
}

/** Width in percent of a consumer's lag bar relative to the most lagging one shown. */
export function lagBarPercent(outstanding: number, max: number): number {
  if (max <= 0 || outstanding <= 0) return 0;
  return Math.max(2, Math.round((outstanding / max) * 100));
}
