// `npm run bench -- messages [--messages=N] [--replay=N] [--export=N] [--only=tern|nats-server]
// [--tern=process|in-process]`: the message browser, replay and export on a big stream, on Tern's broker and
// on nats-server side by side. Prints API times, throughputs and ratios. Tern runs as its own process
// (`tern-server`, as nats-server does) unless `--tern=in-process`, where it shares the monitor's event loop.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startServer } from '@tern/broker';
import type { MessageBrowseResponse, ReplayJob } from '@tern/contracts';
import { openDatabase } from '@tern/db';
import { buildApp } from '../src/app.js';
import { hashPassword } from '../src/auth/password.js';
import { SecretBox } from '../src/crypto.js';
import { startGoNats, startServerProcess } from '../src/messages/test-servers.js';
import { Scraper } from '../src/scrape/scraper.js';

const arg = (name: string, fallback: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : fallback;
};
const MESSAGES = arg('messages', 10_000_000);
const REPLAY = arg('replay', 500_000);
const EXPORT = arg('export', 200_000);
const TERN_MODE = process.argv.find((x) => x.startsWith('--tern='))?.split('=')[1] ?? 'process';
const ONLY = process.argv.find((x) => x.startsWith('--only='))?.split('=')[1];
const PAYLOAD = 128;

interface Server {
  name: string;
  natsUrl: string;
  monitorUrl: string;
  stop(): Promise<void>;
}

