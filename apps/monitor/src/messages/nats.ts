import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TargetCredentials } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { SecretBox } from '../crypto.js';
import { TargetNotFound } from '../errors.js';
import { expectOwnRequests, MONITOR_CLIENT_NAME } from '../nats/pool.js';
import { natsAuthOptions } from '../targets/nats-auth.js';
import { NatsUnavailable, NoNatsUrl } from './errors.js';

interface Entry {
  /** Changes when the target's URLs or credentials change, so a stale connection is replaced. */
  version: string;
  conn: Promise<NatsConnection>;
}

/**
 * One official-client connection per target, opened on first use with the target's decrypted
 * credentials and reused by every message feature; all are closed with the app.
 */
export class NatsPool {
  readonly #prisma: PrismaClient;
  readonly #secretBox: SecretBox;
  readonly #timeoutMs: number;
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  constructor(prisma: PrismaClient, secretBox: SecretBox, timeoutMs = 5000) {
    this.#prisma = prisma;
    this.#secretBox = secretBox;
    this.#timeoutMs = timeoutMs;
  }

  /** The connection to `targetId`, opening (or reopening) it as needed. */
  async get(targetId: string): Promise<NatsConnection> {
    if (this.#closed) throw new NatsUnavailable(targetId, 'the monitor is shutting down');
    const row = await this.#prisma.target.findUnique({
      where: { id: targetId },
      select: { id: true, name: true, natsUrls: true, credentials: true, updatedAt: true },
    });
    if (!row) throw new TargetNotFound(targetId);
    if (row.natsUrls.length === 0) throw new NoNatsUrl(row.name);
    const version = `${row.updatedAt.getTime()}|${row.natsUrls.join(',')}`;
    const cached = this.#entries.get(targetId);
    if (cached && cached.version === version) {
      const nc = await cached.conn.catch(() => undefined);
      if (nc && !nc.isClosed()) return nc;
    }
    if (cached) void cached.conn.then((nc) => nc.close()).catch(() => {});
    const creds: TargetCredentials = row.credentials
      ? (JSON.parse(this.#secretBox.decrypt(row.credentials)) as TargetCredentials)
      : {};
    // Named and hooked like the admin pool, so message deletes and purges are not audited twice.
    const conn = connect({
      servers: row.natsUrls,
      name: MONITOR_CLIENT_NAME,
      timeout: this.#timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      ...natsAuthOptions(creds),
    }).then((nc) => {
      expectOwnRequests(nc, targetId);
      return nc;
    });
    const entry: Entry = { version, conn };
    this.#entries.set(targetId, entry);
    try {
      return await conn;
    } catch (err) {
      if (this.#entries.get(targetId) === entry) this.#entries.delete(targetId);
      throw new NatsUnavailable(row.name, (err as Error).message);
    }
  }

  /** Drains nothing: replay jobs flush their own work before the pool closes. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(
      all.map(async (e) => {
        const nc = await e.conn.catch(() => undefined);
        await nc?.close().catch(() => {});
      }),
    );
  }
}
