/**
 * Core benchmark: tern-server (the built dist/cli.js) and nats-server side by side, driven by a load
 * generator that writes pre-framed protocol over raw sockets. Prints msgs/s, latency and RSS with the
 * Tern/nats-server ratio. A script, not a test: numbers depend on the machine.
 *
 *   npm run bench                       # all scenarios, ~3 s each
 *   npm run bench -- --seconds=5 --rounds=3 --only=pubsub,fanout
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, rss } from '../src/test-support/proc.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'dist', 'cli.js');
const NATS = process.env.TERN_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

const args = new Map(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      return (eq < 0 ? [body, 'true'] : [body.slice(0, eq), body.slice(eq + 1)]) as [string, string];
    }),
);
const SECONDS = Number(args.get('seconds') ?? 3);
const ONLY = args.get('only')?.split(',');
const PAYLOAD = 128;
/** Extra node flags for tern-server, e.g. `--tern-node-args=--cpu-prof` to profile the hot path. */
const NODE_ARGS = args.get('tern-node-args')?.split(' ').filter(Boolean) ?? [];
/** Rounds per scenario; the best round of each server is reported (the machine may be shared). */
const ROUNDS = Number(args.get('rounds') ?? 2);
const SERVERS = (args.get('servers')?.split(',') ?? ['tern', 'nats-server']) as ('tern' | 'nats-server')[];
const IDLE_CONNS = Number(args.get('conns') ?? 10_000);
const SUBS_PER_CONN = Number(args.get('subs-per-conn') ?? 10);

interface Srv {
  name: 'tern' | 'nats-server';
  port: number;
  pid: number;
  child: ChildProcess;
}

async function startServer(name: Srv['name']): Promise<Srv> {
  const common = ['-a', '127.0.0.1', '-p', '-1'];
  const child =
    name === 'tern'
      ? spawn(process.execPath, [...NODE_ARGS, CLI, ...common], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(NATS, common, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /Listening for client connections on [^:]+:(\d+)/.exec(log);
      if (m && log.includes('Server is ready')) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`${name} exited (${c}): ${log}`)));
  });
  return { name, port, pid: child.pid!, child };
}

async function stopServer(s: Srv): Promise<void> {
  if (s.child.exitCode !== null) return;
  const done = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await done;
}

/** A raw connection: counts MSG frames by scanning for the fixed-size frames the scenarios use. */
class Conn {
  readonly sock: Socket;
  received = 0;
  private pongWaiters: (() => void)[] = [];
  private onMsg: ((chunk: Buffer) => void) | null = null;
  private tail = Buffer.alloc(0);

  private constructor(sock: Socket) {
    this.sock = sock;
    sock.setNoDelay(true);
  }

  static async open(port: number): Promise<Conn> {
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const c = new Conn(sock);
    sock.on('data', (d: Buffer) => c.data(d));
    sock.on('error', () => {});
    sock.write('CONNECT {"verbose":false,"pedantic":false,"echo":false}\r\n');
    await c.ping();
    return c;
  }

  /** Counts messages of a known frame size; PONGs are found by scanning the data. */
  frameSize = 0;
  private partial = 0;

  private data(d: Buffer): void {
    if (this.onMsg) {
      this.onMsg(d);
      return;
    }
    if (this.frameSize > 0) {
      // Fast path: everything is MSG frames of frameSize bytes, except rare PING/PONG/INFO lines.
      let len = d.length + this.partial;
      if (d.indexOf('PONG\r\n') >= 0) {
        len -= 6;
        this.resolvePong();
      }
      if (d.indexOf('PING\r\n') >= 0) {
        len -= 6;
        this.sock.write('PONG\r\n');
      }
      this.received += Math.floor(len / this.frameSize);
      this.partial = len % this.frameSize;
      return;
    }
    const s = Buffer.concat([this.tail, d]);
    let i = 0;
    for (;;) {
      const j = s.indexOf('\r\n', i);
      if (j < 0) break;
      const line = s.toString('latin1', i, j);
      if (line === 'PONG') this.resolvePong();
      else if (line === 'PING') this.sock.write('PONG\r\n');
      i = j + 2;
    }
    this.tail = s.subarray(i);
  }

  private resolvePong(): void {
    const w = this.pongWaiters.shift();
    if (w) w();
  }

