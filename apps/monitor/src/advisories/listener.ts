import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AdvisoryStatus } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import { type KnownConfigs, type Snapshot, sameConfig } from '../admin/cache.js';
import type { AuditEntry, AuditLog } from '../audit/log.js';
import { MONITOR_CLIENT_NAME, type NatsPool } from '../nats/pool.js';

/** The JetStream API audit advisory (io.nats.jetstream.advisory.v1.api_audit). */
interface ApiAudit {
  id?: string;
  timestamp?: string;
  server?: string;
  client?: { host?: string; id?: number; acc?: string; user?: string; name?: string; lang?: string };
  subject?: string;
  request?: string;
  response?: string;
}

/** What an API subject changes; null for reads. */
interface Described {
  action: string;
  objectType: 'stream' | 'consumer';
  objectId: string;
  kind: 'stream' | 'consumer';
}

/** Maps a `$JS.API.*` subject to the change it makes (reads give null). */
export function describeApiSubject(
  subject: string,
  response: Record<string, unknown> | null,
): Described | null {
  const t = subject.split('.');
  if (t[0] !== '$JS' || t[1] !== 'API') return null;
  const [kind, op, a, b] = [t[2], t[3], t[4], t[5]];
  if (kind === 'STREAM' && a) {
    if (op === 'CREATE')
      return { action: 'stream.create', objectType: 'stream', objectId: a, kind: 'stream' };
    if (op === 'UPDATE')
      return { action: 'stream.update', objectType: 'stream', objectId: a, kind: 'stream' };
    if (op === 'DELETE')
      return { action: 'stream.delete', objectType: 'stream', objectId: a, kind: 'stream' };
    if (op === 'PURGE') return { action: 'stream.purge', objectType: 'stream', objectId: a, kind: 'stream' };
  }
  if (kind === 'STREAM' && op === 'MSG' && a === 'DELETE' && b) {
    return { action: 'stream.msg-delete', objectType: 'stream', objectId: b, kind: 'stream' };
  }
  if (kind === 'CONSUMER') {
    const name = typeof response?.name === 'string' ? response.name : undefined;
    if (op === 'CREATE' && a) {
      const consumer = b ?? name ?? '?';
      return {
        action: 'consumer.create',
        objectType: 'consumer',
        objectId: `${a}/${consumer}`,
        kind: 'consumer',
      };
    }
    if (op === 'DURABLE' && a === 'CREATE' && b && t[6]) {
      return {
        action: 'consumer.create',
        objectType: 'consumer',
        objectId: `${b}/${t[6]}`,
        kind: 'consumer',
      };
    }
    if (op === 'DELETE' && a && b) {
      return { action: 'consumer.delete', objectType: 'consumer', objectId: `${a}/${b}`, kind: 'consumer' };
    }
    if (op === 'PAUSE' && a && b) {
      return { action: 'consumer.pause', objectType: 'consumer', objectId: `${a}/${b}`, kind: 'consumer' };
    }
  }
  return null;
}

