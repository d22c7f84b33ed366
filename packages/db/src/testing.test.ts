import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { pgBinDir, startThrowawayPostgres } from './testing.js';

test('pgBinDir finds initdb and pg_ctl', () => {
  const bin = pgBinDir();
  assert.ok(existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
});

test('a throwaway PostgreSQL serves its URL, and stop() really stops it', async () => {
  const server = await startThrowawayPostgres();
  try {
    assert.match(server.url, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/tern$/);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    assert.equal(rows[0]!.db, 'tern');
  } finally {
    await server.stop();
  }
  await server.stop(); // idempotent
  const again = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
  await assert.rejects(again.connect(), /ECONNREFUSED/);
});
