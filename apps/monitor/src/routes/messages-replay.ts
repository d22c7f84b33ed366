import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  IdParams,
  ReplayAction,
  ReplayJob,
  ReplayJobsResponse,
  ReplayPreviewResponse,
  ReplayRequest,
} from '@tern/contracts';
import type { ReplayRunner } from '../messages/replay.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

const tags = ['replay'];

/** Replay jobs: preview a selection, start a job, follow it, pause, resume or cancel it. */
export const replayRoutes: FastifyPluginAsyncTypebox<{ runner: ReplayRunner }> = async (app, { runner }) => {
  app.post(
    '/api/replay-jobs/preview',
    {
      config: { auth: 'operator' },
      schema: { tags, body: ReplayRequest, response: { 200: ReplayPreviewResponse, ...errorResponses } },
    },
    async (request) => runner.preview(request.body),
  );

  app.post(
    '/api/replay-jobs',
    {
      config: { auth: 'operator' },
      schema: { tags, body: ReplayRequest, response: { 201: ReplayJob, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await runner.create(request.body, actorOf(request))),
  );

  app.get(
    '/api/replay-jobs',
    { schema: { tags, response: { 200: ReplayJobsResponse, ...errorResponses } } },
    async () => ({ jobs: await runner.list() }),
  );

  app.get(
    '/api/replay-jobs/:id',
    { schema: { tags, params: IdParams, response: { 200: ReplayJob, ...errorResponses } } },
    async (request) => runner.get(request.params.id),
  );

  app.post(
    '/api/replay-jobs/:id/:action',
    {
      config: { auth: 'operator' },
      schema: {
        tags,
        params: ReplayAction,
        body: Type.Optional(Type.Object({})),
        response: { 200: ReplayJob, ...errorResponses },
      },
    },
    async (request) => runner.act(request.params.id, request.params.action, actorOf(request)),
  );
};
