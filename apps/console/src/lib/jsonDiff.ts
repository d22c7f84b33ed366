// A side-by-side line diff of two JSON values, for the audit log's before/after view.

export type DiffKind = 'same' | 'removed' | 'added' | 'empty';

/** One line of one side; `empty` pads the side that has no counterpart. */
export interface DiffCell {
  text: string;
  kind: DiffKind;
}

export interface DiffRow {
  left: DiffCell;
  right: DiffCell;
}

/** Beyond this many lines per side the LCS table gets too large; lines are paired up without highlighting. */
export const MAX_DIFF_LINES = 2000;

/** Pretty JSON with sorted object keys, so key order never shows up as a change. `null`/absent → no lines. */
export function prettyJson(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return (JSON.stringify(sort(value), null, 2) ?? String(value)).split('\n');
}

const EMPTY: DiffCell = { text: '', kind: 'empty' };

/** Aligns the lines of `before` and `after`, marking what was removed and added. */
export function diffJson(before: unknown, after: unknown): DiffRow[] {
  const a = prettyJson(before);
  const b = prettyJson(after);
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) {
    const rows: DiffRow[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const l = a[i];
      const r = b[i];
      rows.push({
        left: l === undefined ? EMPTY : { text: l, kind: 'same' },
        right: r === undefined ? EMPTY : { text: r, kind: 'same' },
      });
    }
    return rows;
  }
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: DiffRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const l = removed[k];
      const r = added[k];
      rows.push({
        left: l === undefined ? EMPTY : { text: l, kind: 'removed' },
        right: r === undefined ? EMPTY : { text: r, kind: 'added' },
      });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      rows.push({ left: { text: a[i]!, kind: 'same' }, right: { text: b[j]!, kind: 'same' } });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push(b[j++]!);
    } else {
      removed.push(a[i++]!);
    }
  }
  flush();
  return rows;
}
