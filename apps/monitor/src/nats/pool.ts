import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TargetCredentials } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { SecretBox } from '../crypto.js';
import { TargetNotFound } from '../errors.js';
import { NoNatsUrl, TargetNatsUnreachable } from './errors.js';

/** Connections from this monitor process carry this name, so their advisories are not recorded twice. */
export const MONITOR_CLIENT_NAME = `tern-monitor-${randomBytes(6).toString('hex')}`;

const OWN_TTL_MS = 30_000;
const MUTATING_API =
  /^\$JS\.API\.(STREAM\.(CREATE|UPDATE|DELETE|PURGE|MSG\.DELETE)|CONSUMER\.(CREATE|DURABLE\.CREATE|DELETE|PAUSE))\./;

/**
 * The JetStream API requests this monitor sent, per target and subject, so the API audit advisories they
 * cause are not recorded a second time as outside changes (nats-server 2.9 advisories carry only the
 * account, not the client's name). Each advisory consumes one entry; unclaimed entries expire.
 */
export class OwnRequests {
  readonly #sent = new Map<string, number[]>();

  note(targetId: string, subject: string): void {
    const key = `${targetId} ${subject}`;
    const now = Date.now();
    const times = (this.#sent.get(key) ?? []).filter((t) => now - t < OWN_TTL_MS);
    times.push(now);
    this.#sent.set(key, times);
  }

  /** True (and consumes the entry) when the monitor itself sent a request on `subject` recently. */
  claim(targetId: string, subject: string): boolean {
    const key = `${targetId} ${subject}`;
    const now = Date.now();
    const times = (this.#sent.get(key) ?? []).filter((t) => now - t < OWN_TTL_MS);
    const hit = times.length > 0;
    times.shift();
    if (times.length === 0) this.#sent.delete(key);
    else this.#sent.set(key, times);
    return hit;
  }
}

/** One official-client connection per target, opened on first use with the target's decrypted credentials. */
export class NatsPool {
  readonly #prisma: PrismaClient;
  readonly #secretBox: SecretBox;
  readonly #timeoutMs: number;
  readonly #conns = new Map<string, Promise<NatsConnection>>();
  readonly own = new OwnRequests();

  constructor(prisma: PrismaClient, secretBox: SecretBox, timeoutMs = 3000) {
    this.#prisma = prisma;
    this.#secretBox = secretBox;
    this.#timeoutMs = timeoutMs;
  }

  /** The target's connection (reused while open). */
  get(targetId: string): Promise<NatsConnection> {
    const existing = this.#conns.get(targetId);
    if (existing) return existing;
    const opening = this.#open(targetId);
    this.#conns.set(targetId, opening);
    opening.then(
      (nc) => {
        void nc.closed().then(() => {
          if (this.#conns.get(targetId) === opening) this.#conns.delete(targetId);
        });
      },
      () => {
        if (this.#conns.get(targetId) === opening) this.#conns.delete(targetId);
      },
    );
    return opening;
  }

  async #open(targetId: string): Promise<NatsConnection> {
    const target = await this.#prisma.target.findUnique({ where: { id: targetId } });
    if (!target) throw new TargetNotFound(targetId);
    if (target.natsUrls.length === 0) throw new NoNatsUrl(target.name);
    const creds: TargetCredentials = target.credentials
      ? (JSON.parse(this.#secretBox.decrypt(target.credentials)) as TargetCredentials)
      : {};
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: target.natsUrls,
        name: MONITOR_CLIENT_NAME,
        timeout: this.#timeoutMs,
        maxReconnectAttempts: 5,
        ...(creds.token ? { token: creds.token } : {}),
        ...(creds.user ? { user: creds.user, pass: creds.pass ?? '' } : {}),
      });
    } catch (err) {
      throw new TargetNatsUnreachable(target.natsUrls.join(', '), (err as Error).message);
    }
    // Every JetStream API request, whether from jsApi or the kv/obj/jetstream clients, goes through here.
    const request = nc.request.bind(nc);
    nc.request = (subject, payload, opts) => {
      if (MUTATING_API.test(subject)) this.own.note(targetId, subject);
      return request(subject, payload, opts);
    };
    return nc;
  }

  /** Closes the target's connection, e.g. when the target is removed. */
  async close(targetId: string): Promise<void> {
    const conn = this.#conns.get(targetId);
    this.#conns.delete(targetId);
    await conn?.then((nc) => nc.close()).catch(() => {});
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#conns.keys()].map((id) => this.close(id)));
  }
}
