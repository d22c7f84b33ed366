import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminTargetParams, AdvisoryStatus } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import { KnownConfigs } from '../admin/cache.js';
import { JetStreamAdmin } from '../admin/jetstream.js';
import { KvAdmin } from '../admin/kv.js';
import { ObjectsAdmin } from '../admin/objects.js';
import { AdvisoryListener } from '../advisories/listener.js';
import type { AuditLog } from '../audit/log.js';
import type { Sessions } from '../auth/sessions.js';
import type { SecretBox } from '../crypto.js';
import { NatsPool } from '../nats/pool.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminConfigRoutes } from './admin-config.js';
import { adminJetStreamRoutes } from './admin-jetstream.js';
import { adminKvRoutes } from './admin-kv.js';
import { adminUsersRoutes } from './admin-users.js';
import { errorResponses } from './schemas.js';

export interface AdminRoutesOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  sessions: Sessions;
  secretBox: SecretBox;
  /** The NATS connections to use (closed with the app); default a pool of its own. */
  pool?: NatsPool;
  /** Listen for outside changes on every target (default true). */
  advisories?: boolean;
}

/** The services behind the admin routes of one app, for tests (keyed by the app's Prisma client). */
export interface AdminServices {
  pool: NatsPool;
  known: KnownConfigs;
  js: JetStreamAdmin;
  kv: KvAdmin;
  objects: ObjectsAdmin;
  advisories: AdvisoryListener;
}
const servicesByPrisma = new WeakMap<PrismaClient, AdminServices>();
export const adminServicesOf = (prisma: PrismaClient): AdminServices | undefined =>
  servicesByPrisma.get(prisma);

const HOUR = 60 * 60 * 1000;

/**
 * Administration with a full audit trail: JetStream, KV and object stores, users and API tokens, audit
 * export/retention/rollback, configuration as code, and the recording of changes made outside Tern.
 */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, opts) => {
  const { prisma, audit } = opts;
  const pool = opts.pool ?? new NatsPool(prisma, opts.secretBox);
  const known = new KnownConfigs(prisma);
  const js = new JetStreamAdmin(pool, known);
  const kv = new KvAdmin(js);
  const objects = new ObjectsAdmin(js);
  const advisories = new AdvisoryListener(prisma, pool, audit, known, (targetId) =>
    js.knownSnapshot(targetId),
  );
  servicesByPrisma.set(prisma, { pool, known, js, kv, objects, advisories });

  // Retention: prune hourly when a retention period is set.
  const prune = async () => {
    const days = await audit.retentionDays();
    if (days !== null) await audit.prune(new Date(Date.now() - days * 86_400_000));
  };
  const timer = setInterval(
    () => void prune().catch((err) => app.log.error({ err }, 'audit prune failed')),
    HOUR,
  );
  timer.unref();

  app.addHook('onReady', async () => {
    if (opts.advisories !== false) advisories.start();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await advisories.stop();
    await known.flush();
    await pool.closeAll();
    servicesByPrisma.delete(prisma);
  });

  app.get(
    '/api/targets/:targetId/advisories/status',
    {
      schema: {
        tags: ['audit'],
        params: AdminTargetParams,
        response: { 200: AdvisoryStatus, ...errorResponses },
      },
    },
    async (request) => advisories.status(request.params.targetId),
  );

  await app.register(adminJetStreamRoutes, { audit, js });
  await app.register(adminKvRoutes, { audit, kv, objects });
  await app.register(adminUsersRoutes, { prisma, audit, sessions: opts.sessions });
  await app.register(adminAuditRoutes, { audit, js, kv });
  await app.register(adminConfigRoutes, { audit, js, kv, prisma });
};
