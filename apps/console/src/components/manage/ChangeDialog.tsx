'use client';

import type { ChangePreview, ChangeResult, DiffEntry } from '@tern/contracts';
import Link from 'next/link';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { JsonDiffView } from '@/components/audit/JsonDiffView';
import { LoadingState } from '@/components/states';
import { formatDiffValue } from '@/lib/changeDiff';
import { type ChangeRequest, useChangeApply, useChangePreview } from '@/queries/jetstream';
import { ErrorBox } from './ErrorBox';

interface Props {
  title: string;
  /** What the change does, in words, above the preview. */
  description?: ReactNode;
  request: ChangeRequest;
  applyLabel: string;
  onClose: () => void;
  onApplied?: (result: ChangeResult) => void;
  /** A dry run other than the generic one (e.g. audit rollback); defaults to `POST <path>/preview`. */
  previewFn?: () => Promise<ChangePreview>;
  applyFn?: (confirm: string | undefined) => Promise<ChangeResult>;
}

/**
 * Every change goes through here: a dry run shows what would change (diff of current and proposed),
 * destructive changes need the object's name typed out, then the change is applied and audited.
 */
/** A change waiting in the dialog: what it is called, the request to preview and apply, what to do after. */
export type PendingChange = {
  title: string;
  description?: string;
  applyLabel: string;
  request: ChangeRequest;
  after?: () => void;
};

export function ChangeDialog({
  title,
  description,
  request,
  applyLabel,
  onClose,
  onApplied,
  previewFn,
  applyFn,
}: Props) {
  const preview = useChangePreview();
  const apply = useChangeApply();
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [customPreview, setCustomPreview] = useState<{
    data?: ChangePreview;
    error?: unknown;
    pending: boolean;
  }>({
    pending: Boolean(previewFn),
  });
  const [customApply, setCustomApply] = useState<{ data?: ChangeResult; error?: unknown; pending: boolean }>({
    pending: false,
  });
  const id = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: the dry run runs once, when the dialog opens
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    if (previewFn) {
      previewFn().then(
        (data) => setCustomPreview({ data, pending: false }),
        (error) => setCustomPreview({ error, pending: false }),
      );
    } else preview.mutate(request);
    return () => d?.close();
  }, []);

  const p = previewFn ? customPreview.data : preview.data;
  const previewError = previewFn ? customPreview.error : preview.error;
  const previewPending = previewFn ? customPreview.pending : preview.isPending;
  const result = applyFn ? customApply.data : apply.data;
  const applyError = applyFn ? customApply.error : apply.error;
  const applyPending = applyFn ? customApply.pending : apply.isPending;

  const needsConfirm = Boolean(p?.confirmText);
  const confirmed = !needsConfirm || typed === p?.confirmText;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!p || !confirmed || applyPending || result) return;
    const confirm = needsConfirm ? typed : undefined;
    if (applyFn) {
      setCustomApply({ pending: true });
      applyFn(confirm).then(
        (data) => {
          setCustomApply({ data, pending: false });
          onApplied?.(data);
        },
        (error) => setCustomApply({ error, pending: false }),
      );
    } else apply.mutate({ req: request, confirm }, { onSuccess: (r) => onApplied?.(r) });
  };

  return (
    <dialog
      ref={dialog}
      className="dialog dialog-wide"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!applyPending) onClose();
      }}
      data-testid="change-dialog"
      data-state={result ? 'applied' : p ? 'previewed' : previewError ? 'error' : 'loading'}
    >
      <form onSubmit={onSubmit}>
        <h2 id={`${id}-title`}>{title}</h2>
        {description ? <div className="dialog-text">{description}</div> : null}
        {previewPending ? <LoadingState label="Working out what would change (dry run)…" /> : null}
        {previewError ? <ErrorBox error={previewError} testId="change-preview-error" /> : null}
        {p ? <PreviewBody preview={p} /> : null}
        {p && needsConfirm && !result ? (
          <label className="field" htmlFor={`${id}-confirm`}>
            <span className="field-label">
              This cannot be undone. Type <code className="confirm-text">{p.confirmText}</code> to confirm
            </span>
            <input
              id={`${id}-confirm`}
              className="input mono"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              data-testid="change-confirm-input"
            />
          </label>
        ) : null}
        {applyError ? <ErrorBox error={applyError} testId="change-apply-error" /> : null}
        {result ? (
          <div className="notice" role="status" data-testid="change-applied">
            <span>
              Done. Recorded in the audit log as{' '}
              <Link href={`/audit?object=${encodeURIComponent(result.objectId)}`}>#{result.auditId}</Link>.
            </span>
          </div>
        ) : null}
        <div className="form-actions">
          {result ? (
            <button type="button" className="btn btn-primary" onClick={onClose} data-testid="change-close">
              Close
            </button>
          ) : (
            <>
              <button
                type="submit"
                className={p?.destructive ? 'btn btn-danger' : 'btn btn-primary'}
                disabled={!p || !confirmed || applyPending}
                data-testid="change-apply"
              >
                {applyPending ? 'Applying…' : applyLabel}
              </button>
              <button
                type="button"
                className="btn"
                onClick={onClose}
                disabled={applyPending}
                data-testid="change-cancel"
              >
                Cancel
              </button>
            </>
          )}
        </div>
      </form>
    </dialog>
  );
}

