import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '@nats-io/transport-node';
import {
  DeleteMessageQuery,
  MessageBrowseQuery,
  MessageBrowseResponse,
  MessageDetail,
  MessageDetailQuery,
  MessageImportRequest,
  MessageImportResponse,
  MessageParams,
  MessagePurgeRequest,
  MessagePurgeResponse,
  MessageRangeCountResponse,
  MessageRangeQuery,
  MessageStreamsResponse,
  MessagesStreamParams,
  MessagesTargetParams,
  MessageTailQuery,
  OkResponse,
  PublishRequest,
  PublishResponse,
} from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { FastifyRequest } from 'fastify';
import type { AuditEntry, AuditLog } from '../audit/log.js';
import type { SecretBox } from '../crypto.js';
import { browse, countRange, resolveRange } from '../messages/browse.js';
import { InvalidSubject } from '../messages/errors.js';
import { JsApi } from '../messages/jsapi.js';
import { NatsPool } from '../messages/nats.js';
import { parseHeaderBlock, payloadKind } from '../messages/payload.js';
import { readRange } from '../messages/reader.js';
import { ReplayRunner } from '../messages/replay.js';
import { isValidFilter } from '../messages/subjects.js';
import { Tails } from '../messages/tail.js';
import { exportLine, importRecords, toMsgHdrs } from '../messages/transfer.js';
import { replayRoutes } from './messages-replay.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

export interface MessagesRoutesOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  secretBox: SecretBox;
  /** NATS request timeout (ms). */
  natsTimeoutMs?: number;
}

const tags = ['messages'];
const base = '/api/messages/:targetId';

/**
 * Messages: browse and inspect stream contents without touching consumers, delete and purge,
 * publish or request, live tail, export/import (JSON Lines) and replay jobs. Reads need viewer,
 * changes operator; every change is audited.
 */
