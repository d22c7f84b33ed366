import type { SeriesKey } from '../series/store.js';

// Which series get 1-minute rollups in the database. Everything is charted live from memory; history
// is kept for what users look back at: server, account and cluster throughput, stream size and
// inflow, and consumer backlog and lag. The rest (sequence rates of consumers, waiting pulls, …)
// would multiply the rows per consumer for little value: with 5,000 consumers each kept metric costs
// 7.2 M rows a day.
const KEPT: Record<string, ReadonlySet<string> | 'all'> = {
  server: 'all',
  account: 'all',
  stream: new Set(['messages', 'bytes', 'last_seq_rate']),
  consumer: new Set(['num_pending', 'num_ack_pending', 'lag_drain_seconds', 'lag_oldest_unacked_seconds']),
};

/** The default rollup policy of the monitor (SeriesStore `persist` option). */
export function persistPolicy(key: SeriesKey): boolean {
  const kept = KEPT[key.kind];
  return kept === 'all' || (kept?.has(key.metric) ?? false);
}
