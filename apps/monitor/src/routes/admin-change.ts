import type { Static, TSchema } from '@sinclair/typebox';
import { ChangePreview, ChangeResult } from '@tern/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applyChange, type Change, preview } from '../admin/change.js';
import type { AuditLog } from '../audit/log.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

/** What a failed plan is recorded as, when the change could not even be planned (e.g. no such stream). */
export interface ChangeIdentity {
  action: string;
  objectType: string;
  objectId: string;
  targetId: string;
}

/**
 * Registers `POST <path>/preview` (dry run) and `POST <path>/apply` for one kind of change. Both plan the
 * change the same way; apply performs it and audits success or failure before replying.
 */
export function changeRoutes<P extends TSchema, B extends TSchema>(
  app: FastifyInstance,
  audit: AuditLog,
  path: string,
  opts: {
    tags: string[];
    params: P;
    body: B;
    role?: 'operator' | 'admin';
    identify: (params: Static<P>) => ChangeIdentity;
    plan: (params: Static<P>, body: Static<B>) => Promise<Change>;
  },
): void {
  const config = { auth: opts.role ?? ('operator' as const) };
  app.post(
    `${path}/preview`,
    {
      config,
      schema: {
        tags: opts.tags,
        params: opts.params,
        body: opts.body,
        response: { 200: ChangePreview, ...errorResponses },
      },
    },
    async (request) => preview(await opts.plan(request.params as Static<P>, request.body as Static<B>)),
  );
  app.post(
    `${path}/apply`,
    {
      config,
      schema: {
        tags: opts.tags,
        params: opts.params,
        body: opts.body,
        response: { 200: ChangeResult, ...errorResponses },
      },
    },
    async (request) => {
      const params = request.params as Static<P>;
      const body = request.body as Static<B> & { confirm?: string };
      let change: Change;
      try {
        change = await opts.plan(params, body);
      } catch (err) {
        await recordFailure(request, audit, opts.identify(params), body, err);
        throw err;
      }
      return applyChange(audit, actorOf(request), change, body.confirm);
    },
  );
}

/** Audits a change that failed before it reached the server; never hides the original error. */
export async function recordFailure(
  request: FastifyRequest,
  audit: AuditLog,
  id: ChangeIdentity,
  body: unknown,
  err: unknown,
): Promise<void> {
  try {
    await audit.append({
      ...actorOf(request),
      ...id,
      before: null,
      after: body ?? null,
      result: 'error',
      error: (err as Error).message,
    });
  } catch (auditErr) {
    request.log.error({ err: auditErr }, 'could not audit a failed change');
  }
}
