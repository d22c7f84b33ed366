import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { AuditRecord, AuditResponse, Target } from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { type JsServer, startJsNatsServer, startTernJs } from '../admin/testing.js';
import { OwnRequests } from '../nats/pool.js';
import { adminServicesOf } from '../routes/admin-plugin.js';
import { backends, type Client, login, type TestDatabase, testApp } from '../test-support/app.js';
import { waitFor } from '../test-support/nats.js';

const backend = backends[0] as (typeof backends)[number];

for (const [label, start] of [
  ['nats-server 2.9.10', () => startJsNatsServer()],
  ["Tern's broker", startTernJs],
] as const) {
  describe(`advisories on ${label}: Tern's own changes are recorded once`, () => {
    let tdb: TestDatabase;
    let app: FastifyInstance;
    let admin: Client;
    let server: JsServer | undefined;
    let skip: string | undefined;
    let targetId = '';

    before(async () => {
      const s = await start();
      if (typeof s === 'string') {
        skip = s;
        return;
      }
      server = s;
      tdb = await backend.open();
      ({ app } = await testApp(tdb.db));
      admin = await login(app, 'admin');
      const res = await app.inject({
        method: 'POST',
        url: '/api/targets',
        headers: admin.headers(true),
        payload: { name: 'dup', natsUrls: [s.natsUrl], monitorUrls: [s.monitorUrl], skipValidation: true },
      });
      assert.equal(res.statusCode, 201, res.body);
      targetId = res.json<Target>().id;
      await adminServicesOf(tdb.db.prisma)?.advisories.sync();
    });
    after(async () => {
      await app?.close();
      await tdb?.dispose();
      await server?.stop();
    });

    const apply = async (path: string, body: unknown) => {
      for (const step of ['preview', 'apply']) {
        const res = await app.inject({
          method: 'POST',
          url: `/api/targets/${targetId}/jetstream/${path}/${step}`,
          headers: admin.headers(true),
          payload: body as object,
        });
        assert.equal(res.statusCode, 200, res.body);
      }
    };
    const records = async (): Promise<AuditRecord[]> => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/audit?objectId=DUP&targetId=${targetId}&limit=50`,
        headers: admin.headers(),
      });
      return res.json<AuditResponse>().records.slice().reverse();
    };

    test('create and update through the API: one tern record each; an outside change: one external', async (t) => {
      if (skip || !server) {
        t.skip(skip);
        return;
      }
      await apply('streams/DUP/create', { config: { name: 'DUP', subjects: ['dup.>'], max_msgs: 10 } });
      await apply('streams/DUP/update', { config: { name: 'DUP', max_msgs: 20 } });

      const nc = await connect({ servers: server.natsUrl, name: 'outside-app' });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.update('DUP', { max_msgs: 30 });
      } finally {
        await nc.close();
      }
      // Advisories are handled in order: once the outside change is recorded, Tern's were handled too.
      const listener = adminServicesOf(tdb.db.prisma)?.advisories;
      const recs = await waitFor(async () => {
        await listener?.drain(targetId);
        const all = await records();
        return all.some((r) => r.source === 'external') ? all : undefined;
      }, 'the outside update');
      assert.deepEqual(
        recs.map((r) => `${r.source} ${r.action} ${(r.after as { max_msgs?: number } | null)?.max_msgs}`),
        ['tern stream.create 10', 'tern stream.update 20', 'external stream.update 30'],
      );
      const outside = recs[2] as AuditRecord;
      assert.equal((outside.before as { max_msgs: number }).max_msgs, 20);
    });

    test('message deletes and purges through the messages API are recorded once', async (t) => {
      if (skip || !server) {
        t.skip(skip);
        return;
      }
      const nc = await connect({ servers: server.natsUrl, name: 'outside-app' });
      try {
        for (let i = 0; i < 3; i++) await nc.request('dup.x', `m${i}`);
        const del = await app.inject({
          method: 'DELETE',
          url: `/api/messages/${targetId}/streams/DUP/1`,
          headers: admin.headers(true),
        });
        assert.equal(del.statusCode, 200, del.body);
        const purge = await app.inject({
          method: 'POST',
          url: `/api/messages/${targetId}/streams/DUP/purge`,
          headers: admin.headers(true),
          payload: {},
        });
        assert.equal(purge.statusCode, 200, purge.body);
        // An outside change after them: once it is recorded, their advisories were handled.
        const jsm = await jetstreamManager(nc);
        await jsm.streams.update('DUP', { max_msgs: 35 });
      } finally {
        await nc.close();
      }
      const listener = adminServicesOf(tdb.db.prisma)?.advisories;
      const recs = await waitFor(async () => {
        await listener?.drain(targetId);
        const all = await records();
        return all.some((r) => (r.after as { max_msgs?: number } | null)?.max_msgs === 35) ? all : undefined;
      }, 'the outside update');
      assert.deepEqual(
        recs.slice(3).map((r) => `${r.source} ${r.action}`),
        ['tern stream.purge', 'external stream.update'],
      );
      const external = await app.inject({
        method: 'GET',
        url: `/api/audit?source=external&targetId=${targetId}&limit=50`,
        headers: admin.headers(),
      });
      assert.deepEqual(
        external.json<AuditResponse>().records.map((r) => `${r.action} ${r.objectId}`),
        ['stream.update DUP', 'stream.update DUP'],
      );
    });

    test('a change Tern made while not listening does not hide a later outside change', async (t) => {
      if (skip || !server) {
        t.skip(skip);
        return;
      }
      const listener = adminServicesOf(tdb.db.prisma)?.advisories;
      assert.ok(listener);
      await listener.stop();
      await apply('streams/DUP/update', { config: { name: 'DUP', max_msgs: 40 } });
      listener.start();
      await listener.sync();
      const nc = await connect({ servers: server.natsUrl, name: 'outside-app' });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.update('DUP', { max_msgs: 50 });
      } finally {
        await nc.close();
      }
      const recs = await waitFor(async () => {
        await listener.drain(targetId);
        const all = await records();
        return all.some((r) => (r.after as { max_msgs?: number } | null)?.max_msgs === 50) ? all : undefined;
      }, 'the second outside update');
      assert.deepEqual(
        recs
          .slice(-2)
          .map((r) => `${r.source} ${r.action} ${(r.after as { max_msgs?: number } | null)?.max_msgs}`),
        ['tern stream.update 40', 'external stream.update 50'],
      );
    });
  });
}

describe('expected own changes', () => {
  const subject = '$JS.API.STREAM.UPDATE.S';
  test('match target, subject and body once, within the window, only while listening', () => {
    const own = new OwnRequests(1000, 10);
    own.note('t1', subject, '{"a":1}', 0);
    assert.equal(own.size, 0, 'nothing is expected while the target is not listened to');
    own.listen('t1', true);
    own.note('t1', '$JS.API.STREAM.INFO.S', undefined, 0);
    assert.equal(own.size, 0, 'reads cause no change');
    own.note('t1', subject, new TextEncoder().encode('{"a":1}'), 0);
    assert.equal(own.claim('t2', subject, '{"a":1}', 1), false, 'another target');
    assert.equal(own.claim('t1', subject, '{"a":2}', 1), false, 'another body: an outside change');
    assert.equal(own.claim('t1', subject, '{"a":1}', 1), true);
    assert.equal(own.claim('t1', subject, '{"a":1}', 1), false, 'consumed');
    own.note('t1', subject, '{}', 0);
    assert.equal(own.claim('t1', subject, '{}', 1000), false, 'expired');
    own.note('t1', subject, '{}', 0);
    own.listen('t1', false);
    assert.equal(own.size, 0, 'dropped when no longer listening');
  });

  test('stay bounded, dropping the oldest', () => {
    const own = new OwnRequests(60_000, 10);
    own.listen('t', true);
    for (let i = 0; i < 5000; i++) own.note('t', `$JS.API.STREAM.DELETE.S${i}`, undefined, i);
    assert.equal(own.size, 10);
    assert.equal(own.claim('t', '$JS.API.STREAM.DELETE.S0', undefined, 5000), false);
    assert.equal(own.claim('t', '$JS.API.STREAM.DELETE.S4999', undefined, 5000), true);
  });
});