const parse = (text: string | undefined): Record<string, unknown> | null => {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

interface Watch {
  subs: Subscription[];
  connected: boolean;
  error: string | null;
  recorded: number;
  /** Before-states captured when an action advisory arrived ahead of its API audit advisory. */
  pendingBefore: Map<string, unknown>;
  queue: Promise<void>;
  stopped: boolean;
}

/**
 * Records changes made outside Tern: subscribes on every target with NATS URLs to the JetStream API audit
 * advisories (who did what, with the request and response) and the stream/consumer action advisories
 * (which keep the known-config cache, the source of before-states, current).
 */
export class AdvisoryListener {
  readonly #watches = new Map<string, Watch>();
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: NatsPool,
    private readonly audit: AuditLog,
    private readonly known: KnownConfigs,
    /** Lists the target's streams and durable consumers as a snapshot (`replaceAll` caches it). */
    private readonly loadKnown: (targetId: string) => Promise<Snapshot>,
    private readonly syncIntervalMs = 5000,
  ) {}

  /** Starts watching every target now and re-reads the target list periodically. */
  start(): void {
    this.#stopped = false;
    void this.sync();
    this.#timer = setInterval(() => void this.sync(), this.syncIntervalMs);
    this.#timer.unref();
  }

  /** Watches targets that appeared, drops those that went (also what tests call instead of waiting). */
  sync(): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#sync()).catch(() => {});
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    const targets = await this.prisma.target.findMany({ select: { id: true, natsUrls: true } });
    const wanted = new Set(targets.filter((t) => t.natsUrls.length > 0).map((t) => t.id));
    for (const id of [...this.#watches.keys()]) {
      if (!wanted.has(id)) {
        await this.#unwatch(id);
        await this.known.drop(id);
      }
    }
    for (const id of wanted) {
      const w = this.#watches.get(id);
      if (!w?.connected) await this.#watch(id);
    }
  }

  status(targetId: string): AdvisoryStatus {
    const w = this.#watches.get(targetId);
    return {
      targetId,
      connected: w?.connected ?? false,
      error: w?.error ?? null,
      recorded: w?.recorded ?? 0,
    };
  }

  async #watch(targetId: string): Promise<void> {
    const old = this.#watches.get(targetId);
    const w: Watch = old ?? {
      subs: [],
      connected: false,
      error: null,
      recorded: 0,
      pendingBefore: new Map(),
      queue: Promise.resolve(),
      stopped: false,
    };
    this.#watches.set(targetId, w);
    let nc: NatsConnection;
    try {
      nc = await this.pool.get(targetId);
      // From now on the monitor's own changes to this target are expected back as advisories.
      this.pool.own.listen(targetId, true);
      for (const s of w.subs) s.unsubscribe();
      w.subs = [];
      const onMsg = (subject: string, data: Uint8Array) => {
        w.queue = w.queue.then(() => this.#handle(targetId, w, subject, data)).catch(() => {});
      };
      for (const subject of [
        '$JS.EVENT.ADVISORY.API',
        '$JS.EVENT.ADVISORY.STREAM.CREATED.>',
        '$JS.EVENT.ADVISORY.STREAM.UPDATED.>',
        '$JS.EVENT.ADVISORY.STREAM.DELETED.>',
        '$JS.EVENT.ADVISORY.CONSUMER.CREATED.>',
        '$JS.EVENT.ADVISORY.CONSUMER.DELETED.>',
      ]) {
        w.subs.push(
          nc.subscribe(subject, {
            callback: (err, msg) => {
              if (!err) onMsg(msg.subject, msg.data);
            },
          }),
        );
      }
      await nc.flush();
      w.connected = true;
      w.error = null;
      void nc.closed().then(() => {
        w.connected = false;
        if (this.#watches.get(targetId) === w) this.pool.own.listen(targetId, false);
      });
      // Seed the before-state cache with what exists now, and record what changed while we were away.
      await this.#reconcile(targetId).catch(() => {});
    } catch (err) {
      w.connected = false;
      w.error = (err as Error).message;
      this.pool.own.listen(targetId, false);
    }
  }

  /**
   * Compares the stored snapshot (from when the monitor last listened) with the live configs and records
   * every difference as an outside change by an unknown actor; then stores the live snapshot.
   */
  async #reconcile(targetId: string): Promise<void> {
    const stored = await this.known.loadPersisted(targetId);
    const live = await this.loadKnown(targetId);
    if (stored.complete) {
      const keys = [...new Set([...stored.snapshot.keys(), ...live.keys()])].sort();
      for (const key of keys) {
        const before = stored.snapshot.get(key) ?? null;
        const after = live.get(key) ?? null;
        if (sameConfig(before, after)) continue;
        const [kind, ...rest] = key.split(':');
        const objectType = kind === 'consumer' ? 'consumer' : 'stream';
        const op = before === null ? 'create' : after === null ? 'delete' : 'update';
        await this.audit.append({
          actor: 'unknown (changed while the monitor was not listening)',
          role: null,
          sourceIp: null,
          requestId: null,
          source: 'external',
          action: `${objectType}.${op}`,
          objectType,
          objectId: rest.join(':'),
          targetId,
          before,
          after,
          result: 'ok',
        });
        const w = this.#watches.get(targetId);
        if (w) w.recorded++;
      }
    }
    await this.known.replaceAll(targetId, live, stored);
  }

  async #unwatch(targetId: string): Promise<void> {
    const w = this.#watches.get(targetId);
    this.#watches.delete(targetId);
    this.pool.own.listen(targetId, false);
    if (w) {
      w.stopped = true;
      for (const s of w.subs) s.unsubscribe();
      await w.queue;
    }
    this.known.forget(targetId);
    await this.pool.close(targetId);
  }

  /** Waits until every advisory received so far has been handled (tests). */
  async drain(targetId: string): Promise<void> {
    const w = this.#watches.get(targetId);
    if (!w) return;
    const nc = await this.pool.get(targetId);
    await nc.flush();
    await w.queue;
  }

  async #handle(targetId: string, w: Watch, subject: string, data: Uint8Array): Promise<void> {
    if (w.stopped) return;
    const body = parse(new TextDecoder().decode(data));
    if (!body) return;
    if (subject === '$JS.EVENT.ADVISORY.API') {
      await this.#handleApiAudit(targetId, w, body as ApiAudit);
      return;
    }
    // Action advisory: remember the before-state for the API audit that follows, then refresh the cache.
    const t = subject.split('.');
    const stream = t[5];
    if (!stream) return;
    const consumer = t[3] === 'CONSUMER' ? t.slice(6).join('.') : undefined;
    const kind = consumer ? 'consumer' : 'stream';
    const id = consumer ? `${stream}/${consumer}` : stream;
    const key = `${kind}:${id}`;
    // The cache itself is refreshed from the API audit advisory, which carries the new config; a
    // delete may have none (an ephemeral consumer timing out), so it is applied right away.
    if (!w.pendingBefore.has(key)) w.pendingBefore.set(key, this.known.get(targetId, kind, id));
    if (t[4] === 'DELETED') this.known.set(targetId, kind, id, null);
  }

  async #handleApiAudit(targetId: string, w: Watch, adv: ApiAudit): Promise<void> {
    const client = adv.client ?? {};
    const response = parse(adv.response);
    const described = describeApiSubject(adv.subject ?? '', response);
    if (!described) return;
    // Our own change: already audited by the API (it refreshed the cache itself). Tern's broker names the
    // client; nats-server 2.9 does not, so the request the monitor noted before sending it is matched.
    const own =
      this.pool.own.claim(targetId, adv.subject ?? '', adv.request) || client.name === MONITOR_CLIENT_NAME;
    if (own) {
      w.pendingBefore.delete(`${described.kind}:${described.objectId}`);
      return;
    }
    const key = `${described.kind}:${described.objectId}`;
    const before = w.pendingBefore.has(key)
      ? w.pendingBefore.get(key)
      : this.known.get(targetId, described.kind, described.objectId);
    w.pendingBefore.delete(key);
    const apiError = response?.error as { description?: string; err_code?: number } | undefined;
    let action = described.action;
    let after: unknown = null;
    if (!apiError) {
      if (described.action === 'stream.create' || described.action === 'stream.update') {
        after = response?.config ?? null;
        if (described.action === 'stream.create' && before) action = 'stream.update';
      } else if (described.action === 'consumer.create') {
        after = response?.config ?? null;
        if (before) action = 'consumer.update';
      } else if (described.action === 'stream.purge' || described.action === 'stream.msg-delete') {
        after = { request: parse(adv.request), response };
      } else if (described.action === 'consumer.pause') {
        after = response;
      }
      if (
        described.action !== 'stream.purge' &&
        described.action !== 'stream.msg-delete' &&
        described.action !== 'consumer.pause'
      ) {
        this.known.set(targetId, described.kind, described.objectId, after);
      }
    }
    const actorName = client.user || (client.acc ? `account ${client.acc}` : 'unknown client');
    const entry: AuditEntry = {
      actor: client.acc && client.user ? `${client.user} (account ${client.acc})` : actorName,
      role: null,
      sourceIp: client.host ?? null,
      requestId: adv.id ?? null,
      source: 'external',
      action,
      objectType: described.objectType,
      objectId: described.objectId,
      targetId,
      before: before ?? null,
      after: apiError ? parse(adv.request) : after,
      result: apiError ? 'error' : 'ok',
      error: apiError ? `${apiError.description ?? 'error'} (NATS error ${apiError.err_code ?? 0})` : null,
    };
    // Ephemeral consumers come and go with every subscriber: only durable ones are configuration.
    if (described.kind === 'consumer') {
      const cfg = (after ?? before) as { durable_name?: string } | null;
      if (!cfg?.durable_name) return;
    }
    // Skip no-op updates (e.g. an idempotent create of an identical config).
    if (!apiError && (action === 'stream.update' || action === 'consumer.update')) {
      if (JSON.stringify(before) === JSON.stringify(after)) return;
    }
    await this.audit.append(entry);
    w.recorded++;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#syncing;
    for (const id of [...this.#watches.keys()]) await this.#unwatch(id);
  }
}
