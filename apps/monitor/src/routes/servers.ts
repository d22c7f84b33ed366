import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ServerDetailResponse, ServersResponse, TargetIdParams } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { serverDetail } from '../observe/views.js';
import type { Scraper } from '../scrape/scraper.js';
import { errorResponses } from './schemas.js';

/** Every monitored server with the result of its latest `/varz` scrape. */
export const serversRoutes: FastifyPluginAsyncTypebox<{ scraper: Scraper }> = async (app, { scraper }) => {
  app.get(
    '/api/servers',
    { schema: { tags: ['servers'], response: { 200: ServersResponse, ...errorResponses } } },
    async () => ({ servers: scraper.summaries() }),
  );
};

/** One target's servers in full (configured and discovered): health, rates, JetStream usage, routes. */
export const serverDetailRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/servers/:targetId',
    {
      schema: {
        tags: ['servers'],
        params: TargetIdParams,
        response: { 200: ServerDetailResponse, ...errorResponses },
      },
    },
    async (request) => serverDetail(obs, request.params.targetId),
  );
};
