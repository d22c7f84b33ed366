import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration } from './views.js';

test('Go durations as nats-server prints them sort as milliseconds', () => {
  assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500);
  assert.equal(parseGoDuration('250µs'), 0.25);
  assert.equal(parseGoDuration('1.5ms'), 1.5);
  assert.equal(parseGoDuration('0s'), 0);
  assert.equal(parseGoDuration('soon'), undefined);
  assert.equal(parseGoDuration(undefined), undefined);
});
