import type { AuditRecord as AuditRecordDto, AuditSearchQuery, AuditVerifyDetail } from '@tern/contracts';
import { type AuditRecord, Prisma, type PrismaClient } from '@tern/db';
import { GENESIS_HASH, hashRecord } from './chain.js';

/** A Prisma client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;

/** Who did it and from where; taken from the request. */
export interface AuditActor {
  actor: string;
  role: string | null;
  sourceIp: string | null;
  requestId: string | null;
}

/** One change to record. */
export interface AuditEntry extends AuditActor {
  source?: 'tern' | 'external';
  action: string;
  objectType: string;
  objectId: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  result: 'ok' | 'error';
  error?: string | null;
}

// Arbitrary constant: the advisory lock that serialises appends across processes sharing a PostgreSQL.
const CHAIN_LOCK = 727_100_001;
const VERIFY_PAGE = 500;

/**
 * The tamper-evident audit trail. Appends are serialised (an in-process queue plus a transaction-scoped
 * advisory lock) so each record's prevHash is the hash of the record before it and the chain never forks.
 */
export class AuditLog {
  readonly #prisma: PrismaClient;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Runs `change` and appends the audit record it returns in the same transaction: both are stored or
   * neither is. Returns the change's value. A null entry records nothing (the change was a no-op).
   */
  write<T>(
    change: (tx: Tx) => Promise<{ value: T; entry: AuditEntry | null; onInsert?: (id: bigint) => void }>,
  ): Promise<T> {
    const run = this.#queue.then(() =>
      this.#prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
        const { value, entry, onInsert } = await change(tx);
        if (entry) {
          const row = await this.#insert(tx, entry);
          onInsert?.(row.id);
        }
        return value;
      }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Appends one record; returns its id. */
  async append(entry: AuditEntry): Promise<string> {
    let id = '';
    await this.write(async () => ({
      value: undefined,
      entry,
      onInsert: (rid: bigint) => (id = rid.toString()),
    }));
    return id;
  }

