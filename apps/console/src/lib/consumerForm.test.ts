import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { ConsumerConfig } from '@tern/contracts';
import {
  consumerConfigToForm,
  consumerFormToConfig,
  emptyConsumerForm,
  validateConsumerForm,
} from './consumerForm';

test('a pull consumer maps to a ConsumerConfig without push fields', () => {
  const v = {
    ...emptyConsumerForm,
    name: 'worker',
    filterSubjects: 'orders.>',
    maxDeliver: '5',
    backoff: '1s, 5s',
  };
  assert.deepEqual(validateConsumerForm(v), {});
  const c = consumerFormToConfig(v);
  assert.ok(Value.Check(ConsumerConfig, c), JSON.stringify([...Value.Errors(ConsumerConfig, c)]));
  assert.equal(c.durable_name, 'worker');
  assert.equal(c.filter_subject, 'orders.>');
  assert.equal(c.ack_wait, 30e9);
  assert.deepEqual(c.backoff, [1e9, 5e9]);
  assert.equal(c.max_waiting, 512);
  assert.ok(!('deliver_subject' in c));
});

test('a push consumer needs a deliver subject; several filters use filter_subjects', () => {
  const v = { ...emptyConsumerForm, kind: 'push' as const, name: 'pusher', filterSubjects: 'a, b' };
  assert.ok(validateConsumerForm(v).deliverSubject);
  const ok = { ...v, deliverSubject: 'deliver.pusher', idleHeartbeat: '5s', flowControl: true };
  assert.deepEqual(validateConsumerForm(ok), {});
  const c = consumerFormToConfig(ok);
  assert.deepEqual(c.filter_subjects, ['a', 'b']);
  assert.equal(c.deliver_subject, 'deliver.pusher');
  assert.equal(c.idle_heartbeat, 5e9);
  assert.ok(!('max_waiting' in c));
  assert.equal(consumerConfigToForm(c).kind, 'push');
});

test('start policies need their option; backoff must fit max deliveries', () => {
  const e = validateConsumerForm({
    ...emptyConsumerForm,
    name: 'x',
    deliverPolicy: 'by_start_sequence',
    maxDeliver: '2',
    backoff: '1s, 2s',
  });
  assert.ok(e.optStartSeq);
  assert.match(e.backoff ?? '', /larger/);
  const t = {
    ...emptyConsumerForm,
    name: 'x',
    deliverPolicy: 'by_start_time' as const,
    optStartTime: '2026-01-01T00:00:00Z',
  };
  assert.deepEqual(validateConsumerForm(t), {});
  assert.equal(consumerFormToConfig(t).opt_start_time, '2026-01-01T00:00:00.000Z');
});

test('editing: immutable fields are refused, round trip keeps the config', () => {
  const base = consumerFormToConfig({ ...emptyConsumerForm, name: 'worker' });
  const form = consumerConfigToForm(base);
  assert.deepEqual(validateConsumerForm(form, base), {});
  assert.deepEqual(consumerFormToConfig(form, base), base);
  const e = validateConsumerForm({ ...form, ackPolicy: 'all', kind: 'push', deliverSubject: 'x' }, base);
  assert.ok(e.ackPolicy);
  assert.ok(e.kind);
});
