'use client';

import type { ReactNode } from 'react';
import type { SortDir, SortState } from './sort';

interface Props<K extends string> {
  column: K;
  sort: SortState<K>;
  onSort: (column: K) => void;
  children: ReactNode;
  numeric?: boolean;
  title?: string;
  testId?: string;
}

const ARIA: Record<SortDir, 'ascending' | 'descending'> = { asc: 'ascending', desc: 'descending' };

/** A table header that sorts by its column on click, announcing the order to assistive technology. */
export function SortableTh<K extends string>({
  column,
  sort,
  onSort,
  children,
  numeric,
  title,
  testId,
}: Props<K>) {
  const active = sort.key === column;
  return (
    <th className={numeric ? 'num' : undefined} aria-sort={active ? ARIA[sort.dir] : 'none'} title={title}>
      <button
        type="button"
        className="th-sort"
        onClick={() => onSort(column)}
        data-testid={testId ?? `sort-${column}`}
      >
        {children}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
