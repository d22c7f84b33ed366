// Tern with file storage restarted on the same store directory keeps streams, messages, dedupe
// state and consumer positions.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { JS_TARGETS, removeDir } from './testing.js';

const tern = JS_TARGETS.find((t) => t.name === 'tern');

describe('jetstream restart (tern, file storage)', () => {
  let storeDir = '';
  after(() => {
    if (storeDir) removeDir(storeDir);
  });

  it('keeps streams, messages, dedupe and consumer positions', async () => {
    assert.ok(tern);
    let server = await tern.start();
    storeDir = server.storeDir;
    let nc = await connect({ servers: `${server.host}:${server.port}` });
    let jsm = await jetstreamManager(nc);
    let js = jetstream(nc);
    await jsm.streams.add({ name: 'KEEP', subjects: ['keep.>'], max_msgs_per_subject: 100 });
    for (let i = 1; i <= 20; i++) await js.publish(`keep.${i % 2}`, `m${i}`, { msgID: `id${i}` });
    await jsm.consumers.add('KEEP', { durable_name: 'W', ack_policy: AckPolicy.Explicit, ack_wait: 60e9 });
    const c = await js.consumers.get('KEEP', 'W');
    const batch = await c.fetch({ max_messages: 9, expires: 2000 });
    const seen: number[] = [];
    for await (const m of batch) {
      seen.push(m.seq);
      // Leave 8 and 9 unacknowledged.
      if (m.seq <= 7) await m.ackAck();
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const kv = await new Kvm(nc).create('settings');
    await kv.put('color', 'blue');
    await jsm.streams.deleteMessage('KEEP', 3);
    const before = await jsm.consumers.info('KEEP', 'W');
    await nc.close();
    await server.stop();

    server = await tern.start(storeDir);
    try {
      nc = await connect({ servers: `${server.host}:${server.port}` });
      jsm = await jetstreamManager(nc);
      js = jetstream(nc);
      const si = await jsm.streams.info('KEEP');
      assert.deepEqual(
        [
          si.state.messages,
          si.state.first_seq,
          si.state.last_seq,
          si.state.num_deleted,
          si.config.max_msgs_per_subject,
        ],
        [19, 1, 20, 1, 100],
      );
      const dup = await js.publish('keep.0', 'again', { msgID: 'id20' });
      assert.deepEqual([dup.seq, dup.duplicate], [20, true]);
      const ci = await jsm.consumers.info('KEEP', 'W');
      assert.deepEqual(ci.delivered, before.delivered);
      assert.deepEqual([ci.ack_floor.consumer_seq, ci.ack_floor.stream_seq], [7, 7]);
      assert.deepEqual([ci.num_ack_pending, ci.num_pending], [2, 11]);
      const next = await (await js.consumers.get('KEEP', 'W')).fetch({ max_messages: 3, expires: 2000 });
      const after: number[] = [];
      for await (const m of next) after.push(m.seq);
      assert.deepEqual(after, [10, 11, 12]);
      const kv = await new Kvm(nc).open('settings');
      assert.equal((await kv.get('color'))?.string(), 'blue');
      const msg = await jsm.streams.getMessage('KEEP', { seq: 5 });
      assert.equal(msg?.string(), 'm5');
    } finally {
      await nc.close();
      await server.stop();
    }
  });
});
