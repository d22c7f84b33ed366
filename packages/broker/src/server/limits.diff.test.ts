import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { type RunningServer, TARGETS } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';

async function varz(s: RunningServer): Promise<Record<string, number>> {
  return (await (await fetch(`http://127.0.0.1:${s.httpPort}/varz`)).json()) as Record<string, number>;
}

async function closedReasons(s: RunningServer): Promise<string[]> {
  const r = (await (await fetch(`http://127.0.0.1:${s.httpPort}/connz?state=closed`)).json()) as {
    connections: { reason: string }[];
  };
  return r.connections.map((c) => c.reason);
}

/** Polls until `f` holds; the test runner's timeout bounds it. */
async function eventually(f: () => Promise<boolean>): Promise<void> {
  while (!(await f())) await sleep(20);
}

for (const target of TARGETS) {
  describe(`limits on ${target.name}`, { timeout: 60_000 }, () => {
    it('closes a client that stops answering PINGs with Stale Connection', async () => {
      const s = await target.start({ pingIntervalMs: 100, maxPingsOut: 2 });
      try {
        const { wire } = await Wire.handshake(s.port, { verbose: false });
        const out = await wire.closedByServer();
        assert.match(out, /-ERR 'Stale Connection'\r\n$/);
        assert.deepEqual(await closedReasons(s), ['Stale Connection']);
      } finally {
        await s.stop();
      }
    });

    it('keeps a client that answers PINGs', async () => {
      const s = await target.start({ pingIntervalMs: 100, maxPingsOut: 1 });
      try {
        const { wire } = await Wire.handshake(s.port, { verbose: false });
        for (let i = 0; i < 3; i++) {
          await wire.until('PING\r\n');
          wire.send('PONG\r\n');
        }
        assert.equal(wire.closed, false);
        wire.close();
      } finally {
        await s.stop();
      }
    });

    it('times out authentication', async () => {
      const s = await target.start({ token: 't', authTimeoutMs: 200 });
      try {
        const { wire } = await Wire.handshake(s.port);
        assert.equal(await wire.closedByServer(), "-ERR 'Authentication Timeout'\r\n");
        assert.deepEqual(await closedReasons(s), ['Authentication Timeout']);
      } finally {
        await s.stop();
      }
    });

    it('refuses connections over max_connections after sending INFO', async () => {
      const s = await target.start({ maxConnections: 1 });
      try {
        const { wire: first } = await Wire.handshake(s.port, { verbose: false });
        const second = await Wire.open(s.port);
        const line = await second.readLine();
        assert.match(line, /^INFO /);
        assert.equal(await second.closedByServer(), "-ERR 'maximum connections exceeded'\r\n");
        assert.equal(await first.sync(), '');
        first.close();
        await eventually(async () => (await varz(s)).connections === 0);
        const { wire: third } = await Wire.handshake(s.port, { verbose: false });
        assert.equal(await third.sync(), '');
        third.close();
        assert.ok((await closedReasons(s)).includes('Maximum Connections Exceeded'));
      } finally {
        await s.stop();
      }
    });

    it('cuts off a slow consumer without slowing the others', async () => {
      const s = await target.start({ maxPayload: 4096, maxPending: 2 * 1024 * 1024, writeDeadlineMs: 500 });
      try {
        const { wire: slow } = await Wire.handshake(s.port, { verbose: false });
        slow.send('SUB big 1\r\n');
        await slow.sync();
        slow.socket.pause();
        const healthy = await connect({ servers: s.url });
        let got = 0;
        healthy.subscribe('big', {
          callback: () => {
            got++;
          },
        });
        await healthy.flush();
        const pub = await Wire.handshake(s.port, { verbose: false });
        const payload = 'x'.repeat(4000);
        const frame = `PUB big 4000\r\n${payload}\r\n`;
        // Bursts of 1 MB, each followed by a round trip of the healthy client, so only the paused one lags.
        const burst = frame.repeat(250);
        let N = 0;
        while (N < 10_000) {
          pub.wire.send(burst);
          N += 250;
          assert.equal(await pub.wire.sync(), '');
          await healthy.flush();
        }
        await eventually(async () => (await varz(s)).slow_consumers === 1);
        await healthy.flush();
        assert.equal(got, N);
        const reasons = await closedReasons(s);
        assert.equal(reasons.length, 1);
        assert.match(reasons[0]!, /^Slow Consumer/);
        slow.socket.resume();
        await slow.closedByServer();
        const v = await varz(s);
        assert.equal(v.in_msgs, N);
        assert.equal(v.connections, 2);
        pub.wire.close();
        await healthy.close();
      } finally {
        await s.stop();
      }
    });
  });
}