async function tern(): Promise<Server> {
  if (TERN_MODE !== 'in-process') {
    const cli = fileURLToPath(new URL('./cli.js', import.meta.resolve('@tern/broker')));
    const s = await startServerProcess('tern', process.execPath, [cli]);
    return { name: 'tern', ...s };
  }
  const storeDir = await mkdtemp(join(tmpdir(), 'tern-bench-msgs-'));
  const h = await startServer({ host: '127.0.0.1', port: -1, httpPort: -1, jetstream: true, storeDir });
  return {
    name: 'tern',
    natsUrl: `nats://127.0.0.1:${h.port}`,
    monitorUrl: `http://127.0.0.1:${h.httpPort}`,
    stop: async () => {
      await h.close();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

async function goNats(): Promise<Server> {
  const s = await startGoNats();
  return { name: 'nats-server', ...s };
}

/** Publishes `n` messages with pre-framed PUBs on a raw socket (the official client is the bottleneck otherwise). */
async function fill(natsUrl: string, n: number): Promise<void> {
  const url = new URL(natsUrl);
  const sock = netConnect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  let pongs = 0;
  let waiting: (() => void) | null = null;
  sock.on('data', (d: Buffer) => {
    const s = d.toString();
    const count = s.split('PONG').length - 1;
    pongs += count;
    if (count && waiting) waiting();
  });
  sock.write('CONNECT {"verbose":false,"pedantic":false}\r\n');
  const payload = randomBytes(PAYLOAD / 2).toString('hex');
  const BATCH = 5000;
  let sentPings = 0;
  for (let i = 0; i < n; i += BATCH) {
    const parts: string[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++)
      parts.push(`PUB bench.s${j % 16} ${PAYLOAD}\r\n${payload}\r\n`);
    parts.push('PING\r\n');
    sentPings++;
    if (!sock.write(parts.join(''))) await new Promise((r) => sock.once('drain', r));
    // Keep at most a few batches unacknowledged so the server's ingest keeps up.
    while (sentPings - pongs > 4) await new Promise<void>((r) => (waiting = r));
  }
  while (pongs < sentPings) await new Promise<void>((r) => (waiting = r));
  sock.destroy();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run(server: Server) {
  const nc = await connect({ servers: server.natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BENCH', subjects: ['bench.>'] });
  const t0 = performance.now();
  await fill(server.natsUrl, MESSAGES);
  for (;;) {
    const info = await jsm.streams.info('BENCH');
    if (info.state.messages >= MESSAGES) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const fillS = (performance.now() - t0) / 1000;
  console.log(`  [${server.name}] stored ${MESSAGES.toLocaleString()} messages in ${fillS.toFixed(1)} s`);

  const dir = await mkdtemp(join(tmpdir(), 'tern-bench-msgs-db-'));
  const db = await openDatabase({ dataDir: join(dir, 'pglite') });
  await db.prisma.user.create({
    data: { username: 'admin', role: 'admin', passwordHash: await hashPassword('benchmark-pass') },
  });
  const target = await db.prisma.target.create({
    data: { name: 'bench', natsUrls: [server.natsUrl], monitorUrls: [server.monitorUrl] },
  });
  const scraper = new Scraper({ intervalMs: 60_000, timeoutMs: 1000 });
  const app = await buildApp({ prisma: db.prisma, scraper, secretBox: new SecretBox(randomBytes(32)) });
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: 'benchmark-pass' },
  });
  const cookie = `tern_session=${login.cookies.find((c) => c.name === 'tern_session')?.value}`;
  const csrf = login.json<{ csrfToken: string }>().csrfToken;
  const base = `/api/messages/${target.id}`;

  let midTime = '';
  const page = async (query: string) => {
    const started = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: `${base}/streams/BENCH?${query}`,
      headers: { cookie },
    });
    const ms = performance.now() - started;
    const body = res.json<MessageBrowseResponse>();
    if (res.statusCode !== 200 || body.messages.length !== 100)
      throw new Error(`browse failed: ${res.body.slice(0, 200)}`);
    midTime ||= body.messages[0]?.time ?? '';
    return ms;
  };
  const times = async (query: string) => {
    const xs: number[] = [];
    for (let i = 0; i < 7; i++) xs.push(await page(query));
    return median(xs);
  };
  const midMs = await times(`limit=100&seq=${Math.floor(MESSAGES / 2)}`);
  const endMs = await times('limit=100');
  const filteredMs = await times('limit=100&subject=bench.s3');
  const jumpMs = await times(`limit=100&time=${encodeURIComponent(midTime)}`);

  const replayN = Math.min(REPLAY, MESSAGES);
  const created = await app.inject({
    method: 'POST',
    url: '/api/replay-jobs',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: {
      targetId: target.id,
      stream: 'BENCH',
      fromSeq: 1,
      toSeq: replayN,
      remapFrom: 'bench.>',
      remapTo: 'replayed.>',
      ratePerSec: 0,
      addMsgId: true,
    },
  });
  if (created.statusCode !== 201) throw new Error(`replay failed: ${created.body}`);
  const job = created.json<ReplayJob>();
  const r0 = performance.now();
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/replay-jobs/${job.id}`, headers: { cookie } });
    const j = res.json<ReplayJob>();
    if (j.status === 'completed') break;
    if (j.status === 'failed') throw new Error(`replay failed: ${j.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const replayRate = replayN / ((performance.now() - r0) / 1000);

  const exportN = Math.min(EXPORT, MESSAGES);
  const e0 = performance.now();
  const exported = await app.inject({
    method: 'GET',
    url: `${base}/streams/BENCH/export?fromSeq=1&toSeq=${exportN}`,
    headers: { cookie },
  });
  const exportS = (performance.now() - e0) / 1000;
  const exportMBs = exported.rawPayload.length / 1e6 / exportS;

  await app.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
  await nc.close();
  return { endMs, midMs, filteredMs, jumpMs, replayRate, exportMBs, exportMsgs: exportN / exportS };
}

const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const [name, start] of [
  ['tern', tern],
  ['nats-server', goNats],
] as const) {
  if (ONLY && ONLY !== name) continue;
  const server = await start();
  try {
    const mode =
      name === 'tern' ? ` (${TERN_MODE === 'in-process' ? 'in the monitor process' : 'own process'})` : '';
    console.log(`\n[${server.name}${mode}] ${MESSAGES.toLocaleString()} messages of ${PAYLOAD} B`);
    const r = await run(server);
    results[server.name] = r;
    console.log(`  first page of 100, from the end        ${r.endMs.toFixed(1)} ms (target < 200 ms)`);
    console.log(`  first page of 100, from the middle     ${r.midMs.toFixed(1)} ms (target < 200 ms)`);
    console.log(`  last 100 on one subject of 16          ${r.filteredMs.toFixed(1)} ms`);
    console.log(`  time jump + 100                        ${r.jumpMs.toFixed(1)} ms`);
    console.log(
      `  replay, no rate limit                  ${Math.round(r.replayRate).toLocaleString()} msgs/s (target >= 100,000 to Tern)`,
    );
    console.log(
      `  export                                 ${r.exportMBs.toFixed(1)} MB/s (${Math.round(r.exportMsgs).toLocaleString()} msgs/s)`,
    );
  } finally {
    await server.stop();
  }
}
const t = results.tern;
const g = results['nats-server'];
if (t && g) {
  console.log('\nTern / nats-server (API time: lower is better; throughput: higher is better)');
  console.log(
    `  page from end ${(t.endMs / g.endMs).toFixed(2)}  page from middle ${(t.midMs / g.midMs).toFixed(2)}`,
  );
  console.log(
    `  replay ${(t.replayRate / g.replayRate).toFixed(2)}  export ${(t.exportMBs / g.exportMBs).toFixed(2)}`,
  );
}
