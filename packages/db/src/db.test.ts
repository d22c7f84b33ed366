import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  type Database,
  defaultMigrationsDir,
  type OpenDatabaseOptions,
  openDatabase,
  Prisma,
} from './index.js';
import { readMigrations } from './migrate.js';
import { expectedColumn, readSchemaModels } from './test-support/schema.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing.js';

/** A place to create isolated databases: every call to `fresh()` gives a new, empty one. */
interface Backend {
  kind: Database['kind'];
  fresh(): Promise<Pick<OpenDatabaseOptions, 'url' | 'dataDir'>>;
  cleanup(): Promise<void>;
}

const scratch = mkdtempSync(join(tmpdir(), 'tern-db-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function pgliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(scratch, 'pglite-'));
  let n = 0;
  return {
    kind: 'pglite',
    fresh: async () => ({ dataDir: join(dir, `db${n++}`) }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<Backend> {
  const server: ThrowawayPostgres = await startThrowawayPostgres();
  let n = 0;
  return {
    kind: 'postgres',
    fresh: async () => {
      const name = `t${n++}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      return { url: url.toString() };
    },
    cleanup: () => server.stop(),
  };
}

/** Opens a fresh database for the duration of `fn`, closing it even when `fn` throws. */
async function withDb<T>(
  backend: Backend,
  fn: (db: Database) => Promise<T>,
  opts: OpenDatabaseOptions = {},
): Promise<T> {
  const db = await openDatabase({ ...(await backend.fresh()), ...opts });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** A private copy of the migrations folder that a test may edit. */
function copyMigrations(): string {
  const dir = mkdtempSync(join(scratch, 'migrations-'));
  cpSync(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

const suites: [string, () => Promise<Backend>][] = [
  ['PGlite', pgliteBackend],
  ['PostgreSQL (throwaway server)', postgresBackend],
];

for (const [label, make] of suites) {
  describe(label, () => {
    let backend: Backend | undefined;
    let db: Database | undefined;
    const prisma = () => db!.prisma;

    before(async () => {
      backend = await make();
      db = await openDatabase(await backend.fresh());
    });
    after(async () => {
      try {
        await db?.close();
      } finally {
        await backend?.cleanup();
      }
    });

    test('opens the expected kind of database', () => {
      assert.equal(db!.kind, backend!.kind);
    });

    test('applies every migration to a fresh database and re-running is a no-op', async () => {
      const local = await readMigrations(defaultMigrationsDir());
      assert.ok(local.length > 0, 'prisma/migrations has at least one migration');
      const target = await backend!.fresh();
      const first = await openDatabase(target);
      let rows: Record<string, unknown>[];
      try {
        assert.deepEqual(
          first.appliedMigrations,
          local.map((m) => m.name),
        );
        rows = await first.prisma.$queryRawUnsafe(
          'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
        );
      } finally {
        await first.close();
      }
      assert.equal(rows.length, local.length);
      for (const [i, m] of local.entries()) {
        const row = rows[i]!;
        const onDisk = createHash('sha256')
          .update(readFileSync(join(defaultMigrationsDir(), m.name, 'migration.sql')))
          .digest('hex');
        assert.equal(row.migration_name, m.name);
        assert.equal(row.checksum, onDisk);
        assert.match(String(row.id), /^[0-9a-f-]{36}$/);
        assert.ok(row.finished_at instanceof Date, 'finished_at is set');
        assert.ok(row.started_at instanceof Date, 'started_at is set');
        assert.equal(row.rolled_back_at, null);
        assert.equal(Number(row.applied_steps_count), 1);
      }
      const second = await openDatabase(target);
      try {
        assert.deepEqual(second.appliedMigrations, []);
        const [count] = await second.prisma.$queryRawUnsafe<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM "_prisma_migrations"',
        );
        assert.equal(count!.n, local.length);
      } finally {
        await second.close();
      }
    });

    test('the migrated database matches every model and field of prisma/schema.prisma', async () => {
      const models = readSchemaModels();
      assert.ok(models.length >= 4);
      const columns = await prisma().$queryRawUnsafe<
        { table_name: string; column_name: string; udt_name: string; is_nullable: string; p: number | null }[]
      >(
        `SELECT table_name, column_name, udt_name, is_nullable, datetime_precision::int AS p
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      );
      const indexes = await prisma().$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
      );
      const fks = await prisma().$queryRawUnsafe<{ constraint_name: string }[]>(
        `SELECT constraint_name FROM information_schema.table_constraints
         WHERE table_schema = 'public' AND constraint_type = 'FOREIGN KEY'`,
      );
      const actual = new Map(columns.map((c) => [`${c.table_name}.${c.column_name}`, c]));
      const expected = new Set<string>();
      for (const model of models) {
        for (const field of model.fields) {
          const key = `${model.table}.${field.column}`;
          expected.add(key);
          const col = actual.get(key);
          assert.ok(col, `column ${key} (${model.name}.${field.name}) is missing from the migrated database`);
          const want = expectedColumn(field);
          assert.equal(col.udt_name, want.udt, `${key} type`);
          assert.equal(col.is_nullable, want.nullable ? 'YES' : 'NO', `${key} nullability`);
          if (want.precision !== undefined) assert.equal(Number(col.p), want.precision, `${key} precision`);
        }
        for (const idx of model.indexes) {
          const found = indexes.find((i) => i.indexname === idx.name);
          assert.ok(found, `index ${idx.name} is missing`);
          assert.equal(/CREATE UNIQUE INDEX/.test(found.indexdef), idx.unique, `${idx.name} uniqueness`);
        }
        for (const fk of model.foreignKeys) {
          assert.ok(
            fks.some((f) => f.constraint_name === fk),
            `foreign key ${fk} is missing`,
          );
        }
      }
      const extra = [...actual.keys()].filter((k) => !expected.has(k));
      assert.deepEqual(extra, [], 'columns in the database that the schema does not declare');
    });

    test('users and sessions: create, read back, cascade on delete', async () => {
      const user = await prisma().user.create({
        data: { username: `admin-${backend!.kind}`, passwordHash: 'x' },
      });
      assert.match(user.id, /^[0-9a-f-]{36}$/);
      assert.equal(user.role, 'admin');
      const expiresAt = new Date(Date.now() + 3_600_000);
      await prisma().session.create({
        data: { id: 'sha256-of-token', userId: user.id, csrfToken: 'csrf', expiresAt },
      });
      const loaded = await prisma().user.findUniqueOrThrow({
        where: { username: user.username },
        include: { sessions: true },
      });
      assert.equal(loaded.sessions.length, 1);
      assert.equal(loaded.sessions[0]!.expiresAt.getTime(), expiresAt.getTime());
      await assert.rejects(
        prisma().user.create({ data: { username: user.username, passwordHash: 'y' } }),
        (err) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002',
      );
      await prisma().user.delete({ where: { id: user.id } });
      assert.equal(await prisma().session.count({ where: { userId: user.id } }), 0);
    });

    test('targets: String[] arrays round-trip and updatedAt moves', async () => {
      const created = await prisma().target.create({
        data: {
          name: 'embedded',
          natsUrls: ['nats://127.0.0.1:4222', 'nats://[::1]:4222'],
          monitorUrls: ['http://127.0.0.1:8222'],
          embedded: true,
        },
      });
      assert.deepEqual(created.natsUrls, ['nats://127.0.0.1:4222', 'nats://[::1]:4222']);
      assert.equal(created.credentials, null);
      await new Promise((r) => setTimeout(r, 5));
      const updated = await prisma().target.update({
        where: { name: 'embedded' },
        data: { monitorUrls: { push: 'http://127.0.0.1:8223' }, credentials: 'v1:enc' },
      });
      assert.deepEqual(updated.monitorUrls, ['http://127.0.0.1:8222', 'http://127.0.0.1:8223']);
      assert.ok(updated.updatedAt > created.updatedAt);
      const found = await prisma().target.findMany({ where: { natsUrls: { has: 'nats://[::1]:4222' } } });
      assert.deepEqual(
        found.map((t) => t.id),
        [created.id],
      );
      const empty = await prisma().target.create({ data: { name: 'empty', natsUrls: [], monitorUrls: [] } });
      assert.deepEqual(empty.natsUrls, []);
    });

    test('audit records: BigInt ids, Json before/after, unique hash', async () => {
      const base = {
        actor: 'admin',
        action: 'target.create',
        objectType: 'target',
        objectId: 'x',
        result: 'ok',
      };
      const a = await prisma().auditRecord.create({
        data: { ...base, prevHash: '', hash: 'h1', after: { name: 'x', urls: ['nats://a'], n: 1, ok: true } },
      });
      const b = await prisma().auditRecord.create({
        data: { ...base, prevHash: 'h1', hash: 'h2', before: { name: 'x' }, after: Prisma.DbNull },
      });
      assert.equal(typeof a.id, 'bigint');
      assert.equal(b.id, a.id + 1n);
      assert.equal(a.source, 'tern');
      assert.equal(a.before, null);
      assert.deepEqual(a.after, { name: 'x', urls: ['nats://a'], n: 1, ok: true });
      assert.deepEqual(b.before, { name: 'x' });
      assert.equal(b.after, null);
      const list = await prisma().auditRecord.findMany({
        where: { objectType: 'target', objectId: 'x' },
        orderBy: { id: 'desc' },
      });
      assert.deepEqual(
        list.map((r) => r.hash),
        ['h2', 'h1'],
      );
      await assert.rejects(
        prisma().auditRecord.create({ data: { ...base, prevHash: 'h2', hash: 'h1' } }),
        (err) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002',
      );
    });

    test('refuses to start when an applied migration was edited', async () => {
      const dir = copyMigrations();
      const target = await backend!.fresh();
      await (await openDatabase({ ...target, migrationsDir: dir })).close();
      const [first] = await readMigrations(dir);
      appendFileSync(join(dir, first!.name, 'migration.sql'), '\n-- edited afterwards\n');
      await assert.rejects(
        openDatabase({ ...target, migrationsDir: dir }),
        (err: Error) =>
          err.name === 'MigrationError' &&
          err.message.includes(first!.name) &&
          err.message.includes('modified after it was applied'),
      );
      // The untouched folder is still accepted.
      await (await openDatabase(target)).close();
    });

    test('a failing migration is rolled back and not recorded', async () => {
      const dir = copyMigrations();
      const bad = join(dir, '99990101000000_broken');
      mkdirSync(bad);
      writeFileSync(
        join(bad, 'migration.sql'),
        'CREATE TABLE "Half" ("id" TEXT NOT NULL);\nSELECT * FROM "NoSuchTable";\n',
      );
      const target = await backend!.fresh();
      await assert.rejects(openDatabase({ ...target, migrationsDir: dir }), /99990101000000_broken failed/);
      await withDb(
        { ...backend!, fresh: async () => target },
        async (ok) => {
          const [half] = await ok.prisma.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'Half'`,
          );
          assert.equal(half!.n, 0);
          const names = await ok.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
            'SELECT migration_name FROM "_prisma_migrations"',
          );
          assert.ok(!names.some((r) => r.migration_name.endsWith('_broken')));
        },
        { migrate: false },
      );
    });

    test('refuses a database that has a migration this build does not know', async () => {
      const dir = copyMigrations();
      const extra = join(dir, '99990101000000_future');
      mkdirSync(extra);
      writeFileSync(join(extra, 'migration.sql'), 'SELECT 1;\n');
      const target = await backend!.fresh();
      await (await openDatabase({ ...target, migrationsDir: dir })).close();
      await assert.rejects(openDatabase(target), /99990101000000_future.*newer than this build/);
    });
  });
}

describe('PGlite folders', () => {
  test('data survives close and reopen; the lock is released', async () => {
    const dataDir = join(scratch, 'reopen');
    const first = await openDatabase({ dataDir });
    try {
      await first.prisma.target.create({ data: { name: 'kept', natsUrls: ['nats://a'], monitorUrls: [] } });
      assert.ok(existsSync(`${dataDir}.lock`));
      await assert.rejects(openDatabase({ dataDir }), /already open in this process/);
    } finally {
      await first.close();
    }
    assert.ok(!existsSync(`${dataDir}.lock`));
    const second = await openDatabase({ dataDir });
    try {
      assert.deepEqual(second.appliedMigrations, []);
      assert.equal(
        (await second.prisma.target.findUniqueOrThrow({ where: { name: 'kept' } })).natsUrls[0],
        'nats://a',
      );
    } finally {
      await second.close();
    }
  });

  test('a lock held by another live process is refused, a stale one is taken over', async () => {
    const dataDir = join(scratch, 'locked');
    writeFileSync(`${dataDir}.lock`, `${process.ppid}\n`);
    await assert.rejects(openDatabase({ dataDir }), new RegExp(`in use by process ${process.ppid}`));
    writeFileSync(`${dataDir}.lock`, '2147483646\n');
    await (await openDatabase({ dataDir, migrate: false })).close();
  });

  test('memory:// needs no folder', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      assert.equal(db.kind, 'pglite');
      assert.equal(await db.prisma.user.count(), 0);
    } finally {
      await db.close();
    }
  });
});

describe('openDatabase options', () => {
  test('rejects a URL that is not PostgreSQL, without echoing the password', async () => {
    await assert.rejects(openDatabase({ url: 'mysql://u:secret@h/db' }), (err: Error) => {
      assert.match(err.message, /postgres:\/\//);
      assert.ok(!err.message.includes('secret'));
      return true;
    });
  });

  test('an empty url falls back to PGlite in dataDir', async () => {
    const db = await openDatabase({ url: '', dataDir: 'memory://', migrate: false });
    try {
      assert.equal(db.kind, 'pglite');
    } finally {
      await db.close();
    }
  });
});
