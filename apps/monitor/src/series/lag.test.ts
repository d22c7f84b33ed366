import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { JszBody } from './extract.js';
import { estimateLag, estimateMessageTime } from './lag.js';

const ms = (iso: string) => Date.parse(iso);

describe('time to drain', () => {
  test('outstanding (pending + ack pending) over the consume rate', () => {
    const lag = estimateLag({ now: 0, numPending: 900, numAckPending: 100, consumeRate: 50 });
    assert.equal(lag.outstanding, 1_000);
    assert.equal(lag.drainSeconds, 20);
  });

  test('caught up is 0 even when nothing is consumed', () => {
    const lag = estimateLag({ now: 0, numPending: 0, numAckPending: 0, consumeRate: 0 });
    assert.equal(lag.drainSeconds, 0);
    assert.equal(lag.oldestUnackedAgeSeconds, 0);
    assert.equal(lag.ageMethod, 'none-outstanding');
  });

  test('a stalled or unknown rate never drains: null', () => {
    assert.equal(estimateLag({ now: 0, numPending: 5, numAckPending: 0, consumeRate: 0 }).drainSeconds, null);
    assert.equal(
      estimateLag({ now: 0, numPending: 5, numAckPending: 0, consumeRate: null }).drainSeconds,
      null,
    );
    assert.equal(estimateLag({ now: 0, numPending: 5, numAckPending: 0 }).drainSeconds, null);
  });
});

describe('age of the oldest unacknowledged message', () => {
  const stream = { firstSeq: 101, firstTs: 1_000_000, lastSeq: 201, lastTs: 1_100_000 };

  test('an exact message time wins', () => {
    const lag = estimateLag({
      now: 2_000_000,
      numPending: 1,
      numAckPending: 0,
      ackFloorStreamSeq: 150,
      stream,
      oldestUnackedTime: 1_500_000,
    });
    assert.equal(lag.oldestUnackedAgeSeconds, 500);
    assert.equal(lag.ageMethod, 'exact');
  });

  test('interpolated between the first and last message of the stream', () => {
    // seq 151 is half way from 101 to 201: published at 1,050,000.
    const lag = estimateLag({
      now: 1_200_000,
      numPending: 50,
      numAckPending: 0,
      ackFloorStreamSeq: 150,
      stream,
    });
    assert.equal(lag.oldestUnackedAgeSeconds, 150);
    assert.equal(lag.ageMethod, 'interpolated');
  });

  test('at or below the first stored message: that message is the oldest left', () => {
    assert.deepEqual(estimateMessageTime(20, stream), { time: 1_000_000, method: 'first-ts' });
    assert.deepEqual(estimateMessageTime(100, stream), { time: 1_000_000, method: 'first-ts' });
  });

  test('past the last message (stale stream report): the last message time', () => {
    assert.deepEqual(estimateMessageTime(500, stream), { time: 1_100_000, method: 'interpolated' });
  });

  test('without stream times: time since the ack floor last moved', () => {
    const lag = estimateLag({
      now: 60_000,
      numPending: 3,
      numAckPending: 1,
      ackFloorStreamSeq: 7,
      ackFloorLastActive: 45_000,
    });
    assert.equal(lag.oldestUnackedAgeSeconds, 15);
    assert.equal(lag.ageMethod, 'ack-floor-idle');
  });

  test('nothing known: null, never a made-up number', () => {
    const lag = estimateLag({ now: 60_000, numPending: 3, numAckPending: 0 });
    assert.equal(lag.oldestUnackedAgeSeconds, null);
    assert.equal(lag.ageMethod, 'unknown');
  });

  test('never negative when clocks disagree', () => {
    const lag = estimateLag({ now: 0, numPending: 1, numAckPending: 0, oldestUnackedTime: 5_000 });
    assert.equal(lag.oldestUnackedAgeSeconds, 0);
  });
});

test('the lagging consumers of the nats-server 2.9.10 reference body', () => {
  const jsz = JSON.parse(
    readFileSync(
      new URL('./fixtures/nats-server-2.9.10/jsz_streams_1_consumers_1_config_1.json', import.meta.url),
      'utf8',
    ),
  ) as JszBody & { now: string };
  const now = ms(jsz.now);
  const streams = jsz.account_details![0]!.stream_detail!;
  const fc = streams.find((s) => s.name === 'FC')!;
  const fcc = fc.consumer_detail![0]!;
  const fcLag = estimateLag({
    now,
    numPending: fcc.num_pending!,
    numAckPending: fcc.num_ack_pending!,
    ackFloorStreamSeq: fcc.ack_floor!.stream_seq,
    consumeRate: 100,
    stream: {
      firstSeq: fc.state!.first_seq,
      firstTs: ms(fc.state!.first_ts!),
      lastSeq: fc.state!.last_seq,
      lastTs: ms(fc.state!.last_ts!),
    },
  });
  assert.equal(fcLag.outstanding, 1363);
  assert.equal(fcLag.drainSeconds, 13.63);
  // Seq 638 of 1..2000 published over 36 ms starting 08:02:48.085, read at 08:02:59.041: about 10.9 s.
  assert.ok(Math.abs(fcLag.oldestUnackedAgeSeconds! - 10.944) < 0.01, String(fcLag.oldestUnackedAgeSeconds));

  const acks = streams.find((s) => s.name === 'ACKS')!;
  const p1 = acks.consumer_detail![0]!;
  const p1Lag = estimateLag({
    now,
    numPending: p1.num_pending!,
    numAckPending: p1.num_ack_pending!,
    ackFloorStreamSeq: p1.ack_floor!.stream_seq,
    ackFloorLastActive: ms(p1.ack_floor!.last_active!),
    consumeRate: 0,
    stream: {
      firstSeq: acks.state!.first_seq,
      firstTs: ms(acks.state!.first_ts!),
      lastSeq: acks.state!.last_seq,
      lastTs: ms(acks.state!.last_ts!),
    },
  });
  assert.equal(p1Lag.outstanding, 3);
  assert.equal(p1Lag.drainSeconds, null, 'P1 stopped acking: it never drains');
  // Seq 2 of 1..5 (08:01:30.958 .. 08:01:31.361): about 88 s old at 08:02:59.041.
  assert.ok(Math.abs(p1Lag.oldestUnackedAgeSeconds! - 87.98) < 0.05, String(p1Lag.oldestUnackedAgeSeconds));
});
