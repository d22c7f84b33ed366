import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Database, openDatabase } from '@tern/db';
import type { Observation } from './extract.js';
import { LAG_AGE_METRIC, LAG_DRAIN_METRIC, type SeriesDb, SeriesStore } from './store.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-26T08:00:00Z');

const gauge = (kind: Observation['kind'], id: string, metric: string, value: number): Observation => ({
  kind,
  id,
  metric,
  type: 'gauge',
  value,
});
const counter = (
  kind: Observation['kind'],
  id: string,
  metric: string,
  value: number,
  epoch = 'e',
): Observation => ({
  kind,
  id,
  metric,
  type: 'counter',
  value,
  epoch,
});

describe('SeriesStore in memory', () => {
  test('counters become per-second rates, gauges stay, timestamps are kept only as latest readings', () => {
    const store = new SeriesStore();
    store.ingest('t', T0, [counter('server', 'S', 'in_msgs', 100), gauge('server', 'S', 'connections', 3)]);
    const out = store.ingest('t', T0 + 2_000, [
      counter('server', 'S', 'in_msgs', 300),
      gauge('server', 'S', 'connections', 4),
      gauge('stream', 'A/X', 'last_ts', T0),
    ]);
    assert.deepEqual(
      out.map((s) => [s.metric, s.v]),
      [
        ['in_msgs_rate', 100],
        ['connections', 4],
      ],
    );
    assert.equal(store.rate({ target: 't', kind: 'server', id: 'S', metric: 'in_msgs' }), 100);
    const latest = [...store.latest({ target: 't' })];
    assert.deepEqual(latest.map((l) => [l.metric, l.value]).sort(), [
      ['connections', 4],
      ['in_msgs', 300],
      ['last_ts', T0],
    ]);
    assert.deepEqual([...store.series('t')].map((k) => k.metric).sort(), ['connections', 'in_msgs_rate']);
  });

  test('a server restart leaves a gap, not a negative or spiking rate', async () => {
    const store = new SeriesStore({ now: () => T0 + 20_000 });
    const values = [
      [0, 1_000, 'boot1'],
      [2_000, 3_000, 'boot1'],
      [4_000, 50, 'boot2'],
      [6_000, 2_050, 'boot2'],
      [8_000, 10_000_000, 'boot3'],
      [10_000, 10_002_000, 'boot3'],
    ] as const;
    for (const [dt, v, boot] of values)
      store.ingest('t', T0 + dt, [counter('server', 'S', 'in_msgs', v, boot)]);
    const res = await store.query({
      target: 't',
      kind: 'server',
      id: 'S',
      metric: 'in_msgs_rate',
      from: T0,
      to: T0 + 20_000,
    });
    assert.equal(res.resolution, 'raw');
    // Every rate is the true 1,000/s; the restart intervals simply have none.
    assert.ok(res.points.length >= 2);
    for (const p of res.points) assert.equal(p.v, 1_000);
    const out = store.ingest('t', T0 + 12_000, [counter('server', 'S', 'in_msgs', 5, 'boot4')]);
    assert.deepEqual(out, []);
    assert.equal(store.rate({ target: 't', kind: 'server', id: 'S', metric: 'in_msgs' }), null);
  });

  test('raw memory is bounded by retention and by points per series', () => {
    const store = new SeriesStore({ rawRetentionMs: 10 * MIN, maxPointsPerSeries: 200 });
    for (let i = 0; i <= 3_600; i++) store.ingest('t', T0 + i * 1_000, [gauge('server', 'S', 'mem', i)]);
    const stats = store.stats();
    assert.equal(stats.series, 1);
    assert.equal(stats.points, 200); // 10 min at 1 s would be 600: the point cap wins
    const key = { target: 't', kind: 'server' as const, id: 'S', metric: 'mem' };
    // Raw data is complete only from just after the last dropped point.
    assert.equal(store.rawCoverageStart(key, T0 + 3_600_000), T0 + 3_400 * 1_000 + 1);

    const byTime = new SeriesStore({ rawRetentionMs: 10 * MIN, maxPointsPerSeries: 10_000 });
    for (let i = 0; i <= 3_600; i++) byTime.ingest('t', T0 + i * 1_000, [gauge('server', 'S', 'mem', i)]);
    assert.equal(byTime.stats().points, 601);
  });

  test('the series cap evicts the least recently updated series', () => {
    const store = new SeriesStore({ maxSeries: 3 });
    store.ingest('t', T0, [gauge('stream', 'A/1', 'messages', 1)]);
    store.ingest('t', T0 + 1, [gauge('stream', 'A/2', 'messages', 1)]);
    store.ingest('t', T0 + 2, [gauge('stream', 'A/3', 'messages', 1)]);
    store.ingest('t', T0 + 3, [gauge('stream', 'A/1', 'messages', 2)]); // A/1 is fresh again
    store.ingest('t', T0 + 4, [gauge('stream', 'A/4', 'messages', 1)]); // evicts A/2
    assert.deepEqual([...store.series()].map((k) => k.id).sort(), ['A/1', 'A/3', 'A/4']);
    assert.equal(store.stats().evictedSeries, 1);
  });

  test('memory stays bounded under endless churn of entities', async () => {
    let now = T0;
    const store = new SeriesStore({
      maxSeries: 500,
      maxLatest: 1_000,
      maxPointsPerSeries: 64,
      rawRetentionMs: 5 * MIN,
      latestTtlMs: MIN,
      now: () => now,
    });
    // Every scrape sees 50 streams; each stream lives for 10 scrapes then is replaced.
    for (let scrape = 0; scrape < 2_000; scrape++) {
      now = T0 + scrape * 2_000;
      const obs: Observation[] = [];
      for (let s = 0; s < 50; s++) {
        const id = `A/s${Math.floor(scrape / 10) * 50 + s}`;
        obs.push(gauge('stream', id, 'messages', scrape), counter('stream', id, 'last_seq', scrape * 10));
      }
      store.ingest('t', now, obs);
      if (scrape % 5 === 0) await store.maintain(now);
      const st = store.stats();
      assert.ok(st.series <= 500 && st.latest <= 1_000 && st.points <= 500 * 64, JSON.stringify(st));
    }
    const st = store.stats();
    assert.ok(st.latest <= 50 * 2 * 31, `stale readings are forgotten: ${st.latest}`);
  });

  test('consumer lag: drain time from the ack rate, age from the stream', async () => {
    const store = new SeriesStore({ counters: { windowMs: 10_000 } });
    const stream = (t: number) => [
      counter('stream', 'A/S', 'first_seq', 1),
      counter('stream', 'A/S', 'last_seq', 1_001),
      gauge('stream', 'A/S', 'first_ts', T0 - 1_000_000),
      gauge('stream', 'A/S', 'last_ts', T0 - 1_000_000 + 1_000_000 + t * 0),
    ];
    // Acks advance 10/s; 100 pending and 0 in flight.
    for (let i = 0; i <= 5; i++) {
      const t = T0 + i * 2_000;
      store.ingest('t', t, [
        ...stream(t),
        gauge('consumer', 'A/S/C', 'num_pending', 100),
        gauge('consumer', 'A/S/C', 'num_ack_pending', 0),
        counter('consumer', 'A/S/C', 'ack_floor_stream_seq', 500 + i * 20),
      ]);
    }
    const [lag] = [...store.lags('t')];
    assert.equal(lag?.id, 'A/S/C');
    assert.equal(lag?.lag.consumeRate, 10);
    assert.equal(lag?.lag.drainSeconds, 10);
    assert.equal(lag?.lag.ageMethod, 'interpolated');
    const drain = await store.query({
      target: 't',
      kind: 'consumer',
      id: 'A/S/C',
      metric: LAG_DRAIN_METRIC,
      from: T0,
      to: T0 + 10_000,
    });
    assert.deepEqual(
      drain.points.map((p) => p.v),
      [10, 10],
      'the first scrape has no rate yet, so no drain time; then a constant run of two points',
    );
    const age = await store.query({
      target: 't',
      kind: 'consumer',
      id: 'A/S/C',
      metric: LAG_AGE_METRIC,
      from: T0,
      to: T0 + 10_000,
    });
    assert.ok(age.points.length > 0);
  });

  test('oldestUnackedTimes supplied by the caller give the exact age', () => {
    const store = new SeriesStore();
    store.ingest('t', T0, [gauge('consumer', 'A/S/C', 'num_pending', 3)], {
      oldestUnackedTimes: new Map([['A/S/C', T0 - 42_000]]),
    });
    const [lag] = [...store.lags()];
    assert.equal(lag?.lag.oldestUnackedAgeSeconds, 42);
    assert.equal(lag?.lag.ageMethod, 'exact');
  });

  test('ingestServer sums account traffic over the servers of a target', () => {
    const store = new SeriesStore();
    const acc = (v: number, start: string): Observation[] => [
      { kind: 'account', id: 'A', metric: 'in_msgs', type: 'counter', value: v, epoch: start },
      gauge('server', 'x', 'connections', 1),
    ];
    store.ingestServer('t', 'S1', T0, acc(100, 'a'));
    store.ingestServer('t', 'S2', T0 + 100, acc(50, 'b'));
    store.ingestServer('t', 'S1', T0 + 2_000, acc(300, 'a'));
    const out = store.ingestServer('t', 'S2', T0 + 2_100, acc(250, 'b'));
    const total = [...store.latest({ kind: 'account' })][0];
    assert.equal(total?.value, 550);
    // Each server went +200 in 2 s: 100/s each, 200/s in all, once both have a rate.
    assert.deepEqual(
      out.filter((s) => s.kind === 'account').map((s) => [s.metric, s.v]),
      [['in_msgs_rate', 200]],
    );
    assert.equal(total?.rate, 200);
  });

  test('queries are cut to maxPoints by averaging equal steps', async () => {
    const store = new SeriesStore();
    for (let i = 0; i < 100; i++)
      store.ingest('t', T0 + i * 1_000, [gauge('server', 'S', 'cpu', i % 2 ? 10 : 20)]);
    const res = await store.query({
      target: 't',
      kind: 'server',
      id: 'S',
      metric: 'cpu',
      from: T0,
      to: T0 + 99_999,
      maxPoints: 10,
    });
    assert.equal(res.points.length, 10);
    assert.equal(res.stepMs, 10_000);
    for (const p of res.points) assert.deepEqual([p.v, p.min, p.max], [15, 10, 20]);
  });
});

