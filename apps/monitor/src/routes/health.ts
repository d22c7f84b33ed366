import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PrismaClient } from '@tern/db';
import { errorResponses } from './schemas.js';

const HealthResponse = Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok') });

/** Liveness and database reachability; public so load balancers can call it. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/api/health',
    {
      config: { auth: 'public' },
      schema: { tags: ['health'], response: { 200: HealthResponse, ...errorResponses } },
    },
    async () => {
      await prisma.$queryRaw`SELECT 1`;
      return { status: 'ok' as const, database: 'ok' as const };
    },
  );
};
