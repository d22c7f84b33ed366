'use client';

import type { StreamsQuery } from '@tern/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatAgo, formatBytes, formatNumber } from '@/lib/format';
import { useNow } from '@/queries/series';
import { type StreamsParams, streamHref, useStreams } from '@/queries/streams';
import '@/components/charts/charts.css';
import { formatRate } from '../format';
import { Pager } from '../Pager';
import { SortableTh } from '../SortableTh';
import { nextSort, type SortState } from '../sort';
import { TargetSelect } from '../TargetSelect';
import { useDebounced } from '../useDebounced';

const PAGE_SIZE = 50;

type StreamSortKey = NonNullable<StreamsQuery['sort']>;

/** Every JetStream stream on every monitored server, with size and ingest rate. */
export function StreamsPage() {
  const [sort, setSort] = useState<SortState<StreamSortKey>>({ key: 'messages', dir: 'desc' });
  const [offset, setOffset] = useState(0);
  const [target, setTarget] = useState('');
  const [searchInput, setSearchInput] = useState('');
  const search = useDebounced(searchInput.trim());
  const params: StreamsParams = {
    sort: sort.key,
    order: sort.dir,
    offset,
    limit: PAGE_SIZE,
    target: target || undefined,
    search: search || undefined,
  };
  const streams = useStreams(params);
  const now = useNow(5_000);
  const data = streams.data;
  const rows = data?.streams ?? [];
  const filtered = Boolean(target || search);
  const th = {
    sort,
    onSort: (key: StreamSortKey) => {
      setSort((s) => nextSort(s, key, key === 'name' ? 'asc' : 'desc'));
      setOffset(0);
    },
  };

  return (
    <div className="page" data-testid="obs-streams-page">
      <div className="page-header">
        <div>
          <h1>Streams</h1>
          <p className="page-sub">
            JetStream streams of every monitored server: size, ingest rate and consumers.
          </p>
        </div>
      </div>
      <div className="filters">
        <label className="field">
          <span className="field-label">Search</span>
          <input
            className="input"
            type="search"
            placeholder="stream name"
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
      {streams.isPending ? (
        <LoadingState label="Loading streams…" />
      ) : streams.isError && !data ? (
        <ErrorState title="Could not load streams" error={streams.error} onRetry={() => streams.refetch()} />
      ) : rows.length === 0 && offset === 0 ? (
        <EmptyState title={filtered ? 'No stream matches these filters' : 'No streams'}>
          {filtered
            ? 'Clear a filter to see more.'
            : 'Streams of monitored servers with JetStream appear here.'}
        </EmptyState>
      ) : (
        <>
          {streams.isError ? <InlineError error={streams.error} /> : null}
          <div className="table-wrap">
            <table className="table" data-testid="stream-list">
              <thead>
                <tr>
                  <SortableTh column="name" {...th}>
                    Stream
                  </SortableTh>
                  <th>Target · account</th>
                  <th>Storage</th>
                  <SortableTh column="messages" numeric {...th}>
                    Messages
                  </SortableTh>
                  <SortableTh column="bytes" numeric {...th}>
                    Size
                  </SortableTh>
                  <SortableTh column="msgs_rate" numeric {...th} title="Messages stored per second">
                    Ingest
                  </SortableTh>
                  <SortableTh column="consumers" numeric {...th}>
                    Consumers
                  </SortableTh>
                  <SortableTh column="last_ts" numeric {...th}>
                    Last message
                  </SortableTh>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr
                    key={`${s.targetId}|${s.account}|${s.name}`}
                    data-testid="stream-row"
                    data-name={s.name}
                  >
                    <td>
                      <div className="cell-title">
                        <Link href={streamHref({ targetId: s.targetId, account: s.account, stream: s.name })}>
                          {s.name}
                        </Link>
                      </div>
                      <div className="cell-sub mono" title={s.subjects.join(', ')}>
                        {s.subjects.join(', ')}
                      </div>
                    </td>
                    <td>
                      <div>{s.targetName}</div>
                      <div className="cell-sub mono">{s.account}</div>
                    </td>
                    <td>
                      {[s.storage, s.retention, s.replicas ? `R${s.replicas}` : null]
                        .filter(Boolean)
                        .join(' · ') || '—'}
                      {s.leader ? <div className="cell-sub">leader {s.leader}</div> : null}
                    </td>
                    <td className="num">{formatNumber(s.messages)}</td>
                    <td className="num">{formatBytes(s.bytes)}</td>
                    <td className="num">{formatRate(s.msgsRate)}</td>
                    <td className="num">{formatNumber(s.consumerCount)}</td>
                    <td className="num muted" title={s.lastTs}>
                      {s.messages || s.lastSeq ? formatAgo(s.lastTs, now) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            offset={offset}
            limit={PAGE_SIZE}
            total={data?.total ?? 0}
            onOffset={setOffset}
            busy={streams.isFetching && streams.isPlaceholderData}
          />
        </>
      )}
    </div>
  );
}
