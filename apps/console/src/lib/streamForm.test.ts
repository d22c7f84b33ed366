import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { StreamConfig } from '@tern/contracts';
import {
  configToForm,
  emptyStreamForm,
  formToConfig,
  isValidSubject,
  parseConfigJson,
  parseMetadata,
  validateStreamForm,
} from './streamForm';

const minimal = { ...emptyStreamForm, name: 'ORDERS', subjects: 'orders.>, refunds.*' };

test('subject syntax follows NATS rules', () => {
  for (const s of ['a', 'a.b', 'a.*', 'a.>', '*', '>', 'a.*.c']) assert.ok(isValidSubject(s), s);
  for (const s of ['', 'a..b', '.a', 'a.', 'a.>.b', 'a b', 'a*', 'foo>']) assert.ok(!isValidSubject(s), s);
});

test('a minimal form is valid and maps to a config the contract accepts', () => {
  assert.deepEqual(validateStreamForm(minimal), {});
  const config = formToConfig(minimal);
  assert.ok(Value.Check(StreamConfig, config), JSON.stringify([...Value.Errors(StreamConfig, config)]));
  assert.deepEqual(config.subjects, ['orders.>', 'refunds.*']);
  assert.equal(config.max_msgs, -1);
  assert.equal(config.max_age, 0);
  assert.equal(config.duplicate_window, 120e9);
  assert.equal(config.storage, 'file');
  assert.equal(config.num_replicas, 1);
  // Fields at their default and never set are left out, so older servers see nothing new.
  for (const key of ['compression', 'metadata', 'first_seq', 'sealed', 'placement', 'mirror', 'sources']) {
    assert.ok(!(key in config), key);
  }
});

test('every modelled field maps to the server JSON and back', () => {
  const v = {
    ...minimal,
    description: 'web shop',
    storage: 'memory' as const,
    retention: 'workqueue' as const,
    discard: 'new' as const,
    discardNewPerSubject: true,
    replicas: '3',
    maxConsumers: '10',
    maxMsgs: '1000',
    maxBytes: '1GiB',
    maxAge: '7d',
    maxMsgsPerSubject: '5',
    maxMsgSize: '1MiB',
    duplicateWindow: '1m',
    denyDelete: true,
    denyPurge: true,
    allowRollup: true,
    allowDirect: true,
    compression: 's2' as const,
    placementCluster: 'east',
    placementTags: 'ssd, fast',
    republishDest: 'copy.>',
    metadata: 'owner=team-a\ntier=gold',
  };
  assert.deepEqual(validateStreamForm(v), {});
  const c = formToConfig(v);
  assert.equal(c.max_bytes, 1024 ** 3);
  assert.equal(c.max_age, 7 * 86_400e9);
  assert.equal(c.max_msg_size, 1024 ** 2);
  assert.deepEqual(c.placement, { cluster: 'east', tags: ['ssd', 'fast'] });
  assert.deepEqual(c.republish, { src: '>', dest: 'copy.>' });
  assert.deepEqual(c.metadata, { owner: 'team-a', tier: 'gold' });
  assert.ok(Value.Check(StreamConfig, c));
  const back = configToForm(c);
  assert.deepEqual({ ...back, republishSrc: '' }, { ...v, republishSrc: '' });
});

test('editing keeps fields the form does not show, and only changed fields differ', () => {
  const base = {
    ...formToConfig(minimal),
    mirror_direct: false,
    sources: [{ name: 'A', opt_start_seq: 5 }],
    some_future_field: { x: 1 },
  };
  const form = configToForm(base);
  const same = formToConfig(form, base);
  assert.deepEqual(same, base);
  const changed = formToConfig({ ...form, maxMsgs: '50', description: 'x' }, base);
  assert.equal(changed.max_msgs, 50);
  assert.equal(changed.description, 'x');
  assert.deepEqual(changed.sources, [{ name: 'A', opt_start_seq: 5 }]);
  assert.deepEqual(changed.some_future_field, { x: 1 });
});

test('inline validation explains each problem', () => {
  const e = validateStreamForm({
    ...emptyStreamForm,
    name: 'bad name',
    subjects: 'a..b',
    replicas: '9',
    maxBytes: 'lots',
    maxAge: '1m',
    duplicateWindow: '2m',
    metadata: 'novalue',
    sealed: true,
  });
  assert.match(e.name ?? '', /No spaces/);
  assert.match(e.subjects ?? '', /not a valid subject/);
  assert.equal(e.replicas, 'Between 1 and 5.');
  assert.match(e.maxBytes ?? '', /size/);
  assert.match(e.duplicateWindow ?? '', /maximum age/);
  assert.ok(e.metadata);
  assert.match(e.sealed ?? '', /new stream/);
  assert.match(validateStreamForm({ ...minimal, mirror: 'OTHER' }).subjects ?? '', /mirror/);
  assert.ok(validateStreamForm({ ...emptyStreamForm }).name);
});

test('immutable fields are refused on edit, unsealing too', () => {
  const base = { ...formToConfig(minimal), sealed: true };
  const form = configToForm(base);
  const e = validateStreamForm({ ...form, storage: 'memory', name: 'OTHER', sealed: false }, base);
  assert.ok(e.storage);
  assert.ok(e.name);
  assert.ok(e.sealed);
  assert.deepEqual(validateStreamForm(form, base), {});
});

test('JSON editor text must be an object', () => {
  assert.ok('error' in parseConfigJson('{'));
  assert.ok('error' in parseConfigJson('[1]'));
  assert.deepEqual(parseConfigJson('{"name":"A"}'), { value: { name: 'A' } });
  assert.deepEqual(parseMetadata(' a = 1 \n\nb=2'), { value: { a: '1', b: '2' }, bad: null });
});
