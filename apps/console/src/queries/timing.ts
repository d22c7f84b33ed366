// Every refetch interval and stale time of the console, in one place (milliseconds).

/** Server list refresh: matches the monitor's default scrape interval. */
export const SERVERS_REFETCH_MS = 2_000;
export const SERVERS_STALE_MS = 1_000;

/** The session is re-checked now and then so an expired one sends the user to the login page. */
export const SESSION_STALE_MS = 60_000;
export const SESSION_REFETCH_MS = 5 * 60_000;

export const AUDIT_STALE_MS = 5_000;
export const AUDIT_REFETCH_MS = 15_000;
export const AUDIT_VERIFY_REFETCH_MS = 60_000;
export const AUDIT_PAGE_SIZE = 50;

/** Delay before a typed filter is sent to the API. */
export const FILTER_DEBOUNCE_MS = 300;

/** Default freshness of any other query. */
export const DEFAULT_STALE_MS = 5_000;

/** JetStream management lists (streams, consumers, KV, object stores). */
export const JETSTREAM_STALE_MS = 3_000;
export const JETSTREAM_REFETCH_MS = 10_000;

/** Observability pages (overview, connections, streams, consumers): close to the scrape interval. */
export const OBS_REFETCH_MS = 2_000;
export const OBS_STALE_MS = 1_000;
/** Slower-moving lists: subject tree and cluster topology. */
export const OBS_SLOW_REFETCH_MS = 5_000;
/** Chart history refresh by range when live mode is off; in live mode a slow re-sync only. */
export const SERIES_REFETCH_MS = { '5m': 2_000, '1h': 10_000, '24h': 60_000, '7d': 300_000 } as const;
export const SERIES_LIVE_RESYNC_MS = 60_000;
/** Live feed: wait before reconnecting after the EventSource fails. */
export const LIVE_RECONNECT_MS = 3_000;