  ping(): Promise<void> {
    return new Promise((resolve) => {
      this.pongWaiters.push(resolve);
      this.sock.write('PING\r\n');
    });
  }

  setRaw(f: (chunk: Buffer) => void): void {
    this.onMsg = f;
  }

  close(): void {
    this.sock.destroy();
  }
}

function frame(subject: string, n: number, reply = ''): Buffer {
  const payload = 'x'.repeat(PAYLOAD);
  const one = `PUB ${subject} ${reply ? `${reply} ` : ''}${PAYLOAD}\r\n${payload}\r\n`;
  return Buffer.from(one.repeat(n), 'latin1');
}
const msgFrameSize = (subject: string, sid: string) =>
  `MSG ${subject} ${sid} ${PAYLOAD}\r\n`.length + PAYLOAD + 2;

/** Writes `batch` (holding `per` messages) while `more()` says so, honouring backpressure. */
async function pump(c: Conn, batch: Buffer, per: number, more: (sent: number) => boolean): Promise<number> {
  let sent = 0;
  while (more(sent)) {
    if (!c.sock.write(batch)) await new Promise((r) => c.sock.once('drain', r));
    sent += per;
  }
  return sent;
}

const yieldIO = () => new Promise((r) => setImmediate(r));

/** Publishes for SECONDS; with subscribers, keeps at most `window` messages in flight to the slowest. */
async function throughput(
  port: number,
  subs: { subject: string; queue?: string; count: number },
): Promise<{ published: number; delivered: number; seconds: number }> {
  const receivers: Conn[] = [];
  for (let i = 0; i < subs.count; i++) {
    const c = await Conn.open(port);
    c.sock.write(`SUB ${subs.subject} ${subs.queue ? `${subs.queue} ` : ''}1\r\n`);
    await c.ping();
    c.frameSize = msgFrameSize(subs.subject, '1');
    receivers.push(c);
  }
  const pub = await Conn.open(port);
  const per = 256;
  const batch = frame(subs.subject, per);
  const window = 50_000;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  const fanout = subs.queue ? 1 : Math.max(1, subs.count);
  const delivered = () => receivers.reduce((a, c) => a + c.received, 0);
  let published = 0;
  while (performance.now() < deadline) {
    if (receivers.length > 0) {
      // Flow control on the slowest path: in-flight = published*fanout - delivered.
      while (published * fanout - delivered() > window * fanout) {
        await yieldIO();
        if (performance.now() >= deadline) break;
      }
    }
    published += await pump(pub, batch, per, (sent) => sent < per * 16);
    await yieldIO();
  }
  await pub.ping();
  // Let deliveries finish (bounded by the in-flight window).
  const total = published * fanout;
  const drainDeadline = performance.now() + 10_000;
  while (receivers.length > 0 && delivered() < total && performance.now() < drainDeadline) await yieldIO();
  const seconds = (performance.now() - start) / 1000;
  const out = { published, delivered: delivered(), seconds };
  pub.close();
  for (const r of receivers) r.close();
  return out;
}

async function requestReply(port: number): Promise<{ p50: number; p99: number; n: number }> {
  const responder = await Conn.open(port);
  responder.sock.write('SUB svc 1\r\n');
  await responder.ping();
  // The responder echoes each request to its reply subject: parse `MSG svc 1 <reply> <n>`.
  let rtail = Buffer.alloc(0);
  responder.setRaw((d) => {
    const s = rtail.length ? Buffer.concat([rtail, d]) : d;
    let i = 0;
    const out: string[] = [];
    for (;;) {
      const j = s.indexOf('\r\n', i);
      if (j < 0) break;
      const line = s.toString('latin1', i, j);
      if (line.startsWith('MSG ')) {
        const parts = line.split(' ');
        const n = Number(parts[parts.length - 1]);
        if (s.length < j + 2 + n + 2) break;
        out.push(`PUB ${parts[3]} ${n}\r\n${s.toString('latin1', j + 2, j + 2 + n)}\r\n`);
        i = j + 2 + n + 2;
      } else {
        if (line === 'PING') out.push('PONG\r\n');
        i = j + 2;
      }
    }
    rtail = Buffer.from(s.subarray(i));
    if (out.length) responder.sock.write(out.join(''));
  });
  const req = await Conn.open(port);
  req.sock.write('SUB inbox.> 1\r\n');
  await req.ping();
  const frameLen = msgFrameSize('inbox.r', '1');
  let got = 0;
  let waiter: (() => void) | null = null;
  req.setRaw((d) => {
    got += d.length;
    if (got >= frameLen && waiter) {
      got -= frameLen;
      const w = waiter;
      waiter = null;
      w();
    }
  });
  const request = frame('svc', 1, 'inbox.r');
  const lat: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  while (performance.now() < deadline) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      waiter = resolve;
      req.sock.write(request);
    });
    lat.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  lat.sort((a, b) => a - b);
  responder.close();
  req.close();
  return { p50: lat[Math.floor(lat.length * 0.5)]!, p99: lat[Math.floor(lat.length * 0.99)]!, n: lat.length };
}