describe('SeriesStore with rollups in PGlite', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
  });
  after(() => db?.close());

  const key = { target: 'tgt', kind: 'server' as const, id: 'S', metric: 'mem' };
  // Minute m holds samples 10m, 10m+1, ..., 10m+29 (one every 2 s): min 10m, max 10m+29, avg 10m+14.5.
  const sampleValue = (i: number) => Math.floor(i / 30) * 10 + (i % 30);

  test('minutes roll up, flush in batches and join raw memory at the boundary', async () => {
    let now = T0;
    const store = new SeriesStore({
      db: db.prisma,
      rawRetentionMs: 10 * MIN,
      flushBatchSize: 7,
      rollupHeartbeatMs: 0, // every minute written: this test reads the rows
      now: () => now,
    });
    for (let i = 0; i < 30 * 30; i++) {
      now = T0 + i * 2_000;
      store.ingest('tgt', now, [gauge('server', 'S', 'mem', sampleValue(i))]);
      if (i % 30 === 29) await store.maintain(now + 1_000);
    }
    now = T0 + 30 * MIN - 1_000; // end of minute 29, not yet closed by maintain
    const rows = await db.prisma.seriesPoint.findMany({
      where: { targetId: 'tgt' },
      orderBy: { bucket: 'asc' },
    });
    assert.equal(rows.length, 29, 'minutes 0..28 written, minute 29 still open');
    assert.deepEqual(
      { ...rows[3], bucket: rows[3]!.bucket.toISOString() },
      {
        targetId: 'tgt',
        entityKind: 'server',
        entityId: 'S',
        metric: 'mem',
        bucket: new Date(T0 + 3 * MIN).toISOString(),
        min: 30,
        max: 59,
        avg: 44.5,
        last: 59,
        count: 30,
      },
    );

    // Inside the 10-minute memory window: raw samples.
    const recent = await store.query({ ...key, from: now - 5 * MIN, to: now });
    assert.equal(recent.resolution, 'raw');
    assert.equal(recent.points.length, 150);
    assert.equal(recent.points.at(-1)?.v, sampleValue(899));

    // The whole half hour: rollups from the database plus the open minute from memory.
    const all = await store.query({ ...key, from: T0, to: now });
    assert.equal(all.resolution, 'rollup');
    assert.equal(all.stepMs, MIN);
    assert.equal(all.points.length, 30);
    all.points.forEach((p, m) => {
      assert.equal(p.t, T0 + m * MIN);
      assert.deepEqual([p.min, p.max, p.v], [10 * m, 10 * m + 29, 10 * m + 14.5]);
    });

    // Downsampled to 5 points of 6 minutes each.
    const coarse = await store.query({ ...key, from: T0, to: now, maxPoints: 5 });
    assert.equal(coarse.stepMs, 6 * MIN);
    assert.deepEqual(
      coarse.points.map((p) => [p.t - T0, p.min, p.max, p.v]),
      [0, 1, 2, 3, 4].map((k) => [k * 6 * MIN, 60 * k, 60 * k + 50 + 29, 60 * k + 25 + 14.5]),
    );
  });

  test('a restarted monitor reads history from the database and merges a minute written twice', async () => {
    // Minute 29 was open when the previous store went away; this one sees its last samples again.
    let now = T0 + 29 * MIN + 30_000;
    const store = new SeriesStore({
      db: db.prisma,
      rawRetentionMs: 10 * MIN,
      rollupHeartbeatMs: 0,
      now: () => now,
    });
    store.ingest('tgt', now, [gauge('server', 'S', 'mem', 1_000)]);
    now = T0 + 31 * MIN;
    const r1 = await store.maintain(now);
    assert.deepEqual(r1, { written: 1, pruned: 0 });
    const row = await db.prisma.seriesPoint.findUniqueOrThrow({
      where: {
        targetId_entityKind_entityId_metric_bucket: {
          ...{ targetId: 'tgt', entityKind: 'server', entityId: 'S' },
          metric: 'mem',
          bucket: new Date(T0 + 29 * MIN),
        },
      },
    });
    assert.deepEqual([row.count, row.min, row.max, row.last], [1, 1_000, 1_000, 1_000]);

    // A second write of the same minute merges (count-weighted average), as after a crash mid-minute.
    now = T0 + 29 * MIN + 40_000;
    const again = new SeriesStore({ db: db.prisma, rollupHeartbeatMs: 0, now: () => now });
    again.ingest('tgt', now, [gauge('server', 'S', 'mem', 0)]);
    again.ingest('tgt', now + 2_000, [gauge('server', 'S', 'mem', 0)]);
    again.ingest('tgt', now + 4_000, [gauge('server', 'S', 'mem', 3_000)]);
    await again.maintain(T0 + 31 * MIN);
    const merged = await again.query({ ...key, from: T0 + 29 * MIN, to: T0 + 29 * MIN + 59_999 });
    // The range starts before this store's first sample, so it is answered from rollups.
    assert.equal(merged.resolution, 'rollup');
    assert.deepEqual(merged.points, [{ t: T0 + 29 * MIN, v: 1_000, min: 0, max: 3_000 }]);

    const history = await store.query({ ...key, from: T0, to: T0 + 10 * MIN - 1 });
    assert.equal(history.resolution, 'rollup');
    assert.equal(history.points.length, 10);
    assert.equal(history.points[9]?.v, 104.5);
  });

  test('rollups older than the retention are pruned', async () => {
    const store = new SeriesStore({
      db: db.prisma,
      rollupRetentionMs: 10 * MIN,
      pruneEveryMs: MIN,
      rollupHeartbeatMs: 0,
    });
    const r = await store.maintain(T0 + 30 * MIN);
    assert.equal(r.pruned, 20, 'minutes 0..19 are older than 10 minutes');
    const left = await db.prisma.seriesPoint.findMany({
      where: { targetId: 'tgt' },
      orderBy: { bucket: 'asc' },
    });
    assert.equal(left[0]?.bucket.getTime(), T0 + 20 * MIN);
    // Pruning runs every pruneEveryMs, not on every maintain.
    assert.equal((await store.maintain(T0 + 30 * MIN + 1_000)).pruned, 0);
  });

  test('a failing database keeps rollups queued (bounded) and retries', async () => {
    let fail = true;
    const flaky: SeriesDb = {
      seriesPoint: db.prisma.seriesPoint,
      $executeRaw: ((...args: Parameters<SeriesDb['$executeRaw']>) => {
        if (fail) return Promise.reject(new Error('database is down'));
        return db.prisma.$executeRaw(...args);
      }) as SeriesDb['$executeRaw'],
    };
    const store = new SeriesStore({ db: flaky, maxPendingRollups: 5, rollupHeartbeatMs: 0 });
    for (let m = 0; m < 8; m++) store.ingest('flaky', T0 + m * MIN, [gauge('server', 'S', 'cpu', m)]);
    const r = await store.maintain(T0 + 9 * MIN);
    assert.equal(r.error, 'database is down');
    assert.deepEqual(
      { pending: store.stats().pendingRollups, dropped: store.stats().droppedRollups },
      { pending: 5, dropped: 3 },
    );
    assert.equal(store.stats().lastFlushError, 'database is down');
    fail = false;
    assert.equal((await store.maintain(T0 + 9 * MIN)).written, 5);
    const rows = await db.prisma.seriesPoint.findMany({
      where: { targetId: 'flaky' },
      orderBy: { bucket: 'asc' },
    });
    assert.deepEqual(
      rows.map((p) => p.avg),
      [3, 4, 5, 6, 7],
    );
    assert.equal(store.stats().lastFlushError, undefined);
  });

  test('minutes on a line are not written, yet every minute reads back the same', async () => {
    let now = T0;
    const compact = new SeriesStore({ db: db.prisma, now: () => now });
    const full = new SeriesStore({ db: db.prisma, rollupHeartbeatMs: 0, now: () => now });
    // 40 minutes: a flat backlog, then a steadily ageing one (the lag of an idle consumer), then a step.
    const value = (i: number) => (i < 600 ? 7 : i < 1_050 ? 7 + (i - 600) : 100);
    for (let i = 0; i < 40 * 30; i++) {
      now = T0 + i * 2_000;
      compact.ingest('line', now, [gauge('consumer', 'A/S/C', 'num_pending', value(i))]);
      full.ingest('full', now, [gauge('consumer', 'A/S/C', 'num_pending', value(i))]);
      if (i % 30 === 29) await Promise.all([compact.maintain(now + 1_000), full.maintain(now + 1_000)]);
    }
    await Promise.all([compact.close(), full.close()]);
    const count = (targetId: string) => db.prisma.seriesPoint.count({ where: { targetId } });
    assert.equal(await count('full'), 40);
    assert.ok((await count('line')) <= 12, `${await count('line')} rows`);
    const key = { kind: 'consumer' as const, id: 'A/S/C', metric: 'num_pending', to: now };
    for (const from of [T0, T0 + 13 * MIN, T0 + 27 * MIN + 5_000]) {
      const reader = new SeriesStore({ db: db.prisma, now: () => now + MIN });
      const [a, b] = await Promise.all([
        reader.query({ ...key, target: 'line', from }),
        new SeriesStore({ db: db.prisma, rollupHeartbeatMs: 0 }).query({ ...key, target: 'full', from }),
      ]);
      assert.equal(a.points.length, b.points.length);
      a.points.forEach((p, i) => {
        for (const f of ['t', 'v', 'min', 'max'] as const) assert.ok(Math.abs(p[f] - b.points[i]![f]) < 1e-6);
      });
      const agg = await reader.queryAggregate({ ...key, target: 'line', from });
      assert.deepEqual(
        agg.points.map((p) => Math.round(p.v * 1e6)),
        b.points.map((p) => Math.round(p.v * 1e6)),
      );
    }
  });

  test('deleteTarget forgets memory and rollups', async () => {
    const store = new SeriesStore({ db: db.prisma });
    store.ingest('flaky', T0, [gauge('server', 'S', 'cpu', 1)]);
    await store.deleteTarget('flaky');
    assert.equal(store.stats().series, 0);
    assert.equal(await db.prisma.seriesPoint.count({ where: { targetId: 'flaky' } }), 0);
  });
});

