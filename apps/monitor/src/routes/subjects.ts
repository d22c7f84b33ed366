import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SubjectsQuery, SubjectsResponse } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { subjects } from '../observe/views.js';
import { errorResponses } from './schemas.js';

/** The subject tree: subscriptions and stream subjects, with delivery rates where known. */
export const subjectsRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/subjects',
    {
      schema: {
        tags: ['observability'],
        querystring: SubjectsQuery,
        response: { 200: SubjectsResponse, ...errorResponses },
      },
    },
    async (request) => subjects(obs, request.query),
  );
};
