import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MISSING } from '@/lib/format';
import {
  formatAxisNumber,
  formatByteRate,
  formatCpu,
  formatLagTime,
  formatPercent,
  formatRate,
  formatRtt,
} from './format';

test('formatRate scales with magnitude', () => {
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatRate(3.46), '3.5/s');
  assert.equal(formatRate(1234), '1,234/s');
  assert.equal(formatRate(12_400), '12.4K/s');
  assert.equal(formatRate(undefined), MISSING);
  assert.equal(formatRate(Number.POSITIVE_INFINITY), MISSING);
});

test('formatByteRate uses binary units', () => {
  assert.equal(formatByteRate(1536), '1.5 KiB/s');
  assert.equal(formatByteRate(-1), MISSING);
  assert.equal(formatByteRate(null), MISSING);
});

test('formatAxisNumber is compact', () => {
  assert.equal(formatAxisNumber(950), '950');
  assert.equal(formatAxisNumber(1200), '1.2K');
  assert.equal(formatAxisNumber(0.25), '0.25');
  assert.equal(formatAxisNumber(0.15), '0.15', 'small ticks stay distinct');
});

test('formatLagTime reads as a duration', () => {
  assert.equal(formatLagTime(0), '0s');
  assert.equal(formatLagTime(0.4), '<1s');
  assert.equal(formatLagTime(125), '2m 5s');
  assert.equal(formatLagTime(null), MISSING);
  assert.equal(formatLagTime(null, { stalled: true }), 'stalled');
});

test('formatPercent and formatCpu', () => {
  assert.equal(formatPercent(0.1234), '12.3%');
  assert.equal(formatPercent(undefined), MISSING);
  assert.equal(formatCpu(3), '3%');
});

test('formatRtt shortens Go durations', () => {
  assert.equal(formatRtt('2.407491ms'), '2.4ms');
  assert.equal(formatRtt('706µs'), '706µs');
  assert.equal(formatRtt('1.5s'), '1.5s');
  assert.equal(formatRtt('1m2s'), '62s');
  assert.equal(formatRtt('soon'), 'soon');
  assert.equal(formatRtt(undefined), MISSING);
});
