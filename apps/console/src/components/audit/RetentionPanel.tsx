'use client';

import { type FormEvent, useEffect, useId, useState } from 'react';
import { ErrorBox } from '@/components/manage/ErrorBox';
import { formatNumber } from '@/lib/format';
import { useAuditSettings, usePruneAudit, useSaveAuditSettings } from '@/queries/audit';

/** Admins set how many days audit records are kept; pruning keeps the hash chain verifiable. */
export function RetentionPanel() {
  const settings = useAuditSettings();
  const save = useSaveAuditSettings();
  const prune = usePruneAudit();
  const [days, setDays] = useState('');
  const id = useId();
  useEffect(() => {
    if (settings.data)
      setDays(settings.data.retentionDays === null ? '' : String(settings.data.retentionDays));
  }, [settings.data]);
  const valid =
    days.trim() === '' || (/^\d+$/.test(days.trim()) && Number(days) >= 1 && Number(days) <= 36500);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!valid) return;
    prune.reset();
    save.mutate({ retentionDays: days.trim() === '' ? null : Number(days) });
  };
  return (
    <details className="panel collapsible" data-testid="audit-retention">
      <summary>
        Retention:{' '}
        {settings.data
          ? settings.data.retentionDays === null
            ? 'records are kept forever'
            : `records older than ${settings.data.retentionDays} days are pruned`
          : '…'}
      </summary>
      <form className="toolbar retention-form" onSubmit={submit}>
        <label className="field field-inline" htmlFor={`${id}-days`}>
          <span className="field-label">Keep for (days)</span>
          <input
            id={`${id}-days`}
            className="input mono"
            value={days}
            placeholder="forever"
            onChange={(e) => setDays(e.target.value)}
            aria-invalid={valid ? undefined : true}
            data-testid="audit-retention-days"
          />
        </label>
        <button
          type="submit"
          className="btn"
          disabled={!valid || save.isPending}
          data-testid="audit-retention-save"
        >
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="btn btn-danger-ghost"
          disabled={prune.isPending || settings.data?.retentionDays === null}
          onClick={() => prune.mutate()}
          data-testid="audit-prune"
        >
          {prune.isPending ? 'Pruning…' : 'Prune now'}
        </button>
        {!valid ? <span className="field-error">1 to 36500 days, or empty to keep forever.</span> : null}
        {save.isSuccess ? <span className="muted">Saved.</span> : null}
        {prune.data ? (
          <span className="muted">{formatNumber(prune.data.deleted)} records pruned.</span>
        ) : null}
      </form>
      {save.isError ? <ErrorBox error={save.error} /> : null}
      {prune.isError ? <ErrorBox error={prune.error} /> : null}
    </details>
  );
}
