import { startServer } from './src/index.js';
const h = await startServer({ port: 14556, host: '127.0.0.1', jetstream: true, storeDir: '/tmp/jsprobe/tern' });
console.log('tern on', h.port);
process.on('SIGTERM', async () => { await h.close(); process.exit(0); });
