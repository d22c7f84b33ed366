import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The smallest SQL surface the runner needs; implemented over PGlite and over one `pg` connection. */
export interface SqlExecutor {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
}

/** Result of a migration run. */
export interface MigrationResult {
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
  /** How many migrations were already applied before this run. */
  alreadyApplied: number;
}

/** Raised when the database and the migrations folder disagree; nothing is applied. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** The migrations folder that ships in the repository: `<repo>/prisma/migrations`. */
export const defaultMigrationsDir = (): string =>
  fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));

// Same key as Prisma's schema engine, so `prisma migrate deploy` and this runner serialise.
const ADVISORY_LOCK_KEY = 72707369;

// Prisma's own DDL for its bookkeeping table (schema-engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Reads `<dir>/<name>/migration.sql` for every migration folder, sorted by name (timestamp first). */
export async function readMigrations(dir: string): Promise<LocalMigration[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new MigrationError(`cannot read migrations folder ${dir}: ${(err as Error).message}`);
  }
  try {
    const lock = await readFile(join(dir, 'migration_lock.toml'), 'utf8');
    if (!/provider\s*=\s*"postgresql"/.test(lock)) {
      throw new MigrationError(`${join(dir, 'migration_lock.toml')} is not for provider "postgresql"`);
    }
  } catch (err) {
    if (err instanceof MigrationError) throw err;
  }
  const out: LocalMigration[] = [];
  for (const e of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, e.name, 'migration.sql'));
    } catch {
      continue; // Prisma ignores folders without a migration.sql too.
    }
    out.push({
      name: e.name,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return out;
}

/**
 * Applies pending migrations in order, each in its own transaction, recording Prisma-compatible
 * rows in `_prisma_migrations`. Refuses (before applying anything) if an applied migration's file
 * changed, if one is missing locally, or if a previous attempt failed.
 */
export async function applyMigrations(db: SqlExecutor, migrationsDir?: string): Promise<MigrationResult> {
  const dir = migrationsDir ?? defaultMigrationsDir();
  const local = await readMigrations(dir);
  await db.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await db.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `migration ${failed.migration_name} started but never finished; resolve it (prisma migrate resolve) before starting`,
      );
    }
    const byName = new Map(local.map((m) => [m.name, m]));
    const applied = new Set<string>();
    for (const row of rows) {
      const m = byName.get(row.migration_name);
      if (!m) {
        throw new MigrationError(
          `database has migration ${row.migration_name}, which is not in ${dir}: the database is newer than this build`,
        );
      }
      if (m.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${m.name} was modified after it was applied (checksum ${row.checksum} in the database, ` +
            `${m.checksum} on disk); restore the original file and add a new migration instead`,
        );
      }
      applied.add(m.name);
    }
    const result: MigrationResult = { applied: [], alreadyApplied: applied.size };
    for (const m of local) {
      if (applied.has(m.name)) continue;
      await db.exec('BEGIN');
      try {
        const id = randomUUID();
        await db.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 0)`,
          [id, m.checksum, m.name],
        );
        await db.exec(m.sql);
        await db.query(
          `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await db.exec('COMMIT');
      } catch (err) {
        await db.exec('ROLLBACK').catch(() => {});
        throw new MigrationError(`migration ${m.name} failed and was rolled back: ${(err as Error).message}`);
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => {});
  }
}
