'use client';

import { useEffect, useMemo, useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { type AuditFilters, useAuditLog } from '@/queries/audit';
import { FILTER_DEBOUNCE_MS } from '@/queries/timing';
import { AuditTable } from './AuditTable';
import { VerifyBadge } from './VerifyBadge';

/** The audit log: every change made through Tern, newest first. */
export function AuditPage() {
  const [input, setInput] = useState<AuditFilters>({ action: '', actor: '' });
  const filters = useDebounced(input, FILTER_DEBOUNCE_MS);
  const log = useAuditLog(filters);

  const records = useMemo(() => log.data?.pages.flatMap((p) => p.records) ?? [], [log.data]);
  const knownActions = useMemo(() => [...new Set(records.map((r) => r.action))].sort(), [records]);
  const filtered = filters.action !== '' || filters.actor !== '';

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="page-sub">Who changed what, and when. Records are append-only and hash-chained.</p>
        </div>
        <VerifyBadge />
      </div>

      <div className="toolbar">
        <label className="field field-inline">
          <span className="field-label">Action</span>
          <input
            className="input"
            list="audit-actions"
            value={input.action}
            onChange={(e) => setInput((f) => ({ ...f, action: e.target.value.trim() }))}
            placeholder="e.g. target.create"
            data-testid="audit-filter-action"
          />
          <datalist id="audit-actions">
            {knownActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field field-inline">
          <span className="field-label">Actor</span>
          <input
            className="input"
            value={input.actor}
            onChange={(e) => setInput((f) => ({ ...f, actor: e.target.value.trim() }))}
            placeholder="username"
            data-testid="audit-filter-actor"
          />
        </label>
        {filtered ? (
          <button type="button" className="btn btn-ghost" onClick={() => setInput({ action: '', actor: '' })}>
            Clear filters
          </button>
        ) : null}
      </div>

      {log.isPending ? (
        <LoadingState label="Loading audit records…" />
      ) : log.isError && !log.data ? (
        <ErrorState title="Could not load the audit log" error={log.error} onRetry={() => log.refetch()} />
      ) : records.length === 0 ? (
        <EmptyState title={filtered ? 'No records match these filters' : 'No audit records yet'}>
          {filtered ? 'Try another action or actor.' : 'Changes such as adding a target will show up here.'}
        </EmptyState>
      ) : (
        <>
          {log.isError ? <InlineError error={log.error} /> : null}
          <AuditTable records={records} />
          <div className="table-footer">
            <span className="muted">
              {records.length} {records.length === 1 ? 'record' : 'records'} shown
            </span>
            {log.hasNextPage ? (
              <button
                type="button"
                className="btn"
                onClick={() => log.fetchNextPage()}
                disabled={log.isFetchingNextPage}
                data-testid="audit-load-more"
              >
                {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            ) : (
              <span className="muted">End of the log</span>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}