export const messagesRoutes: FastifyPluginAsyncTypebox<MessagesRoutesOptions> = async (app, opts) => {
  const { prisma, audit } = opts;
  const pool = new NatsPool(prisma, opts.secretBox, opts.natsTimeoutMs ?? 5000);
  const runner = new ReplayRunner(prisma, pool, audit, app.log);
  const tails = new Tails();
  const jsFor = async (targetId: string) => new JsApi(await pool.get(targetId), opts.natsTimeoutMs ?? 5000);

  app.addHook('onReady', () => runner.start());
  app.addHook('preClose', async () => {
    tails.closeAll();
  });
  app.addHook('onClose', async () => {
    await runner.stop();
    await pool.close();
  });

  /** Runs an audited change; a failure is audited too, then rethrown. */
  async function audited<T>(
    request: FastifyRequest,
    entry: Omit<AuditEntry, 'actor' | 'role' | 'sourceIp' | 'requestId' | 'result'>,
    change: () => Promise<{ value: T; after?: unknown }>,
  ): Promise<T> {
    const actor = actorOf(request);
    try {
      const { value, after } = await change();
      await audit.append({ ...actor, ...entry, after: after ?? entry.after, result: 'ok' });
      return value;
    } catch (err) {
      await audit
        .append({ ...actor, ...entry, result: 'error', error: (err as Error).message })
        .catch((e) => request.log.error({ err: e }, 'could not audit a failed change'));
      throw err;
    }
  }

  app.get(
    `${base}/streams`,
    {
      schema: {
        tags,
        params: MessagesTargetParams,
        response: { 200: MessageStreamsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const js = await jsFor(request.params.targetId);
      const streams = await js.streams();
      return {
        streams: streams
          .map((s) => ({
            name: s.config.name,
            subjects: s.config.subjects ?? [],
            retention: s.config.retention ?? 'limits',
            messages: s.state.messages,
            bytes: s.state.bytes,
            firstSeq: s.state.first_seq,
            lastSeq: s.state.last_seq,
            firstTime: s.state.messages > 0 && s.state.first_ts ? isoOf(s.state.first_ts) : null,
            lastTime: s.state.messages > 0 && s.state.last_ts ? isoOf(s.state.last_ts) : null,
            consumers: s.state.consumer_count,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    },
  );

  app.get(
    `${base}/streams/:stream`,
    {
      schema: {
        tags,
        params: MessagesStreamParams,
        querystring: MessageBrowseQuery,
        response: { 200: MessageBrowseResponse, ...errorResponses },
      },
    },
    async (request) => {
      const js = await jsFor(request.params.targetId);
      return browse(js, request.params.stream, request.query);
    },
  );

  app.get(
    `${base}/streams/:stream/count`,
    {
      schema: {
        tags,
        params: MessagesStreamParams,
        querystring: MessageRangeQuery,
        response: { 200: MessageRangeCountResponse, ...errorResponses },
      },
    },
    async (request) => {
      const js = await jsFor(request.params.targetId);
      const range = await resolveRange(js, request.params.stream, request.query);
      const c = await countRange(js, request.params.stream, range);
      return { fromSeq: range.fromSeq, toSeq: range.toSeq, ...c };
    },
  );

  app.get(
    `${base}/streams/:stream/export`,
    { schema: { tags, params: MessagesStreamParams, querystring: MessageRangeQuery } },
    async (request, reply) => {
      const { targetId, stream } = request.params;
      const js = await jsFor(targetId);
      const range = await resolveRange(js, stream, request.query);
      const { count, bytes } = await countRange(js, stream, range, 2000);
      // Lines are sent in chunks of about 64 KiB: one write per message would dominate the cost.
      async function* lines() {
        let chunk = '';
        for await (const m of readRange(js, stream, range.fromSeq, range.toSeq, range.filter)) {
          chunk += exportLine(stream, m);
          if (chunk.length >= 65_536) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      const name = `${stream}-${range.fromSeq}-${range.toSeq}.jsonl`.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-tern-export-count', String(count))
        .header('x-tern-export-bytes', String(bytes))
        .send(Readable.from(lines()));
    },
  );

  app.get(
    `${base}/streams/:stream/:seq`,
    {
      schema: {
        tags,
        params: MessageParams,
        querystring: MessageDetailQuery,
        response: { 200: MessageDetail, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId, stream, seq } = request.params;
      const js = await jsFor(targetId);
      const m = await js.mustGetMsg(stream, seq);
      const max = request.query.maxBytes;
      return {
        stream,
        seq: m.seq,
        subject: m.subject,
        time: new Date(m.timeMs).toISOString(),
        size: m.data.length + (m.hdrs?.length ?? 0),
        headers: parseHeaderBlock(m.hdrs),
        payloadSize: m.data.length,
        payload: Buffer.from(m.data.subarray(0, max)).toString('base64'),
        truncated: m.data.length > max,
        kind: payloadKind(m.data),
      };
    },
  );

  app.get(
    `${base}/streams/:stream/:seq/payload`,
    { schema: { tags, params: MessageParams } },
    async (request, reply) => {
      const { targetId, stream, seq } = request.params;
      const js = await jsFor(targetId);
      const m = await js.mustGetMsg(stream, seq);
      const name = `${stream}-${seq}.bin`.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Buffer.from(m.data));
    },
  );

  app.delete(
    `${base}/streams/:stream/:seq`,
    {
      config: { auth: 'operator' },
      schema: {
        tags,
        params: MessageParams,
        querystring: DeleteMessageQuery,
        response: { 200: OkResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId, stream, seq } = request.params;
      return audited(
        request,
        {
          action: 'message.delete',
          objectType: 'message',
          objectId: `${stream}/${seq}`,
          targetId,
          after: { erase: request.query.erase },
        },
        async () => {
          const js = await jsFor(targetId);
          const m = await js.mustGetMsg(stream, seq);
          await js.deleteMsg(stream, seq, request.query.erase);
          return {
            value: { ok: true as const },
            after: {
              erase: request.query.erase,
              deleted: {
                subject: m.subject,
                seq,
                time: new Date(m.timeMs).toISOString(),
                size: m.data.length,
              },
            },
          };
        },
      );
    },
  );

  app.post(
    `${base}/streams/:stream/purge`,
    {
      config: { auth: 'operator' },
      schema: {
        tags,
        params: MessagesStreamParams,
        body: MessagePurgeRequest,
        response: { 200: MessagePurgeResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId, stream } = request.params;
      const { filter, seq, keep } = request.body;
      if (filter !== undefined && !isValidFilter(filter))
        throw new InvalidSubject(`"${filter}" is not a valid filter`);
      return audited(
        request,
        { action: 'stream.purge', objectType: 'stream', objectId: stream, targetId, after: request.body },
        async () => {
          const js = await jsFor(targetId);
          const purged = await js.purge(stream, {
            ...(filter ? { filter } : {}),
            ...(seq ? { seq } : {}),
            ...(keep !== undefined ? { keep } : {}),
          });
          return { value: { purged }, after: { ...request.body, purged } };
        },
      );
    },
  );

  app.post(
    `${base}/publish`,
    {
      config: { auth: 'operator' },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        params: MessagesTargetParams,
        body: PublishRequest,
        response: { 200: PublishResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId } = request.params;
      const body = request.body;
      if (!isValidFilter(body.subject) || /[*>]/.test(body.subject)) {
        throw new InvalidSubject(`"${body.subject}" is not a subject a message can be published to`);
      }
      const data =
        body.encoding === 'base64' ? Buffer.from(body.payload, 'base64') : Buffer.from(body.payload, 'utf8');
      const summary = {
        subject: body.subject,
        mode: body.mode,
        size: data.length,
        headers: body.headers.length,
      };
      return audited<PublishResponse>(
        request,
        {
          action: `message.${body.mode}`,
          objectType: 'subject',
          objectId: body.subject,
          targetId,
          after: summary,
        },
        async () => {
          const nc = await pool.get(targetId);
          const headers = toMsgHdrs(body.headers);
          const started = performance.now();
          const latency = () => Math.round((performance.now() - started) * 100) / 100;
          if (body.mode === 'publish') {
            nc.publish(body.subject, data, headers ? { headers } : undefined);
            await nc.flush();
            const value = { outcome: 'published' as const, latencyMs: latency() };
            return { value, after: { ...summary, outcome: value.outcome } };
          }
          try {
            const reply = await nc.request(body.subject, data, {
              timeout: body.timeoutMs,
              ...(headers ? { headers } : {}),
            });
            const value = {
              outcome: 'reply' as const,
              latencyMs: latency(),
              reply: {
                subject: reply.subject,
                headers: reply.headers
                  ? [...reply.headers].flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))
                  : [],
                payload: Buffer.from(reply.data).toString('base64'),
                kind: payloadKind(reply.data),
              },
            };
            return { value, after: { ...summary, outcome: 'reply', latencyMs: value.latencyMs } };
          } catch (err) {
            const outcome = requestOutcome(err);
            if (!outcome) throw err;
            const value = { outcome, latencyMs: latency() };
            return { value, after: { ...summary, outcome } };
          }
        },
      );
    },
  );

  app.post(
    `${base}/import`,
    {
      config: { auth: 'operator' },
      bodyLimit: 80 * 1024 * 1024,
      schema: {
        tags,
        params: MessagesTargetParams,
        body: MessageImportRequest,
        response: { 200: MessageImportResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId } = request.params;
      const { data, ...params } = request.body;
      const run = async () => {
        const js = await jsFor(targetId);
        return importRecords(js.nc, js, request.body);
      };
      if (request.body.preview) return run();
      return audited(
        request,
        {
          action: 'message.import',
          objectType: request.body.stream ? 'stream' : 'subject',
          objectId: request.body.stream ?? request.body.subject ?? '(original subjects)',
          targetId,
          after: { ...params, bytes: data.length },
        },
        async () => {
          const value = await run();
          const after = {
            ...params,
            bytes: data.length,
            records: value.records,
            published: value.published,
            duplicates: value.duplicates,
            error: value.error,
          };
          return { value, after };
        },
      );
    },
  );

  app.get(
    `${base}/tail`,
    { schema: { tags, params: MessagesTargetParams, querystring: MessageTailQuery } },
    async (request, reply) => {
      const { subject } = request.query;
      if (!isValidFilter(subject)) throw new InvalidSubject(`"${subject}" is not a valid subject filter`);
      const nc = await pool.get(request.params.targetId);
      tails.open(nc, subject, request, reply);
    },
  );

  await app.register(replayRoutes, { runner });
};

function isoOf(time: string): string {
  const ms = Date.parse(time.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? new Date(0).toISOString() : new Date(ms).toISOString();
}

/** The outcome of a request that got no reply, or undefined for any other error. */
function requestOutcome(err: unknown): 'no_responders' | 'timeout' | undefined {
  if (err instanceof errors.NoRespondersError) return 'no_responders';
  if (err instanceof errors.TimeoutError) return 'timeout';
  if (err instanceof errors.RequestError) {
    if (err.isNoResponders()) return 'no_responders';
    if (err.cause instanceof errors.TimeoutError || /timeout/i.test(err.message)) return 'timeout';
  }
  return undefined;
}
