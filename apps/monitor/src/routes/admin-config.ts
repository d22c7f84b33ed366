import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminTargetParams,
  ConfigExportQuery,
  ConfigImportPreview,
  ConfigImportRequest,
  ConfigImportResult,
  DriftReport,
} from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import { applyChange, ConfirmationRequired } from '../admin/change.js';
import { ConfigAsCode, formatDocument, parseDocument } from '../admin/config-as-code.js';
import type { JetStreamAdmin } from '../admin/jetstream.js';
import type { KvAdmin } from '../admin/kv.js';
import type { AuditLog } from '../audit/log.js';
import { TargetNotFound } from '../errors.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

export interface AdminConfigOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  js: JetStreamAdmin;
  kv: KvAdmin;
}

const BASE = '/api/config-as-code/:targetId';

/** Configuration as code: export a target's JetStream config, import a document (preview/apply), drift. */
export const adminConfigRoutes: FastifyPluginAsyncTypebox<AdminConfigOptions> = async (app, opts) => {
  const { prisma, audit } = opts;
  const cac = new ConfigAsCode(opts.js, opts.kv);
  const tags = ['config-as-code'];
  const targetName = async (id: string) => {
    const t = await prisma.target.findUnique({ where: { id }, select: { name: true } });
    if (!t) throw new TargetNotFound(id);
    return t.name;
  };

  app.get(
    `${BASE}/export`,
    { schema: { tags, params: AdminTargetParams, querystring: ConfigExportQuery } },
    async (request, reply) => {
      const name = await targetName(request.params.targetId);
      const format = request.query.format ?? 'json';
      const doc = await cac.export(request.params.targetId, name);
      const file = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}-jetstream.${format}`;
      return reply
        .header(
          'content-type',
          format === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(formatDocument(doc, format));
    },
  );

  app.post(
    `${BASE}/import/preview`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags,
        params: AdminTargetParams,
        body: ConfigImportRequest,
        response: { 200: ConfigImportPreview, ...errorResponses },
      },
    },
    async (request) => {
      const name = await targetName(request.params.targetId);
      const doc = parseDocument(request.body.document, request.body.format);
      return ConfigAsCode.preview(
        await cac.plan(request.params.targetId, doc, request.body.prune ?? false),
        name,
      );
    },
  );

  app.post(
    `${BASE}/drift`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags,
        params: AdminTargetParams,
        body: ConfigImportRequest,
        response: { 200: DriftReport, ...errorResponses },
      },
    },
    async (request) => {
      await targetName(request.params.targetId);
      const doc = parseDocument(request.body.document, request.body.format);
      return ConfigAsCode.drift(await cac.plan(request.params.targetId, doc, true));
    },
  );

  app.post(
    `${BASE}/import/apply`,
    {
      config: { auth: 'operator' },
      schema: {
        tags,
        params: AdminTargetParams,
        body: ConfigImportRequest,
        response: { 200: ConfigImportResult, ...errorResponses },
      },
    },
    async (request) => {
      const { targetId } = request.params;
      const name = await targetName(targetId);
      const doc = parseDocument(request.body.document, request.body.format);
      const planned = await cac.plan(targetId, doc, request.body.prune ?? false);
      const deletes = planned.some((p) => p.op === 'delete');
      // One confirmation (the target's name) covers every delete of the import.
      if (deletes && request.body.confirm !== name) throw new ConfirmationRequired(name);
      const actor = actorOf(request);
      const results: ConfigImportResult['results'] = [];
      for (const p of planned) {
        if (!p.plan) {
          results.push({ kind: p.kind, name: p.name, op: p.op, ok: true, error: null, auditId: null });
          continue;
        }
        try {
          const change = await p.plan();
          change.destructive = false;
          const res = await applyChange(audit, actor, change, undefined, { importedBy: 'config-as-code' });
          results.push({ kind: p.kind, name: p.name, op: p.op, ok: true, error: null, auditId: res.auditId });
        } catch (err) {
          results.push({
            kind: p.kind,
            name: p.name,
            op: p.op,
            ok: false,
            error: (err as Error).message,
            auditId: null,
          });
        }
      }
      return { results, ok: results.every((r) => r.ok) };
    },
  );
};
