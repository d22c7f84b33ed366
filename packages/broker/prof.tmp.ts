import { startServer } from './src/index.js';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { rmSync } from 'node:fs';
rmSync('/tmp/jsprobe/prof', { recursive: true, force: true });
const h = await startServer({ port: -1, host: '127.0.0.1', jetstream: true, storeDir: '/tmp/jsprobe/prof' });
const nc = await connect({ servers: `127.0.0.1:${h.port}` });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
await jsm.streams.add({ name: 'BENCH', subjects: ['bench'], storage: 'file' });
const payload = new Uint8Array(128);
const N = 30000;
let inflight: Promise<unknown>[] = [];
for (let i = 0; i < N; i++) { inflight.push(js.publish('bench', payload)); if (inflight.length >= 256) { await Promise.all(inflight); inflight = []; } }
await Promise.all(inflight);
await jsm.consumers.add('BENCH', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
const c = await js.consumers.get('BENCH', 'C');
const t0 = performance.now();
let n = 0;
const it = await c.consume({ max_messages: 100 });
for await (const m of it) { m.ack(); if (++n === N) break; }
console.log('consume', Math.round(N / ((performance.now() - t0) / 1000)));
await nc.close(); await h.close();