describe('aggregates over many series', () => {
  test('server:* sums servers sampled at different moments on a common grid', async () => {
    const store = new SeriesStore({ aggregateStepMs: 2_000, now: () => T0 + 60_000 });
    // S1 at even seconds, S2 offset by 700 ms; both flat at 100 and 50 msgs/s, S3 belongs to another target.
    for (let i = 0; i <= 20; i++) {
      store.ingest('t', T0 + i * 2_000, [counter('server', 'S1', 'in_msgs', i * 200)]);
      store.ingest('t', T0 + i * 2_000 + 700, [counter('server', 'S2', 'in_msgs', i * 100)]);
      store.ingest('u', T0 + i * 2_000, [counter('server', 'S3', 'in_msgs', i * 2_000)]);
    }
    const res = await store.queryAggregate({
      target: 't',
      kind: 'server',
      metric: 'in_msgs_rate',
      from: T0 + 4_000,
      to: T0 + 39_999,
    });
    assert.equal(res.resolution, 'raw');
    assert.equal(res.series, 2);
    assert.equal(res.stepMs, 2_000);
    assert.equal(res.points.length, 18);
    for (const p of res.points) assert.equal(p.v, 150, `at ${p.t - T0}`);
    const everywhere = await store.queryAggregate({
      target: '*',
      kind: 'server',
      metric: 'in_msgs_rate',
      from: T0 + 4_000,
      to: T0 + 39_999,
    });
    assert.equal(everywhere.series, 3);
    for (const p of everywhere.points) assert.equal(p.v, 1_150);
    const one = await store.queryAggregate({
      target: 't',
      kind: 'server',
      metric: 'in_msgs_rate',
      ids: ['S2'],
      from: T0 + 4_000,
      to: T0 + 39_999,
    });
    assert.equal(one.series, 1);
    assert.equal(one.points[0]?.v, 50);
  });

  test('over rollups from the database', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      let now = T0;
      const store = new SeriesStore({ db: db.prisma, rawRetentionMs: 5 * MIN, now: () => now });
      for (let i = 0; i < 20 * 30; i++) {
        now = T0 + i * 2_000;
        store.ingest('t', now, [
          gauge('server', 'S1', 'connections', 10),
          gauge('server', 'S2', 'connections', i < 300 ? 1 : 3),
        ]);
        if (i % 30 === 29) await store.maintain(now + 1_000);
      }
      const res = await store.queryAggregate({
        target: 't',
        kind: 'server',
        metric: 'connections',
        from: T0,
        to: now,
        maxPoints: 4,
      });
      assert.equal(res.resolution, 'rollup');
      assert.equal(res.stepMs, 5 * MIN);
      assert.deepEqual(
        res.points.map((p) => p.v),
        [11, 11, 13, 13],
      );
    } finally {
      await db.close();
    }
  });
});
