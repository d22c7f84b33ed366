import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  base64ToBytes,
  bytesToText,
  hexDump,
  initialView,
  matchesSearch,
  parseJson,
  parseSeq,
} from './payloadView';

test('base64 decodes to the exact bytes', () => {
  assert.deepEqual(Array.from(base64ToBytes(Buffer.from([0, 255, 10]).toString('base64'))), [0, 255, 10]);
  assert.equal(
    bytesToText(base64ToBytes(Buffer.from('<script>x</script>').toString('base64'))),
    '<script>x</script>',
  );
});

test('hex dump shows offsets, bytes and printable characters', () => {
  const dump = hexDump(new Uint8Array([0x41, 0x00, 0x7e, 0xff]));
  assert.match(dump, /^00000000 {2}41 00 7e ff\s+\|A\.~\.\|$/);
  assert.match(hexDump(new Uint8Array(40), 16), /… 24 more bytes$/);
});

test('the remembered view is used unless it cannot show the payload', () => {
  assert.equal(initialView('json', null), 'json');
  assert.equal(initialView('text', 'json'), 'text');
  assert.equal(initialView('binary', 'json'), 'hex');
  assert.equal(initialView('text', 'base64'), 'base64');
  assert.equal(initialView('binary', 'bogus'), 'hex');
});

test('json parsing, search and sequence parsing', () => {
  assert.deepEqual(parseJson('{"a":1}'), { ok: true, value: { a: 1 } });
  assert.equal(parseJson('{').ok, false);
  assert.ok(matchesSearch('ORD', 'orders.a'));
  assert.ok(!matchesSearch('x', 'orders.a', 'payload'));
  assert.equal(parseSeq('12'), 12);
  assert.equal(parseSeq('0'), undefined);
  assert.equal(parseSeq('1.5'), undefined);
});
