import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 4280);
  assert.equal(c.dataDir, resolve('./data'));
  assert.equal(c.scrapeIntervalMs, 2000);
  assert.equal(c.adminUser, 'admin');
  assert.equal(c.adminPassword, undefined);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.embedded, undefined);
});

test('values are converted and the embedded target is described', () => {
  const c = loadConfig({
    MONITOR_PORT: '5000',
    SCRAPE_INTERVAL_MS: '500',
    DATABASE_URL: 'postgresql://u@h/db',
    TERN_EMBEDDED_NATS_URL: 'nats://127.0.0.1:4222',
    TERN_EMBEDDED_MONITOR_URL: 'http://127.0.0.1:8222',
    MONITOR_HOST: '',
  });
  assert.equal(c.port, 5000);
  assert.equal(c.host, '127.0.0.1', 'empty means default');
  assert.equal(c.scrapeIntervalMs, 500);
  assert.equal(c.databaseUrl, 'postgresql://u@h/db');
  assert.deepEqual(c.embedded, { natsUrl: 'nats://127.0.0.1:4222', monitorUrl: 'http://127.0.0.1:8222' });
});

test('invalid values name the variable', () => {
  assert.throws(
    () => loadConfig({ MONITOR_PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /MONITOR_PORT/.test(err.message) &&
      /DATABASE_URL/.test(err.message) &&
      /LOG_LEVEL/.test(err.message),
  );
});

test('observability bounds take durations with units and have safe defaults', () => {
  const d = loadConfig({}).observability;
  assert.equal(d.rawRetentionMs, 3_600_000);
  assert.equal(d.rollupRetentionMs, 7 * 86_400_000);
  assert.equal(d.metricsAccess, 'loopback');
  assert.equal(d.discoverPeers, true);
  assert.equal(d.lagExactAgeLookups, 50);
  const c = loadConfig({
    SERIES_RAW_RETENTION: '30m',
    SERIES_ROLLUP_RETENTION: '2d',
    SERIES_MAX_SERIES: '1000',
    DISCOVER_PEERS: 'false',
    METRICS_ACCESS: 'open',
  }).observability;
  assert.equal(c.rawRetentionMs, 1_800_000);
  assert.equal(c.rollupRetentionMs, 2 * 86_400_000);
  assert.equal(c.maxSeries, 1000);
  assert.equal(c.discoverPeers, false);
  assert.equal(c.metricsAccess, 'open');
  assert.throws(() => loadConfig({ SERIES_RAW_RETENTION: '1 hour' }), /SERIES_RAW_RETENTION/);
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN/);
});
