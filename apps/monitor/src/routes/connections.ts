import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConnectionsQuery, ConnectionsResponse } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { connections } from '../observe/views.js';
import { errorResponses } from './schemas.js';

/** Client connections of every monitored server (as of each server's last /connz), like /connz across targets. */
export const connectionsRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/connections',
    {
      schema: {
        tags: ['observability'],
        querystring: ConnectionsQuery,
        response: { 200: ConnectionsResponse, ...errorResponses },
      },
    },
    async (request) => connections(obs, request.query),
  );
};
