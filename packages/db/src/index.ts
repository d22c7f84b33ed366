import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.js';
import { applyMigrations, type MigrationResult, type SqlExecutor } from './migrate.js';

export type { AuditRecord, Session, Target, User } from './generated/client.js';
export { Prisma, PrismaClient } from './generated/client.js';
export {
  applyMigrations,
  defaultMigrationsDir,
  MigrationError,
  type MigrationResult,
  type SqlExecutor,
} from './migrate.js';

/** Where the database lives: a PostgreSQL URL, or else a PGlite folder (`memory://` for in-memory). */
export interface OpenDatabaseOptions {
  /** `postgres://` or `postgresql://` URL; when empty or absent, PGlite in `dataDir` is used. */
  url?: string;
  /** PGlite data folder (created if missing), or `memory://`. */
  dataDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Override the migrations folder (default: the repository's `prisma/migrations`). */
  migrationsDir?: string;
}

/** An open database: the Prisma client plus what is needed to release it. */
export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  /** Migrations applied while opening (empty when up to date or `migrate: false`). */
  appliedMigrations: string[];
  /** Disconnects Prisma and, for PGlite, closes the instance and releases its folder. */
  close(): Promise<void>;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Opens the history store, applying migrations unless `migrate: false`. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const url = opts.url?.trim();
  if (url) {
    if (!POSTGRES_URL.test(url)) {
      throw new Error(
        `unsupported database URL "${redact(url)}": expected postgres:// or postgresql://, or leave it unset for embedded PGlite`,
      );
    }
    return openPostgres(url, opts);
  }
  if (!opts.dataDir) throw new Error('openDatabase needs a postgres url or a PGlite dataDir');
  return openPGlite(opts.dataDir, opts);
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  let migrations: MigrationResult | undefined;
  if (opts.migrate !== false) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      migrations = await applyMigrations(pgExecutor(client), opts.migrationsDir);
    } finally {
      await client.end();
    }
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  let closing: Promise<void> | undefined;
  return {
    prisma,
    kind: 'postgres',
    appliedMigrations: migrations?.applied ?? [],
    close: () => {
      closing ??= prisma.$disconnect();
      return closing;
    },
  };
}

// PGlite has no cross-process lock on its folder and two instances on one folder corrupt it, so we
// keep a per-process registry plus a `<dataDir>.lock` file holding the owner's pid.
const openFolders = new Set<string>();

async function openPGlite(dataDir: string, opts: OpenDatabaseOptions): Promise<Database> {
  const memory = dataDir === 'memory://' || dataDir.startsWith('memory://');
  const dir = memory ? dataDir : resolve(dataDir);
  let release = () => {};
  if (!memory) {
    if (openFolders.has(dir)) throw new Error(`PGlite folder ${dir} is already open in this process`);
    mkdirSync(dir, { recursive: true });
    const lockFile = acquireLock(`${dir}.lock`);
    openFolders.add(dir);
    release = () => {
      openFolders.delete(dir);
      rmSync(lockFile, { force: true });
    };
  }
  let pglite: PGlite | undefined;
  try {
    pglite = memory ? await PGlite.create() : await PGlite.create(dir);
    const migrations =
      opts.migrate === false ? undefined : await applyMigrations(pgliteExecutor(pglite), opts.migrationsDir);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const instance = pglite;
    let closing: Promise<void> | undefined;
    return {
      prisma,
      kind: 'pglite',
      appliedMigrations: migrations?.applied ?? [],
      close: () => {
        closing ??= (async () => {
          try {
            await prisma.$disconnect();
          } finally {
            try {
              if (!instance.closed) await instance.close();
            } finally {
              release();
            }
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    try {
      if (pglite && !pglite.closed) await pglite.close();
    } finally {
      release();
    }
    throw err;
  }
}

function acquireLock(lockFile: string): string {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return lockFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `PGlite folder ${lockFile.slice(0, -'.lock'.length)} is in use by process ${pid} (lock file ${lockFile})`,
        );
      }
      rmSync(lockFile, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`cannot acquire ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    exec: async (sql: string) => {
      await db.exec(sql);
    },
  };
}

function pgExecutor(client: pg.Client): SqlExecutor {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}
