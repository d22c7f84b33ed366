// `npm run bench -- monitor [--streams=N] [--consumers=N] [--seconds=N] [--warmup=N] [--jsz-every=ms]
// [--db-minutes=N] [--profile=dir] [--node-option=flag] [--log=file] [--monitor=file] [--tern] [--pglite]`: one monitor scraping a
// nats-server with 1,000 streams and 5,000 consumers every 2 s. Measures the monitor's CPU share of
// one core and RSS while it scrapes, the database growth per day (extrapolated from the rollups one
// minute produces), and the p95 latency of GET /api/streams and of a 24 h GET /api/series query.
// Targets (issue 5): CPU < 10 % of one core, RSS < 300 MB, p95 < 100 ms; the figures end with one
// PASS/FAIL line per target and a verdict. The CPU share is measured from the moment the target is
// added (start-up included) unless --warmup says otherwise; the busiest 10 s are printed as well.
//
// The monitor runs as it is deployed: the compiled `dist/main.js` under plain `node`, in a child process
// configured through its environment. Its CPU time and memory are read from /proc/<pid>; everything the
// benchmark does itself (the load, the API requests, the database growth replay) stays in this process.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AckPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startServer } from '@tern/broker';
import { openDatabase } from '@tern/db';
import { startThrowawayPostgres } from '@tern/db/testing';
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
/**
 * `--profile=dir`: the monitor writes a CPU profile of its whole life (`--cpu-prof`) and a heap snapshot
 * at the end of the timed part (`--heapsnapshot-signal`) to dir.
 */
const PROFILE = process.argv.find((a) => a.startsWith('--profile='))?.split('=')[1];

/** `--node-option=flag` (repeatable): passed to the monitor's `node`, e.g. to try a V8 setting. */
const NODE_OPTIONS = process.argv.filter((a) => a.startsWith('--node-option=')).map((a) => a.slice(14));
/** `--log=file`: keep the monitor's output there (default: a temporary file, removed at the end). */
const LOG = process.argv.find((a) => a.startsWith('--log='))?.slice(6);

