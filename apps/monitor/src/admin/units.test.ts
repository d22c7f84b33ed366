import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeApiSubject } from '../advisories/listener.js';
import { csvField } from '../routes/admin-audit.js';
import { diff } from './diff.js';
import { versionAtLeast } from './jetstream.js';

test('diff reports leaf additions, removals and changes with dotted paths', () => {
  assert.deepEqual(
    diff(
      { name: 'S', subjects: ['a', 'b'], max_msgs: 1, mirror: { name: 'M' }, gone: true },
      { name: 'S', subjects: ['a', 'c', 'd'], max_msgs: 2, mirror: { name: 'M' }, added: { x: 1 } },
    ),
    [
      { path: 'added', op: 'add', after: { x: 1 } },
      { path: 'gone', op: 'remove', before: true },
      { path: 'max_msgs', op: 'change', before: 1, after: 2 },
      { path: 'subjects.1', op: 'change', before: 'b', after: 'c' },
      { path: 'subjects.2', op: 'add', after: 'd' },
    ],
  );
  assert.deepEqual(diff({ a: [1] }, { a: [1] }), []);
});

test('API audit subjects map to the change they make; reads map to nothing', () => {
  assert.deepEqual(describeApiSubject('$JS.API.STREAM.UPDATE.ORDERS', null), {
    action: 'stream.update',
    objectType: 'stream',
    objectId: 'ORDERS',
    kind: 'stream',
  });
  assert.equal(describeApiSubject('$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.w', null)?.objectId, 'ORDERS/w');
  assert.equal(describeApiSubject('$JS.API.CONSUMER.CREATE.ORDERS', { name: 'eph' })?.objectId, 'ORDERS/eph');
  assert.equal(describeApiSubject('$JS.API.STREAM.MSG.DELETE.ORDERS', null)?.action, 'stream.msg-delete');
  assert.equal(describeApiSubject('$JS.API.STREAM.INFO.ORDERS', null), null);
  assert.equal(describeApiSubject('$JS.API.INFO', null), null);
});

test('CSV fields are quoted per RFC 4180 and spreadsheet formulas are neutralised', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=cmd()'), "'=cmd()");
  assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
  assert.equal(csvField(null), '');
});

test('server versions compare numerically', () => {
  assert.equal(versionAtLeast('2.9.10', [2, 11, 0]), false);
  assert.equal(versionAtLeast('2.11.0', [2, 11, 0]), true);
  assert.equal(versionAtLeast('2.10.22-beta', [2, 10, 0]), true);
});
