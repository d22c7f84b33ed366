import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ServersResponse } from '@tern/contracts';
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