  async #insert(tx: Tx, entry: AuditEntry): Promise<AuditRecord> {
    const last = await tx.auditRecord.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
    // After a prune removed everything, the chain continues from the stored anchor.
    const anchor = last
      ? undefined
      : (await tx.monitorSetting.findUnique({ where: { key: ANCHOR_KEY } }))?.value;
    const fields = {
      time: new Date(),
      actor: entry.actor,
      role: entry.role,
      sourceIp: entry.sourceIp,
      source: entry.source ?? 'tern',
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      targetId: entry.targetId ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
      result: entry.result,
      error: entry.error ?? null,
      requestId: entry.requestId,
      prevHash: last?.hash ?? (typeof anchor === 'string' ? anchor : GENESIS_HASH),
    };
    return tx.auditRecord.create({
      data: {
        ...fields,
        before: fields.before ?? Prisma.DbNull,
        after: fields.after ?? Prisma.DbNull,
        hash: hashRecord(fields),
      },
    });
  }

  /** Newest first, paged backwards by id. */
  async list(query: AuditSearchQuery): Promise<{ records: AuditRecordDto[]; nextBefore: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.#prisma.auditRecord.findMany({
      where: {
        ...whereOf(query),
        ...(query.before ? { id: { lt: BigInt(query.before) } } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return { records: page.map(toDto), nextBefore: more ? (page.at(-1)?.id.toString() ?? null) : null };
  }

  /** Matching records oldest first, with their prevHash (for export), at most `max`. */
  async exportRows(
    query: Omit<AuditSearchQuery, 'limit' | 'before'>,
    max = 100_000,
  ): Promise<(AuditRecordDto & { prevHash: string })[]> {
    const rows = await this.#prisma.auditRecord.findMany({
      where: whereOf(query),
      orderBy: { id: 'asc' },
      take: max,
    });
    return rows.map((r) => ({ ...toDto(r), prevHash: r.prevHash }));
  }

  async get(id: string): Promise<AuditRecordDto | null> {
    if (!/^[0-9]+$/.test(id)) return null;
    const row = await this.#prisma.auditRecord.findUnique({ where: { id: BigInt(id) } });
    return row ? toDto(row) : null;
  }

  /** Days of retention, or null to keep everything. */
  async retentionDays(): Promise<number | null> {
    const row = await this.#prisma.monitorSetting.findUnique({ where: { key: RETENTION_KEY } });
    return typeof row?.value === 'number' ? row.value : null;
  }

  async setRetentionDays(days: number | null): Promise<void> {
    if (days === null) await this.#prisma.monitorSetting.deleteMany({ where: { key: RETENTION_KEY } });
    else
      await this.#prisma.monitorSetting.upsert({
        where: { key: RETENTION_KEY },
        create: { key: RETENTION_KEY, value: days },
        update: { value: days },
      });
  }

  /**
   * Deletes records older than `olderThan` (by time, from the oldest). The oldest retained record's prevHash
   * becomes the chain's anchor, stored apart from the records, so verify() still checks every link that is left.
   * Runs under the chain lock; `record` (if given) is appended in the same transaction.
   */
  async prune(
    olderThan: Date,
    record?: (deleted: number) => AuditEntry | null,
  ): Promise<{ deleted: number; oldestRetainedId: string | null }> {
    return this.write(async (tx) => {
      const lastOld = await tx.auditRecord.findFirst({
        where: { time: { lt: olderThan } },
        orderBy: { id: 'desc' },
        select: { id: true, hash: true },
      });
      let deleted = 0;
      if (lastOld) {
        const res = await tx.auditRecord.deleteMany({ where: { id: { lte: lastOld.id } } });
        deleted = res.count;
        const oldest = await tx.auditRecord.findFirst({ orderBy: { id: 'asc' }, select: { prevHash: true } });
        // With nothing left, the next record links to the last deleted one's hash: keep that as anchor.
        const anchor = oldest?.prevHash ?? lastOld.hash;
        await tx.monitorSetting.upsert({
          where: { key: ANCHOR_KEY },
          create: { key: ANCHOR_KEY, value: anchor },
          update: { value: anchor },
        });
      }
      const oldest = await tx.auditRecord.findFirst({ orderBy: { id: 'asc' }, select: { id: true } });
      return {
        value: { deleted, oldestRetainedId: oldest?.id.toString() ?? null },
        entry: record ? record(deleted) : null,
      };
    });
  }

  /**
   * Walks the chain from its anchor (genesis, or the oldest retained record's prevHash after pruning) and
   * reports the first record whose hash or link is wrong.
   */
  async verify(): Promise<AuditVerifyDetail> {
    const anchorRow = await this.#prisma.monitorSetting.findUnique({ where: { key: ANCHOR_KEY } });
    const anchor = typeof anchorRow?.value === 'string' ? anchorRow.value : GENESIS_HASH;
    let prevHash = anchor;
    let checked = 0;
    let cursor: bigint | undefined;
    for (;;) {
      const rows = await this.#prisma.auditRecord.findMany({
        where: cursor === undefined ? {} : { id: { gt: cursor } },
        orderBy: { id: 'asc' },
        take: VERIFY_PAGE,
      });
      for (const row of rows) {
        const badHash = hashRecord(row) !== row.hash;
        if (row.prevHash !== prevHash || badHash) {
          return {
            ok: false,
            checked,
            firstBrokenId: row.id.toString(),
            anchorHash: anchor,
            reason: badHash ? 'hash' : 'link',
          };
        }
        prevHash = row.hash;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) return { ok: true, checked, firstBrokenId: null, anchorHash: anchor };
      cursor = rows.at(-1)?.id;
    }
  }
}

const RETENTION_KEY = 'audit.retentionDays';
const ANCHOR_KEY = 'audit.anchorHash';

function whereOf(query: Omit<AuditSearchQuery, 'limit' | 'before'>): Prisma.AuditRecordWhereInput {
  const time =
    query.from || query.to
      ? {
          time: {
            ...(query.from ? { gte: new Date(query.from) } : {}),
            ...(query.to ? { lte: new Date(query.to) } : {}),
          },
        }
      : {};
  const and: Prisma.AuditRecordWhereInput[] = [];
  if (query.objectId) and.push({ objectId: query.objectId });
  if (query.object) and.push({ objectId: { contains: query.object, mode: 'insensitive' } });
  return {
    ...time,
    ...(query.action ? { action: query.action } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.objectType ? { objectType: query.objectType } : {}),
    ...(and.length ? { AND: and } : {}),
    ...(query.targetId ? { targetId: query.targetId } : {}),
    ...(query.source ? { source: query.source } : {}),
    ...(query.result ? { result: query.result } : {}),
  };
}

// Normalises a value to what jsonb gives back (dates as strings, no undefined), so the hash we store
// is the hash verify() recomputes.
function toJson(value: unknown): Prisma.InputJsonValue | null {
  if (value === undefined || value === null) return null;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

function toDto(row: AuditRecord): AuditRecordDto {
  return {
    id: row.id.toString(),
    time: row.time.toISOString(),
    actor: row.actor,
    role: row.role,
    sourceIp: row.sourceIp,
    source: row.source === 'external' ? 'external' : 'tern',
    action: row.action,
    objectType: row.objectType,
    objectId: row.objectId,
    targetId: row.targetId,
    before: row.before,
    after: row.after,
    result: row.result === 'ok' ? 'ok' : 'error',
    error: row.error,
    requestId: row.requestId,
    hash: row.hash,
  };
}
