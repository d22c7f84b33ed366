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
