import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareValues, nextSort, paginate, sortRows } from './sort';

const rows = [
  { name: 'b10', lag: 5 },
  { name: 'a2', lag: null },
  { name: 'b9', lag: 50 },
  { name: 'c', lag: 5 },
];
const accessors = { name: (r: (typeof rows)[number]) => r.name, lag: (r: (typeof rows)[number]) => r.lag };

test('sortRows orders numbers, keeps ties stable and puts missing values last', () => {
  assert.deepEqual(
    sortRows(rows, { key: 'lag', dir: 'desc' }, accessors).map((r) => r.name),
    ['b9', 'b10', 'c', 'a2'],
  );
  assert.deepEqual(
    sortRows(rows, { key: 'lag', dir: 'asc' }, accessors).map((r) => r.name),
    ['b10', 'c', 'b9', 'a2'],
  );
});

test('sortRows compares text naturally', () => {
  assert.deepEqual(
    sortRows(rows, { key: 'name', dir: 'asc' }, accessors).map((r) => r.name),
    ['a2', 'b9', 'b10', 'c'],
  );
});

test('compareValues treats NaN as missing', () => {
  assert.equal(compareValues(Number.NaN, 1, 'asc'), 1);
  assert.equal(compareValues(1, undefined, 'desc'), -1);
  assert.equal(compareValues(null, undefined, 'desc'), 0);
});

test('nextSort flips the same column and starts a new one with its preferred direction', () => {
  assert.deepEqual(nextSort({ key: 'a', dir: 'desc' }, 'a'), { key: 'a', dir: 'asc' });
  assert.deepEqual(nextSort({ key: 'a', dir: 'asc' }, 'b', 'asc'), { key: 'b', dir: 'asc' });
  assert.deepEqual(nextSort({ key: 'a', dir: 'asc' }, 'b'), { key: 'b', dir: 'desc' });
});

test('paginate clamps the page', () => {
  const list = Array.from({ length: 25 }, (_, i) => i);
  assert.deepEqual(paginate(list, 0, 10).rows, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(paginate(list, 9, 10).page, 2);
  assert.deepEqual(paginate(list, 9, 10).rows, [20, 21, 22, 23, 24]);
  assert.equal(paginate([], 0, 10).pages, 1);
});