async function idleFootprint(srv: Srv): Promise<{ peak: number; conns: number; subs: number }> {
  const socks: Socket[] = [];
  const subsFrame = Array.from({ length: SUBS_PER_CONN }, (_, i) => `SUB idle.${i}.* ${i + 1}\r\n`).join('');
  let ready = 0;
  const batch = 500;
  for (let i = 0; i < IDLE_CONNS; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, IDLE_CONNS - i) }, async () => {
        const s = connect(srv.port, '127.0.0.1');
        s.on('error', () => {});
        socks.push(s);
        await new Promise<void>((resolve) => {
          let buf = '';
          s.on('data', (d: Buffer) => {
            buf += d.toString('latin1');
            if (buf.includes('PONG\r\n')) {
              ready++;
              s.removeAllListeners('data');
              s.on('data', (dd: Buffer) => {
                if (dd.includes('PING\r\n')) s.write('PONG\r\n');
              });
              resolve();
            }
          });
          s.write(`CONNECT {"verbose":false}\r\n${subsFrame}PING\r\n`);
        });
      }),
    );
  }
  const { peak } = rss(srv.pid);
  for (const s of socks) s.destroy();
  return { peak, conns: ready, subs: ready * SUBS_PER_CONN };
}

type Row = { scenario: string; unit: string; tern: number; nats: number; better: 'higher' | 'lower' };

