import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditQuery, AuditResponse, AuditVerifyResponse } from '@tern/contracts';
import type { AuditLog } from '../audit/log.js';
import { errorResponses } from './schemas.js';

/** The audit trail, newest first, and its integrity check. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditLog }> = async (app, { audit }) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: AuditResponse, ...errorResponses },
      },
    },
    async (request) => audit.list(request.query),
  );

  app.get(
    '/api/audit/verify',
    { schema: { tags: ['audit'], response: { 200: AuditVerifyResponse, ...errorResponses } } },
    async () => audit.verify(),
  );
};
