import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type {
  ApiError,
  AuditRecord,
  AuditResponse,
  AuditVerifyDetail,
  ChangePreview,
  ChangeResult,
  ConfigImportPreview,
  ConfigImportResult,
  ConsumerDetail,
  DriftReport,
  JetStreamCapabilities,
  KvHistoryResponse,
  KvKeysResponse,
  ObjectsResponse,
  RollbackPreview,
  StreamDetail,
  Target,
} from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../auth/password.js';
import { adminServicesOf } from '../routes/admin-plugin.js';
import { backends, type Client, login, PASSWORD, type TestDatabase, testApp } from '../test-support/app.js';
import { waitFor } from '../test-support/nats.js';
import { type JsServer, startJsNatsServer, startTernJs } from './testing.js';

type Inject = (
  method: string,
  url: string,
  client: Client | null,
  payload?: unknown,
) => Promise<{
  status: number;
  body: string;
  json<T>(): T;
}>;

/** The JetStream behaviours every server must show through the monitor API. */
function jetStreamSuite(
  label: string,
  start: () => Promise<JsServer | string>,
  ctx: () => { app: FastifyInstance; call: Inject; admin: Client; operator: Client; viewer: Client },
) {
  describe(label, () => {
    let server: JsServer | undefined;
    let skip: string | undefined;
    let targetId = '';
    let nc: NatsConnection;
    const base = () => `/api/targets/${targetId}/jetstream`;

    before(async () => {
      const s = await start();
      if (typeof s === 'string') {
        skip = s;
        return;
      }
      server = s;
      const { call, admin, app } = ctx();
      const res = await call('POST', '/api/targets', admin, {
        name: `js-${s.kind}-${Math.random().toString(36).slice(2, 8)}`,
        natsUrls: [s.natsUrl],
        monitorUrls: [s.monitorUrl],
        ...(s.credentials ? { credentials: s.credentials } : {}),
        skipValidation: true,
      });
      assert.equal(res.status, 201, res.body);
      targetId = res.json<Target>().id;
      nc = await connect({ servers: s.natsUrl, name: 'outside-app', ...(s.credentials ?? {}) });
      await adminServicesOf(appPrisma(app))?.advisories.sync();
    });
    after(async () => {
      await nc?.close();
      await server?.stop();
    });

    const it = (name: string, fn: () => Promise<void>) =>
      test(name, async (t) => {
        if (skip) {
          t.skip(skip);
          return;
        }
        await fn();
      });

    const change = async (path: string, body: unknown, who: 'admin' | 'operator' = 'operator') => {
      const c = ctx();
      const pre = await c.call('POST', `${base()}/${path}/preview`, c[who], body);
      assert.equal(pre.status, 200, pre.body);
      const applied = await c.call('POST', `${base()}/${path}/apply`, c[who], body);
      return { preview: pre.json<ChangePreview>(), res: applied };
    };
    const applyOk = async (path: string, body: unknown) => {
      const { preview, res } = await change(path, body);
      assert.equal(res.status, 200, res.body);
      return { preview, result: res.json<ChangeResult>() };
    };
    const audit = async (query: string) =>
      (await ctx().call('GET', `/api/audit?${query}`, ctx().admin)).json<AuditResponse>().records;

    it('reports what the server supports', async () => {
      const caps = (
        await ctx().call('GET', `${base()}/capabilities`, ctx().viewer)
      ).json<JetStreamCapabilities>();
      assert.equal(caps.jetstream, true);
      assert.equal(caps.consumerPause, false, `pause needs 2.11; server is ${caps.serverVersion}`);
      assert.equal(caps.tern, server?.kind === 'tern');
    });

    it('creates a stream after a dry run, audits it with actor, role, IP and request id', async () => {
      const config = { name: 'ORDERS', subjects: ['orders.>'], max_msgs: 1000, storage: 'file' };
      const { preview, result } = await applyOk('streams/ORDERS/create', { config });
      assert.equal(preview.before, null);
      assert.deepEqual(
        preview.diff.find((d) => d.path === 'max_msgs'),
        { path: 'max_msgs', op: 'add', after: 1000 },
      );
      assert.equal((result.after as { max_msgs: number }).max_msgs, 1000);
      const detail = (await ctx().call('GET', `${base()}/streams/ORDERS`, ctx().viewer)).json<StreamDetail>();
      assert.deepEqual(detail.config.subjects, ['orders.>']);
      const [rec] = await audit(`objectId=ORDERS&action=stream.create&targetId=${targetId}`);
      assert.ok(rec);
      assert.equal(rec.id, result.auditId);
      assert.equal(rec.actor, 'operator');
      assert.equal(rec.role, 'operator');
      assert.equal(rec.source, 'tern');
      assert.equal(rec.result, 'ok');
      assert.ok(rec.sourceIp);
      assert.ok(rec.requestId);
    });

    it('refuses a duplicate and explains NATS errors with the server err_code', async () => {
      const dup = await ctx().call('POST', `${base()}/streams/ORDERS/create/apply`, ctx().operator, {
        config: { name: 'ORDERS', subjects: ['x'] },
      });
      assert.equal(dup.status, 409);
      assert.equal(dup.json<ApiError>().error.code, 'ALREADY_EXISTS');
      // Overlapping subjects: the server refuses with its own code (10065).
      const overlap = await change('streams/OTHER/create', {
        config: { name: 'OTHER', subjects: ['orders.new'] },
      });
      assert.equal(overlap.res.status, 400, overlap.res.body);
      const err = overlap.res.json<ApiError>().error;
      assert.equal(err.code, 'NATS_ERROR');
      assert.equal((err.details as { errCode: number }).errCode, 10065);
      assert.match(err.message, /subjects/i);
      assert.match(err.message, /NATS error 10065/);
      const [failed] = await audit(`objectId=OTHER&result=error&targetId=${targetId}`);
      assert.equal(failed?.action, 'stream.create');
    });

    it('edits a stream with a diff of current and proposed config', async () => {
      const { preview, result } = await applyOk('streams/ORDERS/update', {
        config: { name: 'ORDERS', max_msgs: 5000, description: 'orders' },
      });
      assert.deepEqual(
        preview.diff.find((d) => d.path === 'max_msgs'),
        { path: 'max_msgs', op: 'change', before: 1000, after: 5000 },
      );
      assert.equal((preview.before as { max_msgs: number }).max_msgs, 1000);
      assert.equal((result.after as { max_msgs: number }).max_msgs, 5000);
      const warn = await ctx().call('POST', `${base()}/streams/ORDERS/update/preview`, ctx().operator, {
        config: { name: 'ORDERS', storage: 'memory' },
      });
      assert.match(warn.json<ChangePreview>().warnings.join(' '), /storage/);
    });

    it('rolls an edit back through preview and apply, itself audited', async () => {
      const [edit] = await audit(`objectId=ORDERS&action=stream.update&targetId=${targetId}`);
      assert.ok(edit);
      const pre = await ctx().call('POST', `/api/audit/${edit.id}/rollback/preview`, ctx().operator, {});
      assert.equal(pre.status, 200, pre.body);
      const p = pre.json<RollbackPreview>();
      assert.equal(p.rollbackOf, edit.id);
      assert.deepEqual(
        p.diff.find((d) => d.path === 'max_msgs'),
        { path: 'max_msgs', op: 'change', before: 5000, after: 1000 },
      );
      const res = await ctx().call('POST', `/api/audit/${edit.id}/rollback/apply`, ctx().operator, {});
      assert.equal(res.status, 200, res.body);
      const detail = (await ctx().call('GET', `${base()}/streams/ORDERS`, ctx().viewer)).json<StreamDetail>();
      assert.equal(detail.config.max_msgs, 1000);
      assert.equal(detail.config.description, undefined);
      const [rb] = await audit(`objectId=ORDERS&action=stream.update&targetId=${targetId}`);
      assert.ok(rb);
      assert.equal((rb.after as { rollbackOf?: string }).rollbackOf, edit.id);
    });

    it('manages push and pull consumers; pause is reported unsupported on 2.9', async () => {
      await applyOk('streams/ORDERS/consumers/worker/create', {
        config: { durable_name: 'worker', ack_policy: 'explicit', max_ack_pending: 10 },
      });
      await applyOk('streams/ORDERS/consumers/pusher/create', {
        config: { deliver_subject: 'push.orders', ack_policy: 'explicit' },
      });
      const list = (await ctx().call('GET', `${base()}/streams/ORDERS/consumers`, ctx().viewer)).json<{
        consumers: ConsumerDetail[];
      }>();
      assert.deepEqual(
        list.consumers.map((c) => [c.name, c.push]),
        [
          ['pusher', true],
          ['worker', false],
        ],
      );
      const { preview } = await applyOk('streams/ORDERS/consumers/worker/update', {
        config: { max_ack_pending: 20, description: 'edited' },
      });
      assert.deepEqual(
        preview.diff.find((d) => d.path === 'max_ack_pending'),
        { path: 'max_ack_pending', op: 'change', before: 10, after: 20 },
      );
      const fixed = await ctx().call(
        'POST',
        `${base()}/streams/ORDERS/consumers/worker/update/preview`,
        ctx().operator,
        {
          config: { ack_policy: 'none' },
        },
      );
      assert.match(fixed.json<ChangePreview>().warnings.join(' '), /ack_policy/);
      const pause = await ctx().call(
        'POST',
        `${base()}/streams/ORDERS/consumers/worker/pause/apply`,
        ctx().operator,
        {
          until: new Date(Date.now() + 60_000).toISOString(),
        },
      );
      assert.equal(pause.status, 422, pause.body);
      assert.equal(pause.json<ApiError>().error.code, 'UNSUPPORTED_BY_SERVER');
      assert.match(pause.json<ApiError>().error.message, /2\.11/);
      const del = await change('streams/ORDERS/consumers/pusher/delete', {});
      assert.equal(del.res.status, 400);
      assert.equal(del.preview.confirmText, 'pusher');
      const ok = await ctx().call(
        'POST',
        `${base()}/streams/ORDERS/consumers/pusher/delete/apply`,
        ctx().operator,
        {
          confirm: 'pusher',
        },
      );
      assert.equal(ok.status, 200, ok.body);
    });

    it('purges by subject, keep N, up to a sequence and all, each with a typed confirmation', async () => {
      for (let i = 0; i < 10; i++) nc.publish(i % 2 ? 'orders.a' : 'orders.b', `m${i}`);
      await nc.flush();
      const state = async () =>
        (await ctx().call('GET', `${base()}/streams/ORDERS`, ctx().viewer)).json<StreamDetail>().state;
      await waitFor(async () => ((await state()).messages === 10 ? true : undefined), '10 messages');
      const refused = await change('streams/ORDERS/purge', { filter: 'orders.a' });
      assert.equal(refused.res.status, 400);
      assert.equal(refused.res.json<ApiError>().error.code, 'CONFIRMATION_REQUIRED');
      assert.equal(refused.preview.destructive, true);
      assert.equal((refused.preview.before as { messages: number }).messages, 10);
      const purge = async (body: Record<string, unknown>) => {
        const res = await ctx().call('POST', `${base()}/streams/ORDERS/purge/apply`, ctx().operator, {
          ...body,
          confirm: 'ORDERS',
        });
        assert.equal(res.status, 200, res.body);
        return res.json<ChangeResult>().after as { purged: number; messages: number };
      };
      // keep first: nats-server 2.9 counts `keep` in sequences, so interior deletes would skew it.
      assert.equal((await purge({ keep: 7 })).messages, 7);
      const filtered = await purge({ filter: 'orders.a' });
      assert.deepEqual([filtered.purged, filtered.messages], [4, 3]);
      assert.equal((await purge({ seq: 9 })).messages, 1);
      assert.equal((await purge({})).messages, 0);
    });

    it('seals and deletes streams with confirmation', async () => {
      await applyOk('streams/SEALME/create', { config: { name: 'SEALME', subjects: ['seal.>'] } });
      const seal = await ctx().call('POST', `${base()}/streams/SEALME/seal/apply`, ctx().operator, {
        confirm: 'SEALME',
      });
      assert.equal(seal.status, 200, seal.body);
      const detail = (await ctx().call('GET', `${base()}/streams/SEALME`, ctx().viewer)).json<StreamDetail>();
      assert.equal(detail.config.sealed, true);
      const wrong = await ctx().call('POST', `${base()}/streams/SEALME/delete/apply`, ctx().operator, {
        confirm: 'sealme',
      });
      assert.equal(wrong.status, 400);
      const del = await ctx().call('POST', `${base()}/streams/SEALME/delete/apply`, ctx().operator, {
        confirm: 'SEALME',
      });
      assert.equal(del.status, 200, del.body);
      const gone = await ctx().call('GET', `${base()}/streams/SEALME`, ctx().viewer);
      assert.equal(gone.status, 404);
      // Rolling the delete back re-creates the stream from its recorded config.
      const [rec] = await audit(`objectId=SEALME&action=stream.delete&targetId=${targetId}`);
      const rb = await ctx().call('POST', `/api/audit/${rec?.id}/rollback/apply`, ctx().operator, {});
      assert.equal(rb.status, 200, rb.body);
      assert.equal((await ctx().call('GET', `${base()}/streams/SEALME`, ctx().viewer)).status, 200);
    });

    it('KV: create, put, browse with history, delete, purge, roll a put back', async () => {
      await applyOk('kv/settings/create', { config: { bucket: 'settings', history: 5 } });
      await applyOk('kv/settings/keys/feature.x/put', { value: 'on' });
      const { preview } = await applyOk('kv/settings/keys/feature.x/put', { value: 'off' });
      assert.deepEqual((preview.before as { value: string }).value, 'on');
      await applyOk(`kv/settings/keys/${encodeURIComponent('path/with/slash')}/put`, {
        value: Buffer.from([0xff, 0x00]).toString('base64'),
        encoding: 'base64',
      });
      const keys = (
        await ctx().call('GET', `${base()}/kv/settings/keys`, ctx().viewer)
      ).json<KvKeysResponse>();
      assert.deepEqual(
        keys.keys.map((k) => [k.key, k.value, k.encoding]),
        [
          ['feature.x', 'off', 'utf8'],
          ['path/with/slash', '/wA=', 'base64'],
        ],
      );
      const hist = (
        await ctx().call('GET', `${base()}/kv/settings/keys/feature.x`, ctx().viewer)
      ).json<KvHistoryResponse>();
      assert.deepEqual(
        hist.history.map((h) => [h.operation, h.value]),
        [
          ['PUT', 'on'],
          ['PUT', 'off'],
        ],
      );
      const [put] = await audit(`objectId=settings/feature.x&action=kv.put&targetId=${targetId}`);
      const rb = await ctx().call('POST', `/api/audit/${put?.id}/rollback/apply`, ctx().operator, {});
      assert.equal(rb.status, 200, rb.body);
      const after = (
        await ctx().call('GET', `${base()}/kv/settings/keys`, ctx().viewer)
      ).json<KvKeysResponse>();
      assert.equal(after.keys.find((k) => k.key === 'feature.x')?.value, 'on');
      const del = await ctx().call(
        'POST',
        `${base()}/kv/settings/keys/feature.x/delete/apply`,
        ctx().operator,
        {
          confirm: 'feature.x',
        },
      );
      assert.equal(del.status, 200, del.body);
      const purge = await ctx().call(
        'POST',
        `${base()}/kv/settings/keys/${encodeURIComponent('path/with/slash')}/purge/apply`,
        ctx().operator,
        { confirm: 'path/with/slash' },
      );
      assert.equal(purge.status, 200, purge.body);
      const empty = (
        await ctx().call('GET', `${base()}/kv/settings/keys`, ctx().viewer)
      ).json<KvKeysResponse>();
      assert.deepEqual(empty.keys, []);
    });

    it('object stores: list, browse, download, delete', async () => {
      const os = await new Objm(nc).create('files');
      await os.putBlob({ name: 'docs/readme.txt' }, new TextEncoder().encode('hello objects'));
      const stores = (await ctx().call('GET', `${base()}/objects`, ctx().viewer)).json<{
        buckets: { bucket: string }[];
      }>();
      assert.ok(stores.buckets.some((b) => b.bucket === 'files'));
      const list = (await ctx().call('GET', `${base()}/objects/files`, ctx().viewer)).json<ObjectsResponse>();
      assert.deepEqual(
        list.objects.map((o) => [o.name, o.size]),
        [['docs/readme.txt', 13]],
      );
      const name = encodeURIComponent('docs/readme.txt');
      const dl = await ctx().call('GET', `${base()}/objects/files/objects/${name}/download`, ctx().viewer);
      assert.equal(dl.status, 200);
      assert.equal(dl.body, 'hello objects');
      const del = await ctx().call(
        'POST',
        `${base()}/objects/files/objects/${name}/delete/apply`,
        ctx().operator,
        {
          confirm: 'docs/readme.txt',
        },
      );
      assert.equal(del.status, 200, del.body);
      const store = await ctx().call('POST', `${base()}/objects/files/delete/apply`, ctx().operator, {
        confirm: 'files',
      });
      assert.equal(store.status, 200, store.body);
    });

    it('a viewer is refused every mutation; a missing CSRF token is refused', async () => {
      const { call, viewer, admin } = ctx();
      const paths: [string, unknown][] = [
        ['streams/ORDERS/create', { config: { name: 'ORDERS' } }],
        ['streams/ORDERS/update', { config: { name: 'ORDERS' } }],
        ['streams/ORDERS/delete', { confirm: 'ORDERS' }],
        ['streams/ORDERS/purge', { confirm: 'ORDERS' }],
        ['streams/ORDERS/seal', { confirm: 'ORDERS' }],
        ['streams/ORDERS/consumers/worker/create', { config: {} }],
        ['streams/ORDERS/consumers/worker/update', { config: {} }],
        ['streams/ORDERS/consumers/worker/delete', { confirm: 'worker' }],
        ['streams/ORDERS/consumers/worker/pause', { until: new Date().toISOString() }],
        ['streams/ORDERS/consumers/worker/resume', {}],
        ['kv/settings/create', { config: { bucket: 'settings' } }],
        ['kv/settings/update', { config: { bucket: 'settings' } }],
        ['kv/settings/delete', { confirm: 'settings' }],
        ['kv/settings/keys/k/put', { value: 'v' }],
        ['kv/settings/keys/k/delete', { confirm: 'k' }],
        ['kv/settings/keys/k/purge', { confirm: 'k' }],
        ['objects/files/delete', { confirm: 'files' }],
        ['objects/files/objects/a/delete', { confirm: 'a' }],
      ];
      for (const [path, body] of paths) {
        for (const phase of ['preview', 'apply']) {
          const res = await call('POST', `${base()}/${path}/${phase}`, viewer, body);
          assert.equal(res.status, 403, `${path}/${phase}: ${res.body}`);
          assert.equal(res.json<ApiError>().error.code, 'FORBIDDEN');
        }
      }
      for (const url of ['/api/audit/1/rollback/apply', `/api/config-as-code/${targetId}/import/apply`]) {
        const res = await call('POST', url, viewer, { document: '{}' });
        assert.equal(res.status, 403, url);
      }
      const noCsrf = await ctx().app.inject({
        method: 'POST',
        url: `${base()}/streams/ORDERS/update/apply`,
        headers: { cookie: admin.cookie },
        payload: { config: { name: 'ORDERS', max_msgs: 1 } },
      });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(noCsrf.json<ApiError>().error.code, 'CSRF_MISMATCH');
    });

    it('records changes made outside Tern by a separate @nats-io/jetstream client', async () => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'OUTSIDE', subjects: ['outside.>'], max_msgs: 10 });
      await jsm.streams.update('OUTSIDE', { max_msgs: 20 });
      await jsm.consumers.add('OUTSIDE', { durable_name: 'ext', ack_policy: 'explicit' as never });
      await jsm.consumers.delete('OUTSIDE', 'ext');
      await jsm.streams.delete('OUTSIDE');
      const listener = adminServicesOf(appPrisma(ctx().app))?.advisories;
      const records = await waitFor(async () => {
        await listener?.drain(targetId);
        const recs = await audit(`source=external&targetId=${targetId}&object=OUTSIDE&limit=50`);
        return recs.length >= 5 ? recs : undefined;
      }, 'five external audit records');
      const actions = records.map((r) => `${r.action} ${r.objectId}`).reverse();
      assert.deepEqual(actions, [
        'stream.create OUTSIDE',
        'stream.update OUTSIDE',
        'consumer.create OUTSIDE/ext',
        'consumer.delete OUTSIDE/ext',
        'stream.delete OUTSIDE',
      ]);
      const update = records.find((r) => r.action === 'stream.update') as AuditRecord;
      assert.equal((update.before as { max_msgs: number }).max_msgs, 10);
      assert.equal((update.after as { max_msgs: number }).max_msgs, 20);
      // nats-server 2.9's API audit advisory names only the account; user and host are recorded when present.
      assert.match(update.actor, /\$G/);
      if (server?.kind === 'tern') assert.ok(update.sourceIp, 'the client host is recorded');
      const del = records.find((r) => r.action === 'stream.delete') as AuditRecord;
      assert.equal(
        (del.before as { max_msgs: number }).max_msgs,
        20,
        'before-state from the last known config',
      );
      const status = await ctx().call('GET', `/api/targets/${targetId}/advisories/status`, ctx().viewer);
      assert.equal(status.json<{ connected: boolean }>().connected, true);
      // Tern's own changes are not recorded twice; the object store the outside client created is.
      const own = await audit(`source=external&objectId=ORDERS&targetId=${targetId}`);
      assert.deepEqual(own, []);
      const obj = await audit(`source=external&objectId=OBJ_files&action=stream.create&targetId=${targetId}`);
      assert.equal(obj.length, 1);
    });

    it('records changes made while the monitor was not listening once it listens again', async () => {
      const listener = adminServicesOf(appPrisma(ctx().app))?.advisories;
      assert.ok(listener);
      await listener.stop();
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'AWAY', subjects: ['away.>'] });
      await jsm.streams.update('ORDERS', { description: 'edited while away' });
      listener.start();
      await listener.sync();
      const recs = await audit(
        `source=external&actor=${encodeURIComponent('unknown (changed while the monitor was not listening)')}&targetId=${targetId}`,
      );
      assert.deepEqual(recs.map((r) => `${r.action} ${r.objectId}`).sort(), [
        'stream.create AWAY',
        'stream.update ORDERS',
      ]);
      const update = recs.find((r) => r.objectId === 'ORDERS') as AuditRecord;
      assert.equal((update.before as { description?: string }).description, undefined);
      assert.equal((update.after as { description?: string }).description, 'edited while away');
      // An outside change rolls back like any other.
      const rb = await ctx().call('POST', `/api/audit/${update.id}/rollback/apply`, ctx().operator, {});
      assert.equal(rb.status, 200, rb.body);
      const orders = (await ctx().call('GET', `${base()}/streams/ORDERS`, ctx().viewer)).json<StreamDetail>();
      assert.equal(orders.config.description, undefined);
      // Listening again: an outside delete is recorded as it happens.
      await jsm.streams.delete('AWAY');
      await waitFor(async () => {
        await listener.drain(targetId);
        const del = await audit(`source=external&objectId=AWAY&action=stream.delete&targetId=${targetId}`);
        return del.length === 1 ? true : undefined;
      }, 'the outside delete');
    });

    it('exports config as JSON and YAML, imports with a per-object preview, reports drift', async () => {
      const { call, operator, viewer } = ctx();
      const exp = await call('GET', `/api/config-as-code/${targetId}/export?format=yaml`, viewer);
      assert.equal(exp.status, 200);
      const yaml = exp.body;
      assert.match(yaml, /^apiVersion: "tern.dev\/v1"$/m);
      const json = (await call('GET', `/api/config-as-code/${targetId}/export?format=json`, viewer)).json<{
        streams: { config: { name: string; max_msgs: number } }[];
        kv: { bucket: string }[];
      }>();
      assert.deepEqual(
        json.streams.map((s) => s.config.name),
        ['ORDERS', 'SEALME'],
      );
      assert.deepEqual(
        json.kv.map((b) => b.bucket),
        ['settings'],
      );
      // Round trip: the export imports as "no changes", in either format.
      for (const [document, format] of [
        [yaml, 'yaml'],
        [JSON.stringify(json), 'json'],
      ] as const) {
        const pre = await call('POST', `/api/config-as-code/${targetId}/import/preview`, viewer, {
          document,
          format,
        });
        assert.equal(pre.status, 200, pre.body);
        const p = pre.json<ConfigImportPreview>();
        assert.equal(p.summary.create + p.summary.update + p.summary.delete, 0, JSON.stringify(p.changes));
        const drift = (
          await call('POST', `/api/config-as-code/${targetId}/drift`, viewer, { document, format })
        ).json<DriftReport>();
        assert.equal(drift.inSync, true, JSON.stringify(drift.items.filter((i) => i.status !== 'same')));
      }
      const orders = json.streams.find((s) => s.config.name === 'ORDERS');
      assert.ok(orders);
      orders.config.max_msgs = 777;
      const edited = {
        ...json,
        streams: [
          orders,
          { config: { name: 'NEWONE', subjects: ['new.>'] }, consumers: [{ durable_name: 'c1' }] },
        ],
      };
      const body = { document: JSON.stringify(edited), prune: true };
      const drift = (
        await call('POST', `/api/config-as-code/${targetId}/drift`, viewer, body)
      ).json<DriftReport>();
      assert.equal(drift.inSync, false);
      const status = Object.fromEntries(drift.items.map((i) => [`${i.kind}:${i.name}`, i.status]));
      assert.equal(status['stream:ORDERS'], 'changed');
      assert.equal(status['stream:NEWONE'], 'missing');
      assert.equal(status['stream:SEALME'], 'extra');
      const pre = (
        await call('POST', `/api/config-as-code/${targetId}/import/preview`, operator, body)
      ).json<ConfigImportPreview>();
      // create NEWONE and its consumer c1, update ORDERS, delete SEALME; worker and the KV bucket unchanged.
      assert.deepEqual(pre.summary, { create: 2, update: 1, delete: 1, unchanged: 2 });
      assert.equal(pre.confirmText, (await targetName()) ?? '');
      const refused = await call('POST', `/api/config-as-code/${targetId}/import/apply`, operator, body);
      assert.equal(refused.status, 400);
      const applied = await call('POST', `/api/config-as-code/${targetId}/import/apply`, operator, {
        ...body,
        confirm: pre.confirmText,
      });
      assert.equal(applied.status, 200, applied.body);
      const r = applied.json<ConfigImportResult>();
      assert.equal(r.ok, true, JSON.stringify(r.results));
      const after = (
        await call('POST', `/api/config-as-code/${targetId}/drift`, viewer, body)
      ).json<DriftReport>();
      assert.equal(after.inSync, true, JSON.stringify(after.items.filter((i) => i.status !== 'same')));
    });

    const targetName = async () =>
      (await ctx().call('GET', '/api/targets', ctx().viewer))
        .json<{ targets: Target[] }>()
        .targets.find((t) => t.id === targetId)?.name;
  });
}