/** The window of the "busiest" CPU figure. */
const WINDOW_S = 10;
/** `--monitor=file`: another build of the monitor's entry point (e.g. of an earlier commit) to compare. */
const MAIN_JS = resolve(
  process.argv.find((a) => a.startsWith('--monitor='))?.slice(10) ??
    fileURLToPath(new URL('../dist/main.js', import.meta.url)),
);
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on every Linux port). */
const USER_HZ = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** CPU time (user + system, ms) and memory (bytes) of a process, from /proc. */
async function procStats(pid: number): Promise<{ cpuMs: number; rss: number; hwm: number }> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { cpuMs: (ticks * 1000) / USER_HZ, rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

interface MonitorProcess {
  child: ChildProcess;
  pid: number;
  base: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (graceful: pending rollups are written), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** Starts `node dist/main.js` with `env` and resolves once it listens; its output goes to `logFile`. */
async function startMonitor(env: Record<string, string>, nodeArgs: string[], cwd: string, logFile: string) {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: run \`npm run build\` in apps/monitor (or \`npm run bench\`)`);
  }
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Monitor listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.pipe(log);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`the monitor exited (${code}) before listening; see ${logFile}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid: child.pid!, base, exited, stop } satisfies MonitorProcess;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tern-bench-monitor-'));
  const nats = await startTarget(dir);
  const pg = PGLITE ? undefined : await startThrowawayPostgres();
  let monitor: MonitorProcess | undefined;
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

    // 2. The monitor, as an operator runs it.
    const dataDir = join(dir, 'monitor');
    await mkdir(dataDir);
    const password = randomBytes(12).toString('hex');
    const env: Record<string, string> = {
      MONITOR_HOST: '127.0.0.1',
      MONITOR_PORT: '0',
      TERN_DATA_DIR: dataDir,
      TERN_ADMIN_USER: 'bench',
      TERN_ADMIN_PASSWORD: password,
      SCRAPE_INTERVAL_MS: String(INTERVAL_MS),
      // A loaded 2-core machine may need more than the default 1.5 s for a 5,000-consumer /jsz.
      SCRAPE_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'warn',
    };
    if (pg) env.DATABASE_URL = pg.url;
    if (JSZ_EVERY_MS) env.SCRAPE_JSZ_INTERVAL_MS = String(JSZ_EVERY_MS);
    const profileDir = PROFILE ? resolve(PROFILE) : undefined;
    if (profileDir) await mkdir(profileDir, { recursive: true });
    const nodeArgs = [
      ...NODE_OPTIONS,
      ...(profileDir
        ? ['--cpu-prof', '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${profileDir}`]
        : []),
    ];
    const logFile = LOG ? resolve(LOG) : join(dir, 'monitor.log');
    monitor = await startMonitor(env, nodeArgs, profileDir ?? dir, logFile);
    const { base, pid } = monitor;
    // What the monitor holds before it scrapes anything: Node, Prisma with its query compiler (a
    // WebAssembly module instantiated by the first query, here creating the admin user), Fastify.
    await sleep(1_000);
    const idle = await procStats(pid);

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password }),
    });
    if (!login.ok) throw new Error(`login: HTTP ${login.status}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const api = async <T>(path: string, init?: { method: string; body: unknown }): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method: init?.method ?? 'GET',
        headers: {
          cookie,
          ...(init ? { 'content-type': 'application/json', 'x-csrf-token': csrfToken } : {}),
        },
        ...(init ? { body: JSON.stringify(init.body) } : {}),
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
      return JSON.parse(body) as T;
    };

    const atTarget = await procStats(pid);
    const targetAddedAt = performance.now();
    const target = await api<{ id: string }>('/api/targets', {
      method: 'POST',
      body: { name: 'bench', natsUrls: [nats.natsUrl], monitorUrls: [nats.monitorUrl] },
    });
    t = performance.now();
    while (
      (await api<{ total: number }>('/api/consumers?limit=1')).total < CONSUMERS &&
      performance.now() - t < 60_000
    ) {
      await sleep(200);
    }
    console.log(`first complete scrapes after ${((performance.now() - t) / 1000).toFixed(1)} s`);
    if (WARMUP_S > 0) await sleep(WARMUP_S * 1000);

    // 3. Steady state: the monitor's CPU share and RSS while it scrapes every 2 s.
    const jszRequests = async () => {
      const varz = (await (await fetch(`${nats.monitorUrl}/varz`)).json()) as {
        http_req_stats?: Record<string, number>;
      };
      return varz.http_req_stats?.['/jsz'];
    };
    const jsz0 = await jszRequests();
    const first = WARMUP_S > 0 ? await procStats(pid) : atTarget;
    const wall0 = WARMUP_S > 0 ? performance.now() : targetAddedAt;
    let maxRss = first.rss;
    // CPU time at each tick, for the busiest window: the start-up (the admin side listing and storing
    // every configuration) must not hide in a long average.
    const ticks: { at: number; cpuMs: number }[] = [{ at: wall0, cpuMs: first.cpuMs }];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      await sleep(500);
      const s = await procStats(pid);
      maxRss = Math.max(maxRss, s.rss);
      ticks.push({ at: performance.now(), cpuMs: s.cpuMs });
    }
    const last = ticks.at(-1)!;
    const wall = last.at - wall0;
    const cpuShare = (last.cpuMs - first.cpuMs) / wall;
    let busiest = 0;
    for (const a of ticks) {
      const b = ticks.find((x) => x.at - a.at >= WINDOW_S * 1000);
      if (b) busiest = Math.max(busiest, (b.cpuMs - a.cpuMs) / (b.at - a.at));
    }
    const jsz1 = await jszRequests();
    const jszEveryMs =
      jsz0 !== undefined && jsz1 !== undefined && jsz1 > jsz0
        ? (performance.now() - wall0) / (jsz1 - jsz0)
        : (JSZ_EVERY_MS ?? INTERVAL_MS * Math.max(1, Math.ceil((STREAMS + CONSUMERS) / 2_000)));
    if (profileDir) {
      monitor.child.kill('SIGUSR2');
      await sleep(5_000);
    }
    const afterRun = await procStats(pid);

    // 4. API latency over HTTP, as the console sees it.
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
    const afterApi = await procStats(pid);
    await monitor.stop();

    // 5. Database growth in steady state: the first minutes of a series are always written, later ones
    // only when they leave a line (see SeriesStore `rollupHeartbeatMs`). One scrape is taken here with the
    // monitor's own scraper and series store, replayed for DB_MINUTES simulated minutes (the bench's
    // server is idle: this is what scraping it would record), and the rows written over the last 10 of
    // them are counted. The monitor has stopped, so the database (PGlite too) is this process's now.
    const db = await openDatabase(pg ? { url: pg.url } : { dataDir: join(dataDir, 'pglite') });
    const rowsAt: number[] = [];
    let size = 0n;
    try {
      const scraper = new Scraper({ intervalMs: INTERVAL_MS, timeoutMs: 10_000 });
      const obs = createObservatory(scraper, db.prisma, OBSERVABILITY_DEFAULTS);
      let sample: VarzSample | undefined;
      scraper.on('sample', (s) => {
        sample = s;
      });
      scraper.setTarget({ id: target.id, name: 'bench', monitorUrls: [nats.monitorUrl], embedded: false });
      await scraper.scrapeNow();
      if (sample) {
        const t0 = Date.now() + 60_000;
        const jszEvery = Math.max(1, Math.round(jszEveryMs / INTERVAL_MS));
        for (let m = 0; m < DB_MINUTES; m++) {
          for (let i = 0; i < 60_000 / INTERVAL_MS; i++) {
            const at = t0 + m * 60_000 + i * INTERVAL_MS;
            obs.ingest({ ...sample, time: new Date(at), jszFresh: i % jszEvery === 0 });
            obs.aggregate(at);
          }
          await obs.store.maintain(t0 + (m + 1) * 60_000 + 1);
          rowsAt.push(await db.prisma.seriesPoint.count());
        }
      }
      await obs.stop();
      const [row] = await db.prisma.$queryRaw<
        { size: bigint }[]
      >`SELECT pg_total_relation_size('"SeriesPoint"') AS size`;
      size = row?.size ?? 0n;
    } finally {
      await db.close();
    }
    const rows = rowsAt.at(-1) ?? 0;
    const bytesPerRow = rows ? Number(size) / rows : 0;
    const span = Math.min(10, rowsAt.length - 1);
    const rowsPerMinute = span > 0 ? (rows - rowsAt[rowsAt.length - 1 - span]!) / span : 0;
    const perDay = rowsPerMinute * 1440 * bytesPerRow;

    console.log(
      `\nmonitor (node ${relative(process.cwd(), MAIN_JS)}, pid ${pid}) scraping ${nats.name} with ${STREAMS} streams / ${CONSUMERS} consumers every ${INTERVAL_MS / 1000} s (/jsz every ${(jszEveryMs / 1000).toFixed(0)} s${JSZ_EVERY_MS ? '' : ', adaptive'}), ${(wall / 1000).toFixed(0)} s measured${WARMUP_S ? ` after ${WARMUP_S} s of warm-up` : ' from the moment the target was added (start-up included)'}, database ${PGLITE ? 'PGlite' : 'PostgreSQL'}`,
    );
    console.log(
      `rollup rows/minute ${rowsPerMinute.toFixed(0)} (steady state, minutes ${DB_MINUTES - span + 1}-${DB_MINUTES} replayed), ${bytesPerRow.toFixed(0)} B/row`,
    );
    console.log(
      `p50: streams ${pct(streamsMs, 50).toFixed(1)} ms, series ${pct(seriesMs, 50).toFixed(1)} ms`,
    );
    console.log(
      `memory of the monitor: rss ${mb(idle.rss)} up with no target (Node, Prisma and its query compiler, Fastify); ` +
        `${mb(afterRun.rss)} at the end of the timed part, ${mb(afterApi.rss)} after the API requests; ` +
        `peak (VmHWM) ${mb(afterApi.hwm)}`,
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
    line('RSS (max while scraping)', mb(maxRss), '< 300 MB', maxRss < 300 * 1024 * 1024);
    line('RSS (peak, VmHWM, incl. API requests)', mb(afterApi.hwm), '');
    line('RSS (max) above the idle monitor', mb(maxRss - idle.rss), '');
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
    await monitor?.stop();
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
