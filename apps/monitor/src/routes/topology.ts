import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TopologyResponse } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { topology } from '../observe/views.js';
import { errorResponses } from './schemas.js';

/** Clusters: members (scraped, discovered, or only seen in a peer's routes) and the routes between them. */
export const topologyRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/topology',
    { schema: { tags: ['observability'], response: { 200: TopologyResponse, ...errorResponses } } },
    async () => ({ clusters: topology(obs) }),
  );
};
