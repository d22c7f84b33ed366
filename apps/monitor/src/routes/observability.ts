import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PrismaClient } from '@tern/db';
import type { ObservabilityConfig } from '../config.js';
import { Observatory } from '../observe/observatory.js';
import { persistPolicy } from '../observe/persist.js';
import { type TargetConnections, UnackedTimes } from '../observe/unacked.js';
import type { Scraper } from '../scrape/scraper.js';
import { LiveHub } from '../series/live.js';
import { SeriesStore } from '../series/store.js';
import { accountsRoutes } from './accounts.js';
import { connectionsRoutes } from './connections.js';
import { liveRoutes } from './live.js';
import { metricsRoutes } from './metrics.js';
import { overviewRoutes } from './overview.js';
import { seriesRoutes } from './series.js';
import { serverDetailRoutes } from './servers.js';
import { streamsRoutes } from './streams.js';
import { subjectsRoutes } from './subjects.js';
import { topologyRoutes } from './topology.js';

export interface ObservabilityRoutesOptions {
  scraper: Scraper;
  prisma: PrismaClient;
  /** Built here from `config` (rollups in `prisma`) unless given, e.g. by a test or the benchmark. */
  observatory?: Observatory;
  config?: Partial<ObservabilityConfig>;
  /** The monitor's NATS connections, to fetch the time of lagging consumers' oldest unacked message. */
  nats?: TargetConnections;
}

/** Default bounds when the app is built without a config (tests). */
export const OBSERVABILITY_DEFAULTS: ObservabilityConfig = {
  rawRetentionMs: 3_600_000,
  rollupRetentionMs: 7 * 86_400_000,
  maxSeries: 150_000,
  maxPointsPerSeries: 2_048,
  maxPendingRollups: 200_000,
  connzLimit: 1_024,
  subszLimit: 10_000,
  discoverPeers: true,
  lagExactAgeLookups: 50,
  liveMaxClients: 200,
  liveQueue: 5_000,
  liveHeartbeatMs: 15_000,
  metricsAccess: 'loopback',
  metricsToken: undefined,
};

/** Builds the observatory that feeds scrapes into the series store, with its configured bounds. */
export function createObservatory(
  scraper: Scraper,
  prisma: PrismaClient | undefined,
  c: ObservabilityConfig,
): Observatory {
  const store = new SeriesStore({
    ...(prisma ? { db: prisma } : {}),
    rawRetentionMs: c.rawRetentionMs,
    rollupRetentionMs: c.rollupRetentionMs,
    maxSeries: c.maxSeries,
    maxPointsPerSeries: c.maxPointsPerSeries,
    maxPendingRollups: c.maxPendingRollups,
    accountStaleAfterMs: Math.max(10_000, 3 * scraper.intervalMs),
    persist: persistPolicy,
  });
  return new Observatory({
    scraper,
    store,
    hub: new LiveHub({ maxQueue: c.liveQueue, maxSubscribers: c.liveMaxClients }),
    aggregateEveryMs: scraper.intervalMs,
  });
}

/**
 * Every observability route (overview, servers detail, topology, connections, subjects, accounts,
 * streams, consumers, series, live, /metrics) over one Observatory, which is stopped when the app
 * closes (pending rollups are written before the database closes).
 */
export const observabilityRoutes: FastifyPluginAsyncTypebox<ObservabilityRoutesOptions> = async (
  app,
  opts,
) => {
  const config = { ...OBSERVABILITY_DEFAULTS, ...opts.config };
  const obs = opts.observatory ?? createObservatory(opts.scraper, opts.prisma, config);
  if (opts.nats && config.lagExactAgeLookups > 0) {
    obs.useUnackedTimes(
      new UnackedTimes({ connections: opts.nats, maxPerScrape: config.lagExactAgeLookups }),
    );
  }
  obs.start();
  // Before any onClose hook closes the pooled connections the lookups use.
  app.addHook('preClose', async () => {
    await obs.stopUnackedTimes();
  });
  app.addHook('onClose', async () => {
    await obs.stop();
  });
  for (const plugin of [
    overviewRoutes,
    serverDetailRoutes,
    topologyRoutes,
    connectionsRoutes,
    subjectsRoutes,
    accountsRoutes,
    streamsRoutes,
    seriesRoutes,
  ]) {
    await app.register(plugin, { obs });
  }
  await app.register(liveRoutes, { obs, heartbeatMs: config.liveHeartbeatMs, maxQueue: config.liveQueue });
  await app.register(metricsRoutes, { obs, access: config.metricsAccess, token: config.metricsToken });
};
