import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
const nc = await connect({ servers: `127.0.0.1:${process.env.PORT}` });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
await jsm.streams.delete('OCT').catch(() => {});
await jsm.streams.add({ name: 'OCT', subjects: ['oct'] });
for (let i = 0; i < 3000; i++) js.publish('oct', `m${i}`);
await js.publish('oct', 'last');
const si = await jsm.streams.info('OCT');
console.log('last', si.state.last_seq);
const reader = await js.consumers.get('OCT');
const it = await reader.consume({ max_messages: 1000 });
let n = 0;
const t = setTimeout(() => { console.log('stuck at', n); process.exit(1); }, 5000);
for await (const m of it) { n++; if (m.seq >= si.state.last_seq) break; }
clearTimeout(t);
console.log('read', n);
await nc.close();
