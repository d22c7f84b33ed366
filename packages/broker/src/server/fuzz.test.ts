import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startTern } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';

/** Deterministic PRNG so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID = [
  'CONNECT {"verbose":false,"headers":true,"no_responders":true}\r\n',
  'SUB foo.* 1\r\n',
  'SUB foo.> q 2\r\n',
  'PUB foo.bar 5\r\nhello\r\n',
  'PUB foo.bar reply 0\r\n\r\n',
  'HPUB foo.x 12 14\r\nNATS/1.0\r\n\r\nhi\r\n',
  'UNSUB 1 3\r\n',
  'PING\r\n',
  'PONG\r\n',
];
const NOISE = [
  '\r\n',
  ' ',
  '\t',
  '*',
  '>',
  '.',
  '-1',
  '99999999',
  '\u0000',
  '\u00ff',
  'PUB',
  'HPUB ',
  '{',
  '"',
];

function mutate(rnd: () => number): Buffer {
  const parts: string[] = [];
  const n = 1 + Math.floor(rnd() * 12);
  for (let i = 0; i < n; i++) {
    let f = VALID[Math.floor(rnd() * VALID.length)]!;
    const r = rnd();
    if (r < 0.25) {
      const at = Math.floor(rnd() * f.length);
      f = f.slice(0, at) + NOISE[Math.floor(rnd() * NOISE.length)]! + f.slice(at + 1);
    } else if (r < 0.35) {
      f = f.slice(0, Math.floor(rnd() * f.length));
    } else if (r < 0.4) {
      const bytes = Buffer.alloc(1 + Math.floor(rnd() * 64));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(rnd() * 256);
      parts.push(bytes.toString('latin1'));
      continue;
    }
    parts.push(f);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

describe('fuzz: random and mutated frames from many connections', { timeout: 60_000 }, () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startTern({ maxPayload: 64 * 1024 });
  });
  after(async () => srv.stop());

  it('stays up, keeps answering a healthy client, and frees what bad connections held', async () => {
    const server = srv.handle!.server;
    const { wire: healthy } = await Wire.handshake(srv.port, { verbose: false });
    healthy.send('SUB foo.bar 1\r\n');
    await healthy.sync();
    const baseSubs = server.sublist.size;
    const seeds = 300;
    const batch = 25;
    for (let s0 = 0; s0 < seeds; s0 += batch) {
      await Promise.all(
        Array.from({ length: batch }, async (_, k) => {
          const rnd = prng(1000 + s0 + k);
          const w = await Wire.open(srv.port);
          for (let i = 0; i < 4; i++) {
            const data = mutate(rnd);
            // Random fragmentation too.
            for (let off = 0; off < data.length; ) {
              const n = 1 + Math.floor(rnd() * 40);
              w.send(data.subarray(off, off + n));
              off += n;
            }
          }
          w.send('PING\r\n');
          // Either the server answers or it closed the connection; both are fine.
          await Promise.race([w.until('PONG\r\n').catch(() => undefined), w.closedByServer()]);
          w.close();
        }),
      );
      // The healthy client is still served between rounds.
      healthy.send('PING\r\n');
      await healthy.until('PONG\r\n');
    }
    while (server.clients.size > 1) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.sublist.size, baseSubs, 'subscriptions of closed connections are removed');
    assert.ok(server.closedClients.length >= seeds);
    const { wire: probe } = await Wire.handshake(srv.port, { verbose: false });
    probe.send('PUB foo.bar 2\r\nok\r\n');
    await probe.sync();
    const got = await healthy.until('ok\r\n');
    assert.match(got, /MSG foo\.bar 1 2\r\nok\r\n$/);
    probe.close();
    healthy.close();
  });
});
