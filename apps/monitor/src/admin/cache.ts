import type { Prisma, PrismaClient } from '@tern/db';
import { canonicalJson } from '../audit/chain.js';

/** `kind:id` → config, the shape snapshots are compared in. */
export type Snapshot = Map<string, unknown>;

/** What is stored for a target; `complete` once a full listing was stored. */
export interface PersistedSnapshot {
  complete: boolean;
  snapshot: Snapshot;
}

const BASELINE = 'baseline';

const splitKey = (key: string): [kind: string, objectId: string] => {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
};

/**
 * The monitor's last known stream and consumer configs per target: the before-state of outside changes.
 * Kept in memory and, for streams and durable consumers, in the database, so a restarted monitor can tell
 * what changed while it was not listening.
 */
export class KnownConfigs {
  readonly #targets = new Map<string, Map<string, unknown>>();
  readonly #prisma: PrismaClient | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(prisma?: PrismaClient) {
    this.#prisma = prisma;
  }

  #of(targetId: string): Map<string, unknown> {
    let m = this.#targets.get(targetId);
    if (!m) {
      m = new Map();
      this.#targets.set(targetId, m);
    }
    return m;
  }

  /** `kind` is `stream` or `consumer`; `id` is `<stream>` or `<stream>/<consumer>`. */
  get(targetId: string, kind: string, id: string): unknown {
    return this.#of(targetId).get(`${kind}:${id}`) ?? null;
  }

  set(targetId: string, kind: string, id: string, config: unknown): void {
    const m = this.#of(targetId);
    if (config === null || config === undefined) {
      m.delete(`${kind}:${id}`);
      // A deleted stream takes its consumers with it.
      if (kind === 'stream') for (const k of m.keys()) if (k.startsWith(`consumer:${id}/`)) m.delete(k);
      this.#persist(async (db) => {
        await db.knownConfig.deleteMany({ where: { targetId, kind, objectId: id } });
        if (kind === 'stream') {
          await db.knownConfig.deleteMany({
            where: { targetId, kind: 'consumer', objectId: { startsWith: `${id}/` } },
          });
        }
      });
    } else {
      const prev = m.get(`${kind}:${id}`);
      m.set(`${kind}:${id}`, config);
      // Reads refresh the cache constantly; only a real change is written.
      if (prev !== undefined && sameConfig(prev, config)) return;
      if (kind === 'consumer' && !(config as { durable_name?: string }).durable_name) return;
      this.#persist(async (db) => {
        await db.knownConfig.upsert({
          where: { targetId_kind_objectId: { targetId, kind, objectId: id } },
          create: { targetId, kind, objectId: id, config: config as Prisma.InputJsonValue },
          update: { config: config as Prisma.InputJsonValue },
        });
      });
    }
  }

  #persist(write: (db: PrismaClient) => Promise<void>): void {
    const db = this.#prisma;
    if (!db) return;
    // Serialised so an older snapshot never lands after a newer one.
    this.#writes = this.#writes.then(() => write(db)).catch(() => {});
  }

  /** Resolves once every snapshot write issued so far is stored. */
  flush(): Promise<void> {
    return this.#writes;
  }

  /** The stored snapshot of a target, and whether it is complete (a first full listing was stored). */
  async loadPersisted(targetId: string): Promise<PersistedSnapshot> {
    await this.flush();
    if (!this.#prisma) return { complete: false, snapshot: new Map() };
    const rows = await this.#prisma.knownConfig.findMany({ where: { targetId } });
    const snapshot: Snapshot = new Map();
    let complete = false;
    for (const r of rows) {
      if (r.kind === BASELINE) complete = true;
      else snapshot.set(`${r.kind}:${r.objectId}`, r.config);
    }
    return { complete, snapshot };
  }

  /**
   * Makes the stored snapshot exactly `live`, marks it complete and refreshes the cache with it. Given
   * what `loadPersisted` returned, only the differences are written (a restart with nothing changed
   * writes nothing).
   */
  async replaceAll(targetId: string, live: Snapshot, stored?: PersistedSnapshot): Promise<void> {
    const before = stored?.snapshot ?? new Map<string, unknown>();
    const gone = [...before.keys()].filter((key) => !live.has(key));
    // Entries cached since the listing (a change made through Tern meanwhile) stay.
    const cached = this.#of(targetId);
    for (const key of gone) cached.delete(key);
    for (const [key, config] of live) cached.set(key, config);
    await this.flush();
    const db = this.#prisma;
    if (!db) return;
    const changed = [...live].filter(([key, config]) => {
      const had = before.get(key);
      return had === undefined || !sameConfig(had, config);
    });
    if (stored?.complete && !changed.length && !gone.length) return;
    const rows: [kind: string, objectId: string, config: unknown][] = changed.map(([key, config]) => [
      ...splitKey(key),
      config,
    ]);
    if (!stored?.complete) rows.push([BASELINE, '', {}]);
    const dropped = [...changed.map(([key]) => key), ...gone].map(splitKey);
    // Raw statements with one JSON parameter: Prisma compiles a 6,000-row createMany for over a second,
    // and node-postgres escapes every element of an array parameter with a regular expression.
    await db.$transaction(async (tx) => {
      if (!stored) await tx.knownConfig.deleteMany({ where: { targetId } });
      else if (dropped.length) {
        await tx.$executeRaw`
          DELETE FROM "KnownConfig" WHERE "targetId" = ${targetId} AND ("kind", "objectId") IN (
            SELECT r->>0, r->>1 FROM json_array_elements(${JSON.stringify(dropped)}::json) AS r)`;
      }
      // A row `set` wrote meanwhile is not a failure.
      await tx.$executeRaw`
        INSERT INTO "KnownConfig" ("targetId", "kind", "objectId", "config", "updatedAt")
        SELECT ${targetId}, r->>0, r->>1, (r->2)::jsonb, now()
        FROM json_array_elements(${JSON.stringify(rows)}::json) AS r
        ON CONFLICT DO NOTHING`;
    });
  }

  forget(targetId: string): void {
    this.#targets.delete(targetId);
  }

  /** Removes a deleted target's stored snapshot. */
  async drop(targetId: string): Promise<void> {
    await this.flush();
    await this.#prisma?.knownConfig.deleteMany({ where: { targetId } });
  }
}

/** Whether two configs are the same once key order (jsonb reorders keys) is ignored. */
export const sameConfig = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
