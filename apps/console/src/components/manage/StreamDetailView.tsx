'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { ErrorState, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime, formatNumber } from '@/lib/format';
import type { JsonObject } from '@/lib/streamForm';
import { changes, jsKeys, useCapabilities, useStream } from '@/queries/jetstream';
import { ChangeDialog, type PendingChange } from './ChangeDialog';
import { ConsumersSection } from './ConsumersSection';
import { Field } from './fields';
import { StreamForm } from './StreamForm';
import { useRole } from './useRole';

/** One stream: its state and config, edit/purge/seal/delete, and its consumers. */
export function StreamDetailView({ targetId, stream }: { targetId: string; stream: string }) {
  const detail = useStream(targetId, stream);
  const caps = useCapabilities(targetId);
  const { canOperate } = useRole();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const editing = params.get('edit') === '1' && canOperate;
  const [purging, setPurging] = useState(false);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const listHref = `/manage/streams?target=${encodeURIComponent(targetId)}`;

  const setEditing = (on: boolean) => {
    const next = new URLSearchParams(params.toString());
    if (on) next.set('edit', '1');
    else next.delete('edit');
    router.replace(`${pathname}?${next.toString()}`);
  };

  if (detail.isPending) return <LoadingState label={`Loading stream ${stream}…`} />;
  if (detail.isError && !detail.data) {
    return (
      <>
        <Link href={listHref}>← All streams</Link>
        <ErrorState
          title={`Could not load stream ${stream}`}
          error={detail.error}
          onRetry={() => detail.refetch()}
        />
      </>
    );
  }
  const { config, state, created } = detail.data;
  const inv = [jsKeys.target(targetId)];

  return (
    <>
      <div className="toolbar">
        <Link href={listHref} data-testid="streams-back">
          ← All streams
        </Link>
      </div>
      <div className="panel" data-testid="stream-detail" data-stream={stream}>
        <div className="panel-header">
          <h2 className="mono">{config.name}</h2>
          {config.sealed ? <span className="tag">sealed</span> : null}
          {config.description ? <span className="muted">{config.description}</span> : null}
          <div className="topbar-spacer" />
          {canOperate ? (
            <div className="form-actions">
              <button
                type="button"
                className="btn"
                onClick={() => setEditing(true)}
                data-testid="stream-edit-open"
                disabled={editing}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => setPurging(true)}
                data-testid="stream-purge-open"
              >
                Purge…
              </button>
              {!config.sealed ? (
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    setPending({
                      title: `Seal stream ${stream}`,
                      description:
                        'A sealed stream takes no more messages, deletes or purges. This cannot be undone.',
                      applyLabel: 'Seal stream',
                      request: { path: changes.stream(targetId, stream, 'seal'), body: {}, invalidate: inv },
                    })
                  }
                  data-testid="stream-seal-open"
                >
                  Seal
                </button>
              ) : null}
              <button
                type="button"
                className="btn btn-danger-ghost"
                onClick={() =>
                  setPending({
                    title: `Delete stream ${stream}`,
                    description: 'The stream, its messages and its consumers are deleted.',
                    applyLabel: 'Delete stream',
                    request: { path: changes.stream(targetId, stream, 'delete'), body: {}, invalidate: inv },
                    after: () => router.push(listHref),
                  })
                }
                data-testid="stream-delete-open"
              >
                Delete
              </button>
            </div>
          ) : null}
        </div>
        <dl className="meta" data-testid="stream-state">
          <Meta
            label="Subjects"
            value={(config.subjects ?? []).join(', ') || '—'}
            mono
            testId="stream-subjects"
          />
          <Meta label="Messages" value={formatNumber(state.messages)} />
          <Meta label="Bytes" value={formatBytes(state.bytes)} />
          <Meta
            label="First / last seq"
            value={`${formatNumber(state.first_seq)} / ${formatNumber(state.last_seq)}`}
          />
          <Meta label="Consumers" value={formatNumber(state.consumer_count)} />
          <Meta label="Storage" value={`${config.storage ?? 'file'} · R${config.num_replicas ?? 1}`} />
          <Meta label="Retention" value={config.retention ?? 'limits'} />
          <Meta
            label="Max age"
            value={config.max_age ? formatNsShort(config.max_age) : 'forever'}
            testId="stream-max-age"
          />
          <Meta
            label="Max messages"
            value={!config.max_msgs || config.max_msgs < 0 ? 'unlimited' : formatNumber(config.max_msgs)}
            testId="stream-max-msgs"
          />
          <Meta label="Created" value={formatDateTime(created)} />
        </dl>
      </div>

      {notice ? (
        <div className="notice" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}

      {editing ? (
        <StreamForm
          key={JSON.stringify(config)}
          base={config as JsonObject}
          capabilities={caps.data}
          submitLabel="Preview changes"
          onCancel={() => setEditing(false)}
          onSubmit={(next) =>
            setPending({
              title: `Update stream ${stream}`,
              description: 'Review the difference between the current and the proposed configuration.',
              applyLabel: 'Apply changes',
              request: {
                path: changes.stream(targetId, stream, 'update'),
                body: { config: next },
                invalidate: inv,
              },
              after: () => setEditing(false),
            })
          }
        />
      ) : null}

      {purging ? (
        <PurgeForm
          stream={stream}
          onCancel={() => setPurging(false)}
          onSubmit={(body) =>
            setPending({
              title: `Purge stream ${stream}`,
              applyLabel: 'Purge',
              request: { path: changes.stream(targetId, stream, 'purge'), body, invalidate: inv },
              after: () => setPurging(false),
            })
          }
        />
      ) : null}

      <details className="panel collapsible">
        <summary>Configuration (JSON)</summary>
        <pre className="code-block" data-testid="stream-config-json">
          {JSON.stringify(config, null, 2)}
        </pre>
      </details>

      <ConsumersSection
        targetId={targetId}
        stream={stream}
        canOperate={canOperate}
        pauseSupported={caps.data?.consumerPause ?? false}
      />

      {pending ? (
        <ChangeDialog
          title={pending.title}
          description={pending.description}
          request={pending.request}
          applyLabel={pending.applyLabel}
          onClose={() => setPending(null)}
          onApplied={(r) => {
            setNotice(`${r.action} applied to ${r.objectId} (audit #${r.auditId}).`);
            pending.after?.();
          }}
        />
      ) : null}
    </>
  );
}

