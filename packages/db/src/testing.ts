import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A PostgreSQL server that lives only as long as a test run. */
export interface ThrowawayPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/tern`, trust auth. */
  url: string;
  /** Stops the server immediately and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

const MISSING =
  'PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package `postgresql` ' +
  '(apt-get install -y postgresql)';

/** The newest `/usr/lib/postgresql/<ver>/bin` holding initdb and pg_ctl (Debian's layout). */
export function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  throw new Error(MISSING);
}

// Every stopper still pending, so a crashed test run does not leave a postmaster behind.
const live = new Set<() => void>();
let exitHookInstalled = false;

/** Starts a fresh PostgreSQL (initdb + pg_ctl) on a free loopback port with a `tern` database. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = pgBinDir();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUser() : undefined;
  // The postgres user must be able to reach the folder, so as root stay under a traversable base.
  const base = asRoot && !traversable(tmpdir()) ? '/tmp' : tmpdir();
  const dir = mkdtempSync(join(base, 'tern-pg-'));
  const data = join(dir, 'data');
  const as = (cmd: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  const pgCtl = join(bin, 'pg_ctl');
  let started = false;
  const stopSync = () => {
    if (started) {
      const cmd = owner ? 'runuser' : pgCtl;
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      spawnSync(cmd, owner ? ['-u', 'postgres', '--', pgCtl, ...args] : args, { stdio: 'ignore' });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  live.add(stopSync);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const stop of live) stop();
    });
  }
  try {
    if (owner) {
      chmodSync(dir, 0o700);
      chownSync(dir, owner.uid, owner.gid);
    }
    await as(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const options = [
        '-c listen_addresses=127.0.0.1',
        `-p ${port}`,
        `-k ${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
      ].join(' ');
      try {
        started = true;
        await as(pgCtl, [
          '-D',
          data,
          '-o',
          options,
          '-l',
          join(dir, 'server.log'),
          '-w',
          '-t',
          '30',
          'start',
        ]);
      } catch (err) {
        started = false;
        lastError = new Error(`pg_ctl start failed: ${(err as Error).message}\n${serverLog(dir)}`);
        continue; // most likely someone took the port between probe and bind
      }
      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query('CREATE DATABASE tern');
      } finally {
        await admin.end();
      }
      let stopping: Promise<void> | undefined;
      return {
        url: `postgresql://postgres@127.0.0.1:${port}/tern`,
        stop: () => {
          stopping ??= (async () => {
            live.delete(stopSync);
            if (started) {
              await as(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
              started = false;
            }
            rmSync(dir, { recursive: true, force: true });
          })();
          return stopping;
        },
      };
    }
    throw lastError;
  } catch (err) {
    live.delete(stopSync);
    stopSync();
    throw err;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`no "postgres" system user: ${MISSING}`);
  return { uid: Number(uid), gid: Number(gid) };
}

// True when every ancestor of `dir` can be searched by other users (o+x).
function traversable(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

function serverLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port')),
      );
    });
  });
}
