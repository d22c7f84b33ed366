// `npm run bench -- monitor [--streams=N] [--consumers=N] [--seconds=N] [--warmup=N] [--jsz-every=ms]
// [--db-minutes=N] [--profile=dir] [--tern] [--pglite]`: one monitor scraping a
// nats-server with 1,000 streams and 5,000 consumers every 2 s. Measures the monitor's CPU share of
// one core and RSS while it scrapes, the database growth per day (extrapolated from the rollups one
// minute produces), and the p95 latency of GET /api/streams and of a 24 h GET /api/series query.
// Targets (issue 5): CPU < 10 % of one core, RSS < 300 MB, p95 < 100 ms; the figures end with one
// PASS/FAIL line per target and a verdict. The CPU share is measured from the moment the target is
// added (start-up included) unless --warmup says otherwise; the busiest 10 s are printed as well.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { AckPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startServer } from '@tern/broker';
import { openDatabase } from '@tern/db';
import { startThrowawayPostgres } from '@tern/db/testing';
import { buildApp } from '../src/app.js';
import { hashPassword } from '../src/auth/password.js';
import { SecretBox } from '../src/crypto.js';
import { createObservatory, OBSERVABILITY_DEFAULTS } from '../src/routes/observability.js';
import { Scraper, type VarzSample } from '../src/scrape/scraper.js';
import { startNatsServer } from '../src/test-support/nats.js';

const arg = (name: string, fallback: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : fallback;
};
const STREAMS = arg('streams', 1_000);
const CONSUMERS = arg('consumers', 5_000);
const SECONDS = arg('seconds', 30);
// PostgreSQL is what a deployment of this size runs on; `--pglite` measures the embedded default
// (whose WASM PostgreSQL alone takes ~700-900 MB RSS).
const PGLITE = process.argv.includes('--pglite');
/** `--tern`: the same load on Tern's broker (JetStream on) instead of nats-server. */
const TERN = process.argv.includes('--tern');

async function startTarget(
  dir: string,
): Promise<{ name: string; natsUrl: string; monitorUrl: string; stop(): Promise<void> }> {
  if (!TERN) {
    const n = await startNatsServer({ args: ['-js', '-sd', join(dir, 'js')] });
    return { name: 'nats-server', ...n };
  }
  const h = await startServer({
    host: '127.0.0.1',
    port: -1,
    httpPort: -1,
    jetstream: true,
    storeDir: join(dir, 'js'),
  });
  return {
    name: "Tern's broker",
    natsUrl: `nats://127.0.0.1:${h.port}`,
    monitorUrl: `http://127.0.0.1:${h.httpPort}`,
    stop: () => h.close(),
  };
}
const INTERVAL_MS = 2_000;
/**
 * `--jsz-every=ms`: fetch streams and consumers at this fixed interval (SCRAPE_JSZ_INTERVAL_MS); by
 * default the scraper's own policy applies (every scrape up to 2,000 streams and consumers, less often above).
 */
const JSZ_EVERY_MS = process.argv.some((a) => a.startsWith('--jsz-every=')) ? arg('jsz-every', 0) : undefined;
/** `--db-minutes=N`: minutes of steady state replayed to measure database growth (default 15). */
const DB_MINUTES = arg('db-minutes', 15);
/**
 * `--warmup=s`: seconds to let the monitor settle before measuring (default 0). Right after a target is
 * added the admin side lists and stores every stream and consumer configuration once (6,000 writes here).
 */
const WARMUP_S = arg('warmup', 0);
/** `--profile=dir`: a CPU profile of the timed part and a heap snapshot at its end, written to dir. */
const PROFILE = process.argv.find((a) => a.startsWith('--profile='))?.split('=')[1];