function formatNsShort(ns: number): string {
  const s = ns / 1e9;
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

function Meta({
  label,
  value,
  mono,
  testId,
}: {
  label: string;
  value: string;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

type PurgeMode = 'all' | 'filter' | 'keep' | 'seq';

/** Purge options: everything, one subject, keep the last N, or everything below a sequence. */
function PurgeForm({
  stream,
  onSubmit,
  onCancel,
}: {
  stream: string;
  onSubmit: (body: Record<string, unknown>) => void;
  onCancel: () => void;
}) {
  const [mode, setMode] = useState<PurgeMode>('all');
  const [filter, setFilter] = useState('');
  const [keep, setKeep] = useState('');
  const [seq, setSeq] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const id = useId();
  const error =
    mode === 'filter' && !filter.trim()
      ? 'A subject to purge.'
      : mode === 'keep' && !/^\d+$/.test(keep.trim())
        ? 'How many messages to keep.'
        : mode === 'seq' && !/^[1-9]\d*$/.test(seq.trim())
          ? 'A sequence number.'
          : null;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    if (error) return;
    const body: Record<string, unknown> = {};
    if (mode === 'filter') body.filter = filter.trim();
    if (mode === 'keep') body.keep = Number(keep);
    if (mode === 'seq') body.seq = Number(seq);
    onSubmit(body);
  };
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="purge-form">
      <div className="panel-header">
        <h2>Purge {stream}</h2>
        <span className="muted">Removes messages; the stream and its consumers stay.</span>
      </div>
      <div className="segmented" role="radiogroup">
        {(
          [
            ['all', 'All messages'],
            ['filter', 'By subject'],
            ['keep', 'Keep last N'],
            ['seq', 'Up to sequence'],
          ] as const
        ).map(([m, label]) => (
          <label key={m} className={`segment${mode === m ? ' active' : ''}`}>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === m}
              onChange={() => setMode(m)}
              data-testid={`purge-mode-${m}`}
            />
            {label}
          </label>
        ))}
      </div>
      <div className="form-grid">
        {mode === 'filter' ? (
          <Field
            id={`${id}-filter`}
            name="filter"
            label="Subject"
            error={submitted ? (error ?? undefined) : undefined}
          >
            <input
              id={`${id}-filter`}
              className="input mono"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="purge-filter"
            />
          </Field>
        ) : null}
        {mode === 'keep' ? (
          <Field
            id={`${id}-keep`}
            name="keep"
            label="Messages to keep"
            error={submitted ? (error ?? undefined) : undefined}
          >
            <input
              id={`${id}-keep`}
              className="input mono"
              value={keep}
              onChange={(e) => setKeep(e.target.value)}
              data-testid="purge-keep"
            />
          </Field>
        ) : null}
        {mode === 'seq' ? (
          <Field
            id={`${id}-seq`}
            name="seq"
            label="Purge below sequence"
            error={submitted ? (error ?? undefined) : undefined}
          >
            <input
              id={`${id}-seq`}
              className="input mono"
              value={seq}
              onChange={(e) => setSeq(e.target.value)}
              data-testid="purge-seq"
            />
          </Field>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="purge-submit">
          Preview purge
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
