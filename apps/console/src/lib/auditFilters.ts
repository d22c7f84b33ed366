// The audit page's filters and the query string they become (GET /api/audit and /api/audit/export).

export interface AuditFilters {
  action: string;
  actor: string;
  /** Substring of the object id. */
  object: string;
  objectType: string;
  source: '' | 'tern' | 'external';
  result: '' | 'ok' | 'error';
  /** `datetime-local` values (local time, no zone), or empty. */
  from: string;
  to: string;
}

export const emptyAuditFilters: AuditFilters = {
  action: '',
  actor: '',
  object: '',
  objectType: '',
  source: '',
  result: '',
  from: '',
  to: '',
};

/** Changes the monitor can roll back (`<objectType>:<action>`), and whether that needs a before-state. */
const ROLLBACK: ReadonlyMap<string, boolean> = new Map([
  ['stream:stream.create', false],
  ['stream:stream.update', true],
  ['stream:stream.seal', true],
  ['stream:stream.delete', true],
  ['consumer:consumer.create', false],
  ['consumer:consumer.update', true],
  ['consumer:consumer.delete', true],
  ['consumer:consumer.pause', false],
  ['kv:kv.create', false],
  ['kv:kv.update', true],
  ['kv:kv.delete', true],
  ['kv-key:kv.put', false],
  ['kv-key:kv.delete-key', true],
  ['kv-key:kv.purge', true],
]);

/** A `datetime-local` value as an ISO instant, or undefined when empty or invalid. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** An instant as a `datetime-local` value in the browser's zone. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The API query for these filters; empty filters are left out. */
export function toAuditQuery(f: AuditFilters): Record<string, string | undefined> {
  const q: Record<string, string | undefined> = {
    action: f.action.trim() || undefined,
    actor: f.actor.trim() || undefined,
    object: f.object.trim() || undefined,
    objectType: f.objectType || undefined,
    source: f.source || undefined,
    result: f.result || undefined,
    from: localToIso(f.from),
    to: localToIso(f.to),
  };
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
}

export function hasFilters(f: AuditFilters): boolean {
  return Object.keys(toAuditQuery(f)).length > 0;
}

/** Whether a record can be rolled back: a successful change the monitor knows how to undo, with a state to return to. */
export function canRollBack(r: {
  result: string;
  objectType: string;
  action: string;
  before: unknown;
}): boolean {
  if (r.result !== 'ok') return false;
  const needsBefore = ROLLBACK.get(`${r.objectType}:${r.action}`);
  if (needsBefore === undefined) return false;
  return !needsBefore || (r.before !== null && r.before !== undefined);
}
