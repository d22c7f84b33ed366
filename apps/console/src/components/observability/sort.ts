// Client-side sorting of table rows: stable, missing values always last, numbers and text compared naturally.

export type SortDir = 'asc' | 'desc';

export interface SortState<K extends string = string> {
  key: K;
  dir: SortDir;
}

/** Clicking a column: the same column flips direction; a new one starts with its preferred direction. */
export function nextSort<K extends string>(
  current: SortState<K>,
  key: K,
  firstDir: SortDir = 'desc',
): SortState<K> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstDir };
}

export type SortValue = number | string | null | undefined;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares two cell values; missing ones (null, undefined, NaN) sort after every value in both directions. */
export function compareValues(a: SortValue, b: SortValue, dir: SortDir): number {
  const am = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const bm = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (am || bm) return am === bm ? 0 : am ? 1 : -1;
  const sign = dir === 'asc' ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  return sign * collator.compare(String(a), String(b));
}

/** A sorted copy of `rows` by the value `accessors[sort.key]` gives, ties kept in their original order. */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K>,
  accessors: Record<K, (row: T) => SortValue>,
): T[] {
  const get = accessors[sort.key];
  return rows
    .map((row, i) => ({ row, i, v: get(row) }))
    .sort((a, b) => compareValues(a.v, b.v, sort.dir) || a.i - b.i)
    .map((x) => x.row);
}

/** One page of rows and the page count; the page is clamped into range. */
export function paginate<T>(
  rows: readonly T[],
  page: number,
  size: number,
): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(p * size, p * size + size), page: p, pages };
}
