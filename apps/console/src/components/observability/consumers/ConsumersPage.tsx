'use client';

import { useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { type ConsumersParams, useConsumers } from '@/queries/consumers';
import { useNow } from '@/queries/series';
import '@/components/charts/charts.css';
import { Pager } from '../Pager';
import { nextSort, type SortState } from '../sort';
import { TargetSelect } from '../TargetSelect';
import { useDebounced } from '../useDebounced';
import { ConsumersTable } from './ConsumersTable';
import type { ConsumerSortKey } from './lag';

const PAGE_SIZE = 50;

/** Every consumer of every monitored stream, the most lagging first. */
export function ConsumersPage() {
  const [sort, setSort] = useState<SortState<ConsumerSortKey>>({ key: 'lag', dir: 'desc' });
  const [offset, setOffset] = useState(0);
  const [target, setTarget] = useState('');
  const [searchInput, setSearchInput] = useState('');
  const search = useDebounced(searchInput.trim());
  const params: ConsumersParams = {
    sort: sort.key,
    order: sort.dir,
    offset,
    limit: PAGE_SIZE,
    target: target || undefined,
    search: search || undefined,
  };
  const consumers = useConsumers(params);
  const now = useNow(5_000);
  const data = consumers.data;
  const rows = data?.consumers ?? [];
  const filtered = Boolean(target || search);

  return (
    <div className="page" data-testid="consumers-page">
      <div className="page-header">
        <div>
          <h1>Consumers</h1>
          <p className="page-sub">
            Lag as messages and as time: how long until each consumer catches up at its recent pace, and how
            old the oldest message it still owes is.
          </p>
        </div>
      </div>
      <div className="filters">
        <label className="field">
          <span className="field-label">Search</span>
          <input
            className="input"
            type="search"
            placeholder="consumer or stream"
            value={searchInput}
            onChange={(e) => {
              setSearchInput(e.target.value);
              setOffset(0);
            }}
            data-testid="filter-search"
          />
        </label>
        <TargetSelect
          value={target}
          onChange={(t) => {
            setTarget(t);
            setOffset(0);
          }}
        />
      </div>
      {consumers.isPending ? (
        <LoadingState label="Loading consumers…" />
      ) : consumers.isError && !data ? (
        <ErrorState
          title="Could not load consumers"
          error={consumers.error}
          onRetry={() => consumers.refetch()}
        />
      ) : rows.length === 0 && offset === 0 ? (
        <EmptyState title={filtered ? 'No consumer matches these filters' : 'No consumers'}>
          {filtered
            ? 'Clear a filter to see more.'
            : 'JetStream consumers of monitored servers appear here with their lag.'}
        </EmptyState>
      ) : (
        <>
          {consumers.isError ? <InlineError error={consumers.error} /> : null}
          <ConsumersTable
            consumers={rows}
            sort={sort}
            onSort={(key) => {
              setSort((s) => nextSort(s, key, key === 'name' ? 'asc' : 'desc'));
              setOffset(0);
            }}
            now={now}
          />
          <Pager
            offset={offset}
            limit={PAGE_SIZE}
            total={data?.total ?? 0}
            onOffset={setOffset}
            busy={consumers.isFetching && consumers.isPlaceholderData}
          />
        </>
      )}
    </div>
  );
}
