import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendPoints, medianStep, sumSeries, toChartData, trend } from './chartData';
import { formatTick, parseRange, rangeMs, rangeWindow, timeTicks } from './timeRange';

test('toChartData keeps points inside the window, sorted', () => {
  const data = toChartData(
    [
      {
        key: 'a',
        label: 'A',
        points: [
          { t: 30, v: 3 },
          { t: 10, v: 1 },
          { t: 5, v: 9 },
          { t: 20, v: 2 },
        ],
      },
    ],
    { from: 10, to: 30 },
  );
  assert.deepEqual(
    data.rows.map((r) => [r.t, r.a]),
    [
      [10, 1],
      [20, 2],
      [30, 3],
    ],
  );
  assert.equal(data.empty, false);
  assert.equal(data.latest.a, 3);
  assert.deepEqual(data.domain, [10, 30]);
});

test('toChartData is empty when no series has a point', () => {
  const data = toChartData(
    [
      { key: 'a', label: 'A', points: [] },
      { key: 'b', label: 'B', points: undefined },
    ],
    { from: 0, to: 100 },
  );
  assert.equal(data.empty, true);
  assert.deepEqual(data.rows, []);
  assert.deepEqual(data.series, [
    { key: 'a', label: 'A' },
    { key: 'b', label: 'B' },
  ]);
});

test('toChartData breaks a line over a wide gap', () => {
  const points = [0, 10, 20, 30, 200, 210].map((t) => ({ t, v: 1 }));
  const data = toChartData([{ key: 'a', label: 'A', points }], { from: 0, to: 300 });
  const hole = data.rows.find((r) => r.t === 31);
  assert.ok(hole, 'a break row after the last point before the gap');
  assert.equal(hole.a, null);
  assert.equal(data.rows.filter((r) => r.a === null).length, 1);
});

test('toChartData honours an explicit maxGapMs', () => {
  const points = [0, 10, 20].map((t) => ({ t, v: 1 }));
  const data = toChartData([{ key: 'a', label: 'A', points }], { from: 0, to: 30, maxGapMs: 5 });
  assert.equal(data.rows.filter((r) => r.a === null).length, 2);
});

test('toChartData aligns series scraped at different times by interpolation', () => {
  const data = toChartData(
    [
      {
        key: 'a',
        label: 'A',
        points: [
          { t: 0, v: 0 },
          { t: 10, v: 10 },
          { t: 20, v: 20 },
        ],
      },
      {
        key: 'b',
        label: 'B',
        points: [
          { t: 5, v: 100 },
          { t: 15, v: 200 },
        ],
      },
    ],
    { from: 0, to: 20 },
  );
  const at = (t: number) => data.rows.find((r) => r.t === t);
  assert.equal(at(5)?.a, 5, 'a interpolated at b time');
  assert.equal(at(10)?.b, 150, 'b interpolated at a time');
  assert.equal(at(0)?.b, null, 'b has no value before its first point');
  assert.equal(at(20)?.b, null, 'b has no value after its last point');
});

test('toChartData turns non-finite values into holes and ignores them for latest', () => {
  const data = toChartData(
    [
      {
        key: 'a',
        label: 'A',
        points: [
          { t: 0, v: 1 },
          { t: 1, v: Number.NaN },
        ],
      },
    ],
    { from: 0, to: 10 },
  );
  assert.equal(data.rows[1]?.a, null);
  assert.equal(data.latest.a, 1);
});

test('medianStep is the typical spacing', () => {
  assert.equal(medianStep([0, 2, 4, 6, 100]), 2);
  assert.equal(medianStep([5]), undefined);
});

test('appendPoints merges live points, replaces duplicates and trims the window', () => {
  const base = [
    { t: 0, v: 1 },
    { t: 10, v: 2 },
  ];
  assert.equal(appendPoints(base, [], 0), base, 'unchanged when nothing arrives');
  const merged = appendPoints(
    base,
    [
      { t: 20, v: 3 },
      { t: 10, v: 5 },
    ],
    5,
  );
  assert.deepEqual(merged, [
    { t: 10, v: 5 },
    { t: 20, v: 3 },
  ]);
  const capped = appendPoints(base, [{ t: 20, v: 3 }], 0, 2);
  assert.deepEqual(
    capped.map((p) => p.t),
    [10, 20],
  );
});

test('sumSeries adds matching times', () => {
  assert.deepEqual(
    sumSeries([
      [
        { t: 1, v: 1 },
        { t: 2, v: 2 },
      ],
      [{ t: 2, v: 3 }],
      undefined,
    ]),
    [
      { t: 1, v: 1 },
      { t: 2, v: 5 },
    ],
  );
});

test('trend is the relative change over the window', () => {
  assert.equal(
    trend([
      { t: 0, v: 10 },
      { t: 1, v: 15 },
    ]),
    0.5,
  );
  assert.equal(
    trend([
      { t: 0, v: 0 },
      { t: 1, v: 5 },
    ]),
    undefined,
  );
  assert.equal(trend(undefined), undefined);
});

test('time ranges map to windows and parse from URLs', () => {
  assert.equal(rangeMs('5m'), 300_000);
  assert.equal(rangeMs('7d'), 7 * 86_400_000);
  assert.equal(parseRange('24h'), '24h');
  assert.equal(parseRange('junk'), '1h');
  assert.equal(parseRange(null), '1h');
  assert.deepEqual(rangeWindow('5m', 12_001), { from: 15_000 - 300_000, to: 15_000 });
  assert.deepEqual(rangeWindow('5m', 12_001), rangeWindow('5m', 14_999), 'stable within an alignment step');
});

test('formatTick shows seconds for 5 m and the date for 7 d', () => {
  const t = new Date(2026, 10, 26, 9, 5, 7).getTime();
  assert.equal(formatTick(t, '5m'), '09:05:07');
  assert.equal(formatTick(t, '1h'), '09:05');
  assert.equal(formatTick(t, '7d'), '11-26 09:05');
});

test('timeTicks gives round, evenly spaced ticks inside the window', () => {
  const from = Date.parse('2026-11-26T09:03:20Z');
  const to = from + 5 * 60_000;
  const ticks = timeTicks(from, to);
  assert.ok(ticks.length >= 3 && ticks.length <= 6, `got ${ticks.length}`);
  for (const t of ticks) assert.ok(t >= from && t <= to);
  const steps = new Set(ticks.slice(1).map((t, i) => t - (ticks[i] ?? 0)));
  assert.equal(steps.size, 1, 'evenly spaced');
  assert.equal((ticks[0] ?? 0) % 60_000, 0, 'on whole minutes for a 5 m window');
  assert.ok(timeTicks(0, 7 * 86_400_000).length <= 6);
  assert.deepEqual(timeTicks(10, 5), []);
});
