import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHeaderBlock, parseHeaderBlock, payloadKind } from './payload.js';
import { isValidFilter, remapProblem, remapSubject, subjectMatches } from './subjects.js';

test('subject filters match like NATS', () => {
  assert.ok(subjectMatches('orders.>', 'orders.a.b'));
  assert.ok(!subjectMatches('orders.>', 'orders'));
  assert.ok(subjectMatches('orders.*.x', 'orders.1.x'));
  assert.ok(!subjectMatches('orders.*', 'orders.1.x'));
  assert.ok(isValidFilter('a.*.>'));
  assert.ok(!isValidFilter('a.>.b'));
  assert.ok(!isValidFilter('a..b'));
  assert.ok(!isValidFilter('a.b*'));
});

test('remapping moves wildcard tokens into the new pattern', () => {
  assert.equal(remapSubject('orders.eu.new', 'orders.>', 'orders.retry.>'), 'orders.retry.eu.new');
  assert.equal(remapSubject('a.1.b.2', 'a.*.b.*', 'x.*.y.*'), 'x.1.y.2');
  assert.equal(remapSubject('other.x', 'orders.>', 'retry.>'), 'other.x');
  assert.equal(remapSubject('orders.x', null, null), 'orders.x');
  assert.match(remapProblem('orders.>', 'retry.*') ?? '', /same wildcards/);
  assert.equal(remapProblem('orders.*', 'retry.*'), null);
});

test('header blocks keep order, case and repeated keys', () => {
  const pairs: [string, string][] = [
    ['X-A', '1'],
    ['x-a', '2'],
    ['X-A', '3'],
  ];
  assert.deepEqual(parseHeaderBlock(encodeHeaderBlock(pairs)), pairs);
  assert.deepEqual(parseHeaderBlock(Buffer.from('NATS/1.0 503\r\n\r\n')), []);
});

test('payloads are classified for display', () => {
  assert.equal(payloadKind(Buffer.from('{"a":1}')), 'json');
  assert.equal(payloadKind(Buffer.from('<script>alert(1)</script>')), 'text');
  assert.equal(payloadKind(new Uint8Array([0xff, 0xfe])), 'binary');
  assert.equal(payloadKind(new Uint8Array([1, 2, 3])), 'binary');
});
