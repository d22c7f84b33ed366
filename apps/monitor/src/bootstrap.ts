import { randomBytes } from 'node:crypto';
import type { PrismaClient, Target } from '@tern/db';
import type { AuditLog } from './audit/log.js';
import { hashPassword } from './auth/password.js';
import { toTargetDto } from './targets/targets.js';

/** Creates the admin user when the database has no user. Returns the password when one was created. */
export async function ensureAdmin(
  prisma: PrismaClient,
  username: string,
  configuredPassword: string | undefined,
): Promise<{ username: string; password: string } | undefined> {
  if ((await prisma.user.count()) > 0) return undefined;
  const password = configuredPassword ?? randomBytes(18).toString('base64url');
  await prisma.user.create({ data: { username, passwordHash: await hashPassword(password), role: 'admin' } });
  return { username, password };
}

/** Upserts the target named "embedded" (the broker started alongside the monitor); audits any change. */
export async function seedEmbeddedTarget(
  audit: AuditLog,
  embedded: { natsUrl: string | undefined; monitorUrl: string },
): Promise<Target> {
  const data = {
    natsUrls: embedded.natsUrl ? [embedded.natsUrl] : [],
    monitorUrls: [embedded.monitorUrl.replace(/\/+$/, '')],
    embedded: true,
  };
  return audit.write(async (tx) => {
    const existing = await tx.target.findUnique({ where: { name: 'embedded' } });
    const row = await tx.target.upsert({
      where: { name: 'embedded' },
      create: { name: 'embedded', ...data },
      update: data,
    });
    const unchanged =
      existing?.embedded &&
      existing.natsUrls.join() === row.natsUrls.join() &&
      existing.monitorUrls.join() === row.monitorUrls.join();
    return {
      value: row,
      // An unchanged seed is not a change: record nothing.
      entry: unchanged
        ? null
        : {
            actor: 'system',
            role: null,
            sourceIp: null,
            requestId: null,
            action: existing ? 'target.update' : 'target.create',
            objectType: 'target',
            objectId: row.id,
            targetId: row.id,
            before: existing ? toTargetDto(existing) : null,
            after: toTargetDto(row),
            result: 'ok' as const,
          },
    };
  });
}
