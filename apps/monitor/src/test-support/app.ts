import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionResponse } from '@tern/contracts';
import { type Database, openDatabase } from '@tern/db';
import { startThrowawayPostgres } from '@tern/db/testing';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../app.js';
import { hashPassword } from '../auth/password.js';
import { SecretBox } from '../crypto.js';
import { Scraper } from '../scrape/scraper.js';

/** A database the test owns, removed by `dispose`. */
export interface TestDatabase {
  db: Database;
  dispose(): Promise<void>;
}

/** The database kinds every DB-backed behaviour is tested on. */
export const backends: { name: string; open(): Promise<TestDatabase> }[] = [
  {
    name: 'PGlite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'tern-monitor-'));
      const db = await openDatabase({ dataDir: join(dir, 'pglite') });
      return {
        db,
        dispose: async () => {
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const pg = await startThrowawayPostgres();
      try {
        const db = await openDatabase({ url: pg.url });
        return {
          db,
          dispose: async () => {
            await db.close();
            await pg.stop();
          },
        };
      } catch (err) {
        await pg.stop();
        throw err;
      }
    },
  },
];

export const PASSWORD = 'correct horse battery staple';

/** Builds the app on `db` with an admin and a viewer (password PASSWORD). The database outlives the app. */
export async function testApp(
  db: Database,
  overrides: Partial<AppDeps> = {},
): Promise<{ app: FastifyInstance; scraper: Scraper }> {
  const passwordHash = await hashPassword(PASSWORD);
  for (const [username, role] of [
    ['admin', 'admin'],
    ['viewer', 'viewer'],
  ] as const) {
    await db.prisma.user.upsert({
      where: { username },
      create: { username, role, passwordHash },
      update: {},
    });
  }
  const scraper = new Scraper({ intervalMs: 200, timeoutMs: 1000 });
  scraper.start();
  const app = await buildApp({
    prisma: db.prisma,
    scraper,
    secretBox: new SecretBox(randomBytes(32)),
    validationTimeoutMs: 2000,
    ...overrides,
  });
  return { app, scraper };
}

/** A logged-in client: sends the session cookie, and the CSRF header on mutations. */
export interface Client {
  csrfToken: string;
  cookie: string;
  headers(mutating?: boolean): Record<string, string>;
}

// Each login comes from its own address so tests never trip the per-IP login rate limit.
let nextIp = 1;
export async function login(app: FastifyInstance, username: string): Promise<Client> {
  const ip = `10.200.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: PASSWORD },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'tern_session');
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken } = res.json<SessionResponse>();
  const header = `tern_session=${cookie.value}`;
  return {
    csrfToken,
    cookie: header,
    headers: (mutating = false): Record<string, string> =>
      mutating ? { cookie: header, 'x-csrf-token': csrfToken } : { cookie: header },
  };
}
