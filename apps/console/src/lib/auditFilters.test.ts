import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canRollBack,
  emptyAuditFilters,
  hasFilters,
  isoToLocal,
  localToIso,
  toAuditQuery,
} from './auditFilters';

test('empty filters send nothing', () => {
  assert.deepEqual(toAuditQuery(emptyAuditFilters), {});
  assert.equal(hasFilters(emptyAuditFilters), false);
});

test('filters become the API query; local times become instants', () => {
  const from = isoToLocal('2026-11-26T08:00:00.000Z');
  const q = toAuditQuery({
    ...emptyAuditFilters,
    actor: ' admin ',
    object: 'ORDERS',
    source: 'external',
    from,
  });
  assert.equal(q.actor, 'admin');
  assert.equal(q.object, 'ORDERS');
  assert.equal(q.source, 'external');
  assert.equal(q.from, '2026-11-26T08:00:00.000Z');
  assert.equal(localToIso('not a date'), undefined);
});

test('only successful JetStream changes with a state to return to can be rolled back', () => {
  const r = { result: 'ok', objectType: 'stream', action: 'stream.update', before: { name: 'A' } };
  assert.ok(canRollBack(r));
  assert.ok(canRollBack({ ...r, action: 'stream.create', before: null }));
  assert.ok(!canRollBack({ ...r, before: null }));
  assert.ok(!canRollBack({ ...r, result: 'error' }));
  assert.ok(!canRollBack({ ...r, objectType: 'target' }));
});

test('purges and unknown actions cannot be rolled back', () => {
  const r = { result: 'ok', objectType: 'stream', action: 'stream.purge', before: { messages: 3 } };
  assert.ok(!canRollBack(r));
  assert.ok(canRollBack({ ...r, objectType: 'kv-key', action: 'kv.put', before: null }));
  assert.ok(!canRollBack({ ...r, objectType: 'kv-key', action: 'kv.purge', before: null }));
});
