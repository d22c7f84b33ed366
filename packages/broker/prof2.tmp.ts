import { startServer } from './src/index.js';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { rmSync } from 'node:fs';
rmSync('/tmp/jsprobe/prof', { recursive: true, force: true });
const h = await startServer({ port: -1, host: '127.0.0.1', jetstream: true, storeDir: '/tmp/jsprobe/prof' });
for (let round = 0; round < 3; round++) {
  const nc = await connect({ servers: `127.0.0.1:${h.port}` });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await jsm.streams.delete('BENCH').catch(() => {});
  await jsm.streams.add({ name: 'BENCH', subjects: ['bench'], storage: 'file' });
  const payload = new Uint8Array(128);
  const N = 20000;
  let t0 = performance.now();
  let inflight: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) { inflight.push(js.publish('bench', payload)); if (inflight.length >= 256) { await Promise.all(inflight); inflight = []; } }
  await Promise.all(inflight);
  console.log(round, 'async', Math.round(N / ((performance.now() - t0) / 1000)));
  t0 = performance.now();
  for (let i = 0; i < 1000; i++) await js.publish('bench', payload);
  console.log(round, 'sync', Math.round(1000 / ((performance.now() - t0) / 1000)));
  await jsm.consumers.add('BENCH', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
  await jsm.streams.delete('BENCH');
  await nc.close();
}
await h.close();
