import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CounterState, rateBetween } from './rates.js';

describe('rateBetween', () => {
  test('per second over the interval', () => {
    assert.deepEqual(rateBetween({ t: 0, value: 100 }, { t: 2_000, value: 300 }), { rate: 100 });
    assert.deepEqual(rateBetween({ t: 0, value: 5, epoch: 'a' }, { t: 500, value: 5, epoch: 'a' }), {
      rate: 0,
    });
  });

  test('a counter that went down restarted: no rate', () => {
    assert.deepEqual(rateBetween({ t: 0, value: 1_000_000 }, { t: 2_000, value: 12 }), { none: 'reset' });
  });

  test('a new epoch is a restart even when the counter already passed its old value', () => {
    // The server restarted and quickly received more than before: without the epoch this would be a
    // small positive rate; with it, no rate.
    const r = rateBetween({ t: 0, value: 10, epoch: 'start-1' }, { t: 2_000, value: 50, epoch: 'start-2' });
    assert.deepEqual(r, { none: 'reset' });
  });

  test('samples not after the previous one, and gaps beyond the limit', () => {
    assert.deepEqual(rateBetween({ t: 10, value: 1 }, { t: 10, value: 2 }), { none: 'not-after' });
    assert.deepEqual(rateBetween({ t: 10, value: 1 }, { t: 5, value: 2 }), { none: 'not-after' });
    assert.deepEqual(rateBetween({ t: 0, value: 0 }, { t: 600_000, value: 6_000 }, 300_000), { none: 'gap' });
    assert.deepEqual(rateBetween({ t: 0, value: 0 }, { t: 600_000, value: 6_000 }), { rate: 10 });
  });
});

describe('CounterState', () => {
  test('the first reading has no rate; later ones do', () => {
    const c = new CounterState();
    assert.equal(c.update({ t: 0, value: 10, epoch: 'e' }), null);
    assert.equal(c.update({ t: 2_000, value: 30, epoch: 'e' }), 10);
    assert.equal(c.lastRate, 10);
    assert.deepEqual(c.latest, { t: 2_000, value: 30, epoch: 'e' });
  });

  test('never negative and never a spike across a restart', () => {
    const c = new CounterState();
    const rates: (number | null)[] = [];
    const feed = [
      { t: 0, value: 0, epoch: 'boot1' },
      { t: 2_000, value: 2_000, epoch: 'boot1' },
      { t: 4_000, value: 4_000, epoch: 'boot1' },
      { t: 6_000, value: 300, epoch: 'boot2' }, // restart: the counter starts again from 0
      { t: 8_000, value: 2_300, epoch: 'boot2' },
      { t: 10_000, value: 9_000_000, epoch: 'boot3' }, // restart into a big value: still no spike
      { t: 12_000, value: 9_002_000, epoch: 'boot3' },
    ];
    for (const s of feed) rates.push(c.update(s));
    assert.deepEqual(rates, [null, 1_000, 1_000, null, 1_000, null, 1_000]);
  });

  test('out-of-order readings are ignored', () => {
    const c = new CounterState();
    c.update({ t: 0, value: 0 });
    c.update({ t: 2_000, value: 20 });
    assert.equal(c.update({ t: 1_000, value: 10 }), null);
    assert.equal(c.update({ t: 4_000, value: 40 }), 10);
  });

  test('windowRate averages over the window and restarts after a reset or a gap', () => {
    const c = new CounterState({ windowMs: 10_000, maxGapMs: 30_000 });
    assert.equal(c.windowRate(), null);
    // 2 s interval; 5 msgs/s for 20 s, then 1 msg/s.
    let v = 0;
    for (let t = 0; t <= 20_000; t += 2_000) {
      c.update({ t, value: v });
      v += 10;
    }
    v -= 10;
    for (let t = 22_000; t <= 30_000; t += 2_000) {
      v += 2;
      c.update({ t, value: v });
    }
    // The last 10 s are all at 1 msg/s.
    assert.equal(c.windowRate(), 1);
    c.update({ t: 32_000, value: 3 }); // reset
    assert.equal(c.windowRate(), null);
    c.update({ t: 34_000, value: 13 });
    assert.equal(c.windowRate(), 5);
    c.update({ t: 100_000, value: 20 }); // gap beyond maxGapMs
    assert.equal(c.windowRate(), null);
    assert.equal(c.windowRate(0), null);
  });

  test('windowRate can demand a minimum span', () => {
    const c = new CounterState({ windowMs: 60_000 });
    c.update({ t: 0, value: 0 });
    c.update({ t: 1_000, value: 10 });
    assert.equal(c.windowRate(5_000), null);
    assert.equal(c.windowRate(), 10);
  });

  test('the window stays bounded however long it runs', () => {
    const c = new CounterState({ windowMs: 3_600_000, maxWindowSamples: 8 });
    for (let i = 0; i < 1_000; i++) c.update({ t: i * 1_000, value: i * 3 });
    assert.equal(c.windowRate(), 3);
  });
});
