import type { DiffEntry } from '@tern/contracts';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf-by-leaf differences between two JSON values; paths are dotted (`subjects.0`, `mirror.name`). */
export function diff(before: unknown, after: unknown, path = ''): DiffEntry[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...diff(before[i], after[i], path ? `${path}.${i}` : String(i)));
    }
    return out;
  }
  if (before === undefined && after === undefined) return [];
  if (before === undefined || before === null) {
    if (after === undefined || after === null) return [];
    return [{ path, op: 'add', after }];
  }
  if (after === undefined || after === null) return [{ path, op: 'remove', before }];
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, op: 'change', before, after }];
}
