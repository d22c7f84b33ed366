import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveHub, LiveHubFullError } from './live.js';

test('every subscriber gets what its filter accepts, batched since its last read', async () => {
  const hub = new LiveHub<number>();
  const all = hub.subscribe();
  const even = hub.subscribe({ filter: (n) => n % 2 === 0 });
  hub.publish([1, 2, 3]);
  hub.publish([4]);
  assert.deepEqual(await all.next(), { items: [1, 2, 3, 4], dropped: 0 });
  assert.deepEqual(await even.next(), { items: [2, 4], dropped: 0 });
});

test('a waiting reader is woken by the next publish', async () => {
  const hub = new LiveHub<string>();
  const sub = hub.subscribe();
  const pending = sub.next();
  hub.publish(['x']);
  assert.deepEqual(await pending, { items: ['x'], dropped: 0 });
});

test('a slow subscriber loses the oldest items and is told how many', async () => {
  const hub = new LiveHub<number>({ maxQueue: 3 });
  const slow = hub.subscribe();
  const fast = hub.subscribe({ maxQueue: 100 });
  hub.publish([1, 2, 3, 4, 5]);
  hub.publish([6]);
  assert.equal(slow.queued, 3);
  assert.deepEqual(await slow.next(), { items: [4, 5, 6], dropped: 3 });
  assert.deepEqual(await fast.next(), { items: [1, 2, 3, 4, 5, 6], dropped: 0 });
  hub.publish([7]);
  assert.deepEqual(await slow.next(), { items: [7], dropped: 0 });
});

test('close ends iteration, unsubscribes, and a pending read resolves undefined', async () => {
  const hub = new LiveHub<number>();
  const sub = hub.subscribe();
  const pending = sub.next();
  sub.close();
  assert.equal(await pending, undefined);
  assert.equal(hub.size, 0);
  hub.publish([1]);
  assert.equal(await sub.next(), undefined);

  const iter = hub.subscribe();
  const seen: number[][] = [];
  const loop = (async () => {
    for await (const batch of iter) {
      seen.push(batch.items);
      if (seen.length === 2) break; // leaving the loop closes the subscription
    }
  })();
  hub.publish([1]);
  await new Promise((r) => setImmediate(r));
  hub.publish([2, 3]);
  await loop;
  assert.deepEqual(seen, [[1], [2, 3]]);
  assert.equal(hub.size, 0);
});

test('the subscriber limit is enforced and hub.close ends everyone', async () => {
  const hub = new LiveHub<number>({ maxSubscribers: 2 });
  const a = hub.subscribe();
  hub.subscribe();
  assert.throws(() => hub.subscribe(), LiveHubFullError);
  const waiting = a.next();
  hub.close();
  assert.equal(await waiting, undefined);
  assert.equal(hub.size, 0);
  hub.subscribe();
  assert.equal(hub.size, 1);
});
