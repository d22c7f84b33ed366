import createError from '@fastify/error';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import type { TargetCredentials } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { SecretBox } from '../crypto.js';
import { TargetNotFound } from '../errors.js';
import { MONITOR_CLIENT_NAME } from '../nats/pool.js';
import { natsAuthOptions } from '../targets/nats-auth.js';

export const ClaimsRejected = createError('CLAIMS_REJECTED', 'The server rejected the account JWT: %s', 422);
export const ClaimsNoResponder = createError(
  'CLAIMS_NO_RESPONDER',
  'Nobody answered $SYS.REQ.CLAIMS.UPDATE on %s: the target must run in operator mode with a full resolver, and its credentials must be a system account user',
  422,
);
export const AccountsTargetUnreachable = createError('TARGET_UNREACHABLE', 'Cannot connect to %s: %s', 422);

const CLAIMS_UPDATE = '$SYS.REQ.CLAIMS.UPDATE';
const TIMEOUT_MS = 5000;

/** What a full resolver answers to a claims update (`{"data":…}` or `{"error":…}`). */
interface ClaimsReply {
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
}

/**
 * Connects to a target as `systemCreds` (the system account user's `.creds`), else with the target's
 * stored credentials. A short-lived connection per change: account administration is rare, and the
 * shared pool carries the target's own (usually non-system) credentials.
 */
export async function connectTarget(
  prisma: PrismaClient,
  secretBox: SecretBox,
  targetId: string,
  systemCreds?: string,
): Promise<{ nc: NatsConnection; urls: string }> {
  const target = await prisma.target.findUnique({ where: { id: targetId } });
  if (!target) throw new TargetNotFound(targetId);
  const urls = target.natsUrls.join(', ') || '(no NATS URL)';
  if (target.natsUrls.length === 0)
    throw new AccountsTargetUnreachable(target.name, 'the target has no NATS URL');
  const creds: TargetCredentials | undefined = systemCreds
    ? { creds: systemCreds }
    : target.credentials
      ? (JSON.parse(secretBox.decrypt(target.credentials)) as TargetCredentials)
      : undefined;
  try {
    const nc = await connect({
      servers: target.natsUrls,
      name: MONITOR_CLIENT_NAME,
      timeout: TIMEOUT_MS,
      reconnect: false,
      ...natsAuthOptions(creds),
    });
    return { nc, urls };
  } catch (err) {
    throw new AccountsTargetUnreachable(urls, (err as Error).message);
  }
}

/** Pushes an account JWT to the target's resolver; resolves with the server's message, throws its refusal. */
export async function pushAccountJwt(
  prisma: PrismaClient,
  secretBox: SecretBox,
  targetId: string,
  jwt: string,
  systemCreds?: string,
): Promise<string> {
  const { nc, urls } = await connectTarget(prisma, secretBox, targetId, systemCreds);
  try {
    let reply: ClaimsReply;
    try {
      const msg = await nc.request(CLAIMS_UPDATE, jwt, { timeout: TIMEOUT_MS });
      reply = JSON.parse(new TextDecoder().decode(msg.data)) as ClaimsReply;
    } catch (err) {
      if (
        err instanceof errors.NoRespondersError ||
        err instanceof errors.TimeoutError ||
        (err instanceof errors.RequestError && err.isNoResponders())
      ) {
        throw new ClaimsNoResponder(urls);
      }
      if (err instanceof errors.PermissionViolationError) throw new ClaimsNoResponder(urls);
      throw err;
    }
    if (reply.error) throw new ClaimsRejected(reply.error.description ?? `code ${reply.error.code ?? '?'}`);
    return reply.data?.message ?? 'jwt updated';
  } finally {
    await nc.close().catch(() => {});
  }
}
