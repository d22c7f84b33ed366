import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ring } from './ring.js';

test('grows by doubling up to the cap, then drops the oldest and says how far', () => {
  const r = new Ring(64, Number.POSITIVE_INFINITY, 4);
  for (let i = 1; i <= 100; i++) r.push(i, i);
  assert.equal(r.length, 64);
  assert.equal(r.bytes, 64 * 16);
  assert.deepEqual(r.first(), { t: 37, v: 37 });
  assert.deepEqual(r.last(), { t: 100, v: 100 });
  assert.equal(r.droppedUntil, 36);
  assert.deepEqual(
    r.range(95, 97).map((p) => p.t),
    [95, 96, 97],
  );
});

test('refuses points that are not newer', () => {
  const r = new Ring(8);
  assert.ok(r.push(10, 1));
  assert.equal(r.push(10, 2), false);
  assert.equal(r.push(9, 2), false);
  assert.equal(r.length, 1);
});

test('a run of one value keeps two points yet answers any range inside it', () => {
  const r = new Ring(8);
  r.push(0, 1);
  for (let t = 10; t <= 1_000; t += 10) r.push(t, 5);
  r.push(1_010, 7);
  assert.equal(r.length, 4); // 1, 5 (run start), 5 (run end), 7
  assert.deepEqual(r.range(500, 600), [
    { t: 500, v: 5 },
    { t: 600, v: 5 },
  ]);
  assert.deepEqual(r.range(995, 1_010), [
    { t: 995, v: 5 },
    { t: 1_000, v: 5 },
    { t: 1_010, v: 7 },
  ]);
  assert.deepEqual(r.range(5, 20), [
    { t: 10, v: 5 },
    { t: 20, v: 5 },
  ]);
  assert.deepEqual(r.range(2_000, 3_000), []);
});

test('dropBefore keeps a run that crosses the cutoff', () => {
  const r = new Ring(8);
  r.push(0, 1);
  r.push(100, 2);
  r.push(200, 2);
  r.push(300, 3);
  r.dropBefore(150);
  assert.deepEqual(r.range(0, 1_000), [
    { t: 150, v: 2 },
    { t: 200, v: 2 },
    { t: 300, v: 3 },
  ]);
  r.dropBefore(10_000);
  assert.equal(r.length, 0);
  r.push(20_000, 1);
  assert.deepEqual(r.last(), { t: 20_000, v: 1 });
});

test('a silence longer than maxRunGapMs breaks a run, so the gap stays visible', () => {
  const r = new Ring(16, 5_000);
  for (const t of [0, 2_000, 4_000, 60_000, 62_000]) r.push(t, 7);
  assert.deepEqual(
    r.range(0, 100_000).map((p) => p.t),
    [0, 4_000, 60_000, 62_000],
  );
});
