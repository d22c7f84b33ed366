#!/usr/bin/env node
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { openDatabase } from '@tern/db';
import { buildApp } from './app.js';
import { AuditLog } from './audit/log.js';
import { ensureAdmin, seedEmbeddedTarget } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { loadSecretKey, SecretBox } from './crypto.js';
import { Scraper } from './scrape/scraper.js';
import { toScrapeTarget } from './targets/targets.js';

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }

  // Prisma's query compiler is a WebAssembly module compiled at the first query. V8 first compiles it
  // with its baseline compiler (Liftoff), then recompiles hot functions with TurboFan on background
  // threads, whose freed scratch memory glibc keeps: about 50 MB of RSS for as long as the process runs,
  // against no measurable CPU difference (monitor bench). With PGlite the database itself is WebAssembly
  // and runs every query, so there V8 keeps optimising. Set before any module is compiled.
  if (config.databaseUrl) setFlagsFromString('--liftoff-only');
  const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') });
  const scraper = new Scraper({
    intervalMs: config.scrapeIntervalMs,
    timeoutMs: config.scrapeTimeoutMs,
    connzLimit: config.observability.connzLimit,
    subszLimit: config.observability.subszLimit,
    discover: config.observability.discoverPeers,
    ...(config.scrapeJszIntervalMs ? { jszEveryMs: config.scrapeJszIntervalMs } : {}),
  });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const secretBox = new SecretBox(await loadSecretKey(config.secretKey, config.dataDir));
    const admin = await ensureAdmin(db.prisma, config.adminUser, config.adminPassword);
    if (admin) console.log(`Admin user created: username=${admin.username} password=${admin.password}`);

    const audit = new AuditLog(db.prisma);
    if (config.embedded) await seedEmbeddedTarget(audit, config.embedded);
    for (const target of await db.prisma.target.findMany({ orderBy: { createdAt: 'asc' } })) {
      scraper.setTarget(toScrapeTarget(target));
    }

    app = await buildApp({
      prisma: db.prisma,
      scraper,
      secretBox,
      audit,
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
      validationTimeoutMs: config.validationTimeoutMs,
      loginRateLimit: config.loginRateLimit,
      onClose: () => db.close(),
      observability: { config: config.observability },
    });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        console.error(`monitor port ${config.port} is already in use (set MONITOR_PORT)`);
        await app.close();
        return 1;
      }
      throw err;
    }
  } catch (err) {
    if (app) await app.close();
    else await Promise.allSettled([scraper.stop(), db.close()]);
    throw err;
  }

  scraper.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(`Monitor listening on http://${host}:${port}`);

  const running = app;
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      running.close().then(resolve, (err: unknown) => {
        console.error('error while shutting down:', err);
        resolve();
      });
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`monitor failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
