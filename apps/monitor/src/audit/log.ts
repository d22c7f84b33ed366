import type { AuditQuery, AuditRecord as AuditRecordDto, AuditVerifyResponse } from '@tern/contracts';
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
  write<T>(change: (tx: Tx) => Promise<{ value: T; entry: AuditEntry | null }>): Promise<T> {
    const run = this.#queue.then(() =>
      this.#prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
        const { value, entry } = await change(tx);
        if (entry) await this.#insert(tx, entry);
        return value;
      }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Appends one record. */
  async append(entry: AuditEntry): Promise<void> {
    await this.write(async () => ({ value: undefined, entry }));
  }

  async #insert(tx: Tx, entry: AuditEntry): Promise<AuditRecord> {
    const last = await tx.auditRecord.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
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
      prevHash: last?.hash ?? GENESIS_HASH,
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
  async list(query: AuditQuery): Promise<{ records: AuditRecordDto[]; nextBefore: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.#prisma.auditRecord.findMany({
      where: {
        ...(query.before ? { id: { lt: BigInt(query.before) } } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.objectType ? { objectType: query.objectType } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return { records: page.map(toDto), nextBefore: more ? (page.at(-1)?.id.toString() ?? null) : null };
  }

  /** Walks the chain from the genesis record and reports the first record whose hash or link is wrong. */
  async verify(): Promise<AuditVerifyResponse> {
    let prevHash = GENESIS_HASH;
    let checked = 0;
    let cursor: bigint | undefined;
    for (;;) {
      const rows = await this.#prisma.auditRecord.findMany({
        where: cursor === undefined ? {} : { id: { gt: cursor } },
        orderBy: { id: 'asc' },
        take: VERIFY_PAGE,
      });
      for (const row of rows) {
        if (row.prevHash !== prevHash || hashRecord(row) !== row.hash) {
          return { ok: false, checked, firstBrokenId: row.id.toString() };
        }
        prevHash = row.hash;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) return { ok: true, checked, firstBrokenId: null };
      cursor = rows.at(-1)?.id;
    }
  }
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
