import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ConsumerDetailResponse,
  ConsumerRefParams,
  ConsumersQuery,
  ConsumersResponse,
  type SeriesData,
  StreamDetailResponse,
  StreamRefParams,
  StreamsQuery,
  StreamsResponse,
} from '@tern/contracts';
import { ConsumerNotFound, StreamNotFound } from '../observe/errors.js';
import {
  collectJetStream,
  lagsByConsumer,
  toConsumerSummary,
  toStreamSummary,
} from '../observe/jetstream.js';
import type { Observatory } from '../observe/observatory.js';
import { consumers, streams } from '../observe/views.js';
import type { EntityKind } from '../series/extract.js';
import { consumerId, streamId } from '../series/extract.js';
import { errorResponses } from './schemas.js';

const HOUR = 3_600_000;
const STREAM_SERIES = ['messages', 'bytes', 'last_seq_rate'];
const CONSUMER_SERIES = [
  'num_pending',
  'num_ack_pending',
  'num_redelivered',
  'ack_floor_stream_seq_rate',
  'lag_drain_seconds',
  'lag_oldest_unacked_seconds',
];

async function recentSeries(
  obs: Observatory,
  target: string,
  kind: EntityKind,
  id: string,
  metrics: readonly string[],
): Promise<SeriesData[]> {
  const to = Date.now();
  return Promise.all(
    metrics.map(async (metric) => ({
      metric,
      ...(await obs.store.query({ target, kind, id, metric, from: to - HOUR, to, maxPoints: 240 })),
    })),
  );
}

/** Streams and consumers of every target, as of each server's last /jsz, with lag as counts and time. */
export const streamsRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/streams',
    {
      schema: {
        tags: ['jetstream'],
        querystring: StreamsQuery,
        response: { 200: StreamsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return { ...streams(obs, q), offset: q.offset, limit: q.limit };
    },
  );

  app.get(
    '/api/streams/:targetId/:account/:stream',
    {
      schema: {
        tags: ['jetstream'],
        params: StreamRefParams,
        response: { 200: StreamDetailResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId, account, stream } = request.params;
      const js = collectJetStream(obs, targetId);
      const rec = js.streams.find((s) => s.account === account && s.body.name === stream);
      if (!rec) throw new StreamNotFound(stream, account, targetId);
      const lags = lagsByConsumer(obs, targetId);
      const out: StreamDetailResponse = {
        stream: toStreamSummary(obs, rec),
        consumers: js.consumers
          .filter((c) => c.account === account && c.stream === stream)
          .map((c) => toConsumerSummary(c, lags))
          .sort((a, b) => b.lag.outstanding - a.lag.outstanding || a.name.localeCompare(b.name)),
        series: await recentSeries(obs, targetId, 'stream', streamId(account, stream), STREAM_SERIES),
      };
      if (rec.body.config) out.config = rec.body.config;
      return out;
    },
  );

  app.get(
    '/api/consumers',
    {
      schema: {
        tags: ['jetstream'],
        querystring: ConsumersQuery,
        response: { 200: ConsumersResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return { ...consumers(obs, q), offset: q.offset, limit: q.limit };
    },
  );

  app.get(
    '/api/consumers/:targetId/:account/:stream/:consumer',
    {
      schema: {
        tags: ['jetstream'],
        params: ConsumerRefParams,
        response: { 200: ConsumerDetailResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId, account, stream, consumer } = request.params;
      const rec = collectJetStream(obs, targetId).consumers.find(
        (c) => c.account === account && c.stream === stream && c.body.name === consumer,
      );
      if (!rec) throw new ConsumerNotFound(consumer, `${account}/${stream}`, targetId);
      const out: ConsumerDetailResponse = {
        consumer: toConsumerSummary(rec, lagsByConsumer(obs, targetId)),
        series: await recentSeries(
          obs,
          targetId,
          'consumer',
          consumerId(account, stream, consumer),
          CONSUMER_SERIES,
        ),
      };
      if (rec.body.config) out.config = rec.body.config;
      return out;
    },
  );
};
