import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountTotals } from './accounts.js';
import type { Observation } from './extract.js';

const acc = (metric: string, value: number, epoch?: string): Observation =>
  epoch === undefined
    ? { kind: 'account', id: 'A', metric, type: 'gauge', value }
    : { kind: 'account', id: 'A', metric, type: 'counter', value, epoch };
const get = (obs: Observation[], metric: string) => obs.find((o) => o.metric === metric);

test('sums gauges and raw counters; the rate is the sum of per-server rates', () => {
  const totals = new AccountTotals({ staleAfterMs: 5_000 });
  totals.update('S1', 0, [acc('in_msgs', 1_000, 'a'), acc('connections', 1)]);
  totals.update('S2', 500, [acc('in_msgs', 10, 'b'), acc('connections', 2)]);
  const r1 = totals.update('S1', 2_000, [acc('in_msgs', 1_200, 'a'), acc('connections', 1)]);
  assert.equal(get(r1, 'connections')?.value, 3);
  assert.equal(get(r1, 'in_msgs')?.value, 1_210);
  assert.equal(get(r1, 'in_msgs')?.rate, null, 'S2 has no rate yet');
  const r2 = totals.update('S2', 2_500, [acc('in_msgs', 410, 'b'), acc('connections', 2)]);
  assert.equal(get(r2, 'in_msgs')?.rate, 300); // 100/s + 200/s
});

test('a restarted server makes the total rate unknown for one interval, never negative', () => {
  const totals = new AccountTotals({ staleAfterMs: 5_000 });
  const rates: (number | null | undefined)[] = [];
  const feed: [string, number, number, string][] = [
    ['S1', 0, 0, 'a'],
    ['S2', 0, 0, 'b'],
    ['S1', 2_000, 200, 'a'],
    ['S2', 2_000, 200, 'b'],
    ['S1', 4_000, 5, 'a2'], // S1 restarted
    ['S2', 4_000, 400, 'b'],
    ['S1', 6_000, 205, 'a2'],
    ['S2', 6_000, 600, 'b'],
  ];
  for (const [s, t, v, e] of feed)
    rates.push(get(totals.update(s, t, [acc('in_msgs', v, e)]), 'in_msgs')?.rate);
  assert.deepEqual(rates, [null, null, null, 200, null, null, 200, 200]);
});

test('a server that stops answering drops out after staleAfterMs', () => {
  const totals = new AccountTotals({ staleAfterMs: 5_000 });
  totals.update('S1', 0, [acc('connections', 4)]);
  assert.equal(get(totals.update('S2', 1_000, [acc('connections', 1)]), 'connections')?.value, 5);
  assert.equal(get(totals.update('S2', 9_000, [acc('connections', 1)]), 'connections')?.value, 1);
});

test('cluster-wide JetStream usage is not added up', () => {
  const totals = new AccountTotals({ staleAfterMs: 5_000 });
  totals.update('S1', 0, [acc('js_memory', 100)]);
  assert.equal(get(totals.update('S2', 0, [acc('js_memory', 100)]), 'js_memory')?.value, 100);
});
