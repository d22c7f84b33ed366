import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { AuditLog } from './audit/log.js';
import { Sessions } from './auth/sessions.js';
import type { SecretBox } from './crypto.js';
import { RateLimited, registerErrorHandler } from './errors.js';
import { NatsPool } from './nats/pool.js';
import { addAuthHooks } from './plugins/auth.js';
import { accountsAdminRoutes } from './routes/accounts-admin.js';
import { adminRoutes } from './routes/admin-plugin.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { messagesRoutes } from './routes/messages.js';
import { observabilityRoutes } from './routes/observability.js';
import { serversRoutes } from './routes/servers.js';
import { targetsRoutes } from './routes/targets.js';
import type { Scraper } from './scrape/scraper.js';

/** What the API is built from; main.ts wires the real ones, tests their own. */
export interface AppDeps {
  prisma: PrismaClient;
  scraper: Scraper;
  secretBox: SecretBox;
  audit?: AuditLog;
  logLevel?: string;
  /** proxy-addr trust list for X-Forwarded-For (default `loopback`). */
  trustProxy?: string | boolean;
  validationTimeoutMs?: number;
  loginRateLimit?: { max: number; timeWindowMs: number };
  sessionTtlMs?: number;
  /** Runs when the app closes, after the scraper stopped (e.g. closing the database). */
  onClose?: () => Promise<void>;
  observability?: Omit<import('./routes/observability.js').ObservabilityRoutesOptions, 'scraper' | 'prisma'>;
}

/** Builds the monitor API without listening; `app.close()` stops the scraper and runs `deps.onClose`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'silent', stream: process.stderr },
    // Routine requests (the console polls) stay out of the log; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy ?? 'loopback',
    ajv: { customOptions: { removeAdditional: 'all', coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const audit = deps.audit ?? new AuditLog(deps.prisma);
  const sessions = new Sessions(deps.prisma, deps.sessionTtlMs ?? 12 * 60 * 60 * 1000);

  app.addHook('onClose', async () => {
    await deps.scraper.stop();
    await deps.onClose?.();
  });

  registerErrorHandler(app);
  app.addSchema(ApiError);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tern monitor API', version: '0.1.0' },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tern_session' } },
      },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new RateLimited(context.after),
  });

  // One connection per target, shared by administration and the observability's message-time lookups.
  const natsPool = new NatsPool(deps.prisma, deps.secretBox);
  await app.register(async (api) => {
    addAuthHooks(api, sessions);
    await api.register(healthRoutes, { prisma: deps.prisma });
    await api.register(authRoutes, {
      prisma: deps.prisma,
      sessions,
      loginRateLimit: deps.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 },
    });
    await api.register(serversRoutes, { scraper: deps.scraper });
    await api.register(observabilityRoutes, {
      scraper: deps.scraper,
      prisma: deps.prisma,
      nats: natsPool,
      ...deps.observability,
    });
    await api.register(targetsRoutes, {
      prisma: deps.prisma,
      audit,
      scraper: deps.scraper,
      secretBox: deps.secretBox,
      validationTimeoutMs: deps.validationTimeoutMs ?? 3000,
    });
    await api.register(auditRoutes, { audit });
    await api.register(adminRoutes, {
      prisma: deps.prisma,
      audit,
      sessions,
      secretBox: deps.secretBox,
      pool: natsPool,
    });
    await api.register(messagesRoutes, { prisma: deps.prisma, audit, secretBox: deps.secretBox });
    await api.register(accountsAdminRoutes, { prisma: deps.prisma, audit, secretBox: deps.secretBox });
  });
  return app;
}
