import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AckPolicy, type JetStreamManager, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type {
  MessageBrowseResponse,
  MessageDetail,
  MessageExportRecord,
  MessageImportResponse,
  PublishResponse,
  ReplayJob,
  ReplayPreviewResponse,
} from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../auth/password.js';
import { backends, type Client, login, PASSWORD, type TestDatabase, testApp } from '../test-support/app.js';
import { waitFor } from '../test-support/nats.js';
import { JsApi } from './jsapi.js';
import { readRange } from './reader.js';
import { replayMsgId } from './replay.js';
import { type JsServer, jsServers } from './test-servers.js';

const enc = (s: string) => new TextEncoder().encode(s);

for (const server of jsServers) {
  describe(`messages against ${server.name}`, () => {
    let srv: JsServer;
    let tdb: TestDatabase;
    let app: FastifyInstance;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    let admin: Client;
    let viewer: Client;
    let operator: Client;
    let targetId: string;
    const url = (path: string) => `/api/messages/${targetId}${path}`;

    const get = async <T>(client: Client, path: string, status = 200): Promise<T> => {
      const res = await app.inject({ method: 'GET', url: path, headers: client.headers() });
      assert.equal(res.statusCode, status, res.body);
      return res.json<T>();
    };
    const post = async <T>(client: Client, path: string, payload: unknown, status = 200): Promise<T> => {
      const res = await app.inject({
        method: 'POST',
        url: path,
        payload: payload as object,
        headers: client.headers(true),
      });
      assert.equal(res.statusCode, status, res.body);
      return res.json<T>();
    };

    before(async () => {
      srv = await server.start();
      const backend = backends[0];
      assert.ok(backend);
      tdb = await backend.open();
      await tdb.db.prisma.user.create({
        data: { username: 'operator', role: 'operator', passwordHash: await hashPassword(PASSWORD) },
      });
      ({ app } = await testApp(tdb.db));
      admin = await login(app, 'admin');
      viewer = await login(app, 'viewer');
      operator = await login(app, 'operator');
      const target = await tdb.db.prisma.target.create({
        data: { name: 'js', natsUrls: [srv.natsUrl], monitorUrls: [srv.monitorUrl] },
      });
      targetId = target.id;
      nc = await connect({ servers: srv.natsUrl });
      jsm = await jetstreamManager(nc);
    });

    after(async () => {
      await nc?.close();
      await app?.close();
      await tdb?.dispose();
      await srv?.stop();
    });

    /** Publishes `n` messages to a stream and waits for the acks; returns the last ack's sequence. */
    async function fill(subjects: (i: number) => string, n: number, payload = (i: number) => `{"n":${i}}`) {
      const js = jsm.jetstream();
      for (let i = 1; i <= n; i++) {
        const h = headers();
        h.append('X-Index', String(i));
        h.append('X-Tag', 'a');
        h.append('X-Tag', 'b');
        await js.publish(subjects(i), enc(payload(i)), { headers: h });
      }
    }

    test('browsing pages, filters and time jumps leave streams and consumers untouched', async () => {
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      await fill((i) => (i % 3 === 0 ? 'orders.b' : 'orders.a'), 30);
      // Stored times have nanoseconds, the jump has milliseconds: leave room on both sides.
      await new Promise((r) => setTimeout(r, 15));
      const boundary = Date.now();
      await new Promise((r) => setTimeout(r, 15));
      await fill((i) => `orders.late.${i}`, 5);
      await jsm.consumers.add('ORDERS', { durable_name: 'worker', ack_policy: AckPolicy.Explicit });
      await jsm.streams.add({ name: 'JOBS', subjects: ['jobs.>'], retention: RetentionPolicy.Workqueue });
      await fill(() => 'jobs.x', 8);
      await jsm.consumers.add('JOBS', { durable_name: 'jw', ack_policy: AckPolicy.Explicit });
      const snapshot = async () => ({
        orders: (await jsm.streams.info('ORDERS')).state,
        jobs: (await jsm.streams.info('JOBS')).state,
        worker: pick(await jsm.consumers.info('ORDERS', 'worker')),
        jw: pick(await jsm.consumers.info('JOBS', 'jw')),
        consumers:
          (await jsm.consumers.list('ORDERS').next()).length +
          (await jsm.consumers.list('JOBS').next()).length,
      });
      const beforeState = await snapshot();

      const last = await get<MessageBrowseResponse>(viewer, `${url('/streams/ORDERS')}?limit=10`);
      assert.deepEqual(
        last.messages.map((m) => m.seq),
        [26, 27, 28, 29, 30, 31, 32, 33, 34, 35],
      );
      assert.equal(last.olderSeq, 25);
      assert.equal(last.newerSeq, null);
      const older = await get<MessageBrowseResponse>(viewer, `${url('/streams/ORDERS')}?limit=10&seq=25`);
      assert.deepEqual(
        older.messages.map((m) => m.seq),
        [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
      );
      const fwd = await get<MessageBrowseResponse>(
        viewer,
        `${url('/streams/ORDERS')}?limit=4&seq=2&direction=forward`,
      );
      assert.deepEqual(
        fwd.messages.map((m) => m.seq),
        [2, 3, 4, 5],
      );
      assert.equal(fwd.newerSeq, 6);

      const onlyB = await get<MessageBrowseResponse>(
        viewer,
        `${url('/streams/ORDERS')}?limit=4&subject=orders.b`,
      );
      assert.deepEqual(
        onlyB.messages.map((m) => m.seq),
        [18, 21, 24, 27, 30].slice(-4),
      );
      assert.ok(onlyB.messages.every((m) => m.subject === 'orders.b'));
      const bFwd = await get<MessageBrowseResponse>(
        viewer,
        `${url('/streams/ORDERS')}?limit=3&subject=orders.b&direction=forward&seq=1`,
      );
      assert.deepEqual(
        bFwd.messages.map((m) => m.seq),
        [3, 6, 9],
      );
      const wild = await get<MessageBrowseResponse>(
        viewer,
        `${url('/streams/ORDERS')}?limit=50&subject=orders.late.*`,
      );
      assert.deepEqual(
        wild.messages.map((m) => m.seq),
        [31, 32, 33, 34, 35],
      );
      const jump = await get<MessageBrowseResponse>(
        viewer,
        `${url('/streams/ORDERS')}?limit=2&time=${encodeURIComponent(new Date(boundary).toISOString())}`,
      );
      assert.deepEqual(
        jump.messages.map((m) => [m.seq, m.subject]),
        [
          [31, 'orders.late.1'],
          [32, 'orders.late.2'],
        ],
      );

      const detail = await get<MessageDetail>(viewer, url('/streams/ORDERS/7'));
      assert.equal(detail.subject, 'orders.a');
      assert.equal(detail.kind, 'json');
      assert.equal(Buffer.from(detail.payload, 'base64').toString(), '{"n":7}');
      assert.deepEqual(detail.headers, [
        ['X-Index', '7'],
        ['X-Tag', 'a'],
        ['X-Tag', 'b'],
      ]);
      const cut = await get<MessageDetail>(viewer, `${url('/streams/ORDERS/7')}?maxBytes=3`);
      assert.equal(cut.truncated, true);
      assert.equal(Buffer.from(cut.payload, 'base64').toString(), '{"n');
      const jobs = await get<MessageBrowseResponse>(viewer, url('/streams/JOBS'));
      assert.equal(jobs.messages.length, 8);
      await get(viewer, url('/streams/JOBS/3'));

      assert.deepEqual(await snapshot(), beforeState);
    });

    test('publish, request, delete and purge need operator and are audited', async () => {
      const pub = { subject: 'orders.a', payload: 'hi', headers: [['K', 'v']] };
      await post(viewer, url('/publish'), pub, 403);
      const published = await post<PublishResponse>(operator, url('/publish'), pub);
      assert.equal(published.outcome, 'published');
      const none = await post<PublishResponse>(operator, url('/publish'), {
        subject: 'nobody.home',
        mode: 'request',
      });
      assert.equal(none.outcome, 'no_responders');
      const sub = nc.subscribe('svc.echo', {
        callback: (_e, m) => {
          m.respond(enc(`echo:${m.string()}`));
        },
      });
      await nc.flush();
      const answered = await post<PublishResponse>(operator, url('/publish'), {
        subject: 'svc.echo',
        mode: 'request',
        payload: 'ping',
      });
      sub.unsubscribe();
      assert.equal(answered.outcome, 'reply');
      assert.equal(Buffer.from(answered.reply?.payload ?? '', 'base64').toString(), 'echo:ping');

      const info = await jsm.streams.info('ORDERS');
      const seq = info.state.last_seq;
      const del = await app.inject({
        method: 'DELETE',
        url: url(`/streams/ORDERS/${seq}`),
        headers: viewer.headers(true),
      });
      assert.equal(del.statusCode, 403);
      const ok = await app.inject({
        method: 'DELETE',
        url: url(`/streams/ORDERS/${seq}`),
        headers: operator.headers(true),
      });
      assert.equal(ok.statusCode, 200, ok.body);
      await get(viewer, url(`/streams/ORDERS/${seq}`), 404);
      const purged = await post<{ purged: number }>(operator, url('/streams/ORDERS/purge'), {
        filter: 'orders.late.>',
      });
      assert.equal(purged.purged, 5);
      const audit = await get<{ records: { action: string; result: string }[] }>(
        admin,
        '/api/audit?limit=20',
      );
      const actions = audit.records.map((r) => r.action);
      for (const a of ['message.publish', 'message.request', 'message.delete', 'stream.purge']) {
        assert.ok(actions.includes(a), `audit has ${a}: ${actions.join(',')}`);
      }
    });

    test('a replay delivers exactly the selected messages, in order, within the rate limit', async () => {
      await jsm.streams.add({ name: 'SRC', subjects: ['src.>'] });
      await fill(
        (i) => (i % 2 === 0 ? 'src.even' : 'src.odd'),
        40,
        (i) => `m${i}`,
      );
      await jsm.streams.add({ name: 'DST', subjects: ['retry.>'], duplicate_window: 120_000_000_000 });
      const received: { subject: string; data: string; at: number; id: string }[] = [];
      const sub = nc.subscribe('retry.>', {
        callback: (_e, m) => {
          received.push({
            subject: m.subject,
            data: m.string(),
            at: Date.now(),
            id: m.headers?.get('Nats-Msg-Id') ?? '',
          });
        },
      });
      await nc.flush();
      const body = {
        targetId,
        stream: 'SRC',
        fromSeq: 5,
        toSeq: 30,
        subject: 'src.even',
        remapFrom: 'src.>',
        remapTo: 'retry.>',
        ratePerSec: 50,
        addMsgId: true,
      };
      await post(viewer, '/api/replay-jobs', body, 403);
      const preview = await post<ReplayPreviewResponse>(operator, '/api/replay-jobs/preview', body);
      assert.equal(preview.count, 13);
      assert.equal(preview.sample[0]?.targetSubject, 'retry.even');
      const job = await post<ReplayJob>(operator, '/api/replay-jobs', body, 201);
      const done = await waitFor(
        async () => {
          const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
          return j.status === 'completed' ? j : undefined;
        },
        'replay to complete',
        20_000,
      );
      assert.equal(done.done, 13);
      await waitFor(async () => (received.length >= 13 ? true : undefined), 'all replayed messages');
      sub.unsubscribe();
      const expected = [];
      for (let i = 6; i <= 30; i += 2) expected.push(`m${i}`);
      assert.deepEqual(
        received.map((r) => r.data),
        expected,
      );
      assert.ok(received.every((r) => r.subject === 'retry.even'));
      assert.equal(new Set(received.map((r) => r.id)).size, 13);
      // Never faster than the limit: any n+1 consecutive deliveries span at least n/rate seconds
      // (a 20 ms allowance for timer granularity). Slower is fine.
      for (let i = 0; i + 10 < received.length; i++) {
        const span = (received[i + 10] as { at: number }).at - (received[i] as { at: number }).at;
        assert.ok(span >= (10 / 50) * 1000 - 20, `10 messages in ${span} ms`);
      }
      assert.equal((await jsm.streams.info('DST')).state.messages, 13);
      const audit = await get<{ records: { action: string; objectId: string }[] }>(
        admin,
        '/api/audit?limit=50',
      );
      assert.ok(audit.records.some((r) => r.action === 'replay.create' && r.objectId === job.id));
      assert.ok(audit.records.some((r) => r.action === 'replay.finish' && r.objectId === job.id));
    });

    test('a replay job survives a monitor restart without duplicating or skipping', async () => {
      await jsm.streams.add({ name: 'R2', subjects: ['r2.>'] });
      await fill(
        () => 'r2.in',
        60,
        (i) => `r${i}`,
      );
      await jsm.streams.add({ name: 'R2OUT', subjects: ['r2out.>'], duplicate_window: 120_000_000_000 });
      const body = {
        targetId,
        stream: 'R2',
        remapFrom: 'r2.>',
        remapTo: 'r2out.>',
        ratePerSec: 40,
        addMsgId: true,
      };
      const job = await post<ReplayJob>(operator, '/api/replay-jobs', body, 201);
      await waitFor(async () => {
        const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
        return j.done >= 10 ? j : undefined;
      }, 'some progress');
      // Pause and resume on the way, then "restart" the monitor: a new app on the same database.
      const paused = await post<ReplayJob>(operator, `/api/replay-jobs/${job.id}/pause`, {});
      assert.equal(paused.status, 'paused');
      await post<ReplayJob>(operator, `/api/replay-jobs/${job.id}/resume`, {});
      await waitFor(async () => {
        const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
        return j.done >= 25 ? j : undefined;
      }, 'more progress');
      await app.close();
      ({ app } = await testApp(tdb.db));
      admin = await login(app, 'admin');
      viewer = await login(app, 'viewer');
      operator = await login(app, 'operator');
      await app.ready();
      const done = await waitFor(
        async () => {
          const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
          return j.status === 'completed' ? j : undefined;
        },
        'the resumed job to complete',
        20_000,
      );
      assert.equal(done.done, 60);
      const out = await get<MessageBrowseResponse>(viewer, `${url('/streams/R2OUT')}?limit=100`);
      assert.deepEqual(
        out.messages.map((m) => m.preview),
        Array.from({ length: 60 }, (_, i) => `r${i + 1}`),
      );
    });

    test('a cancelled job stops; a dry run publishes nothing', async () => {
      const job = await post<ReplayJob>(
        operator,
        '/api/replay-jobs',
        { targetId, stream: 'R2', remapFrom: 'r2.>', remapTo: 'dry.>', ratePerSec: 0, dryRun: true },
        201,
      );
      const done = await waitFor(async () => {
        const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
        return j.status === 'completed' ? j : undefined;
      }, 'dry run');
      assert.equal(done.done, 60);
      const slow = await post<ReplayJob>(
        operator,
        '/api/replay-jobs',
        { targetId, stream: 'R2', remapFrom: 'r2.>', remapTo: 'slow.>', ratePerSec: 5 },
        201,
      );
      const cancelled = await post<ReplayJob>(operator, `/api/replay-jobs/${slow.id}/cancel`, {});
      assert.equal(cancelled.status, 'cancelled');
      await post(operator, `/api/replay-jobs/${slow.id}/resume`, {}, 409);
    });

    test('an unpaced bulk replay restarted mid-run, from an older cursor, delivers each message once, in order', async () => {
      // More than the bulk-read threshold, so the batched consumer read and unpaced publishing are used.
      const n = 5000;
      await jsm.streams.add({ name: 'R3', subjects: ['r3.>'] });
      for (let i = 1; i <= n; i++) {
        const h = headers();
        h.append('X-Index', String(i));
        h.append('Nats-Msg-Id', `src-${i}`);
        h.append('X-Tag', 'a');
        h.append('X-Tag', 'b');
        nc.publish(`r3.s${i % 3}`, enc(`b${i}`), { headers: h });
        if (i % 500 === 0) await nc.flush();
      }
      await nc.flush();
      await waitFor(
        async () => ((await jsm.streams.info('R3')).state.messages === n ? true : undefined),
        'the source stream to fill',
      );
      await jsm.streams.add({ name: 'R3OUT', subjects: ['r3out.>'], duplicate_window: 120_000_000_000 });
      const body = {
        targetId,
        stream: 'R3',
        remapFrom: 'r3.>',
        remapTo: 'r3out.>',
        ratePerSec: 0,
        addMsgId: true,
      };
      const job = await post<ReplayJob>(operator, '/api/replay-jobs', body, 201);
      await waitFor(async () => {
        const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
        return j.done > 0 ? j : undefined;
      }, 'some progress');
      await app.close();
      // As if the monitor had crashed before its last saves: the cursor goes back, so work is repeated.
      const row = await tdb.db.prisma.replayJob.findUniqueOrThrow({ where: { id: job.id } });
      const back = Math.min(Number(row.cursorSeq), 1234);
      await tdb.db.prisma.replayJob.update({
        where: { id: job.id },
        data: {
          cursorSeq: row.cursorSeq - BigInt(back),
          done: row.done - back,
          status: 'running',
          finishedAt: null,
        },
      });
      ({ app } = await testApp(tdb.db));
      admin = await login(app, 'admin');
      viewer = await login(app, 'viewer');
      operator = await login(app, 'operator');
      await app.ready();
      const done = await waitFor(
        async () => {
          const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
          return j.status === 'completed' ? j : undefined;
        },
        'the resumed job to complete',
        30_000,
      );
      assert.equal(done.done, n);
      await waitFor(
        async () => ((await jsm.streams.info('R3OUT')).state.messages >= n ? true : undefined),
        'the target stream to fill',
      );
      const state = (await jsm.streams.info('R3OUT')).state;
      assert.equal(state.messages, n);
      assert.equal(state.last_seq, n);
      let i = 0;
      for await (const m of readRange(new JsApi(nc), 'R3OUT', 1, n)) {
        i++;
        assert.equal(m.seq, i);
        assert.equal(m.subject, `r3out.s${i % 3}`);
        assert.equal(new TextDecoder().decode(m.data), `b${i}`);
        // Stored headers are passed on byte for byte; only Nats-Msg-Id is replaced.
        assert.equal(
          new TextDecoder().decode(m.hdrs),
          `NATS/1.0\r\nX-Index: ${i}\r\nX-Tag: a\r\nX-Tag: b\r\nNats-Msg-Id: ${replayMsgId(job.id, i)}\r\n\r\n`,
        );
      }
      assert.equal(i, n);
    });

    test('a filtered replay over a long range (read through a consumer) keeps to the rate limit', async () => {
      // A sparse subject at the end of R3: the range spans thousands of sequences, so the bulk read is used.
      const rare = 12;
      for (let i = 1; i <= rare; i++) nc.publish('r3.rare', enc(`x${i}`));
      await nc.flush();
      const last = await waitFor(async () => {
        const st = (await jsm.streams.info('R3')).state;
        return st.messages === 5000 + rare ? st.last_seq : undefined;
      }, 'the rare messages to be stored');
      const received: { data: string; at: number }[] = [];
      const sub = nc.subscribe('rare.>', {
        callback: (_e, m) => {
          received.push({ data: m.string(), at: Date.now() });
        },
      });
      await nc.flush();
      const body = {
        targetId,
        stream: 'R3',
        fromSeq: 1,
        toSeq: last,
        subject: 'r3.rare',
        remapFrom: 'r3.>',
        remapTo: 'rare.>',
        ratePerSec: 50,
      };
      const job = await post<ReplayJob>(operator, '/api/replay-jobs', body, 201);
      const done = await waitFor(
        async () => {
          const j = await get<ReplayJob>(viewer, `/api/replay-jobs/${job.id}`);
          return j.status === 'completed' ? j : undefined;
        },
        'replay to complete',
        20_000,
      );
      assert.equal(done.done, rare);
      await waitFor(async () => (received.length >= rare ? true : undefined), 'all replayed messages');
      sub.unsubscribe();
      assert.deepEqual(
        received.map((r) => r.data),
        Array.from({ length: rare }, (_, i) => `x${i + 1}`),
      );
      // Never faster than the limit (a 20 ms allowance for timer granularity); slower is fine.
      for (let i = 0; i + 10 < received.length; i++) {
        const span = (received[i + 10] as { at: number }).at - (received[i] as { at: number }).at;
        assert.ok(span >= (10 / 50) * 1000 - 20, `10 messages in ${span} ms`);
      }
    });

    test('export then import round-trips payloads and headers byte for byte, deduplicated', async () => {
      await jsm.streams.add({ name: 'EXP', subjects: ['exp.>'] });
      const js = jsm.jetstream();
      const payloads = [
        enc('plain'),
        new Uint8Array([0, 1, 2, 255, 254, 10, 13]),
        enc('{"x":"<script>"}'),
        new Uint8Array(),
      ];
      for (const [i, p] of payloads.entries()) {
        const h = headers();
        h.append('Dup', 'one');
        h.append('Dup', 'two');
        h.append('Case-Kept', `v${i}`);
        await js.publish(`exp.k${i}`, p, { headers: h });
      }
      await js.publish('exp.nohdr', enc('bare'));
      const exported = await app.inject({
        method: 'GET',
        url: url('/streams/EXP/export'),
        headers: viewer.headers(),
      });
      assert.equal(exported.statusCode, 200);
      assert.equal(exported.headers['x-tern-export-count'], '5');
      const lines = exported.body.trim().split('\n');
      assert.equal(lines.length, 5);
      const original = lines.map((l) => JSON.parse(l) as MessageExportRecord);

      await jsm.streams.delete('EXP');
      await jsm.streams.add({ name: 'EXP2', subjects: ['exp.>'], duplicate_window: 120_000_000_000 });
      const preview = await post<MessageImportResponse>(operator, url('/import'), {
        data: exported.body,
        stream: 'EXP2',
        preview: true,
      });
      assert.equal(preview.records, 5);
      assert.equal(preview.published, 0);
      assert.equal((await jsm.streams.info('EXP2')).state.messages, 0);
      await post(viewer, url('/import'), { data: exported.body, stream: 'EXP2' }, 403);
      const first = await post<MessageImportResponse>(operator, url('/import'), {
        data: exported.body,
        stream: 'EXP2',
        dedupe: false,
      });
      assert.deepEqual([first.published, first.duplicates, first.error], [5, 0, undefined]);
      const again = await app.inject({
        method: 'GET',
        url: url('/streams/EXP2/export'),
        headers: viewer.headers(),
      });
      const copy = again.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as MessageExportRecord);
      const strip = (r: MessageExportRecord) => ({
        subject: r.subject,
        headers: r.headers,
        payload: r.payload,
      });
      assert.deepEqual(copy.map(strip), original.map(strip));
      for (const [i, p] of payloads.entries()) {
        assert.deepEqual(new Uint8Array(Buffer.from((copy[i] as MessageExportRecord).payload, 'base64')), p);
      }

      await jsm.streams.add({ name: 'EXP3', subjects: ['imp.>'], duplicate_window: 120_000_000_000 });
      const req = { data: exported.body, stream: 'EXP3', subject: 'imp.all', dedupe: true };
      const once = await post<MessageImportResponse>(operator, url('/import'), req);
      assert.deepEqual([once.published, once.duplicates], [5, 0]);
      const twice = await post<MessageImportResponse>(operator, url('/import'), req);
      assert.deepEqual([twice.published, twice.duplicates], [0, 5]);
      assert.equal((await jsm.streams.info('EXP3')).state.messages, 5);
    });

    test('long exports read through a temporary consumer that is removed afterwards', async () => {
      await jsm.streams.add({ name: 'BULK', subjects: ['bulk.>'] });
      for (let i = 1; i <= 2500; i++) nc.publish(i % 2 ? 'bulk.odd' : 'bulk.even', enc(`b${i}`));
      await nc.flush();
      await waitFor(
        async () => ((await jsm.streams.info('BULK')).state.messages === 2500 ? true : undefined),
        'stored',
      );
      const all = await app.inject({
        method: 'GET',
        url: url('/streams/BULK/export'),
        headers: viewer.headers(),
      });
      const seqs = all.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as MessageExportRecord).seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: 2500 }, (_, i) => i + 1),
      );
      const even = await app.inject({
        method: 'GET',
        url: `${url('/streams/BULK/export')}?subject=bulk.even&fromSeq=2&toSeq=2401`,
        headers: viewer.headers(),
      });
      const evens = even.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as MessageExportRecord);
      assert.equal(evens.length, 1200);
      assert.ok(
        evens.every(
          (r, i) => r.seq === (i + 1) * 2 && Buffer.from(r.payload, 'base64').toString() === `b${r.seq}`,
        ),
      );
      const left = await waitFor(
        async () => ((await jsm.streams.info('BULK')).state.consumer_count === 0 ? true : undefined),
        'the temporary consumers to be deleted',
      );
      assert.equal(left, true);
    });

    test('a live tail relays core messages as Server-Sent Events, payloads as inert text', async () => {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const abort = new AbortController();
      const res = await fetch(`${address}${url('/tail')}?subject=tail.*`, {
        headers: viewer.headers(),
        signal: abort.signal,
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const until = async (pattern: RegExp) =>
        waitFor(async () => {
          const { value } = await reader.read();
          text += new TextDecoder().decode(value);
          return pattern.test(text) ? true : undefined;
        }, `tail output ${pattern}`);
      await until(/event: ready/);
      nc.publish('tail.one', enc('<b>hello</b>'));
      await until(/tail\.one/);
      const data = text.split('\n').find((l) => l.startsWith('data: {') && l.includes('tail.one'));
      assert.ok(data);
      const event = JSON.parse(data.slice(6)) as { subject: string; preview: string; kind: string };
      assert.deepEqual([event.subject, event.preview, event.kind], ['tail.one', '<b>hello</b>', 'text']);
      abort.abort();
      await reader.cancel().catch(() => {});
    });
  });
}

function pick(c: { delivered: unknown; ack_floor: unknown; num_pending: number; num_ack_pending: number }) {
  return {
    delivered: c.delivered,
    ack_floor: c.ack_floor,
    num_pending: c.num_pending,
    ack_pending: c.num_ack_pending,
  };
}
