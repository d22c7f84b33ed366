'use client';

import type { AuditRecord } from '@tern/contracts';
import { useSearchParams } from 'next/navigation';
import { useEffect, useId, useMemo, useState } from 'react';
import { ChangeDialog } from '@/components/manage/ChangeDialog';
import { useRole } from '@/components/manage/useRole';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { type AuditFilters, emptyAuditFilters, hasFilters, isoToLocal } from '@/lib/auditFilters';
import { auditExportUrl, previewRollback, useAuditLog, useRollbackApply } from '@/queries/audit';
import { FILTER_DEBOUNCE_MS } from '@/queries/timing';
import { AuditTable } from './AuditTable';
import { RetentionPanel } from './RetentionPanel';
import { VerifyBadge } from './VerifyBadge';

const OBJECT_TYPES = [
  'stream',
  'consumer',
  'kv',
  'kv-key',
  'object-store',
  'object',
  'target',
  'user',
  'token',
  'config',
];

/** The audit log: every change made through Tern or seen outside it, newest first. */
export function AuditPage() {
  const params = useSearchParams();
  const [input, setInput] = useState<AuditFilters>(() => ({
    ...emptyAuditFilters,
    object: params.get('object') ?? '',
    action: params.get('action') ?? '',
    actor: params.get('actor') ?? '',
    source: sourceParam(params.get('source')),
  }));
  const filters = useDebounced(input, FILTER_DEBOUNCE_MS);
  const log = useAuditLog(filters);
  const { canOperate, isAdmin } = useRole();
  const [rollingBack, setRollingBack] = useState<AuditRecord | null>(null);
  const rollback = useRollbackApply();
  const id = useId();

  const records = useMemo(() => log.data?.pages.flatMap((p) => p.records) ?? [], [log.data]);
  const knownActions = useMemo(() => [...new Set(records.map((r) => r.action))].sort(), [records]);
  const filtered = hasFilters(filters);
  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) =>
    setInput((f) => ({ ...f, [key]: value }));
  const since = (hours: number) => {
    setInput((f) => ({
      ...f,
      from: isoToLocal(new Date(Date.now() - hours * 3600_000).toISOString()),
      to: '',
    }));
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="page-sub">
            Who changed what, and when — through Tern or outside it. Records are append-only and hash-chained.
          </p>
        </div>
        <div className="form-actions">
          <VerifyBadge />
          <a
            className="btn btn-small"
            href={auditExportUrl(filters, 'csv')}
            download
            data-testid="audit-export-csv"
          >
            Export CSV
          </a>
          <a
            className="btn btn-small"
            href={auditExportUrl(filters, 'json')}
            download
            data-testid="audit-export-json"
          >
            Export JSON
          </a>
        </div>
      </div>

      {isAdmin ? <RetentionPanel /> : null}

      <div className="panel filters-grid" data-testid="audit-filters">
        <label className="field" htmlFor={`${id}-from`}>
          <span className="field-label">From</span>
          <input
            id={`${id}-from`}
            type="datetime-local"
            className="input"
            value={input.from}
            onChange={(e) => set('from', e.target.value)}
            data-testid="audit-filter-from"
          />
        </label>
        <label className="field" htmlFor={`${id}-to`}>
          <span className="field-label">To</span>
          <input
            id={`${id}-to`}
            type="datetime-local"
            className="input"
            value={input.to}
            onChange={(e) => set('to', e.target.value)}
            data-testid="audit-filter-to"
          />
        </label>
        <div className="field">
          <span className="field-label">Quick range</span>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => since(1)}
              data-testid="audit-range-1h"
            >
              1h
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => since(24)}
              data-testid="audit-range-24h"
            >
              24h
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => since(24 * 7)}
              data-testid="audit-range-7d"
            >
              7d
            </button>
          </div>
        </div>
        <label className="field" htmlFor={`${id}-actor`}>
          <span className="field-label">Actor</span>
          <input
            id={`${id}-actor`}
            className="input"
            value={input.actor}
            onChange={(e) => set('actor', e.target.value.trim())}
            placeholder="username"
            data-testid="audit-filter-actor"
          />
        </label>
        <label className="field" htmlFor={`${id}-action`}>
          <span className="field-label">Action</span>
          <input
            id={`${id}-action`}
            className="input"
            list={`${id}-actions`}
            value={input.action}
            onChange={(e) => set('action', e.target.value.trim())}
            placeholder="e.g. stream.update"
            data-testid="audit-filter-action"
          />
          <datalist id={`${id}-actions`}>
            {knownActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field" htmlFor={`${id}-type`}>
          <span className="field-label">Object type</span>
          <select
            id={`${id}-type`}
            className="input select"
            value={input.objectType}
            onChange={(e) => set('objectType', e.target.value)}
            data-testid="audit-filter-object-type"
          >
            <option value="">Any</option>
            {OBJECT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${id}-object`}>
          <span className="field-label">Object</span>
          <input
            id={`${id}-object`}
            className="input mono"
            value={input.object}
            onChange={(e) => set('object', e.target.value.trim())}
            placeholder="e.g. ORDERS"
            data-testid="audit-filter-object"
          />
        </label>
        <label className="field" htmlFor={`${id}-source`}>
          <span className="field-label">Source</span>
          <select
            id={`${id}-source`}
            className="input select"
            value={input.source}
            onChange={(e) => set('source', e.target.value as AuditFilters['source'])}
            data-testid="audit-filter-source"
          >
            <option value="">Any</option>
            <option value="tern">Tern</option>
            <option value="external">Outside Tern</option>
          </select>
        </label>
        <label className="field" htmlFor={`${id}-result`}>
          <span className="field-label">Result</span>
          <select
            id={`${id}-result`}
            className="input select"
            value={input.result}
            onChange={(e) => set('result', e.target.value as AuditFilters['result'])}
            data-testid="audit-filter-result"
          >
            <option value="">Any</option>
            <option value="ok">OK</option>
            <option value="error">Error</option>
          </select>
        </label>
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => setInput(emptyAuditFilters)}
            data-testid="audit-clear-filters"
          >
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
          {filtered
            ? 'Try a wider time range or fewer filters.'
            : 'Changes such as adding a target will show up here.'}
        </EmptyState>
      ) : (
        <>
          {log.isError ? <InlineError error={log.error} /> : null}
          <AuditTable records={records} onRollback={canOperate ? setRollingBack : undefined} />
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

      {rollingBack ? (
        <ChangeDialog
          title={`Roll back record #${rollingBack.id}`}
          description={
            <>
              Re-applies the state before <code className="action">{rollingBack.action}</code> on{' '}
              <span className="mono">{rollingBack.objectId}</span>. The rollback is itself audited.
            </>
          }
          request={{ path: '', body: {}, invalidate: [] }}
          previewFn={() => previewRollback(rollingBack.id)}
          applyFn={(confirm) => rollback.mutateAsync({ id: rollingBack.id, confirm })}
          applyLabel="Roll back"
          onClose={() => setRollingBack(null)}
        />
      ) : null}
    </div>
  );
}

function sourceParam(v: string | null): AuditFilters['source'] {
  return v === 'tern' || v === 'external' ? v : '';
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}
