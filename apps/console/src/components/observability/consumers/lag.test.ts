import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConsumerSummary } from '@tern/contracts';
import { sortRows } from '../sort';
import { CONSUMER_SORT, lagBarPercent, lagSeverity } from './lag';

const consumer = (name: string, outstanding: number, drainSeconds: number | null): ConsumerSummary => ({
  targetId: 't',
  targetName: 't',
  account: '$G',
  stream: 'S',
  name,
  durable: true,
  numPending: outstanding,
  numAckPending: 0,
  numRedelivered: 0,
  numWaiting: 0,
  deliveredStreamSeq: 0,
  ackFloorStreamSeq: 0,
  lag: {
    outstanding,
    consumeRate: null,
    drainSeconds,
    oldestUnackedAgeSeconds: null,
    ageMethod: 'unknown',
  },
});

test('lag sorts by outstanding messages, then by drain time', () => {
  const rows = [consumer('a', 10, 5), consumer('b', 100, 1), consumer('c', 10, 50), consumer('d', 0, 0)];
  assert.deepEqual(
    sortRows(rows, { key: 'lag', dir: 'desc' }, CONSUMER_SORT).map((c) => c.name),
    ['b', 'c', 'a', 'd'],
  );
});

test('drain sorts unknown drain times last', () => {
  const rows = [consumer('a', 10, null), consumer('b', 10, 3)];
  assert.deepEqual(
    sortRows(rows, { key: 'drain', dir: 'desc' }, CONSUMER_SORT).map((c) => c.name),
    ['b', 'a'],
  );
});

test('lagSeverity tells caught up, draining and stalled apart', () => {
  assert.equal(lagSeverity(consumer('a', 0, 0)), 'none');
  assert.equal(lagSeverity(consumer('a', 5, 10)), 'lagging');
  assert.equal(lagSeverity(consumer('a', 5, null)), 'stalled');
});

test('lagBarPercent is relative with a visible minimum', () => {
  assert.equal(lagBarPercent(0, 10), 0);
  assert.equal(lagBarPercent(1, 1000), 2);
  assert.equal(lagBarPercent(5, 10), 50);
});
