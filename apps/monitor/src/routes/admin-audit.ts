import createError from '@fastify/error';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AuditExportQuery,
  AuditPruneResponse,
  AuditRecord,
  AuditSettings,
  ConfirmRequest,
  IdParams,
  RollbackPreview,
  RollbackResult,
} from '@tern/contracts';
import { applyChange, preview } from '../admin/change.js';
import type { JetStreamAdmin } from '../admin/jetstream.js';
import type { KvAdmin } from '../admin/kv.js';
import { planRollback } from '../admin/rollback.js';
import type { AuditLog } from '../audit/log.js';
import { recordFailure } from './admin-change.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

const RecordNotFound = createError('AUDIT_RECORD_NOT_FOUND', 'No audit record with id %s', 404);

export interface AdminAuditOptions {
  audit: AuditLog;
  js: JetStreamAdmin;
  kv: KvAdmin;
}

const CSV_COLUMNS = [
  'id',
  'time',
  'actor',
  'role',
  'sourceIp',
  'source',
  'action',
  'objectType',
  'objectId',
  'targetId',
  'result',
  'error',
  'requestId',
  'before',
  'after',
  'prevHash',
  'hash',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formulas neutralised for spreadsheets. */
export function csvField(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Audit export, retention, single records and rollback. */
export const adminAuditRoutes: FastifyPluginAsyncTypebox<AdminAuditOptions> = async (app, opts) => {
  const { audit, js, kv } = opts;
  const tags = ['audit'];

  app.get(
    '/api/audit/export',
    { schema: { tags, querystring: AuditExportQuery } },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const rows = await audit.exportRows(filters);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      if (format === 'csv') {
        const lines = [CSV_COLUMNS.join(',')];
        for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvField(r[c])).join(','));
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="tern-audit-${stamp}.csv"`)
          .send(`${lines.join('\r\n')}\r\n`);
      }
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="tern-audit-${stamp}.json"`)
        .send(JSON.stringify({ exportedAt: new Date().toISOString(), records: rows }));
    },
  );

  app.get(
    '/api/audit/settings',
    { schema: { tags, response: { 200: AuditSettings, ...errorResponses } } },
    async () => ({ retentionDays: await audit.retentionDays() }),
  );

  app.put(
    '/api/audit/settings',
    {
      config: { auth: 'admin' },
      schema: { tags, body: AuditSettings, response: { 200: AuditSettings, ...errorResponses } },
    },
    async (request) => {
      const before = { retentionDays: await audit.retentionDays() };
      await audit.setRetentionDays(request.body.retentionDays);
      await audit.append({
        ...actorOf(request),
        action: 'audit.settings',
        objectType: 'settings',
        objectId: 'audit',
        before,
        after: request.body,
        result: 'ok',
      });
      return { retentionDays: request.body.retentionDays };
    },
  );

  app.post(
    '/api/audit/prune',
    { config: { auth: 'admin' }, schema: { tags, response: { 200: AuditPruneResponse, ...errorResponses } } },
    async (request) => {
      const days = await audit.retentionDays();
      if (days === null) return { deleted: 0, oldestRetainedId: null };
      const cutoff = new Date(Date.now() - days * 86_400_000);
      // Recorded only when something went, so a routine prune leaves no trace of its own.
      return audit.prune(cutoff, (deleted) =>
        deleted === 0
          ? null
          : {
              ...actorOf(request),
              action: 'audit.prune',
              objectType: 'settings',
              objectId: 'audit',
              before: null,
              after: { retentionDays: days, cutoff: cutoff.toISOString(), deleted },
              result: 'ok',
            },
      );
    },
  );

  app.get(
    '/api/audit/:id',
    { schema: { tags, params: IdParams, response: { 200: AuditRecord, ...errorResponses } } },
    async (request) => {
      const record = await audit.get(request.params.id);
      if (!record) throw new RecordNotFound(request.params.id);
      return record;
    },
  );

  const load = async (id: string) => {
    const record = await audit.get(id);
    if (!record) throw new RecordNotFound(id);
    return record;
  };

  app.post(
    '/api/audit/:id/rollback/preview',
    {
      config: { auth: 'operator' },
      schema: {
        tags,
        params: IdParams,
        body: ConfirmRequest,
        response: { 200: RollbackPreview, ...errorResponses },
      },
    },
    async (request) => {
      const record = await load(request.params.id);
      return { ...preview(await planRollback(record, js, kv)), rollbackOf: record.id };
    },
  );

  app.post(
    '/api/audit/:id/rollback/apply',
    {
      config: { auth: 'operator' },
      schema: {
        tags,
        params: IdParams,
        body: ConfirmRequest,
        response: { 200: RollbackResult, ...errorResponses },
      },
    },
    async (request) => {
      const record = await load(request.params.id);
      let change: Awaited<ReturnType<typeof planRollback>>;
      try {
        change = await planRollback(record, js, kv);
      } catch (err) {
        await recordFailure(
          request,
          audit,
          {
            action: `${record.action}.rollback`,
            objectType: record.objectType,
            objectId: record.objectId,
            targetId: record.targetId ?? '',
          },
          { rollbackOf: record.id },
          err,
        );
        throw err;
      }
      const result = await applyChange(audit, actorOf(request), change, request.body.confirm, {
        rollbackOf: record.id,
      });
      return { ...result, rollbackOf: record.id };
    },
  );
};