/** The window of the "busiest" CPU figure. */
const WINDOW_S = 10;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tern-bench-monitor-'));
  const nats = await startTarget(dir);
  const pg = PGLITE ? undefined : await startThrowawayPostgres();
  const db = await openDatabase(pg ? { url: pg.url } : { dataDir: join(dir, 'pglite') });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    // 1. The load: streams with a few messages, consumers of which some consume a little (so lag moves).
    let t = performance.now();
    const nc = await connect({ servers: nats.natsUrl });
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const names = Array.from({ length: STREAMS }, (_, i) => `S${i}`);
    await pool(names, 32, async (name) => {
      await jsm.streams.add({ name, subjects: [`bench.${name}.>`], storage: StorageType.Memory });
      for (let m = 0; m < 10; m++) await js.publish(`bench.${name}.x`, 'x');
    });
    const consumers = Array.from({ length: CONSUMERS }, (_, i) => [names[i % STREAMS]!, `C${i}`] as const);
    await pool(consumers, 32, async ([stream, name]) => {
      await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit });
    });
    await nc.close();
    console.log(
      `setup: ${STREAMS} streams, ${CONSUMERS} consumers on ${nats.name} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const baseRss = process.memoryUsage().rss;
    // 2. The monitor, as main.ts builds it (in this process, so its CPU and memory are what we read).
    const scraper = new Scraper({
      intervalMs: INTERVAL_MS,
      timeoutMs: 10_000,
      ...(JSZ_EVERY_MS ? { jszEveryMs: JSZ_EVERY_MS } : {}),
    });
    let jszFetches = 0;
    let lastSample: VarzSample | undefined;
    scraper.on('sample', (s) => {
      lastSample = s;
      if (s.jszFresh) jszFetches++;
    });
    const obs = createObservatory(scraper, db.prisma, OBSERVABILITY_DEFAULTS);
    const password = randomBytes(12).toString('hex');
    await db.prisma.user.create({
      data: { username: 'bench', role: 'viewer', passwordHash: await hashPassword(password) },
    });
    app = await buildApp({
      prisma: db.prisma,
      scraper,
      secretBox: new SecretBox(randomBytes(32)),
      observability: { observatory: obs },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // What the monitor holds before it scrapes anything: Node, tsx, Prisma with its query compiler
    // (a WebAssembly module instantiated by the first query), Fastify, the benchmark's NATS client.
    const idleRss = process.memoryUsage().rss;
    const target = await db.prisma.target.create({
      data: { name: 'bench', natsUrls: [nats.natsUrl], monitorUrls: [nats.monitorUrl] },
    });
    scraper.setTarget({ id: target.id, name: target.name, monitorUrls: target.monitorUrls, embedded: false });
    scraper.start();
    t = performance.now();
    while ([...obs.store.lags(target.id)].length < CONSUMERS && performance.now() - t < 30_000) {
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`first complete scrapes after ${((performance.now() - t) / 1000).toFixed(1)} s`);

    if (WARMUP_S > 0) await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    // 3. Steady state: CPU share and RSS while scraping every 2 s (nothing else runs in this process).
    // Where the main thread's time goes: ingesting scrapes vs. writing rollups.
    let ingestMs = 0;
    let maintainMs = 0;
    const ingest = obs.ingest.bind(obs);
    obs.ingest = (sample) => {
      const s = performance.now();
      const out = ingest(sample);
      ingestMs += performance.now() - s;
      return out;
    };
    const maintain = obs.store.maintain.bind(obs.store);
    obs.store.maintain = (now?: number) => {
      const s = performance.now();
      const p = maintain(now);
      void p.finally(() => {
        maintainMs += performance.now() - s;
      });
      return p;
    };
    jszFetches = 0;
    const session = PROFILE ? new Session() : undefined;
    const post = (method: string, params?: object) =>
      new Promise<unknown>((resolve, reject) =>
        session!.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
      );
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    let maxRss = 0;
    // CPU time (µs) at each tick, for the busiest window: the start-up (the admin side listing and storing
    // every configuration) must not hide in a long average.
    const ticks: { at: number; cpu: number }[] = [{ at: wall0, cpu: 0 }];
    const sampler = setInterval(() => {
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
      const c = process.cpuUsage(cpu0);
      ticks.push({ at: performance.now(), cpu: c.user + c.system });
    }, 500);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    let busiest = 0;
    for (const a of ticks) {
      const b = ticks.find((x) => x.at - a.at >= WINDOW_S * 1000);
      if (b) busiest = Math.max(busiest, (b.cpu - a.cpu) / 1000 / (b.at - a.at));
    }
    if (session && PROFILE) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      await writeFile(join(PROFILE, 'monitor.cpuprofile'), JSON.stringify(profile));
      writeHeapSnapshot(join(PROFILE, 'monitor.heapsnapshot'));
    }
    const cpuShare = (cpu.user + cpu.system) / 1000 / wall;
    const split = `ingest ${((ingestMs / wall) * 100).toFixed(1)} % of wall time, rollup writes (wall, incl. waiting on the database) ${((maintainMs / wall) * 100).toFixed(1)} %`;
    const stats = obs.store.stats();

    const jszEvery = (wall / Math.max(1, jszFetches) / 1000).toFixed(0);

    // 5. API latency over HTTP, as the console sees it.
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const time = async (url: string, n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        const res = await fetch(`${base}${url}`, { headers: { cookie } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        ms.push(performance.now() - s);
      }
      return ms;
    };
    const now = Date.now();
    const streamsMs = await time('/api/streams?limit=100&sort=messages', 100);
    const consumersMs = await time('/api/consumers?limit=100', 50);
    const seriesMs = await time(
      `/api/series?metric=num_pending&target=${target.id}&entity=consumer:$G/S1/C1&from=${now - 86_400_000}&to=${now}`,
      50,
    );
    const aggMs = await time(
      `/api/series?metric=in_msgs_rate&target=*&entity=server:*&from=${now - 86_400_000}&to=${now}`,
      50,
    );

    // 4. Database growth in steady state: the first minutes of a series are always written, later ones
    // only when they leave a line (see SeriesStore `rollupHeartbeatMs`). So the last scrape is replayed
    // for DB_MINUTES simulated minutes after the timed part (the bench's server is idle: this is what
    // scraping it would record), and the rows written over the last 10 of them are counted.
    await scraper.stop();
    const rowsAt: number[] = [];
    if (lastSample) {
      const t0 = Date.now() + 60_000;
      const every = Math.max(INTERVAL_MS, Number(jszEvery) * 1000);
      for (let m = 0; m < DB_MINUTES; m++) {
        for (let t = 0; t < 60_000; t += every) {
          obs.ingest({ ...lastSample, time: new Date(t0 + m * 60_000 + t), jszFresh: true });
        }
        await obs.store.maintain(t0 + (m + 1) * 60_000 + 1);
        rowsAt.push(await db.prisma.seriesPoint.count());
      }
    }
    const [{ size }] = await db.prisma.$queryRaw<
      { size: bigint }[]
    >`SELECT pg_total_relation_size('"SeriesPoint"') AS size`;
    const rows = rowsAt.at(-1) ?? 0;
    const bytesPerRow = rows ? Number(size) / rows : 0;
    const span = Math.min(10, rowsAt.length - 1);
    const rowsPerMinute = span > 0 ? (rows - rowsAt[rowsAt.length - 1 - span]!) / span : 0;
    const perDay = rowsPerMinute * 1440 * bytesPerRow;

    const m = process.memoryUsage();
    console.log(
      `\nmonitor scraping ${nats.name} with ${STREAMS} streams / ${CONSUMERS} consumers every ${INTERVAL_MS / 1000} s (/jsz every ${jszEvery} s${JSZ_EVERY_MS ? '' : ', adaptive'}), ${SECONDS} s measured${WARMUP_S ? ` after ${WARMUP_S} s of warm-up` : ' from the moment the target was added (start-up included)'}, database ${PGLITE ? 'PGlite' : 'PostgreSQL'}`,
    );
    console.log(
      `series in memory ${stats.series}, points ${stats.points} (${mb(stats.bytes)}), rollup rows/minute ${rowsPerMinute.toFixed(0)} (steady state, minutes ${DB_MINUTES - span + 1}-${DB_MINUTES} replayed), ` +
        `${bytesPerRow.toFixed(0)} B/row`,
    );
    console.log(
      `p50: streams ${pct(streamsMs, 50).toFixed(1)} ms, series ${pct(seriesMs, 50).toFixed(1)} ms`,
    );
    console.log(`CPU split: ${split}`);
    if (TERN)
      console.log("Tern's broker runs in this process: its CPU and memory are included in the figures above");
    console.log(
      `memory: rss ${mb(baseRss)} before the monitor was built, ${mb(idleRss)} with the monitor up and no target ` +
        `(Node, tsx, Prisma and its query compiler, Fastify, the benchmark's NATS client); ` +
        `after the API and database runs: rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}`,
    );
    console.log(
      `load average during the run: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
    );

    const results: boolean[] = [];
    const line = (label: string, value: string, target: string, ok?: boolean) => {
      if (ok !== undefined) results.push(ok);
      console.log(
        `${label.padEnd(40)} ${value.padStart(12)}   ${target ? `target ${target.padEnd(8)} ${ok ? 'PASS' : 'FAIL'}` : ''}`,
      );
    };
    console.log('');
    line('CPU share of one core (whole run)', `${(cpuShare * 100).toFixed(1)} %`, '< 10 %', cpuShare < 0.1);
    line(`CPU share of one core (busiest ${WINDOW_S} s)`, `${(busiest * 100).toFixed(1)} %`, '');
    line('RSS (max)', mb(maxRss), '< 300 MB', maxRss < 300 * 1024 * 1024);
    line('RSS (max) above the idle monitor', mb(maxRss - idleRss), '');
    line('DB growth (steady state)', `${(perDay / 1e9).toFixed(2)} GB/day`, '');
    line('DB size at the 7-day retention', `${((perDay * 7) / 1e9).toFixed(1)} GB`, '');
    line(
      `p95 GET /api/streams (100 of ${STREAMS})`,
      `${pct(streamsMs, 95).toFixed(1)} ms`,
      '< 100 ms',
      pct(streamsMs, 95) < 100,
    );
    line(
      'p95 GET /api/consumers (100)',
      `${pct(consumersMs, 95).toFixed(1)} ms`,
      '< 100 ms',
      pct(consumersMs, 95) < 100,
    );
    line(
      'p95 GET /api/series 24 h consumer',
      `${pct(seriesMs, 95).toFixed(1)} ms`,
      '< 100 ms',
      pct(seriesMs, 95) < 100,
    );
    line('p95 GET /api/series 24 h all', `${pct(aggMs, 95).toFixed(1)} ms`, '< 100 ms', pct(aggMs, 95) < 100);
    const failed = results.filter((ok) => !ok).length;
    console.log(
      failed
        ? `\nFAIL: ${failed} of ${results.length} targets missed`
        : `\nPASS: all ${results.length} targets met`,
    );
  } finally {
    await app?.close();
    await db.close();
    await pg?.stop();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
