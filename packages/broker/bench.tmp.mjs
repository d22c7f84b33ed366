import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
const nc = await connect({ servers: `127.0.0.1:${process.env.PORT}` });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
await jsm.streams.delete('BENCH').catch(() => {});
await jsm.streams.add({ name: 'BENCH', subjects: ['bench'], storage: 'file' });
const payload = new Uint8Array(128);
const N = 50000;
let t0 = performance.now();
let inflight = [];
for (let i = 0; i < N; i++) {
  inflight.push(js.publish('bench', payload));
  if (inflight.length >= 256) { await Promise.all(inflight); inflight = []; }
}
await Promise.all(inflight);
let dt = (performance.now() - t0) / 1000;
console.log('async publish', Math.round(N / dt), 'msg/s');
t0 = performance.now();
for (let i = 0; i < 2000; i++) await js.publish('bench', payload);
dt = (performance.now() - t0) / 1000;
console.log('sync publish', Math.round(2000 / dt), 'msg/s');
await jsm.consumers.add('BENCH', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
const c = await js.consumers.get('BENCH', 'C');
t0 = performance.now();
let n = 0;
const it = await c.consume({ max_messages: 100 });
for await (const m of it) { m.ack(); if (++n === N) break; }
dt = (performance.now() - t0) / 1000;
console.log('consume', Math.round(N / dt), 'msg/s');
await jsm.streams.delete('BENCH');
await nc.close();
