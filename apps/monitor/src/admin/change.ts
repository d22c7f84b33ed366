import createError from '@fastify/error';
import type { ChangePreview, ChangeResult, ObjectKind } from '@tern/contracts';
import type { AuditActor, AuditLog } from '../audit/log.js';
import { diff } from './diff.js';

export const ConfirmationRequired = createError(
  'CONFIRMATION_REQUIRED',
  'This change is destructive: type "%s" in the confirm field to apply it',
  400,
);
export const AlreadyExists = createError('ALREADY_EXISTS', '%s "%s" already exists', 409);
export const NotFoundObject = createError('OBJECT_NOT_FOUND', '%s "%s" does not exist', 404);
export const UnsupportedByServer = createError('UNSUPPORTED_BY_SERVER', '%s', 422);
export const BadChange = createError('INVALID_CHANGE', '%s', 400);

/** A planned change: what it is, the states either side, and how to perform it. Nothing has happened yet. */
export interface Change {
  action: string;
  objectType: ObjectKind;
  objectId: string;
  targetId: string;
  before: unknown;
  after: unknown;
  destructive: boolean;
  warnings: string[];
  /** What the user must type to confirm; default: the last `/`-part of objectId. */
  confirmText?: string;
  /** Performs the change; returns the state the server reports afterwards. */
  run(): Promise<unknown>;
  /** Called after a successful run, e.g. to refresh the known-config cache. */
  done?(after: unknown): void;
}

const asDiffable = (v: unknown): unknown => (v === null || v === undefined ? {} : v);

export function preview(change: Change): ChangePreview {
  return {
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId,
    targetId: change.targetId,
    before: change.before ?? null,
    after: change.after ?? null,
    diff: diff(asDiffable(change.before), asDiffable(change.after)),
    destructive: change.destructive,
    confirmText: change.destructive ? confirmName(change) : null,
    warnings: change.warnings,
  };
}

// The name the user types: the object's own name (the last path part of its id).
const confirmName = (change: Change): string =>
  change.confirmText ?? change.objectId.split('/').at(-1) ?? change.objectId;

/**
 * Applies a change and writes its audit record (success or failure) before returning or throwing.
 * `extra` is merged into the recorded after-state (e.g. `rollbackOf`).
 */
export async function applyChange(
  audit: AuditLog,
  actor: AuditActor,
  change: Change,
  confirm: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<ChangeResult> {
  const base = {
    ...actor,
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId,
    targetId: change.targetId,
    before: change.before ?? null,
  };
  if (change.destructive && confirm !== confirmName(change)) {
    const err = new ConfirmationRequired(confirmName(change));
    await audit.append({ ...base, after: change.after ?? null, result: 'error', error: err.message });
    throw err;
  }
  let after: unknown;
  try {
    after = await change.run();
  } catch (err) {
    await audit.append({
      ...base,
      after: withExtra(change.after, extra),
      result: 'error',
      error: (err as Error).message,
    });
    throw err;
  }
  change.done?.(after);
  const auditId = await audit.append({ ...base, after: withExtra(after, extra), result: 'ok' });
  return {
    ok: true,
    auditId,
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId,
    before: change.before ?? null,
    after: after ?? null,
    diff: diff(asDiffable(change.before), asDiffable(after)),
  };
}

function withExtra(value: unknown, extra: Record<string, unknown>): unknown {
  if (Object.keys(extra).length === 0) return value ?? null;
  if (value && typeof value === 'object' && !Array.isArray(value)) return { ...value, ...extra };
  return value === null || value === undefined ? { ...extra } : { value, ...extra };
}
