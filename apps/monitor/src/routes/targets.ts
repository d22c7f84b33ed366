import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreateTargetRequest, IdParams, OkResponse, Target, TargetsResponse } from '@tern/contracts';
import { Prisma, type PrismaClient } from '@tern/db';
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditEntry, AuditLog } from '../audit/log.js';
import type { SecretBox } from '../crypto.js';
import { TargetNameTaken, TargetNotFound } from '../errors.js';
import type { Scraper } from '../scrape/scraper.js';
import { checkReachable, normaliseUrls, toScrapeTarget, toTargetDto } from '../targets/targets.js';
import { errorResponses } from './schemas.js';

export interface TargetsRoutesOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  scraper: Scraper;
  secretBox: SecretBox;
  validationTimeoutMs: number;
}

/** The audit actor fields of an authenticated request. */
export function actorOf(request: FastifyRequest): AuditActor {
  return {
    actor: request.auth?.user.username ?? 'anonymous',
    role: request.auth?.user.role ?? null,
    sourceIp: request.ip,
    requestId: request.id,
  };
}

/** Targets: the NATS servers the monitor watches. Every change (and every failed attempt) is audited. */
export const targetsRoutes: FastifyPluginAsyncTypebox<TargetsRoutesOptions> = async (app, opts) => {
  const { prisma, audit, scraper, secretBox } = opts;

  app.get(
    '/api/targets',
    { schema: { tags: ['targets'], response: { 200: TargetsResponse, ...errorResponses } } },
    async () => {
      const rows = await prisma.target.findMany({ orderBy: [{ embedded: 'desc' }, { name: 'asc' }] });
      return { targets: rows.map(toTargetDto) };
    },
  );

  app.post(
    '/api/targets',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['targets'],
        body: CreateTargetRequest,
        response: { 201: Target, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name, credentials, skipValidation } = request.body;
      const actor = actorOf(request);
      try {
        const urls = normaliseUrls(request.body);
        if (await prisma.target.findUnique({ where: { name }, select: { id: true } })) {
          throw new TargetNameTaken(name);
        }
        if (!skipValidation) await checkReachable(urls.monitorUrls, opts.validationTimeoutMs);
        const hasCredentials = Object.values(credentials ?? {}).some((v) => v !== undefined && v !== '');
        const row = await audit.write(async (tx) => {
          const created = await tx.target.create({
            data: {
              name,
              ...urls,
              credentials: hasCredentials ? secretBox.encrypt(JSON.stringify(credentials)) : null,
            },
          });
          const after = toTargetDto(created);
          return {
            value: created,
            entry: {
              ...actor,
              action: 'target.create',
              objectType: 'target',
              objectId: created.id,
              targetId: created.id,
              before: null,
              after,
              result: 'ok',
            },
          };
        });
        scraper.setTarget(toScrapeTarget(row));
        return reply.status(201).send(toTargetDto(row));
      } catch (err) {
        const error = isUniqueViolation(err) ? new TargetNameTaken(name) : err;
        await auditFailure(request, audit, {
          ...actor,
          action: 'target.create',
          objectType: 'target',
          objectId: name,
          before: null,
          after: {
            name,
            natsUrls: request.body.natsUrls,
            monitorUrls: request.body.monitorUrls,
            hasCredentials: credentials !== undefined,
          },
          result: 'error',
          error: (error as Error).message,
        });
        throw error;
      }
    },
  );

  app.delete(
    '/api/targets/:id',
    {
      config: { auth: 'admin' },
      schema: { tags: ['targets'], params: IdParams, response: { 200: OkResponse, ...errorResponses } },
    },
    async (request) => {
      const { id } = request.params;
      const actor = actorOf(request);
      try {
        await audit.write(async (tx) => {
          const existing = await tx.target.findUnique({ where: { id } });
          if (!existing) throw new TargetNotFound(id);
          await tx.target.delete({ where: { id } });
          return {
            value: undefined,
            entry: {
              ...actor,
              action: 'target.delete',
              objectType: 'target',
              objectId: id,
              targetId: id,
              before: toTargetDto(existing),
              after: null,
              result: 'ok',
            },
          };
        });
      } catch (err) {
        await auditFailure(request, audit, {
          ...actor,
          action: 'target.delete',
          objectType: 'target',
          objectId: id,
          targetId: null,
          result: 'error',
          error: (err as Error).message,
        });
        throw err;
      }
      scraper.removeTarget(id);
      return { ok: true as const };
    },
  );
};

// Records a failed attempt; if even that fails, the original error still reaches the caller.
async function auditFailure(request: FastifyRequest, audit: AuditLog, entry: AuditEntry): Promise<void> {
  try {
    await audit.append(entry);
  } catch (err) {
    request.log.error({ err }, 'could not audit a failed change');
  }
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
