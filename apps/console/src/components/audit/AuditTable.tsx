'use client';

import type { AuditRecord } from '@tern/contracts';
import { Fragment, useState } from 'react';
import { ResultPill } from '@/components/StatusPill';
import { canRollBack } from '@/lib/auditFilters';
import { formatDateTime, MISSING } from '@/lib/format';
import { JsonDiffView } from './JsonDiffView';

const COLUMNS = 7;

/** Audit records, newest first; a row expands to its details and before/after diff. */
export function AuditTable({
  records,
  onRollback,
}: {
  records: AuditRecord[];
  /** Shown to roles that may change things; absent for viewers. */
  onRollback?: (record: AuditRecord) => void;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="table-wrap">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th className="col-toggle" aria-label="Expand" />
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Object</th>
            <th>Result</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const expanded = open.has(r.id);
            return (
              <Fragment key={r.id}>
                <tr
                  className={expanded ? 'row-expanded' : undefined}
                  data-testid="audit-row"
                  data-action={r.action}
                  data-audit-id={r.id}
                  data-object-id={r.objectId}
                  data-source={r.source}
                >
                  <td className="col-toggle">
                    <button
                      type="button"
                      className="btn btn-ghost btn-icon btn-small"
                      aria-expanded={expanded}
                      aria-label={expanded ? 'Hide details' : 'Show details'}
                      onClick={() => toggle(r.id)}
                      data-testid="audit-row-toggle"
                    >
                      <span className={`chevron${expanded ? ' open' : ''}`} aria-hidden="true">
                        ›
                      </span>
                    </button>
                  </td>
                  <td className="mono nowrap" title={r.time}>
                    {formatDateTime(r.time)}
                  </td>
                  <td>
                    <div className="cell-title">
                      {r.actor}
                      {r.source === 'external' ? <span className="tag">outside Tern</span> : null}
                      {rollbackOf(r.after) ? (
                        <span className="tag" data-testid="audit-rollback-of">
                          rollback of #{rollbackOf(r.after)}
                        </span>
                      ) : null}
                    </div>
                    {r.role || r.sourceIp ? (
                      <div className="cell-sub">{[r.role, r.sourceIp].filter(Boolean).join(' · ')}</div>
                    ) : null}
                  </td>
                  <td>
                    <code className="action">{r.action}</code>
                  </td>
                  <td>
                    <span className="muted">{r.objectType}</span> <span className="mono">{r.objectId}</span>
                  </td>
                  <td>
                    <ResultPill result={r.result} error={r.error} />
                  </td>
                  <td className="actions">
                    {onRollback && canRollBack(r) ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => onRollback(r)}
                        data-testid="audit-rollback"
                        title="Preview re-applying the state before this change"
                      >
                        Roll back
                      </button>
                    ) : null}
                  </td>
                </tr>
                {expanded ? (
                  <tr className="row-detail" data-testid="audit-detail">
                    <td colSpan={COLUMNS}>
                      <AuditDetail record={r} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AuditDetail({ record: r }: { record: AuditRecord }) {
  return (
    <div className="detail">
      <dl className="meta">
        <div>
          <dt>Record</dt>
          <dd className="mono">#{r.id}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{r.source === 'tern' ? 'Tern' : 'Outside Tern'}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd className="mono">{r.targetId ?? MISSING}</dd>
        </div>
        <div>
          <dt>Request</dt>
          <dd className="mono">{r.requestId ?? MISSING}</dd>
        </div>
        <div>
          <dt>Hash</dt>
          <dd className="mono truncate" title={r.hash}>
            {r.hash}
          </dd>
        </div>
      </dl>
      {r.error ? <div className="inline-error">{r.error}</div> : null}
      <JsonDiffView before={r.before} after={withoutRollbackOf(r.after)} />
    </div>
  );
}

/** The record a rollback undid, kept by the monitor in the after-state. */
function rollbackOf(after: unknown): string | null {
  if (!after || typeof after !== 'object') return null;
  const id = (after as { rollbackOf?: unknown }).rollbackOf;
  return typeof id === 'string' ? id : null;
}

/** The after-state without the `rollbackOf` marker, so the diff shows only the config. */
function withoutRollbackOf(after: unknown): unknown {
  if (!rollbackOf(after)) return after;
  const { rollbackOf: _marker, ...rest } = after as Record<string, unknown>;
  return rest;
}
