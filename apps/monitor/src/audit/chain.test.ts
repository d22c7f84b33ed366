import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, GENESIS_HASH, hashRecord } from './chain.js';

const record = {
  time: new Date('2026-01-01T00:00:00.000Z'),
  actor: 'admin',
  role: 'admin',
  sourceIp: '127.0.0.1',
  source: 'tern',
  action: 'target.create',
  objectType: 'target',
  objectId: 't1',
  targetId: 't1',
  before: null,
  after: { name: 'a', monitorUrls: ['http://x'], nested: { b: 1, a: 2 } },
  result: 'ok',
  error: null,
  requestId: 'req-1',
  prevHash: GENESIS_HASH,
};

test('canonical JSON does not depend on key order (jsonb reorders keys)', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
  );
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
});

test('the hash covers every field and the previous hash', () => {
  const h = hashRecord(record);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(
    hashRecord({ ...record, after: { nested: { a: 2, b: 1 }, monitorUrls: ['http://x'], name: 'a' } }),
    h,
  );
  for (const change of [
    { actor: 'mallory' },
    { prevHash: 'f'.repeat(64) },
    { after: null },
    { time: new Date(0) },
  ]) {
    assert.notEqual(hashRecord({ ...record, ...change }), h, JSON.stringify(change));
  }
});
