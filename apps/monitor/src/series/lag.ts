// Consumer lag as time. nats-server reports lag only as counts (num_pending, num_ack_pending); users
// ask "how long until this consumer catches up" and "how old is the oldest message it still owes".
//
// Time to drain: outstanding / consume rate, where outstanding = num_pending + num_ack_pending (both
// still need an ack before the consumer is caught up) and the consume rate is how fast the ack floor's
// stream sequence advanced over a recent window (default 60 s; for AckNone consumers the floor follows
// delivery). It assumes the recent rate holds and ignores new arrivals, so a consumer that keeps pace
// with a steady inflow still shows a finite time. For a filtered consumer the stream sequence also
// skips messages of other subjects, so the rate is an upper bound and the time a lower bound.
//
// Age of the oldest unacknowledged message: that message is at stream sequence ack_floor + 1. Best is
// its real time, fetched by the caller (e.g. a direct get of that sequence) and passed in as
// `oldestUnackedTime`. Otherwise: if that sequence is at or below the stream's first sequence, the
// stream's first_ts (older messages are gone); if it lies between first and last, a linear
// interpolation between (first_seq, first_ts) and (last_seq, last_ts), which assumes an even publish
// rate; failing all of that, the time since the ack floor last moved (ack_floor.last_active).

/** What is known about one consumer when its lag is estimated. Times are milliseconds since the epoch. */
export interface LagInput {
  /** The time the state was read (the server's `now` when available). */
  now: number;
  numPending: number;
  numAckPending: number;
  ackFloorStreamSeq?: number;
  ackFloorLastActive?: number;
  /** Messages per second the consumer has recently been acknowledging; null or absent when unknown. */
  consumeRate?: number | null;
  /** The consumer's stream state (from the stream's own report). */
  stream?: { firstSeq?: number; firstTs?: number; lastSeq?: number; lastTs?: number };
  /** The real time of the stream message at ack_floor.stream_seq + 1, when the caller fetched it. */
  oldestUnackedTime?: number;
}

/** How `oldestUnackedAgeSeconds` was obtained, from most to least exact. */
export type AgeMethod =
  | 'none-outstanding'
  | 'exact'
  | 'first-ts'
  | 'interpolated'
  | 'ack-floor-idle'
  | 'unknown';

/** A consumer's lag as counts and as time. */
export interface Lag {
  /** num_pending + num_ack_pending. */
  outstanding: number;
  consumeRate: number | null;
  /** Estimated seconds to drain: 0 when caught up, null when nothing is being consumed (never drains at this rate). */
  drainSeconds: number | null;
  oldestUnackedAgeSeconds: number | null;
  ageMethod: AgeMethod;
}

/** Estimates a consumer's lag in time; see the file comment for the method and its limits. */
export function estimateLag(input: LagInput): Lag {
  const outstanding = Math.max(0, input.numPending) + Math.max(0, input.numAckPending);
  const rate = input.consumeRate ?? null;
  const drainSeconds = outstanding === 0 ? 0 : rate !== null && rate > 0 ? outstanding / rate : null;
  const { age, method } = oldestUnackedAge(input, outstanding);
  return {
    outstanding,
    consumeRate: rate,
    drainSeconds,
    oldestUnackedAgeSeconds: age === null ? null : Math.max(0, age) / 1000,
    ageMethod: method,
  };
}

function oldestUnackedAge(input: LagInput, outstanding: number): { age: number | null; method: AgeMethod } {
  if (outstanding === 0) return { age: 0, method: 'none-outstanding' };
  if (input.oldestUnackedTime !== undefined)
    return { age: input.now - input.oldestUnackedTime, method: 'exact' };
  const t = estimateMessageTime(input.ackFloorStreamSeq, input.stream);
  if (t) return { age: input.now - t.time, method: t.method };
  if (input.ackFloorLastActive !== undefined) {
    return { age: input.now - input.ackFloorLastActive, method: 'ack-floor-idle' };
  }
  return { age: null, method: 'unknown' };
}

/** The estimated publish time of stream sequence `ackFloor + 1` from the stream's first and last message times. */
export function estimateMessageTime(
  ackFloor: number | undefined,
  stream: LagInput['stream'],
): { time: number; method: 'first-ts' | 'interpolated' } | undefined {
  if (ackFloor === undefined || !stream) return undefined;
  const seq = ackFloor + 1;
  const { firstSeq, firstTs, lastSeq, lastTs } = stream;
  if (firstSeq !== undefined && firstTs !== undefined && seq <= firstSeq)
    return { time: firstTs, method: 'first-ts' };
  if (firstSeq === undefined || firstTs === undefined || lastSeq === undefined || lastTs === undefined) {
    return undefined;
  }
  if (seq >= lastSeq || lastSeq <= firstSeq) return { time: lastTs, method: 'interpolated' };
  const frac = (seq - firstSeq) / (lastSeq - firstSeq);
  return { time: firstTs + frac * (lastTs - firstTs), method: 'interpolated' };
}
