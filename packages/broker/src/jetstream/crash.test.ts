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

  it('keeps every acknowledged message, once and in order; consumers do not skip', async () => {
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
          await jsm.consumers.add('CRASH', { durable_name: 'W', ack_policy: AckPolicy.Explicit, ack_wait: 1e9 });
        }
        // Verify what the previous rounds left behind.
        const si = await jsm.streams.info('CRASH');
        const bySeq = new Map<number, string>();
        for (let seq = si.state.first_seq; seq <= si.state.last_seq && seq > 0; seq++) {
          const m = await jsm.streams.getMessage('CRASH', { seq });
          if (m) bySeq.set(seq, m.string());
        }
        const payloads = [...bySeq.values()];
        assert.equal(new Set(payloads).size, payloads.length, 'no message stored twice');
        for (const [p, seq] of acked) assert.equal(bySeq.get(seq), p, `acknowledged ${p} kept at seq ${seq}`);
        const ci = await jsm.consumers.info('CRASH', 'W');
        for (let s = 1; s <= ci.ack_floor.stream_seq; s++) {
          assert.ok(consumed.has(s) || !bySeq.has(s), `ack floor ${ci.ack_floor.stream_seq} skips unacknowledged ${s}`);
        }
        if (round === ROUNDS) {
          // Drain: everything not yet acknowledged must still arrive.
          const c = await js.consumers.get('CRASH', 'W');
          const want = [...bySeq.keys()].filter((s) => !consumed.has(s));
          const got = new Set<number>();
          for (let i = 0; i < 20 && [...want].some((s) => !got.has(s)); i++) {
            const batch = await c.fetch({ max_messages: 500, expires: 1000 });
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
          }
          await Promise.allSettled([...inflight]);
        })();
        const consumer = (async () => {
          const c = await js.consumers.get('CRASH', 'W');
          while (!stop) {
            try {
              const batch = await c.fetch({ max_messages: 50, expires: 500 });
              for await (const m of batch) {
                if (await m.ackAck().catch(() => false)) consumed.add(m.seq);
              }
            } catch {
              return;
            }
          }
        })();
        await sleep(300 + Math.floor(Math.random() * 500));
        await killHard(server);
        stop = true;
        await Promise.allSettled([publisher, consumer]);
        assert.ok(published > 0, 'some publishes were acknowledged before the kill');
      } finally {
        await nc.close().catch(() => {});
        await server.stop();
      }
    }
  });
});
