import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { CreateTargetRequest, ServerSummary } from './index.js';

test('CreateTargetRequest rejects a target without a monitoring URL', () => {
  assert.equal(Value.Check(CreateTargetRequest, { name: 'x', natsUrls: [], monitorUrls: [] }), false);
  assert.equal(
    Value.Check(CreateTargetRequest, { name: 'x', natsUrls: [], monitorUrls: ['http://127.0.0.1:8222'] }),
    true,
  );
});

test('CreateTargetRequest rejects names with control characters', () => {
  assert.equal(
    Value.Check(CreateTargetRequest, { name: 'a\nb', natsUrls: [], monitorUrls: ['http://x'] }),
    false,
  );
});

test('ServerSummary accepts a server that has not been scraped yet', () => {
  const s = { targetId: 't', targetName: 'n', monitorUrl: 'http://x', embedded: false, status: 'unknown' };
  assert.equal(Value.Check(ServerSummary, s), true);
  assert.equal(Value.Check(ServerSummary, { ...s, status: 'sideways' }), false);
});
