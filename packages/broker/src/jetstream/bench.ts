// `npm run bench -- jetstream`: Tern (the built tern-server CLI) and nats-server side by side, file storage,
// 128-byte messages; prints msgs/s for both and the Tern/nats-server ratio, best of two alternating
// rounds, and the server's CPU time per message for async publish and consume (the steadier figure on a
// busy machine: wall-clock rates move with other load, and the JavaScript client is the bottleneck).
//   --quick           smaller counts (restart test with 100k messages instead of 1M)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cpuSeconds } from '../test-support/proc.js';
import { type RunningServer, startBuiltTernCli, startNatsServer } from '../test-support/servers.js';
import { rawAsyncPublish, rawPullConsume } from './raw-client.js';
import { removeDir } from './testing.js';

const quick = process.argv.includes('--quick');
const N_ASYNC = quick ? 50_000 : 200_000;
const N_SYNC = quick ? 2_000 : 10_000;
const N_KV = quick ? 2_000 : 10_000;
const N_RESTART = quick ? 100_000 : 1_000_000;
const payload = new Uint8Array(128);

type Start = (dir: string) => Promise<RunningServer>;
const TARGETS: Array<[string, Start]> = [
  ['tern', (dir) => startBuiltTernCli(['-js', '-sd', dir, '-a', '127.0.0.1', '-p', '-1'])],
  ['nats-server', (dir) => startNatsServer({}, ['-js', '-sd', dir])],
];

const ROUNDS = 2;

/** CPU time (user + system) of a process so far, in microseconds. */
const cpuMicros = (pid: number | undefined): number =>
  pid === undefined ? Number.NaN : cpuSeconds(pid) * 1e6;

/** Messages per second of `fn`; with `cpu`, also records the server's CPU microseconds per message. */
async function rate(
  n: number,
  fn: () => Promise<void>,
  cpu?: { server: RunningServer; out: Record<string, number>; key: string },
): Promise<number> {
  const c0 = cpu ? cpuMicros(cpu.server.child?.pid) : 0;
  const t0 = performance.now();
  await fn();
  const secs = (performance.now() - t0) / 1000;
  if (cpu) cpu.out[cpu.key] = (cpuMicros(cpu.server.child?.pid) - c0) / n;
  return n / secs;
}

async function asyncPublish(nc: NatsConnection, subject: string, n: number, inflight = 256): Promise<void> {
  const js = jetstream(nc);
  const pending = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const p = js.publish(subject, payload);
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => {});
    if (pending.size >= inflight) await Promise.race(pending);
  }
  await Promise.all(pending);
}

/**
 * The same short workload on a scratch stream before measuring, for both servers: Tern's JIT compiles its
 * hot paths in the first few thousand messages, which would otherwise be charged to the first scenario.
 */
async function warmUp(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await jsm.streams.add({ name: 'WARM', subjects: ['warm'], storage: StorageType.File });
  for (let i = 0; i < 1_000; i++) await js.publish('warm', payload);
  await asyncPublish(nc, 'warm', 10_000);
  await jsm.consumers.add('WARM', { durable_name: 'W', ack_policy: AckPolicy.Explicit });
  const c = await js.consumers.get('WARM', 'W');
  for (let n = 0; n < 11_000; ) {
    const batch = await c.fetch({ max_messages: 100, expires: 2000 });
    for await (const m of batch) {
      m.ack();
      n++;
    }
  }
  const kv = await new Kvm(nc).create('warm');
  for (let i = 0; i < 1_000; i++) {
    await kv.put(`k${i % 100}`, payload);
    await kv.get(`k${i % 100}`);
  }
  await kv.destroy();
  await jsm.streams.delete('WARM');
}

