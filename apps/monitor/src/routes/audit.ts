import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditResponse, AuditSearchQuery, AuditVerifyDetail } from '@tern/contracts';
import type { AuditLog } from '../audit/log.js';
import { errorResponses } from './schemas.js';

/** The audit trail, newest first, and its integrity check. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditLog }> = async (app, { audit }) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: AuditSearchQuery,
        response: { 200: AuditResponse, ...errorResponses },
      },
    },
    async (request) => audit.list(request.query),
  );

  app.get(
    '/api/audit/verify',
    { schema: { tags: ['audit'], response: { 200: AuditVerifyDetail, ...errorResponses } } },
    async () => audit.verify(),
  );
};
