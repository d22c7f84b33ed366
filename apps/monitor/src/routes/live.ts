import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LiveQuery, type LiveSample } from '@tern/contracts';
import { LiveFull } from '../observe/errors.js';
import type { LiveItem, Observatory } from '../observe/observatory.js';
import { LiveHubFullError, type LiveSubscription } from '../series/live.js';
import { errorResponses } from './schemas.js';

export interface LiveRoutesOptions {
  obs: Observatory;
  /** A comment line is sent this often so proxies keep the stream open and clients notice a dead one. */
  heartbeatMs: number;
  /** Items queued per client before the oldest are dropped (the client is told how many). */
  maxQueue: number;
}

const list = (v: string | undefined) => (v ? new Set(v.split(',').filter(Boolean)) : undefined);

function filterOf(q: LiveQuery): (item: LiveItem) => boolean {
  const kinds = list(q.kinds);
  const metrics = list(q.metrics);
  const entities = list(q.entities);
  return (item) => {
    if (item.type === 'status') return q.target === undefined || item.status.targetId === q.target;
    const s: LiveSample = item.sample;
    if (q.target !== undefined && s.target !== q.target) return false;
    if (kinds && !kinds.has(s.entity.slice(0, s.entity.indexOf(':')))) return false;
    if (metrics && !metrics.has(s.metric)) return false;
    return !entities || entities.has(s.entity);
  };
}

/**
 * `GET /api/live`: Server-Sent Events. `event: samples` carries new series points (and how many this
 * client missed because it read too slowly), `event: status` a server going up or down; comment lines
 * are heartbeats. Each client has a bounded queue; everything is released when it disconnects.
 */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRoutesOptions> = async (app, opts) => {
  const open = new Set<() => void>();
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(
    '/api/live',
    {
      schema: {
        tags: ['observability'],
        querystring: LiveQuery,
        response: {
          200: {
            description:
              'text/event-stream: `event: samples` (LiveSamplesEvent), `event: status` (LiveStatusEvent)',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      let sub: LiveSubscription<LiveItem>;
      try {
        sub = opts.obs.hub.subscribe({ filter: filterOf(request.query), maxQueue: opts.maxQueue });
      } catch (err) {
        if (err instanceof LiveHubFullError) throw new LiveFull(err.message);
        throw err;
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      const heartbeat = setInterval(() => res.write(': ping\n\n'), opts.heartbeatMs);
      heartbeat.unref();
      const end = () => {
        clearInterval(heartbeat);
        open.delete(end);
        sub.close();
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      res.on('close', end);
      for await (const batch of sub) {
        const samples: LiveSample[] = [];
        let out = '';
        for (const item of batch.items) {
          if (item.type === 'sample') samples.push(item.sample);
          else out += `event: status\ndata: ${JSON.stringify(item.status)}\n\n`;
        }
        if (samples.length || batch.dropped) {
          out += `event: samples\ndata: ${JSON.stringify({ samples, dropped: batch.dropped })}\n\n`;
        }
        // While the socket is full, new items wait in the bounded queue (oldest dropped, counted).
        if (!res.write(out)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        }
        if (res.destroyed) break;
      }
      end();
    },
  );
};
