'use client';

import type { ConnectionInfo, ConnectionSort } from '@tern/contracts';
import { useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime, formatNumber, formatUptime, MISSING } from '@/lib/format';
import { type ConnectionsParams, useConnections } from '@/queries/connections';
import '@/components/charts/charts.css';
import { Drawer } from '../Drawer';
import { formatRate, formatRtt } from '../format';
import { Pager } from '../Pager';
import { SortableTh } from '../SortableTh';
import { nextSort, type SortState } from '../sort';
import { TargetSelect } from '../TargetSelect';
import { useDebounced } from '../useDebounced';

const PAGE_SIZE = 50;

/** Text columns sort ascending first; figures sort largest first. */
const ASC_FIRST = new Set<ConnectionSort>(['cid', 'name', 'start', 'idle']);

/** Client connections across every monitored server: sortable, filterable, paged, with a detail drawer. */
export function ConnectionsPage() {
  const [sort, setSort] = useState<SortState<ConnectionSort>>({ key: 'msgs_from', dir: 'desc' });
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState('');
  const [target, setTarget] = useState('');
  const [account, setAccount] = useState('');
  const [subject, setSubject] = useState('');
  const [selected, setSelected] = useState<ConnectionInfo | null>(null);
  const filters = useDebounced({ search: search.trim(), account: account.trim(), subject: subject.trim() });
  const params: ConnectionsParams = {
    sort: sort.key,
    order: sort.dir,
    offset,
    limit: PAGE_SIZE,
    target: target || undefined,
    search: filters.search || undefined,
    account: filters.account || undefined,
    subject: filters.subject || undefined,
  };
  const conns = useConnections(params);
  const onSort = (key: ConnectionSort) => {
    setSort((s) => nextSort(s, key, ASC_FIRST.has(key) ? 'asc' : 'desc'));
    setOffset(0);
  };
  const resetting = (fn: (v: string) => void) => (v: string) => {
    fn(v);
    setOffset(0);
  };
  const data = conns.data;
  const rows = data?.connections ?? [];
  const filtered = Boolean(search || target || account || subject);
  const th = { sort, onSort };

  return (
    <div className="page" data-testid="connections-page">
      <div className="page-header">
        <div>
          <h1>Connections</h1>
          <p className="page-sub">Client connections on every monitored server, as reported by /connz.</p>
        </div>
      </div>
      <div className="filters">
        <label className="field">
          <span className="field-label">Search</span>
          <input
            className="input"
            type="search"
            placeholder="name, IP, language, user…"
            value={search}
            onChange={(e) => resetting(setSearch)(e.target.value)}
            data-testid="filter-search"
          />
        </label>
        <TargetSelect value={target} onChange={resetting(setTarget)} />
        <label className="field">
          <span className="field-label">Account</span>
          <input
            className="input"
            value={account}
            onChange={(e) => resetting(setAccount)(e.target.value)}
            data-testid="filter-account"
          />
        </label>
        <label className="field">
          <span className="field-label">Subscribed to</span>
          <input
            className="input mono"
            placeholder="orders.>"
            value={subject}
            onChange={(e) => resetting(setSubject)(e.target.value)}
            data-testid="filter-subject"
          />
        </label>
      </div>
      {data?.truncated.length ? (
        <div className="inline-error" role="status" data-testid="connections-truncated">
          Partial list:{' '}
          {data.truncated
            .map(
              (t) =>
                `${t.serverId} has ${formatNumber(t.total)} connections, ${formatNumber(t.fetched)} fetched`,
            )
            .join('; ')}
          .
        </div>
      ) : null}
      {conns.isPending ? (
        <LoadingState label="Loading connections…" />
      ) : conns.isError && !data ? (
        <ErrorState title="Could not load connections" error={conns.error} onRetry={() => conns.refetch()} />
      ) : rows.length === 0 && offset === 0 ? (
        <EmptyState title={filtered ? 'No connection matches these filters' : 'No client connections'}>
          {filtered
            ? 'Clear a filter to see more.'
            : 'Clients appear here as soon as they connect to a monitored server.'}
        </EmptyState>
      ) : (
        <>
          {conns.isError ? <InlineError error={conns.error} /> : null}
          <div className="table-wrap">
            <table className="table" data-testid="connections-table">
              <thead>
                <tr>
                  <SortableTh column="name" {...th}>
                    Client
                  </SortableTh>
                  <th>Server · account</th>
                  <SortableTh column="subs" numeric {...th}>
                    Subs
                  </SortableTh>
                  <SortableTh column="pending" numeric {...th}>
                    Pending
                  </SortableTh>
                  <SortableTh column="msgs_from" numeric {...th} title="Messages published by the client">
                    Msgs from
                  </SortableTh>
                  <SortableTh column="msgs_to" numeric {...th} title="Messages delivered to the client">
                    Msgs to
                  </SortableTh>
                  <SortableTh column="bytes_from" numeric {...th}>
                    Data from
                  </SortableTh>
                  <SortableTh column="bytes_to" numeric {...th}>
                    Data to
                  </SortableTh>
                  <SortableTh column="uptime" numeric {...th} title="Connected for; idle below">
                    Uptime
                  </SortableTh>
                  <SortableTh column="rtt" numeric {...th}>
                    RTT
                  </SortableTh>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => {
                  const key = `${c.serverId}|${c.cid}`;
                  const isSelected = selected !== null && `${selected.serverId}|${selected.cid}` === key;
                  return (
                    <tr
                      key={key}
                      className={`row-link${isSelected ? ' row-selected' : ''}`}
                      onClick={() => setSelected(c)}
                      data-testid="connection-row"
                      data-cid={c.cid}
                      data-name={c.name ?? ''}
                    >
                      <td>
                        <button
                          type="button"
                          className="th-sort cell-title"
                          onClick={(e) => {
                            e.stopPropagation();
                            setSelected(c);
                          }}
                          data-testid="connection-open"
                        >
                          {c.name || `cid ${c.cid}`}
                        </button>
                        <div className="cell-sub mono">
                          {c.ip}:{c.port}
                          {c.lang ? ` · ${c.lang} ${c.version ?? ''}` : ''}
                        </div>
                      </td>
                      <td>
                        <div className="cell-sub" style={{ color: 'var(--text)' }}>
                          {c.targetName}
                        </div>
                        <div className="cell-sub mono">
                          {c.serverName ?? c.serverId}
                          {c.account ? ` · ${c.account}` : ''}
                        </div>
                      </td>
                      <td className="num">{formatNumber(c.subscriptions)}</td>
                      <td className="num">{formatBytes(c.pendingBytes)}</td>
                      <td className="num">
                        {formatNumber(c.inMsgs)}
                        <div className="cell-sub">{formatRate(c.inMsgsRate)}</div>
                      </td>
                      <td className="num">
                        {formatNumber(c.outMsgs)}
                        <div className="cell-sub">{formatRate(c.outMsgsRate)}</div>
                      </td>
                      <td className="num">{formatBytes(c.inBytes)}</td>
                      <td className="num">{formatBytes(c.outBytes)}</td>
                      <td className="num">
                        {formatUptime(c.uptime)}
                        <div className="cell-sub">idle {formatUptime(c.idle)}</div>
                      </td>
                      <td className="num">{formatRtt(c.rtt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            offset={offset}
            limit={PAGE_SIZE}
            total={data?.total ?? 0}
            onOffset={setOffset}
            busy={conns.isFetching && conns.isPlaceholderData}
          />
        </>
      )}
      {selected ? (
        <ConnectionDrawer
          conn={rows.find((r) => r.serverId === selected.serverId && r.cid === selected.cid) ?? selected}
          onClose={() => setSelected(null)}
        />
      ) : null}
    </div>
  );
}

function ConnectionDrawer({ conn: c, onClose }: { conn: ConnectionInfo; onClose: () => void }) {
  return (
    <Drawer title={c.name || `Connection ${c.cid}`} onClose={onClose} testId="connection-drawer">
      <dl className="kv">
        <dt>Connection ID</dt>
        <dd className="mono">{c.cid}</dd>
        <dt>Kind</dt>
        <dd>{c.kind ?? MISSING}</dd>
        <dt>Address</dt>
        <dd className="mono">
          {c.ip}:{c.port}
        </dd>
        <dt>Target</dt>
        <dd>{c.targetName}</dd>
        <dt>Server</dt>
        <dd className="mono">{c.serverName ?? c.serverId}</dd>
        <dt>Account</dt>
        <dd className="mono">{c.account ?? MISSING}</dd>
        <dt>User</dt>
        <dd className="mono">{c.user ?? MISSING}</dd>
        <dt>Client library</dt>
        <dd>{c.lang ? `${c.lang} ${c.version ?? ''}` : MISSING}</dd>
        <dt>TLS</dt>
        <dd>{c.tlsVersion ?? 'none'}</dd>
        <dt>Connected</dt>
        <dd>
          {formatDateTime(c.start)} <span className="muted">({formatUptime(c.uptime)})</span>
        </dd>
        <dt>Last activity</dt>
        <dd>
          {formatDateTime(c.lastActivity)} <span className="muted">(idle {formatUptime(c.idle)})</span>
        </dd>
        <dt>RTT</dt>
        <dd>{formatRtt(c.rtt)}</dd>
        <dt>Pending</dt>
        <dd>{formatBytes(c.pendingBytes)}</dd>
        <dt>Messages from client</dt>
        <dd>
          {formatNumber(c.inMsgs)} ({formatBytes(c.inBytes)}) · {formatRate(c.inMsgsRate)}
        </dd>
        <dt>Messages to client</dt>
        <dd>
          {formatNumber(c.outMsgs)} ({formatBytes(c.outBytes)}) · {formatRate(c.outMsgsRate)}
        </dd>
      </dl>
      <div>
        <h3 className="chart-title">Subscriptions ({formatNumber(c.subscriptions)})</h3>
        {c.subjects.length ? (
          <ul className="subject-list mono" data-testid="connection-subjects">
            {c.subjects.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">No subscriptions.</p>
        )}
      </div>
    </Drawer>
  );
}
