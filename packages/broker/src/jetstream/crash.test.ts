// Crash safety: tern-server (the CLI, as a child process) is SIGKILLed while clients publish with
// acks and consume with acks; after each restart every acknowledged message is stored once, in
// order, and the durable consumer resumes without skipping anything it had not acknowledged.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type RunningServer, startTernCli } from '../test-support/servers.js';
import { removeDir } from './testing.js';

const ROUNDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killHard(s: RunningServer): Promise<void> {
  const child = s.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

describe('jetstream crash safety (tern-server, SIGKILL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tern-crash-'));
  after(() => removeDir(dir));

  it('keeps every acknowledged message, once and in order; consumers do not skip', async (t) => {
    /** payload -> seq, for every publish the server acknowledged */
    const acked = new Map<string, number>();
    /** stream seqs the consumer acknowledged (with a confirmed ack) */
    const consumed = new Set<number>();
    for (let round = 0; round <= ROUNDS; round++) {
      const server = await startTernCli(['-js', '-sd', dir, '-a', '127.0.0.1', '-p', '-1']);
      const nc = await connect({ servers: `127.0.0.1:${server.port}`, reconnect: false });
      try {
        const jsm = await jetstreamManager(nc);
        const js = jetstream(nc);
        if (round === 0) {
          await jsm.streams.add({ name: 'CRASH', subjects: ['crash.>'] });
          await jsm.consumers.add('CRASH', {
            durable_name: 'W',
            ack_policy: AckPolicy.Explicit,
            ack_wait: 1e9,
          });
        }
        // Verify what the previous rounds left behind.
        const si = await jsm.streams.info('CRASH');
        const bySeq = new Map<number, string>();
        if (si.state.messages > 0) {
          const reader = await js.consumers.get('CRASH');
          const it = await reader.consume({ max_messages: 1000 });
          for await (const m of it) {
            bySeq.set(m.seq, m.string());
            if (m.seq >= si.state.last_seq) break;
          }
        }
        const payloads = [...bySeq.values()];
        assert.equal(new Set(payloads).size, payloads.length, 'no message stored twice');
        for (const [p, seq] of acked) assert.equal(bySeq.get(seq), p, `acknowledged ${p} kept at seq ${seq}`);
        // Publish order is stream order: within a round, message i+1 follows message i.
        const seqOf = (r: number, i: number) => acked.get(`r${r}-m${i}`);
        for (const [p, seq] of acked) {
          const [r, i] = p.slice(1).split('-m').map(Number) as [number, number];
          const prev = seqOf(r, i - 1);
          if (prev !== undefined) assert.ok(prev < seq, `${p} stored after r${r}-m${i - 1}`);
        }
        const ci = await jsm.consumers.info('CRASH', 'W');
        for (let s = 1; s <= ci.ack_floor.stream_seq; s++) {
          assert.ok(
            consumed.has(s) || !bySeq.has(s),
            `ack floor ${ci.ack_floor.stream_seq} skips unacknowledged ${s}`,
          );
        }
        if (round === ROUNDS) {
          // Drain: everything not yet acknowledged must still arrive.
          const c = await js.consumers.get('CRASH', 'W');
          const want = [...bySeq.keys()].filter((s) => !consumed.has(s));
          const got = new Set<number>();
          for (let i = 0; i < 40 && want.some((s) => !got.has(s)); i++) {
            const batch = await c.fetch({ max_messages: 1000, expires: 1000 });
            for await (const m of batch) {
              got.add(m.seq);
              m.ack();
            }
          }
          for (const s of want) assert.ok(got.has(s), `seq ${s} delivered after the crashes`);
          break;
        }

        // Load: async publishes with acks, and a consumer acking synchronously, then SIGKILL.
        let stop = false;
        let published = 0;
        const publisher = (async () => {
          const inflight = new Set<Promise<void>>();
          for (let i = 0; !stop; i++) {
            const payload = `r${round}-m${i}`;
            const p = js.publish('crash.x', payload).then(
              (ack) => {
                acked.set(payload, ack.seq);
                published++;
              },
              () => {},
            );
            inflight.add(p);
            p.finally(() => inflight.delete(p));
            if (inflight.size >= 64) await Promise.race(inflight);
            // Failed publishes settle as microtasks: yield so timers and the kill can run.
            if (i % 64 === 63) await new Promise((r) => setImmediate(r));
          }
          await Promise.allSettled([...inflight]);
        })();
        const consumer = (async () => {
          const c = await js.consumers.get('CRASH', 'W');
          while (!stop) {
            try {
              const batch = await c.fetch({ max_messages: 50, expires: 1000 });
              for await (const m of batch) {
                if (await m.ackAck().catch(() => false)) consumed.add(m.seq);
              }
            } catch {
              return;
            }
          }
        })();
        await sleep(200 + Math.floor(Math.random() * 300));
        await killHard(server);
        stop = true;
        // Iterators of a connection whose server vanished may never end: close it, bound the wait.
        await nc.close().catch(() => {});
        await Promise.race([Promise.allSettled([publisher, consumer]), sleep(3000)]);
        assert.ok(published > 0, 'some publishes were acknowledged before the kill');
        t.diagnostic(
          `round ${round}: ${published} publishes acknowledged, ${consumed.size} consumed in total`,
        );
      } finally {
        await nc.close().catch(() => {});
        await server.stop();
      }
    }
  });
});