function PreviewBody({ preview: p }: { preview: ChangePreview }) {
  const hasConfigs = p.before !== null || p.after !== null;
  // A whole object appears or goes away: the side-by-side view says it all, field rows would repeat it.
  const isCreate = p.before === null && p.after !== null;
  const wholeObject = isCreate || (p.after === null && p.before !== null);
  return (
    <div className="preview" data-testid="change-preview" data-destructive={p.destructive}>
      <div className="preview-head">
        <code className="action">{p.action}</code>
        <span className="muted">{p.objectType}</span> <span className="mono">{p.objectId}</span>
        {p.destructive ? <span className="pill pill-down">destructive</span> : null}
      </div>
      {p.warnings.length > 0 ? (
        <ul className="warnings" data-testid="change-warnings">
          {p.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      {wholeObject ? null : <DiffEntries entries={p.diff} />}
      {hasConfigs && wholeObject && !isCreate ? (
        <details className="collapsible" data-testid="change-removed">
          <summary>What goes away ({p.diff.length} fields)</summary>
          <JsonDiffView
            before={p.before}
            after={p.after}
            testIdPrefix="change"
            beforeLabel="Current"
            afterLabel="Proposed"
          />
        </details>
      ) : hasConfigs ? (
        <JsonDiffView
          before={p.before}
          after={p.after}
          testIdPrefix="change"
          beforeLabel="Current"
          afterLabel="Proposed"
        />
      ) : null}
    </div>
  );
}

/** The changed fields, one per line: path, old value, new value. */
export function DiffEntries({
  entries,
  testId = 'change-diff-entries',
  beforeLabel = 'Current',
  afterLabel = 'Proposed',
}: {
  entries: DiffEntry[];
  testId?: string;
  beforeLabel?: string;
  afterLabel?: string;
}) {
  if (entries.length === 0) {
    return (
      <p className="muted" data-testid={testId} data-count={0}>
        Nothing would change.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid={testId} data-count={entries.length}>
        <thead>
          <tr>
            <th>Field</th>
            <th>{beforeLabel}</th>
            <th>{afterLabel}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((d) => (
            <tr key={`${d.op}:${d.path}`} data-testid="diff-entry" data-path={d.path} data-op={d.op}>
              <td className="mono">{d.path}</td>
              <td className={d.op === 'add' ? 'mono muted' : 'mono diff-cell-old'}>
                {d.op === 'add' ? '—' : formatDiffValue(d.before, d.path)}
              </td>
              <td className={d.op === 'remove' ? 'mono muted' : 'mono diff-cell-new'}>
                {d.op === 'remove' ? '—' : formatDiffValue(d.after, d.path)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
