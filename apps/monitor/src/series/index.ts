// The monitor's time-series engine: what the scraper feeds and the routes read. No HTTP, no timers.
export { AccountTotals, type AccountTotalsOptions } from './accounts.js';
export * from './extract.js';
export * from './lag.js';
export * from './live.js';
export * from './prometheus.js';
export * from './rates.js';
export { type RawPoint, Ring } from './ring.js';
export * from './store.js';
