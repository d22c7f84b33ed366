import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SeriesQuery, SeriesResponse } from '@tern/contracts';
import { InvalidSeriesQuery } from '../observe/errors.js';
import type { Observatory } from '../observe/observatory.js';
import type { EntityKind } from '../series/extract.js';
import { errorResponses } from './schemas.js';

const KINDS = new Set<EntityKind>(['server', 'account', 'stream', 'consumer']);
const HOUR = 3_600_000;

/** A time parameter: milliseconds since the epoch or an ISO 8601 time. */
export function parseTimeParam(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === '') return fallback;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new InvalidSeriesQuery(`${name} must be milliseconds since the epoch or an ISO time`);
  return ms;
}

/** `<kind>:<id>` split at the first colon (ids may contain colons). */
export function parseEntity(entity: string): { kind: EntityKind; id: string } {
  const i = entity.indexOf(':');
  const kind = entity.slice(0, i) as EntityKind;
  const id = entity.slice(i + 1);
  if (i < 0 || !KINDS.has(kind) || !id) {
    throw new InvalidSeriesQuery(
      `entity must be <kind>:<id> with kind server, account, stream or consumer (got "${entity}")`,
    );
  }
  return { kind, id };
}

/** History of one series: raw samples for recent ranges, 1-minute rollups beyond (chosen by the store). */
export const seriesRoutes: FastifyPluginAsyncTypebox<{ obs: Observatory }> = async (app, { obs }) => {
  app.get(
    '/api/series',
    {
      schema: {
        tags: ['observability'],
        querystring: SeriesQuery,
        response: { 200: SeriesResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const now = Date.now();
      const to = parseTimeParam(q.to, now, 'to');
      const from = parseTimeParam(q.from, to - HOUR, 'from');
      if (from >= to) throw new InvalidSeriesQuery('from must be before to');
      const { kind, id } = parseEntity(q.entity);
      const result = await obs.store.query({
        target: q.target,
        kind,
        id,
        metric: q.metric,
        from,
        to,
        maxPoints: q.maxPoints,
      });
      return { target: q.target, entity: q.entity, metric: q.metric, from, to, ...result };
    },
  );
};