// The app's Prisma client, by which the admin services are registered.
let currentPrisma: unknown;
const appPrisma = (_app: FastifyInstance) => currentPrisma as Parameters<typeof adminServicesOf>[0];

for (const backend of backends) {
  describe(`administration on ${backend.name}`, () => {
    let tdb: TestDatabase;
    let app: FastifyInstance;
    let admin: Client;
    let operator: Client;
    let viewer: Client;

    before(async () => {
      tdb = await backend.open();
      currentPrisma = tdb.db.prisma;
      await tdb.db.prisma.user.create({
        data: { username: 'operator', role: 'operator', passwordHash: await hashPassword(PASSWORD) },
      });
      ({ app } = await testApp(tdb.db));
      [admin, operator, viewer] = await Promise.all([
        login(app, 'admin'),
        login(app, 'operator'),
        login(app, 'viewer'),
      ]);
    });
    after(async () => {
      await app?.close();
      await tdb?.dispose();
    });

    const call: Inject = async (method, url, client, payload) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: client ? client.headers(method !== 'GET') : {},
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body, json: <T>() => res.json<T>() };
    };
    const ctx = () => ({ app, call, admin, operator, viewer });

    // With a user and password: the monitor connects with the target's decrypted credentials.
    jetStreamSuite(
      'JetStream on nats-server 2.9.10',
      () => startJsNatsServer({ user: 'alice', pass: 's3cret pass' }),
      ctx,
    );
    jetStreamSuite("JetStream on Tern's broker", startTernJs, ctx);

    test('user management is admin only; roles, password resets and deletes are audited', async () => {
      const refused = await call('POST', '/api/users', operator, { username: 'x', role: 'viewer' });
      assert.equal(refused.status, 403);
      assert.equal((await call('GET', '/api/users', operator)).status, 403);
      const created = await call('POST', '/api/users', admin, { username: 'carol', role: 'viewer' });
      assert.equal(created.status, 201, created.body);
      const { user, password } = created.json<{ user: { id: string }; password: string }>();
      assert.ok(password && password.length >= 16, 'a generated password is shown once');
      const dup = await call('POST', '/api/users', admin, { username: 'carol', role: 'viewer' });
      assert.equal(dup.status, 409);
      const role = await call('PATCH', `/api/users/${user.id}`, admin, { role: 'operator' });
      assert.equal(role.status, 200, role.body);
      const reset = await call('POST', `/api/users/${user.id}/password`, admin, {
        password: 'another long password',
      });
      assert.equal(reset.status, 200);
      assert.equal(reset.json<{ password: string | null }>().password, null);
      const login2 = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'carol', password: 'another long password' },
        remoteAddress: '10.9.9.9',
      });
      assert.equal(login2.statusCode, 200);
      const me = (await call('GET', '/api/users', admin)).json<{
        users: { id: string; username: string }[];
      }>();
      const adminId = me.users.find((u) => u.username === 'admin')?.id;
      const self = await call('DELETE', `/api/users/${adminId}`, admin);
      assert.equal(self.status, 409);
      const demote = await call('PATCH', `/api/users/${adminId}`, admin, { role: 'viewer' });
      assert.equal(demote.json<ApiError>().error.code, 'LAST_ADMIN');
      assert.equal((await call('DELETE', `/api/users/${user.id}`, admin)).status, 200);
      const recs = (
        await call('GET', `/api/audit?objectType=user&objectId=${user.id}`, admin)
      ).json<AuditResponse>();
      assert.deepEqual(recs.records.map((r) => r.action).reverse(), [
        'user.create',
        'user.update',
        'user.password-reset',
        'user.delete',
      ]);
      assert.doesNotMatch(JSON.stringify(recs), /another long password|passwordHash/);
    });

    test('API tokens: shown once, hashed, Bearer without CSRF, never above the creator, revocable', async () => {
      const high = await call('POST', '/api/tokens', operator, { name: 'ci', role: 'admin' });
      assert.equal(high.status, 403);
      const res = await call('POST', '/api/tokens', operator, { name: 'ci' });
      assert.equal(res.status, 201, res.body);
      const { token, secret } = res.json<{
        token: { id: string; role: string; prefix: string };
        secret: string;
      }>();
      assert.equal(token.role, 'operator');
      assert.ok(secret.startsWith(token.prefix));
      const stored = await tdb.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.notEqual(stored.tokenHash, secret);
      const bearer = { authorization: `Bearer ${secret}` };
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer });
      assert.equal(me.statusCode, 200);
      // Operators may not manage users, even with a token.
      const users = await app.inject({ method: 'GET', url: '/api/users', headers: bearer });
      assert.equal(users.statusCode, 403);
      const tok2 = await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: bearer,
        payload: { name: 'nested' },
      });
      assert.equal(tok2.statusCode, 201, 'a bearer mutation needs no CSRF header');
      const viewerTok = (await call('POST', '/api/tokens', viewer, { name: 'ro' })).json<{ secret: string }>()
        .secret;
      const mut = await app.inject({
        method: 'POST',
        url: '/api/targets',
        headers: { authorization: `Bearer ${viewerTok}` },
        payload: { name: 'nope', monitorUrls: ['http://127.0.0.1:1'], skipValidation: true },
      });
      assert.equal(mut.statusCode, 403);
      assert.equal((await call('DELETE', `/api/tokens/${token.id}`, operator)).status, 200);
      const revoked = await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer });
      assert.equal(revoked.statusCode, 401);
      const bad = await app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(bad.statusCode, 401);
    });

    test('audit filters and export as CSV and JSON', async () => {
      const all = (await call('GET', '/api/audit?limit=500', viewer)).json<AuditResponse>().records;
      assert.ok(all.length > 5);
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const filtered = (
        await call(
          'GET',
          `/api/audit?source=tern&object=ord&from=${encodeURIComponent(from)}&limit=500`,
          viewer,
        )
      ).json<AuditResponse>().records;
      assert.ok(filtered.length > 0);
      assert.ok(filtered.every((r) => r.source === 'tern' && /ord/i.test(r.objectId)));
      const future = (
        await call(
          'GET',
          `/api/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
          viewer,
        )
      ).json<AuditResponse>().records;
      assert.deepEqual(future, []);
      const json = await call('GET', '/api/audit/export?format=json', viewer);
      assert.equal(json.status, 200);
      const exported = json.json<{ records: (AuditRecord & { prevHash: string })[] }>().records;
      assert.equal(exported.length, all.length);
      assert.ok(Number(exported[0]?.id) < Number(exported.at(-1)?.id), 'oldest first');
      assert.equal(exported[1]?.prevHash, exported[0]?.hash);
      const csv = await call('GET', '/api/audit/export?format=csv&objectType=user', viewer);
      assert.match(csv.body, /^id,time,actor,role,sourceIp,source,action,objectType,objectId/);
      const rows = csv.body.trim().split('\r\n');
      assert.ok(rows.length > 1);
      assert.ok(rows.slice(1).every((r) => r.includes(',user,')));
    });

    test('retention prunes old records and the chain still verifies from the oldest retained record', async () => {
      const settings = await call('PUT', '/api/audit/settings', viewer, { retentionDays: 30 });
      assert.equal(settings.status, 403);
      assert.equal((await call('PUT', '/api/audit/settings', admin, { retentionDays: 30 })).status, 200);
      assert.equal(
        (await call('GET', '/api/audit/settings', viewer)).json<{ retentionDays: number }>().retentionDays,
        30,
      );
      const ids = (
        await tdb.db.prisma.auditRecord.findMany({ orderBy: { id: 'asc' }, select: { id: true } })
      ).map((r) => r.id);
      const cut = ids[4] as bigint;
      // Age the first five records (their hashes no longer matter: they are about to go).
      await tdb.db.prisma.$executeRawUnsafe(
        `UPDATE "AuditRecord" SET "time" = now() - interval '40 days' WHERE "id" <= ${cut}`,
      );
      const pruned = await call('POST', '/api/audit/prune', admin);
      assert.equal(pruned.status, 200, pruned.body);
      assert.equal(pruned.json<{ deleted: number }>().deleted, 5);
      const v = (await call('GET', '/api/audit/verify', viewer)).json<AuditVerifyDetail>();
      assert.equal(v.ok, true, JSON.stringify(v));
      assert.equal(v.checked, ids.length - 5 + 1, 'remaining records plus the prune record');
      assert.notEqual(v.anchorHash, '0'.repeat(64));
    });

    test('tampering with a stored record makes verify point at it', async () => {
      const rows = await tdb.db.prisma.auditRecord.findMany({ orderBy: { id: 'asc' }, take: 3 });
      const victim = rows[1];
      assert.ok(victim);
      await tdb.db.prisma.$executeRawUnsafe(
        `UPDATE "AuditRecord" SET "after" = '{"max_msgs": 1}'::jsonb WHERE "id" = ${victim.id}`,
      );
      const v = (await call('GET', '/api/audit/verify', viewer)).json<AuditVerifyDetail>();
      assert.equal(v.ok, false);
      assert.equal(v.firstBrokenId, victim.id.toString());
      assert.equal(v.reason, 'hash');
    });
  });
}