async function suite(start: Start): Promise<{ rates: Record<string, number>; cpu: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tern-jsbench-'));
  let server = await start(dir);
  const out: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  try {
    let nc = await connect({ servers: `${server.host}:${server.port}` });
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await warmUp(nc);
    await jsm.streams.add({ name: 'B', subjects: ['b'], storage: StorageType.File });
    out['sync publish'] = await rate(N_SYNC, async () => {
      for (let i = 0; i < N_SYNC; i++) await js.publish('b', payload);
    });
    out['async publish (256 in flight)'] = await rate(N_ASYNC, () => asyncPublish(nc, 'b', N_ASYNC), {
      server,
      out: cpu,
      key: 'async publish',
    });
    await jsm.consumers.add('B', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
    const total = N_SYNC + N_ASYNC;
    out['pull consume (batch 100)'] = await rate(
      total,
      async () => {
        const c = await js.consumers.get('B', 'C');
        let n = 0;
        while (n < total) {
          const batch = await c.fetch({ max_messages: 100, expires: 2000 });
          for await (const m of batch) {
            m.ack();
            n++;
          }
        }
      },
      { server, out: cpu, key: 'pull consume' },
    );
    // The same two scenarios with a raw-protocol client, so the server rather than the client is the limit.
    await jsm.streams.add({ name: 'RAW', subjects: ['raw'], storage: StorageType.File });
    out['async publish, raw client (256 in flight)'] = await rate(
      N_ASYNC,
      () => rawAsyncPublish(server.port, 'raw', payload, N_ASYNC, 256),
      { server, out: cpu, key: 'async publish, raw client' },
    );
    await jsm.consumers.add('RAW', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
    out['pull consume, raw client (batch 100)'] = await rate(
      N_ASYNC,
      () => rawPullConsume(server.port, 'RAW', 'C', N_ASYNC, 100),
      { server, out: cpu, key: 'pull consume, raw client' },
    );
    const kv = await new Kvm(nc).create('bench');
    out['kv put'] = await rate(N_KV, async () => {
      for (let i = 0; i < N_KV; i++) await kv.put(`k${i % 100}`, payload);
    });
    out['kv get'] = await rate(N_KV, async () => {
      for (let i = 0; i < N_KV; i++) await kv.get(`k${i % 100}`);
    });
    await jsm.streams.add({ name: 'R', subjects: ['r'], storage: StorageType.File });
    await asyncPublish(nc, 'r', N_RESTART);
    await nc.close();
    await server.stop();
    const t0 = performance.now();
    server = await start(dir);
    nc = await connect({ servers: `${server.host}:${server.port}` });
    const info = await (await jetstreamManager(nc)).streams.info('R');
    const secs = (performance.now() - t0) / 1000;
    if (info.state.messages !== N_RESTART)
      throw new Error(`restart kept ${info.state.messages}/${N_RESTART}`);
    // Reported as restarts per second so that, like the others, higher is better.
    out[`restart with ${N_RESTART} msgs (1/s)`] = 1 / secs;
    await nc.close();
  } finally {
    await server.stop();
    removeDir(dir);
  }
  return { rates: out, cpu };
}

// Best of ROUNDS, the two servers alternating, so a burst of other load hurts one round, not one server.
const best: Record<string, { rates: Record<string, number>; cpu: Record<string, number> }> = {};
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, start] of TARGETS) {
    console.log(`round ${round}/${ROUNDS}: ${name}...`);
    const r = await suite(start);
    const b = best[name] ?? { rates: {}, cpu: {} };
    best[name] = b;
    for (const [k, v] of Object.entries(r.rates)) b.rates[k] = Math.max(b.rates[k] ?? 0, v);
    for (const [k, v] of Object.entries(r.cpu)) b.cpu[k] = Math.min(b.cpu[k] ?? Number.POSITIVE_INFINITY, v);
  }
}
const tern = best.tern ?? { rates: {}, cpu: {} };
const nats = best['nats-server'] ?? { rates: {}, cpu: {} };
const fmt = (v: number) => v.toFixed(v < 10 ? 3 : 0);
console.log(
  `\n${'benchmark (msgs/s, higher is better)'.padEnd(40)}${'tern'.padStart(12)}${'nats-server'.padStart(14)}${'ratio'.padStart(8)}`,
);
for (const k of Object.keys(tern.rates)) {
  const a = tern.rates[k] ?? 0;
  const b = nats.rates[k] ?? 0;
  console.log(
    `${k.padEnd(40)}${fmt(a).padStart(12)}${fmt(b).padStart(14)}${(b ? a / b : 0).toFixed(2).padStart(8)}x`,
  );
}
console.log(
  `\n${'server CPU per message (us, lower is better)'.padEnd(52)}${'tern'.padStart(8)}${'nats-server'.padStart(14)}${'tern/nats'.padStart(11)}`,
);
for (const k of Object.keys(tern.cpu)) {
  const a = tern.cpu[k] ?? 0;
  const b = nats.cpu[k] ?? 0;
  console.log(
    `${k.padEnd(52)}${a.toFixed(1).padStart(8)}${b.toFixed(1).padStart(14)}${(b ? a / b : 0).toFixed(2).padStart(10)}x`,
  );
}
console.log(`\n(128-byte messages, file storage; best of ${ROUNDS} alternating rounds.)`);
