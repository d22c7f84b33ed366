import { createHash } from 'node:crypto';

/** prevHash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a record's hash covers (everything but its database id and its own hash). */
export interface ChainedFields {
  time: Date;
  actor: string;
  role: string | null;
  sourceIp: string | null;
  source: string;
  action: string;
  objectType: string;
  objectId: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  result: string;
  error: string | null;
  requestId: string | null;
  prevHash: string;
}

/**
 * JSON with object keys sorted at every level, so a value hashes the same after a round trip
 * through PostgreSQL's jsonb (which reorders keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  return JSON.stringify(value);
}

/** SHA-256 (hex) over the canonical JSON of the record's fields, prevHash included. */
export function hashRecord(fields: ChainedFields): string {
  const covered: Record<keyof ChainedFields, unknown> = {
    time: fields.time.toISOString(),
    actor: fields.actor,
    role: fields.role,
    sourceIp: fields.sourceIp,
    source: fields.source,
    action: fields.action,
    objectType: fields.objectType,
    objectId: fields.objectId,
    targetId: fields.targetId,
    before: fields.before ?? null,
    after: fields.after ?? null,
    result: fields.result,
    error: fields.error,
    requestId: fields.requestId,
    prevHash: fields.prevHash,
  };
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}
