import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerFull, JszFull } from '../scrape/bodies.js';
import { UnackedTimes } from './unacked.js';

const CREATED = '2026-01-01T00:00:00.123456789Z';
const T0 = Date.parse('2026-01-02T00:00:00Z');

/** A connection answering STREAM.INFO and STREAM.MSG.GET for one stream `S` (message n at T0 + n s). */
function fakeConnection(created = CREATED) {
  const requests: { subject: string; body: string }[] = [];
  const nc = {
    isClosed: () => false,
    request: async (subject: string, body: string) => {
      requests.push({ subject, body });
      let reply: unknown;
      if (subject === '$JS.API.STREAM.INFO.S') reply = { created };
      else if (subject === '$JS.API.STREAM.MSG.GET.S') {
        const { seq } = JSON.parse(body) as { seq: number };
        reply =
          seq > 100
            ? { error: { code: 404, description: 'no message found' } }
            : { message: { seq, time: new Date(T0 + seq * 1000).toISOString() } };
      } else reply = { error: { code: 404 } };
      return { data: new TextEncoder().encode(JSON.stringify(reply)) };
    },
  };
  return { nc: nc as unknown as NatsConnection, requests };
}

const consumer = (name: string, floor: number, pending: number, filter?: string): ConsumerFull => ({
  name,
  ack_floor: { stream_seq: floor },
  num_pending: pending,
  num_ack_pending: 0,
  config: filter ? { filter_subject: filter } : {},
});

const jsz = (consumers: ConsumerFull[], account = '$G', created = CREATED): JszFull => ({
  account_details: [{ name: account, stream_detail: [{ name: 'S', created, consumer_detail: consumers }] }],
});

test('fetches the most behind consumers, at most N per scrape, and answers from the cache next time', async () => {
  const { nc, requests } = fakeConnection();
  const u = new UnackedTimes({ connections: { get: async () => nc }, maxPerScrape: 2, concurrency: 1 });
  const body = jsz([
    consumer('a', 9, 1),
    consumer('b', 19, 50, 'orders.new'),
    consumer('c', 29, 10),
    consumer('done', 40, 0),
  ]);
  assert.equal(u.lookup('t', body), undefined, 'nothing known before the first fetch');
  await u.idle();
  const gets = requests.filter((r) => r.subject.includes('MSG.GET')).map((r) => JSON.parse(r.body));
  assert.deepEqual(gets, [
    { seq: 20, next_by_subj: 'orders.new' },
    { seq: 30, next_by_subj: '>' },
  ]);
  const known = u.lookup('t', body);
  assert.deepEqual(
    known,
    new Map([
      ['$G/S/b', T0 + 20_000],
      ['$G/S/c', T0 + 30_000],
    ]),
  );
  await u.idle();
  assert.equal(
    requests.filter((r) => r.subject.includes('STREAM.INFO')).length,
    1,
    'a stream is checked once',
  );
  assert.ok(u.lookup('t', body)?.has('$G/S/a'), 'the rest on a later scrape');
  await u.close();
});

test('a stream of another account, a missing message or an unreachable target leave the estimate', async () => {
  const { nc } = fakeConnection('2025-05-05T00:00:00Z');
  const other = new UnackedTimes({ connections: { get: async () => nc } });
  other.lookup('t', jsz([consumer('a', 1, 5)], 'OTHER'));
  await other.idle();
  assert.equal(other.lookup('t', jsz([consumer('a', 1, 5)], 'OTHER')), undefined, 'created differs');

  const { nc: ok, requests } = fakeConnection();
  const missing = new UnackedTimes({ connections: { get: async () => ok } });
  missing.lookup('t', jsz([consumer('a', 200, 5)]));
  await missing.idle();
  assert.equal(missing.lookup('t', jsz([consumer('a', 200, 5)])), undefined, '404: none');
  await missing.idle();
  assert.equal(requests.filter((r) => r.subject.includes('MSG.GET')).length, 2, 'not cached');

  let now = 0;
  let opens = 0;
  const down = new UnackedTimes({
    connections: {
      get: async () => {
        opens++;
        throw new Error('connection refused');
      },
    },
    retryAfterMs: 30_000,
    now: () => now,
  });
  down.lookup('t', jsz([consumer('a', 1, 5)]));
  await down.idle();
  down.lookup('t', jsz([consumer('a', 1, 5)]));
  await down.idle();
  assert.equal(opens, 1, 'not retried at once');
  now = 30_000;
  down.lookup('t', jsz([consumer('a', 1, 5)]));
  await down.idle();
  assert.equal(opens, 2);
  await Promise.all([other.close(), missing.close(), down.close()]);
});