const fmt = (n: number, unit: string) => {
  if (unit === 'MB') return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (unit === 'µs') return `${n.toFixed(0)} µs`;
  if (unit === 'cpu') return `${n.toFixed(2)} µs`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M/s`;
  return `${(n / 1e3).toFixed(0)}k/s`;
};

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    console.error(`missing ${CLI}; run \`npm run build\` in packages/broker first`);
    process.exit(1);
  }
  const want = (s: string) => !ONLY || ONLY.includes(s);
  const results = new Map<string, Map<string, number>>();
  /** Keeps the best of the rounds: the highest rate, the lowest latency, RSS and CPU. */
  const put = (server: string, k: string, v: number, better: 'higher' | 'lower') => {
    if (!results.has(k)) results.set(k, new Map());
    const m = results.get(k)!;
    const prev = m.get(server);
    if (prev === undefined || (better === 'higher' ? v > prev : v < prev)) m.set(server, v);
  };
  // Scenario-major and alternating servers, so a burst of load from elsewhere hits both alike.
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`-- round ${round}/${ROUNDS}`);
    for (const name of SERVERS) {
      if (!want('pub')) break;
      const s = await startServer(name);
      const cpu0 = cpuSeconds(s.pid);
      const r = await throughput(s.port, { subject: 'bench', count: 0 });
      const cpuPer = ((cpuSeconds(s.pid) - cpu0) / r.published) * 1e6;
      put(name, 'pub', r.published / r.seconds, 'higher');
      put(name, 'pub-cpu', cpuPer, 'lower');
      console.log(
        `   ${name.padEnd(12)} pub-only          ${fmt(r.published / r.seconds, 'msgs')}  (server CPU ${cpuPer.toFixed(2)} µs/msg)`,
      );
      await stopServer(s);
    }
    for (const [key, label, count, queue] of [
      ['pubsub', '1:1 pub+sub', 1, undefined],
      ['fanout', '1:5 fan-out', 5, undefined],
      ['queue', 'queue group of 3', 3, 'q'],
    ] as const) {
      if (!want(key)) continue;
      for (const name of SERVERS) {
        const s = await startServer(name);
        const cpu0 = cpuSeconds(s.pid);
        const r = await throughput(s.port, { subject: 'bench', count, queue });
        const cpuPer = ((cpuSeconds(s.pid) - cpu0) / Math.max(1, r.delivered)) * 1e6;
        put(name, key, r.delivered / r.seconds, 'higher');
        put(name, `${key}-cpu`, cpuPer, 'lower');
        console.log(
          `   ${name.padEnd(12)} ${label.padEnd(17)} ${fmt(r.delivered / r.seconds, 'msgs')} delivered (${r.delivered}/${r.published * (queue ? 1 : count)}, server CPU ${cpuPer.toFixed(2)} µs/msg)`,
        );
        await stopServer(s);
      }
    }
    for (const name of SERVERS) {
      if (!want('reqrep')) break;
      const s = await startServer(name);
      const r = await requestReply(s.port);
      put(name, 'p50', r.p50, 'lower');
      put(name, 'p99', r.p99, 'lower');
      console.log(
        `   ${name.padEnd(12)} request-reply     p50 ${r.p50.toFixed(0)} µs, p99 ${r.p99.toFixed(0)} µs (${r.n} requests)`,
      );
      await stopServer(s);
    }
  }
  for (const name of SERVERS) {
    if (!want('idle')) break;
    const s = await startServer(name);
    const r = await idleFootprint(s);
    put(name, 'rss', r.peak, 'lower');
    console.log(
      `   ${name.padEnd(12)} idle footprint    ${fmt(r.peak, 'MB')} peak RSS with ${r.conns} connections, ${r.subs} subscriptions`,
    );
    await stopServer(s);
  }
  const rows: Row[] = [
    { scenario: 'pub-only msgs/s', unit: 'msgs', better: 'higher', tern: 0, nats: 0 },
    { scenario: '1:1 pub+sub delivered msgs/s', unit: 'msgs', better: 'higher', tern: 0, nats: 0 },
    { scenario: '1:5 fan-out delivered msgs/s', unit: 'msgs', better: 'higher', tern: 0, nats: 0 },
    { scenario: 'queue group of 3 msgs/s', unit: 'msgs', better: 'higher', tern: 0, nats: 0 },
    { scenario: 'request-reply p50', unit: 'µs', better: 'lower', tern: 0, nats: 0 },
    { scenario: 'request-reply p99', unit: 'µs', better: 'lower', tern: 0, nats: 0 },
    {
      scenario: `peak RSS, ${IDLE_CONNS} conns/${IDLE_CONNS * SUBS_PER_CONN} subs`,
      unit: 'MB',
      better: 'lower',
      tern: 0,
      nats: 0,
    },
  ];
  rows.push(
    { scenario: 'server CPU per published msg (pub-only)', unit: 'cpu', better: 'lower', tern: 0, nats: 0 },
    { scenario: 'server CPU per delivered msg (1:1)', unit: 'cpu', better: 'lower', tern: 0, nats: 0 },
    { scenario: 'server CPU per delivered msg (1:5)', unit: 'cpu', better: 'lower', tern: 0, nats: 0 },
  );
  const keys = [
    'pub',
    'pubsub',
    'fanout',
    'queue',
    'p50',
    'p99',
    'rss',
    'pub-cpu',
    'pubsub-cpu',
    'fanout-cpu',
  ];
  console.log(
    `\n${'scenario'.padEnd(40)}${'tern'.padStart(14)}${'nats-server'.padStart(14)}${'tern/nats'.padStart(11)}`,
  );
  rows.forEach((row, i) => {
    const m = results.get(keys[i]!);
    if (!m) return;
    const t = m.get('tern') ?? 0;
    const n = m.get('nats-server') ?? 0;
    const ratio = n > 0 ? t / n : 0;
    console.log(
      `${row.scenario.padEnd(40)}${fmt(t, row.unit).padStart(14)}${fmt(n, row.unit).padStart(14)}${`${ratio.toFixed(2)}x`.padStart(11)}`,
    );
  });
  console.log(
    `\n(${PAYLOAD}-byte payloads, ${SECONDS} s per scenario, best of ${ROUNDS} alternating rounds; ratios > 1 are better for msgs/s, < 1 for latency, RSS and CPU.` +
      ' CPU per message is the steadier figure on a busy machine: wall-clock rates move with other load.)',
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
