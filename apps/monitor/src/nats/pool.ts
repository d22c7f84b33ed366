import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TargetCredentials } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { SecretBox } from '../crypto.js';
import { TargetNotFound } from '../errors.js';
import { natsAuthOptions } from '../targets/nats-auth.js';
import { NoNatsUrl, TargetNatsUnreachable } from './errors.js';

/** Connections from this monitor process carry this name, so their advisories are not recorded twice. */
export const MONITOR_CLIENT_NAME = `tern-monitor-${randomBytes(6).toString('hex')}`;

const OWN_TTL_MS = 30_000;
const OWN_MAX = 1000;
const MUTATING_API =
  /^\$JS\.API\.(STREAM\.(CREATE|UPDATE|DELETE|PURGE|MSG\.DELETE)|CONSUMER\.(CREATE|DURABLE\.CREATE|DELETE|PAUSE))\./;

interface Expected {
  targetId: string;
  subject: string;
  body: string;
  at: number;
}

/**
 * The JetStream API changes this monitor is about to make, so the API audit advisories they cause are not
 * recorded a second time as outside changes (nats-server 2.9's advisory carries only the account, not the
 * client's name). An expectation names the target, the API subject (hence object and action) and the exact
 * request body; each advisory consumes at most one. Expectations are kept only while the target's advisories
 * are listened to (an advisory sent while nobody listens never arrives, and a stale expectation would hide
 * a later outside change), expire after `ttlMs`, and are capped at `max` (oldest dropped first).
 */
export class OwnRequests {
  // In the order noted, so expired and excess entries are at the front.
  #expected: Expected[] = [];
  readonly #listening = new Set<string>();

  constructor(
    private readonly ttlMs = OWN_TTL_MS,
    private readonly max = OWN_MAX,
  ) {}

  /** Starts (or stops, dropping its expectations) remembering the target's changes. */
  listen(targetId: string, on: boolean): void {
    if (on) {
      this.#listening.add(targetId);
      return;
    }
    this.#listening.delete(targetId);
    this.#expected = this.#expected.filter((e) => e.targetId !== targetId);
  }

  /** Expects the advisory of a request the monitor is about to send (ignored for reads). */
  note(targetId: string, subject: string, body: string | Uint8Array | undefined, now = Date.now()): void {
    if (!this.#listening.has(targetId) || !MUTATING_API.test(subject)) return;
    this.#prune(now);
    this.#expected.push({ targetId, subject, body: asText(body), at: now });
    if (this.#expected.length > this.max) this.#expected.splice(0, this.#expected.length - this.max);
  }

  /**
   * True (consuming the expectation) when the monitor itself sent this request recently: same target and
   * subject, and the same body when the advisory carries one.
   */
  claim(targetId: string, subject: string, body: string | undefined, now = Date.now()): boolean {
    this.#prune(now);
    const i = this.#expected.findIndex(
      (e) => e.targetId === targetId && e.subject === subject && (body === undefined || e.body === body),
    );
    if (i < 0) return false;
    this.#expected.splice(i, 1);
    return true;
  }

  /** How many expectations are held. */
  get size(): number {
    return this.#expected.length;
  }

  #prune(now: number): void {
    const firstLive = this.#expected.findIndex((e) => now - e.at < this.ttlMs);
    if (firstLive !== 0) this.#expected.splice(0, firstLive < 0 ? this.#expected.length : firstLive);
  }
}

/**
 * Shared by every pool in the process: the advisory listener's pool must also recognise changes made over
 * another feature's pool (e.g. message deletes and purges), all of which it would otherwise record again.
 */
const processOwnRequests = new OwnRequests();

/**
 * Notes every JetStream API change sent over `nc` as the monitor's own, so the advisory listener does not
 * record it again as an outside change. Every connection the monitor changes JetStream over needs this.
 */
export function expectOwnRequests(nc: NatsConnection, targetId: string, own = processOwnRequests): void {
  // Every request, whether from jsApi or the kv/obj/jetstream clients, goes through here.
  const request = nc.request.bind(nc);
  nc.request = (subject, payload, opts) => {
    own.note(targetId, subject, payload);
    return request(subject, payload, opts);
  };
}

const asText = (body: string | Uint8Array | undefined): string =>
  body === undefined ? '' : typeof body === 'string' ? body : new TextDecoder().decode(body);

/** One official-client connection per target, opened on first use with the target's decrypted credentials. */
export class NatsPool {
  readonly #prisma: PrismaClient;
  readonly #secretBox: SecretBox;
  readonly #timeoutMs: number;
  readonly #conns = new Map<string, Promise<NatsConnection>>();
  readonly own: OwnRequests;

  constructor(prisma: PrismaClient, secretBox: SecretBox, timeoutMs = 3000, own = processOwnRequests) {
    this.own = own;
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
        ...natsAuthOptions(creds),
      });
    } catch (err) {
      throw new TargetNatsUnreachable(target.natsUrls.join(', '), (err as Error).message);
    }
    expectOwnRequests(nc, targetId, this.own);
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
