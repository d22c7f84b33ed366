import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumersResponse } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { waitFor } from './nats.js';

/**
 * A consumer behind by one message of a first burst, with a second burst 2 s later: interpolating
 * between the stream's first and last times puts its oldest unacked message about 1 s later than it
 * was published, so only the fetched time gives its real age.
 */
export async function checkExactOldestUnackedAge(
  nc: NatsConnection,
  obs: Observatory,
  targetId: string,
  consumers: () => Promise<ConsumersResponse>,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'AGES', subjects: ['ages.>'] });
  await jsm.consumers.add('AGES', {
    durable_name: 'aging',
    ack_policy: AckPolicy.Explicit,
    filter_subject: 'ages.work',
  });
  const js = jetstream(nc);
  for (let i = 0; i < 20; i++) await js.publish('ages.work', `early ${i}`);
  await sleep(2000);
  for (let i = 0; i < 20; i++) await js.publish(i % 2 ? 'ages.other' : 'ages.work', `late ${i}`);
  const c = await js.consumers.get('AGES', 'aging');
  let acked = 0;
  while (acked < 19) {
    for await (const m of await c.fetch({ max_messages: 19 - acked, expires: 2000 })) {
      await m.ackAck();
      acked++;
    }
  }
  const published = (await jsm.streams.getMessage('AGES', { seq: 20 }))!.time.getTime();

  const id = '$G/AGES/aging';
  const l = await waitFor(
    async () => {
      const l = [...obs.store.lags(targetId)].find((x) => x.id === id);
      // 1 left of the first burst and 10 of the second on its subject, once a scrape saw the acks.
      return l?.lag.ageMethod === 'exact' && l.lag.outstanding === 11 ? l : undefined;
    },
    'the real time of the oldest unacked message',
    20_000,
  );
  const age = l.lag.oldestUnackedAgeSeconds!;
  const expected = (l.t - published) / 1000;
  assert.ok(Math.abs(age - expected) < 0.01, `age ${age} s, published ${expected} s before the scrape`);
  assert.ok(expected >= 2, 'older than the second burst');

  const listed = (await consumers()).consumers.find((x) => x.stream === 'AGES' && x.name === 'aging');
  assert.equal(listed?.lag.ageMethod, 'exact');
  assert.ok((listed?.lag.oldestUnackedAgeSeconds ?? 0) >= expected);
}
