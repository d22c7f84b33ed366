import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAddress, downstreamResponseHeaders, upstreamRequestHeaders } from './proxyHeaders';

test('with no trusted proxy the address is the peer Next wrote', () => {
  assert.equal(clientAddress('198.51.100.7', 0), '198.51.100.7');
  assert.equal(clientAddress('::ffff:127.0.0.1', 0), '::ffff:127.0.0.1');
  assert.equal(clientAddress(null, 0), undefined);
  assert.equal(clientAddress('', 0), undefined);
});

test('behind trusted proxies the address is that many entries from the right', () => {
  // The browser wrote 203.0.113.9; proxy A appended the browser, proxy B appended A.
  assert.equal(clientAddress('203.0.113.9, 198.51.100.7', 1), '198.51.100.7');
  assert.equal(clientAddress('203.0.113.9, 198.51.100.7, 10.0.0.2', 2), '198.51.100.7');
  // Fewer entries than proxies is a misconfiguration; nothing the browser wrote is taken instead.
  assert.equal(clientAddress('198.51.100.7', 2), undefined);
});

test('a browser cannot choose the address the monitor sees', () => {
  // Next has replaced the browser's X-Forwarded-For with the peer (src/proxy.ts); the rest are dropped.
  const incoming = new Headers({
    'x-forwarded-for': '198.51.100.7',
    'x-real-ip': '203.0.113.9',
    forwarded: 'for=203.0.113.9',
    cookie: 'tern_session=abc',
    'x-csrf-token': 't',
  });
  const out = upstreamRequestHeaders(incoming, 0);
  assert.equal(out.get('x-forwarded-for'), '198.51.100.7');
  assert.equal(out.get('x-real-ip'), null);
  assert.equal(out.get('forwarded'), null);
  assert.equal(out.get('cookie'), 'tern_session=abc');
  assert.equal(out.get('x-csrf-token'), 't');
});

test('behind a trusted proxy only the entry it wrote is forwarded', () => {
  const incoming = new Headers({ 'x-forwarded-for': '127.0.0.1, 198.51.100.7' });
  assert.equal(upstreamRequestHeaders(incoming, 1).get('x-forwarded-for'), '198.51.100.7');
});

test('hop-by-hop headers and accept-encoding stay behind', () => {
  const incoming = new Headers({
    connection: 'keep-alive',
    expect: '100-continue',
    host: 'console:3000',
    'content-length': '2',
    'accept-encoding': 'gzip',
    'content-type': 'application/json',
  });
  const out = upstreamRequestHeaders(incoming, 0);
  assert.deepEqual([...out.keys()], ['content-type']);
});

test('every Set-Cookie of the monitor reaches the browser', () => {
  const upstream = new Headers([
    ['set-cookie', 'a=1; HttpOnly'],
    ['set-cookie', 'b=2'],
    ['content-encoding', 'gzip'],
    ['content-type', 'application/json'],
  ]);
  const out = downstreamResponseHeaders(upstream);
  assert.deepEqual(out.getSetCookie(), ['a=1; HttpOnly', 'b=2']);
  assert.equal(out.get('content-encoding'), null);
});

test('an event stream is marked so nothing buffers it', () => {
  const out = downstreamResponseHeaders(new Headers({ 'content-type': 'text/event-stream' }));
  assert.equal(out.get('cache-control'), 'no-cache, no-transform');
  assert.equal(out.get('x-accel-buffering'), 'no');
});
