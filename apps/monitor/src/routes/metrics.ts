import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../crypto.js';
import { MetricsForbidden } from '../observe/errors.js';
import { ALL, type Observatory } from '../observe/observatory.js';
import { escapeLabel, PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../series/prometheus.js';

export interface MetricsRoutesOptions {
  obs: Observatory;
  /** `loopback`: unproxied requests from this host, or the token; `token`: only the token; `open`: anyone. */
  access: 'loopback' | 'token' | 'open';
  token: string | undefined;
}

const isLoopback = (ip: string | undefined) =>
  !!ip && (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.'));

/**
 * May this request read /metrics? Prometheus usually scrapes from the same host or with a bearer token;
 * a request that came through a proxy (X-Forwarded-For) is never treated as local.
 */
export function metricsAllowed(request: FastifyRequest, opts: Omit<MetricsRoutesOptions, 'obs'>): boolean {
  if (opts.access === 'open') return true;
  const auth = request.headers.authorization;
  if (
    opts.token &&
    typeof auth === 'string' &&
    auth.startsWith('Bearer ') &&
    safeEqual(auth.slice(7), opts.token)
  ) {
    return true;
  }
  return (
    opts.access === 'loopback' &&
    request.headers['x-forwarded-for'] === undefined &&
    isLoopback(request.socket.remoteAddress)
  );
}

/** `GET /metrics`: the latest readings of every server, account, stream and consumer, and consumer lag, in Prometheus text format. */
export const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRoutesOptions> = async (app, opts) => {
  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['observability'],
        description:
          'Prometheus text format 0.0.4. Readable from loopback without a proxy, or with `Authorization: Bearer <METRICS_TOKEN>` (METRICS_ACCESS).',
        security: [],
        response: {
          200: { description: 'Prometheus text', content: { 'text/plain': { schema: Type.String() } } },
        },
      },
    },
    async (request, reply) => {
      if (!metricsAllowed(request, opts)) throw new MetricsForbidden();
      const { obs } = opts;
      const targetNames = new Map<string, string>();
      const serverNames = new Map<string, string>();
      const up: string[] = [];
      for (const s of obs.scraper.states()) {
        targetNames.set(s.target.id, s.target.name);
        if (s.varz?.server_name) serverNames.set(s.varz.server_id, s.varz.server_name);
        up.push(
          `tern_server_up{target="${escapeLabel(s.target.id)}",target_name="${escapeLabel(s.target.name)}",monitor_url="${escapeLabel(s.monitorUrl)}"} ${s.status === 'up' ? 1 : 0}`,
        );
      }
      // The `*` aggregates are sums of other series: exporting them would double-count in PromQL sums.
      const latest = [...obs.store.latest()].filter((l) => l.target !== ALL && l.id !== ALL);
      let text = renderPrometheus({ latest, lags: obs.store.lags(), targetNames, serverNames });
      if (up.length) {
        text += `# HELP tern_server_up Whether the last scrape of the server's monitoring endpoint succeeded.\n# TYPE tern_server_up gauge\n${up.sort().join('\n')}\n`;
      }
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
    },
  );
};
