import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAgo,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatUptime,
  MISSING,
  parseNatsDuration,
} from './format';

test('formatNumber groups thousands and compacts millions', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(12345), '12,345');
  assert.equal(formatNumber(1_234_567), '1.23M');
  assert.equal(formatNumber(undefined), MISSING);
  assert.equal(formatNumber(Number.NaN), MISSING);
});

test('formatBytes uses binary units and trims zeros', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(10.25 * 1024 * 1024), '10.3 MiB');
  assert.equal(formatBytes(300 * 1024 ** 3), '300 GiB');
  assert.equal(formatBytes(-1), MISSING);
});

test('parseNatsDuration reads /varz uptime strings', () => {
  assert.equal(parseNatsDuration('45s'), 45);
  assert.equal(parseNatsDuration('1h2m3s'), 3723);
  assert.equal(parseNatsDuration('1y2d0h0m1s'), 365 * 86400 + 2 * 86400 + 1);
  assert.equal(parseNatsDuration('1.5s'), 1.5);
  assert.equal(parseNatsDuration('250ms'), 0.25);
  assert.equal(parseNatsDuration('soon'), undefined);
  assert.equal(parseNatsDuration('3h junk'), undefined);
  assert.equal(parseNatsDuration(''), undefined);
});

test('formatDuration keeps the two largest units', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(12), '12s');
  assert.equal(formatDuration(3723), '1h 2m');
  assert.equal(formatDuration(3600), '1h');
  assert.equal(formatDuration(2 * 86400 + 5), '2d');
  assert.equal(formatDuration(-1), MISSING);
});

test('formatUptime shortens nats-server durations and passes unknown text through', () => {
  assert.equal(formatUptime('3d4h5m6s'), '3d 4h');
  assert.equal(formatUptime('weird'), 'weird');
  assert.equal(formatUptime(undefined), MISSING);
});

test('formatDateTime is zero-padded local time', () => {
  const d = new Date(2026, 0, 2, 3, 4, 5);
  assert.equal(formatDateTime(d.toISOString()), '2026-01-02 03:04:05');
  assert.equal(formatDateTime('nope'), 'nope');
  assert.equal(formatDateTime(null), MISSING);
});

test('formatAgo rounds to the largest unit', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  assert.equal(formatAgo('2026-01-01T00:10:00Z', now), 'just now');
  assert.equal(formatAgo('2026-01-01T00:09:30Z', now), '30s ago');
  assert.equal(formatAgo('2026-01-01T00:00:00Z', now), '10m ago');
  assert.equal(formatAgo('2025-12-30T00:10:00Z', now), '2d ago');
});
