import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OverviewResponse } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { overview } from '../observe/views.js';
import { errorResponses } from './schemas.js';

/** Health, totals and throughput of everything monitored. */
export const overviewRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/overview',
    { schema: { tags: ['observability'], response: { 200: OverviewResponse, ...errorResponses } } },
    async () => overview(obs),
  );
};
