import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBytesInput,
  formatDurationNs,
  formatLimit,
  parseBytes,
  parseDuration,
  parseLimit,
} from './units';

test('durations: Go-style text and bare seconds to nanoseconds', () => {
  assert.equal(parseDuration(''), 0);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('90'), 90e9);
  assert.equal(parseDuration('2m'), 120e9);
  assert.equal(parseDuration('1h30m'), 5400e9);
  assert.equal(parseDuration('7d'), 7 * 86_400e9);
  assert.equal(parseDuration('500ms'), 500e6);
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration('1 hour'), undefined);
  assert.equal(parseDuration('h'), undefined);
  assert.equal(parseDuration('-1s'), undefined);
});

test('durations print back exactly and round-trip', () => {
  assert.equal(formatDurationNs(0), '0');
  assert.equal(formatDurationNs(120e9), '2m');
  assert.equal(formatDurationNs(5400e9), '1h30m');
  assert.equal(formatDurationNs(86_400e9 + 1e6), '1d1ms');
  for (const text of ['2m', '1h30m', '7d', '45s', '250ms'])
    assert.equal(formatDurationNs(parseDuration(text)), text);
});

test('sizes use binary units; empty and -1 are unlimited', () => {
  assert.equal(parseBytes(''), -1);
  assert.equal(parseBytes('-1'), -1);
  assert.equal(parseBytes('512'), 512);
  assert.equal(parseBytes('64KiB'), 65_536);
  assert.equal(parseBytes('1 GB'), 1024 ** 3);
  assert.equal(parseBytes('1.5m'), 1.5 * 1024 ** 2);
  assert.equal(parseBytes('12 apples'), undefined);
  assert.equal(formatBytesInput(-1), '');
  assert.equal(formatBytesInput(1024 ** 3), '1GiB');
  assert.equal(formatBytesInput(1000), '1000');
});

test('limits: whole numbers, empty is unlimited', () => {
  assert.equal(parseLimit(''), -1);
  assert.equal(parseLimit('100'), 100);
  assert.equal(parseLimit('1.5'), undefined);
  assert.equal(parseLimit('-5'), undefined);
  assert.equal(formatLimit(-1), '');
  assert.equal(formatLimit(7), '7');
});
