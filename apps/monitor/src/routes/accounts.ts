import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AccountsResponse } from '@tern/contracts';
import type { Observatory } from '../observe/observatory.js';
import { accounts } from '../observe/views.js';
import { errorResponses } from './schemas.js';

/** Usage per account: connections, subscriptions, traffic rates, JetStream storage. */
export const accountsRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/accounts',
    {
      schema: {
        tags: ['observability'],
        querystring: Type.Object({ target: Type.Optional(Type.String()) }),
        response: { 200: AccountsResponse, ...errorResponses },
      },
    },
    async (request) => ({ accounts: accounts(obs, request.query.target) }),
  );
};
