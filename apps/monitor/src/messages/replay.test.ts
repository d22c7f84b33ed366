import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAckSubject } from './reader.js';
import { replayHeaders } from './replay.js';

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('latin1') : undefined);
const bytes = (s: string) => Buffer.from(s, 'latin1');

test('replayed headers keep the stored block byte for byte and set only Nats-Msg-Id', () => {
  assert.equal(replayHeaders(undefined, undefined), undefined);
  assert.equal(text(replayHeaders(undefined, 'id-1')), 'NATS/1.0\r\nNats-Msg-Id: id-1\r\n\r\n');
  // Order, case, repeated keys and non-ASCII bytes survive; an existing id is replaced, not repeated.
  const stored = 'NATS/1.0\r\nb: 1\r\nNats-Msg-Id: old\r\nA: x\r\nb: 2\r\nU: caf\xc3\xa9\r\n\r\n';
  assert.equal(text(replayHeaders(bytes(stored), undefined)), stored);
  assert.equal(
    text(replayHeaders(bytes(stored), 'id-2')),
    'NATS/1.0\r\nb: 1\r\nA: x\r\nb: 2\r\nU: caf\xc3\xa9\r\nNats-Msg-Id: id-2\r\n\r\n',
  );
  // Only the exact key is the id (as the client's headers.set does); a look-alike key stays.
  const lookalike = 'NATS/1.0\r\nNats-Msg-Id-Old: k\r\n\r\n';
  assert.equal(
    text(replayHeaders(bytes(lookalike), 'id-3')),
    'NATS/1.0\r\nNats-Msg-Id-Old: k\r\nNats-Msg-Id: id-3\r\n\r\n',
  );
});

test('JetStream ack subjects are parsed in both layouts', () => {
  const want = { sseq: 12345, dseq: 678, timeMs: 1732612345123, pending: 99 };
  assert.deepEqual(parseAckSubject('$JS.ACK.S.c.1.12345.678.1732612345123456789.99'), want);
  assert.deepEqual(parseAckSubject('$JS.ACK.dom.hash.S.c.1.12345.678.1732612345123456789.99.rnd'), want);
  assert.equal(parseAckSubject('$JS.ACK.S.c.1.2.3'), undefined);
  assert.equal(parseAckSubject('_INBOX.abc'), undefined);
  assert.equal(parseAckSubject(undefined), undefined);
});
