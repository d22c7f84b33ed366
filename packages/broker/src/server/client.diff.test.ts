import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { type RunningServer, TARGETS } from '../test-support/servers.js';

/** Behaviour seen through the official client, identical on tern and nats-server. */
for (const target of TARGETS) {
  describe(`nats.js client against ${target.name}`, { timeout: 60_000 }, () => {
    let srv: RunningServer;
    let nc: NatsConnection;
    before(async () => {
      srv = await target.start();
      nc = await connect({ servers: srv.url });
    });
    after(async () => {
      await nc.close();
      await srv.stop();
    });

    it('publishes and subscribes with payload and headers', async () => {
      const sub = nc.subscribe('greet.*', { max: 2 });
      const h = headers();
      h.append('X-Id', 'a');
      h.append('X-Id', 'b');
      nc.publish('greet.one', 'hello');
      nc.publish('greet.two', new Uint8Array([0, 255, 1]), { headers: h, reply: 'back' });
      const got: { subject: string; data: number[]; h?: string[]; reply?: string }[] = [];
      for await (const m of sub) {
        got.push({ subject: m.subject, data: [...m.data], h: m.headers?.values('X-Id'), reply: m.reply });
      }
      assert.deepEqual(got, [
        { subject: 'greet.one', data: [...Buffer.from('hello')], h: undefined, reply: '' },
        { subject: 'greet.two', data: [0, 255, 1], h: ['a', 'b'], reply: 'back' },
      ]);
    });

    it('routes with > and * wildcards', async () => {
      const a = nc.subscribe('w.>', { max: 2 });
      const b = nc.subscribe('w.*.x', { max: 1 });
      nc.publish('w.1.x');
      nc.publish('w.2');
      const subjects = async (s: typeof a) => {
        const out: string[] = [];
        for await (const m of s) out.push(m.subject);
        return out;
      };
      assert.deepEqual(await Promise.all([subjects(a), subjects(b)]), [['w.1.x', 'w.2'], ['w.1.x']]);
    });

    it('gives each message to one queue member, spreading across members', async () => {
      const counts = [0, 0, 0];
      const subs = counts.map((_, i) =>
        nc.subscribe('work', {
          queue: 'q',
          callback: () => {
            counts[i]!++;
          },
        }),
      );
      const other = nc.subscribe('work', { queue: 'other' });
      let otherCount = 0;
      (async () => {
        for await (const _ of other) otherCount++;
      })();
      for (let i = 0; i < 300; i++) nc.publish('work', String(i));
      await nc.flush();
      for (const s of subs) s.unsubscribe();
      other.unsubscribe();
      await nc.flush();
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        300,
      );
      assert.equal(otherCount, 300);
      for (const c of counts) assert.ok(c > 0, `a member got nothing: ${counts}`);
    });

    it('does request-reply and reports no responders', async () => {
      const svc = nc.subscribe('svc.echo', {
        callback: (_e, m) => {
          m.respond(`echo:${m.string()}`);
        },
      });
      const r = await nc.request('svc.echo', 'x', { timeout: 5000 });
      assert.equal(r.string(), 'echo:x');
      svc.unsubscribe();
      await assert.rejects(nc.request('nobody.here', 'x', { timeout: 5000 }), /no responders/);
    });

    it('auto-unsubscribes after max messages', async () => {
      const sub = nc.subscribe('auto', { max: 3 });
      for (let i = 0; i < 5; i++) nc.publish('auto', String(i));
      const got: string[] = [];
      for await (const m of sub) got.push(m.string());
      assert.deepEqual(got, ['0', '1', '2']);
    });

    it('honours noEcho', async () => {
      const quiet = await connect({ servers: srv.url, noEcho: true });
      const seen: string[] = [];
      const sub = quiet.subscribe('echo.t', {
        callback: (_e, m) => {
          seen.push(m.string());
        },
      });
      await quiet.flush();
      quiet.publish('echo.t', 'mine');
      nc.publish('echo.t', 'theirs');
      await nc.flush();
      await quiet.flush();
      sub.unsubscribe();
      await quiet.close();
      assert.deepEqual(seen, ['theirs']);
    });

    it('reports the server max_payload and rejects bigger publishes client-side', async () => {
      assert.equal(nc.info?.max_payload, 1024 * 1024);
      assert.throws(() => nc.publish('big', new Uint8Array(1024 * 1024 + 1)), /max_payload|payload/i);
    });

    it('drains a connection', async () => {
      const c2 = await connect({ servers: srv.url });
      const got: string[] = [];
      c2.subscribe('drain.t', {
        callback: (_e, m) => {
          got.push(m.string());
        },
      });
      await c2.flush();
      nc.publish('drain.t', 'last');
      await nc.flush();
      await c2.drain();
      assert.deepEqual(got, ['last']);
    });
  });
}

for (const target of TARGETS) {
  describe(`nats.js auth against ${target.name}`, { timeout: 60_000 }, () => {
    let srv: RunningServer;
    before(async () => {
      srv = await target.start({ user: 'alice', password: 'pw' });
    });
    after(async () => srv.stop());
    it('accepts the right user and rejects the wrong one', async () => {
      const ok = await connect({ servers: srv.url, user: 'alice', pass: 'pw' });
      await ok.flush();
      await ok.close();
      await assert.rejects(
        connect({ servers: srv.url, user: 'alice', pass: 'nope' }),
        /authorization violation/i,
      );
      await assert.rejects(connect({ servers: srv.url }), /authorization violation/i);
    });
  });
}
