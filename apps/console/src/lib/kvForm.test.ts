import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { KvBucketConfig } from '@tern/contracts';
import { emptyKvBucketForm, isBase64, kvFormToConfig, kvKeyError, validateKvBucketForm } from './kvForm';

test('a bucket form maps to the contract, TTL in milliseconds', () => {
  const v = { ...emptyKvBucketForm, bucket: 'config', history: '5', ttl: '1h', maxBytes: '1MiB' };
  assert.deepEqual(validateKvBucketForm(v), {});
  const c = kvFormToConfig(v);
  assert.ok(Value.Check(KvBucketConfig, c));
  assert.equal(c.ttl, 3_600_000);
  assert.equal(c.history, 5);
  assert.equal(c.max_bytes, 1024 ** 2);
  assert.equal(c.max_value_size, -1);
});

test('bucket and key rules', () => {
  const e = validateKvBucketForm({ ...emptyKvBucketForm, bucket: 'a.b', history: '65' });
  assert.ok(e.bucket);
  assert.ok(e.history);
  assert.equal(kvKeyError('orders/1.total'), null);
  assert.ok(kvKeyError('.a'));
  assert.ok(kvKeyError('a b'));
  assert.ok(kvKeyError(''));
  assert.ok(isBase64('aGVsbG8='));
  assert.ok(!isBase64('hello!'));
});
