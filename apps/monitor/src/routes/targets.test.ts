import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startServer } from '@tern/broker';
import type {
  ApiError,
  AuditResponse,
  AuditVerifyResponse,
  ServersResponse,
  Target,
  TargetsResponse,
} from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { backends, type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { freePort, startNatsServer, type TestNats, waitFor } from '../test-support/nats.js';

for (const backend of backends) {
  describe(`targets and audit on ${backend.name}`, () => {
    let tdb: TestDatabase;
    let app: FastifyInstance;
    let admin: Client;
    let natsServer: TestNats;
    let tern: Awaited<ReturnType<typeof startServer>>;
    let nc: NatsConnection | undefined;

    before(async () => {
      [tdb, natsServer, tern] = await Promise.all([
        backend.open(),
        startNatsServer(),
        startServer({ host: '127.0.0.1', port: -1, httpPort: -1 }),
      ]);
      ({ app } = await testApp(tdb.db));
      admin = await login(app, 'admin');
    });
    after(async () => {
      await nc?.close();
      await app?.close();
      await Promise.allSettled([tdb?.dispose(), natsServer?.stop(), tern?.close()]);
    });

    const create = (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/targets', headers: admin.headers(true), payload });
    const audit = async (query = '') =>
      (
        await app.inject({ method: 'GET', url: `/api/audit${query}`, headers: admin.headers() })
      ).json<AuditResponse>();
    const servers = async () =>
      (
        await app.inject({ method: 'GET', url: '/api/servers', headers: admin.headers() })
      ).json<ServersResponse>().servers;

    test('adding a nats-server target stores it, audits it, and its /varz shows up in /api/servers', async () => {
      const res = await create({
        name: 'debian',
        natsUrls: [natsServer.natsUrl],
        monitorUrls: [`${natsServer.monitorUrl}/`],
      });
      assert.equal(res.statusCode, 201, res.body);
      const target = res.json<Target>();
      assert.equal(target.name, 'debian');
      assert.deepEqual(target.monitorUrls, [natsServer.monitorUrl]);
      assert.equal(target.hasCredentials, false);
      assert.equal(target.embedded, false);

      const list = await app.inject({ method: 'GET', url: '/api/targets', headers: admin.headers() });
      assert.ok(list.json<TargetsResponse>().targets.some((t) => t.id === target.id));

      const [record] = (await audit()).records;
      assert.ok(record);
      assert.equal(record.action, 'target.create');
      assert.equal(record.actor, 'admin');
      assert.equal(record.role, 'admin');
      assert.equal(record.objectType, 'target');
      assert.equal(record.objectId, target.id);
      assert.equal(record.result, 'ok');
      assert.equal(record.before, null);
      assert.deepEqual(record.after, target);
      assert.equal(record.source, 'tern');
      assert.ok(record.requestId);
      assert.ok(record.sourceIp);
      assert.match(record.hash, /^[0-9a-f]{64}$/);

      nc = await connect({ servers: natsServer.natsUrl });
      const server = await waitFor(async () => {
        const s = (await servers()).find((x) => x.targetId === target.id);
        return s?.status === 'up' && (s.connections ?? 0) >= 1 ? s : undefined;
      }, 'the nats-server target to be up with a connection');
      assert.equal(server.version, '2.9.10');
      assert.equal(server.targetName, 'debian');
      assert.equal(server.connections, 1);
      assert.equal(typeof server.uptime, 'string');
      assert.ok(server.serverId);
      assert.equal(server.jetstream, false);
    });

    test("Tern's broker is scraped the same way; credentials are stored encrypted and never returned", async () => {
      const monitorUrl = `http://127.0.0.1:${tern.httpPort}`;
      const res = await create({
        name: 'tern',
        natsUrls: [`nats://127.0.0.1:${tern.port}`],
        monitorUrls: [monitorUrl],
        credentials: { user: 'u', pass: 'sup3r-secret' },
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.doesNotMatch(res.body, /sup3r-secret/);
      const target = res.json<Target>();
      assert.equal(target.hasCredentials, true);
      const row = await tdb.db.prisma.target.findUniqueOrThrow({ where: { id: target.id } });
      assert.ok(row.credentials);
      assert.doesNotMatch(row.credentials, /sup3r-secret/);
      const listed = await app.inject({ method: 'GET', url: '/api/targets', headers: admin.headers() });
      assert.doesNotMatch(listed.body, /sup3r-secret/);
      assert.doesNotMatch(JSON.stringify((await audit()).records), /sup3r-secret/);

      const server = await waitFor(async () => {
        const s = (await servers()).find((x) => x.targetId === target.id);
        return s?.status === 'up' ? s : undefined;
      }, "Tern's broker to be up");
      assert.equal(server.serverId, tern.serverId);
      assert.ok(server.version);
      assert.equal(server.connections, 0);
    });

    test('an unreachable target is refused with 422 TARGET_UNREACHABLE naming the URL, and the attempt is audited', async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const res = await create({ name: 'nowhere', monitorUrls: [url] });
      assert.equal(res.statusCode, 422);
      const { error } = res.json<ApiError>();
      assert.equal(error.code, 'TARGET_UNREACHABLE');
      assert.equal(error.statusCode, 422);
      assert.match(error.message, new RegExp(`${url}/varz`));
      assert.match(error.message, /connection refused/);
      assert.equal(await tdb.db.prisma.target.count({ where: { name: 'nowhere' } }), 0);
      const [record] = (await audit()).records;
      assert.equal(record?.action, 'target.create');
      assert.equal(record?.result, 'error');
      assert.equal(record?.objectId, 'nowhere');
      assert.match(record?.error ?? '', /connection refused/);
    });

    test('skipValidation saves an unreachable target, which is then shown down with the reason', async () => {
      const port = await freePort();
      const res = await create({
        name: 'down-one',
        monitorUrls: [`http://127.0.0.1:${port}`],
        skipValidation: true,
      });
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json<Target>();
      const server = await waitFor(async () => {
        const s = (await servers()).find((x) => x.targetId === id);
        return s?.status === 'down' ? s : undefined;
      }, 'the target to be marked down');
      assert.equal(server.error, 'connection refused');
    });

    test('names are unique and URLs must be usable', async () => {
      const dup = await create({
        name: 'debian',
        monitorUrls: [natsServer.monitorUrl],
        skipValidation: true,
      });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json<ApiError>().error.code, 'TARGET_NAME_TAKEN');
      const bad = await create({ name: 'bad-url', monitorUrls: ['ftp://x'], skipValidation: true });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json<ApiError>().error.code, 'INVALID_TARGET_URL');
      const invalid = await create({ name: 'bad\nname', monitorUrls: [natsServer.monitorUrl] });
      assert.equal(invalid.json<ApiError>().error.code, 'VALIDATION_FAILED');
    });

    test('deleting a target removes it from targets and servers and audits the before-state', async () => {
      const { id } = (
        await create({ name: 'short-lived', monitorUrls: [natsServer.monitorUrl] })
      ).json<Target>();
      const res = await app.inject({
        method: 'DELETE',
        url: `/api/targets/${id}`,
        headers: admin.headers(true),
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { ok: true });
      assert.equal(await tdb.db.prisma.target.count({ where: { id } }), 0);
      assert.ok(!(await servers()).some((s) => s.targetId === id));
      const [record] = (await audit()).records;
      assert.equal(record?.action, 'target.delete');
      assert.equal(record?.objectId, id);
      assert.equal(record?.result, 'ok');
      assert.equal((record?.before as Target | undefined)?.name, 'short-lived');
      assert.equal(record?.after, null);

      const again = await app.inject({
        method: 'DELETE',
        url: `/api/targets/${id}`,
        headers: admin.headers(true),
      });
      assert.equal(again.statusCode, 404);
      assert.equal(again.json<ApiError>().error.code, 'TARGET_NOT_FOUND');
      const [failed] = (await audit()).records;
      assert.equal(failed?.action, 'target.delete');
      assert.equal(failed?.result, 'error');
    });

    test('concurrent changes keep one unbroken chain', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          create({ name: `parallel-${i}`, monitorUrls: ['http://127.0.0.1:9'], skipValidation: true }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.statusCode),
        results.map(() => 201),
      );
      const verify = await app.inject({ method: 'GET', url: '/api/audit/verify', headers: admin.headers() });
      const body = verify.json<AuditVerifyResponse>();
      assert.equal(body.ok, true);
      assert.equal(body.firstBrokenId, null);
      assert.equal(body.checked, await tdb.db.prisma.auditRecord.count());
    });

    test('the audit list is newest first, filterable and paged', async () => {
      const all = (await audit('?limit=500')).records;
      const ids = all.map((r) => BigInt(r.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => (a > b ? -1 : 1)),
      );
      const first = await audit('?limit=3');
      assert.equal(first.records.length, 3);
      assert.ok(first.nextBefore);
      const second = await audit(`?limit=3&before=${first.nextBefore}`);
      assert.deepEqual(
        [...first.records, ...second.records].map((r) => r.id),
        all.slice(0, 6).map((r) => r.id),
      );
      const deletes = await audit('?action=target.delete');
      assert.ok(deletes.records.length >= 2 && deletes.records.every((r) => r.action === 'target.delete'));
    });

    test('verify reports the first tampered record', async () => {
      const records = (await audit('?limit=500')).records;
      const victim = records[Math.floor(records.length / 2)]!;
      const ok = await app.inject({ method: 'GET', url: '/api/audit/verify', headers: admin.headers() });
      assert.equal(ok.json<AuditVerifyResponse>().ok, true);

      await tdb.db.prisma.$executeRawUnsafe(
        `UPDATE "AuditRecord" SET actor = 'mallory' WHERE id = ${BigInt(victim.id)}`,
      );
      const broken = (
        await app.inject({ method: 'GET', url: '/api/audit/verify', headers: admin.headers() })
      ).json<AuditVerifyResponse>();
      assert.equal(broken.ok, false);
      assert.equal(broken.firstBrokenId, victim.id);
      assert.equal(broken.checked, records.filter((r) => BigInt(r.id) < BigInt(victim.id)).length);

      await tdb.db.prisma.$executeRawUnsafe(
        `UPDATE "AuditRecord" SET actor = '${victim.actor}' WHERE id = ${BigInt(victim.id)}`,
      );
      const last = records[0]!;
      await tdb.db.prisma.$executeRawUnsafe(`DELETE FROM "AuditRecord" WHERE id = ${BigInt(victim.id)}`);
      const gap = (
        await app.inject({ method: 'GET', url: '/api/audit/verify', headers: admin.headers() })
      ).json<AuditVerifyResponse>();
      assert.equal(gap.ok, false);
      assert.ok(BigInt(gap.firstBrokenId ?? '0') > BigInt(victim.id));
      assert.ok(BigInt(gap.firstBrokenId ?? '0') <= BigInt(last.id));
    });
  });
}
