import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createUser } from '@nats-io/nkeys';
import type { JetStreamCapabilities, Target } from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { backends, type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { startNatsServer, type TestNats } from '../test-support/nats.js';

let dir: string;
let nats: TestNats;
let tdb: TestDatabase;
let app: FastifyInstance;
let admin: Client;
const user = createUser();
const seed = new TextDecoder().decode(user.getSeed());

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tern-pool-'));
  const conf = join(dir, 'nats.conf');
  await writeFile(
    conf,
    `jetstream { store_dir: "${join(dir, 'js')}" }\nauthorization { users = [ { nkey: "${user.getPublicKey()}" } ] }\n`,
  );
  nats = await startNatsServer({ args: ['-c', conf] });
  tdb = await (backends[0] as (typeof backends)[number]).open();
  ({ app } = await testApp(tdb.db));
  admin = await login(app, 'admin');
});
after(async () => {
  await app?.close();
  await tdb?.dispose();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('the administration pool connects to a target with its stored NKey seed', async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/targets',
    headers: admin.headers(true),
    payload: {
      name: 'nkey-target',
      natsUrls: [nats.natsUrl],
      monitorUrls: [nats.monitorUrl],
      credentials: { nkeySeed: seed },
      skipValidation: true,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const target = res.json<Target>();
  assert.equal(target.hasCredentials, true);
  assert.ok(!res.body.includes(seed), 'the seed is never echoed back');
  const row = await tdb.db.prisma.target.findUnique({ where: { id: target.id } });
  assert.ok(row?.credentials && !row.credentials.includes(seed), 'stored encrypted');
  const caps = await app.inject({
    method: 'GET',
    url: `/api/targets/${target.id}/jetstream/capabilities`,
    headers: admin.headers(),
  });
  assert.equal(caps.statusCode, 200, caps.body);
  assert.equal(caps.json<JetStreamCapabilities>().jetstream, true);
});
