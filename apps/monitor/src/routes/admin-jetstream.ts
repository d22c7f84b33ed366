import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AdminConsumerParams,
  AdminStreamParams,
  AdminTargetParams,
  ConfirmRequest,
  ConsumerChangeRequest,
  ConsumerDetail,
  ConsumerPauseRequest,
  ConsumersListResponse,
  JetStreamCapabilities,
  StreamChangeRequest,
  StreamDetail,
  StreamPurgeRequest,
  StreamsListResponse,
} from '@tern/contracts';
import type { JetStreamAdmin } from '../admin/jetstream.js';
import type { AuditLog } from '../audit/log.js';
import { changeRoutes } from './admin-change.js';
import { errorResponses } from './schemas.js';

export interface AdminJetStreamOptions {
  audit: AuditLog;
  js: JetStreamAdmin;
}

const BASE = '/api/targets/:targetId/jetstream';
const tags = ['jetstream'];

/** Stream and consumer management: reads for everyone, preview/apply changes for operators. */
export const adminJetStreamRoutes: FastifyPluginAsyncTypebox<AdminJetStreamOptions> = async (app, opts) => {
  const { audit, js } = opts;

  app.get(
    `${BASE}/capabilities`,
    {
      schema: {
        tags,
        params: AdminTargetParams,
        response: { 200: JetStreamCapabilities, ...errorResponses },
      },
    },
    async (request) => js.capabilities(request.params.targetId),
  );
  app.get(
    `${BASE}/streams`,
    {
      schema: { tags, params: AdminTargetParams, response: { 200: StreamsListResponse, ...errorResponses } },
    },
    async (request) => ({ streams: await js.listStreams(request.params.targetId) }),
  );
  app.get(
    `${BASE}/streams/:stream`,
    { schema: { tags, params: AdminStreamParams, response: { 200: StreamDetail, ...errorResponses } } },
    async (request) => {
      const info = await js.requireStream(request.params.targetId, request.params.stream);
      return { config: info.config, state: info.state, created: info.created };
    },
  );
  app.get(
    `${BASE}/streams/:stream/consumers`,
    {
      schema: {
        tags,
        params: AdminStreamParams,
        response: { 200: ConsumersListResponse, ...errorResponses },
      },
    },
    async (request) => ({
      consumers: await js.listConsumers(request.params.targetId, request.params.stream),
    }),
  );
  app.get(
    `${BASE}/streams/:stream/consumers/:consumer`,
    { schema: { tags, params: AdminConsumerParams, response: { 200: ConsumerDetail, ...errorResponses } } },
    async (request) => {
      const { targetId, stream, consumer } = request.params;
      return js.consumerDetail(targetId, stream, consumer);
    },
  );

  const stream = (action: string) => (p: { targetId: string; stream: string }) => ({
    action,
    objectType: 'stream',
    objectId: p.stream,
    targetId: p.targetId,
  });
  const consumer = (action: string) => (p: { targetId: string; stream: string; consumer: string }) => ({
    action,
    objectType: 'consumer',
    objectId: `${p.stream}/${p.consumer}`,
    targetId: p.targetId,
  });

  const S = `${BASE}/streams/:stream`;
  changeRoutes(app, audit, `${S}/create`, {
    tags,
    params: AdminStreamParams,
    body: StreamChangeRequest,
    identify: stream('stream.create'),
    plan: (p, b) => js.planStreamCreate(p.targetId, p.stream, b.config),
  });
  changeRoutes(app, audit, `${S}/update`, {
    tags,
    params: AdminStreamParams,
    body: StreamChangeRequest,
    identify: stream('stream.update'),
    plan: (p, b) => js.planStreamUpdate(p.targetId, p.stream, b.config),
  });
  changeRoutes(app, audit, `${S}/delete`, {
    tags,
    params: AdminStreamParams,
    body: ConfirmRequest,
    identify: stream('stream.delete'),
    plan: (p) => js.planStreamDelete(p.targetId, p.stream),
  });
  changeRoutes(app, audit, `${S}/purge`, {
    tags,
    params: AdminStreamParams,
    body: StreamPurgeRequest,
    identify: stream('stream.purge'),
    plan: (p, b) => js.planStreamPurge(p.targetId, p.stream, b),
  });
  changeRoutes(app, audit, `${S}/seal`, {
    tags,
    params: AdminStreamParams,
    body: ConfirmRequest,
    identify: stream('stream.seal'),
    plan: (p) => js.planStreamSeal(p.targetId, p.stream),
  });

  const C = `${S}/consumers/:consumer`;
  changeRoutes(app, audit, `${C}/create`, {
    tags,
    params: AdminConsumerParams,
    body: ConsumerChangeRequest,
    identify: consumer('consumer.create'),
    plan: (p, b) => js.planConsumerCreate(p.targetId, p.stream, p.consumer, b.config),
  });
  changeRoutes(app, audit, `${C}/update`, {
    tags,
    params: AdminConsumerParams,
    body: ConsumerChangeRequest,
    identify: consumer('consumer.update'),
    plan: (p, b) => js.planConsumerUpdate(p.targetId, p.stream, p.consumer, b.config),
  });
  changeRoutes(app, audit, `${C}/delete`, {
    tags,
    params: AdminConsumerParams,
    body: ConfirmRequest,
    identify: consumer('consumer.delete'),
    plan: (p) => js.planConsumerDelete(p.targetId, p.stream, p.consumer),
  });
  changeRoutes(app, audit, `${C}/pause`, {
    tags,
    params: AdminConsumerParams,
    body: ConsumerPauseRequest,
    identify: consumer('consumer.pause'),
    plan: (p, b) => js.planConsumerPause(p.targetId, p.stream, p.consumer, b.until),
  });
  changeRoutes(app, audit, `${C}/resume`, {
    tags,
    params: AdminConsumerParams,
    body: Type.Object({ confirm: Type.Optional(Type.String()) }),
    identify: consumer('consumer.resume'),
    plan: (p) => js.planConsumerPause(p.targetId, p.stream, p.consumer, null),
  });
};
