'use client';

import type { KvBucketSummary, KvEntry } from '@tern/contracts';
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime, formatNumber } from '@/lib/format';
import {
  emptyKvBucketForm,
  isBase64,
  type KvBucketFormValues,
  kvFormToConfig,
  kvKeyError,
  validateKvBucketForm,
} from '@/lib/kvForm';
import { formatDurationNs } from '@/lib/units';
import { jsKeys } from '@/queries/jetstream';
import { kvChanges, useKvBuckets, useKvHistory, useKvKeys } from '@/queries/kv';
import { FILTER_DEBOUNCE_MS } from '@/queries/timing';
import { ChangeDialog, type PendingChange } from './ChangeDialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './fields';
import { ManageHeader } from './ManageHeader';
import { SelectedTargetGate, useSelectedTarget } from './TargetPicker';
import { useRole } from './useRole';

/** /manage/kv: KV buckets, their keys with history; put, delete, purge. */
export function KvPage() {
  const sel = useSelectedTarget();
  return (
    <div className="page" data-testid="kv-page">
      <ManageHeader
        title="Key/value"
        sub="KV buckets, keys and their history. Every change is previewed and audited."
        sel={sel}
      />
      <SelectedTargetGate sel={sel} emptyHint=" with JetStream enabled.">
        {(targetId) => <KvBrowser key={targetId} targetId={targetId} />}
      </SelectedTargetGate>
    </div>
  );
}

function KvBrowser({ targetId }: { targetId: string }) {
  const buckets = useKvBuckets(targetId);
  const { canOperate } = useRole();
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const list = buckets.data?.buckets ?? [];
  const bucket = list.find((b) => b.config.bucket === selected) ?? list[0] ?? null;
  const inv = [jsKeys.target(targetId)];

  return (
    <>
      {creating ? (
        <BucketForm
          onCancel={() => setCreating(false)}
          onSubmit={(config) =>
            setPending({
              title: `Create bucket ${config.bucket}`,
              applyLabel: 'Create bucket',
              request: {
                path: kvChanges.bucket(targetId, config.bucket, 'create'),
                body: { config },
                invalidate: inv,
              },
              after: () => {
                setCreating(false);
                setSelected(config.bucket);
              },
            })
          }
        />
      ) : null}
      {buckets.isPending ? (
        <LoadingState label="Loading buckets…" />
      ) : buckets.isError && !buckets.data ? (
        <ErrorState
          title="Could not load KV buckets"
          error={buckets.error}
          onRetry={() => buckets.refetch()}
        />
      ) : (
        <div className="split">
          <div className="panel list-panel">
            <div className="panel-header">
              <h2>Buckets</h2>
              <div className="topbar-spacer" />
              {canOperate && !creating ? (
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  onClick={() => setCreating(true)}
                  data-testid="kv-create-open"
                >
                  New
                </button>
              ) : null}
            </div>
            {list.length === 0 ? (
              <p className="muted pad">No KV buckets on this target.</p>
            ) : (
              <ul className="pick-list" data-testid="kv-buckets">
                {list.map((b) => (
                  <li key={b.config.bucket}>
                    <button
                      type="button"
                      className={`pick-item${bucket?.config.bucket === b.config.bucket ? ' active' : ''}`}
                      onClick={() => setSelected(b.config.bucket)}
                      data-testid="kv-bucket"
                      data-bucket={b.config.bucket}
                    >
                      <span className="mono truncate">{b.config.bucket}</span>
                      <span className="muted">{formatNumber(b.values)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
          {bucket ? (
            <BucketView
              key={bucket.config.bucket}
              targetId={targetId}
              bucket={bucket}
              canOperate={canOperate}
              onChange={setPending}
              onDeleted={() => setSelected(null)}
            />
          ) : (
            <EmptyState title="No bucket selected">
              {canOperate ? 'Create a bucket to store keys.' : null}
            </EmptyState>
          )}
        </div>
      )}
      {pending ? (
        <ChangeDialog
          title={pending.title}
          description={pending.description}
          request={pending.request}
          applyLabel={pending.applyLabel}
          onClose={() => setPending(null)}
          onApplied={() => pending.after?.()}
        />
      ) : null}
    </>
  );
}

function BucketView({
  targetId,
  bucket,
  canOperate,
  onChange,
  onDeleted,
}: {
  targetId: string;
  bucket: KvBucketSummary;
  canOperate: boolean;
  onChange: (p: PendingChange) => void;
  onDeleted: () => void;
}) {
  const name = bucket.config.bucket;
  const [filterInput, setFilterInput] = useState('');
  const [filter, setFilter] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setFilter(filterInput.trim()), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [filterInput]);
  const keys = useKvKeys(targetId, name, filter);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [putting, setPutting] = useState<{ key: string; value: string } | null>(null);
  const inv = [jsKeys.target(targetId)];
  const list = keys.data?.keys ?? [];

  return (
    <div className="section" data-testid="kv-bucket-view" data-bucket={name}>
      <div className="panel">
        <div className="panel-header">
          <h2 className="mono">{name}</h2>
          {bucket.config.description ? <span className="muted">{bucket.config.description}</span> : null}
          <div className="topbar-spacer" />
          {canOperate ? (
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-primary btn-small"
                onClick={() => setPutting({ key: '', value: '' })}
                data-testid="kv-put-open"
              >
                Put key
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger-ghost"
                onClick={() =>
                  onChange({
                    title: `Delete bucket ${name}`,
                    description: 'The bucket and every key and revision in it are deleted.',
                    applyLabel: 'Delete bucket',
                    request: { path: kvChanges.bucket(targetId, name, 'delete'), body: {}, invalidate: inv },
                    after: onDeleted,
                  })
                }
                data-testid="kv-bucket-delete"
              >
                Delete bucket
              </button>
            </div>
          ) : null}
        </div>
        <dl className="meta">
          <div>
            <dt>Values</dt>
            <dd>{formatNumber(bucket.values)}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>{formatBytes(bucket.bytes)}</dd>
          </div>
          <div>
            <dt>History</dt>
            <dd>{bucket.config.history ?? 1}</dd>
          </div>
          <div>
            <dt>TTL</dt>
            <dd>{bucket.config.ttl ? formatDurationNs(bucket.config.ttl * 1e6) : 'forever'}</dd>
          </div>
          <div>
            <dt>Storage</dt>
            <dd>
              {bucket.config.storage ?? 'file'} · R{bucket.config.replicas ?? 1}
            </dd>
          </div>
          <div>
            <dt>Stream</dt>
            <dd className="mono">{bucket.stream}</dd>
          </div>
        </dl>
      </div>

      {putting ? (
        <PutForm
          initial={putting}
          onCancel={() => setPutting(null)}
          onSubmit={(key, value, encoding) =>
            onChange({
              title: `Put ${name}/${key}`,
              applyLabel: 'Put value',
              request: {
                path: kvChanges.key(targetId, name, key, 'put'),
                body: { value, encoding },
                invalidate: inv,
              },
              after: () => {
                setPutting(null);
                setSelectedKey(key);
              },
            })
          }
        />
      ) : null}

      <div className="toolbar">
        <label className="field field-inline">
          <span className="field-label">Filter</span>
          <input
            className="input mono"
            value={filterInput}
            onChange={(e) => setFilterInput(e.target.value)}
            placeholder="e.g. orders.>"
            data-testid="kv-filter"
          />
        </label>
        {keys.data?.truncated ? <span className="muted">Showing the first {list.length} keys.</span> : null}
      </div>

      {keys.isPending ? (
        <LoadingState label="Loading keys…" />
      ) : keys.isError && !keys.data ? (
        <ErrorState title="Could not load keys" error={keys.error} onRetry={() => keys.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title={filter ? 'No keys match' : 'No keys in this bucket'} />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="kv-keys">
            <thead>
              <tr>
                <th>Key</th>
                <th>Value</th>
                <th className="num">Revision</th>
                <th className="num">Size</th>
                <th>Updated</th>
                {canOperate ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((k) => (
                <tr
                  key={k.key}
                  data-testid="kv-key-row"
                  data-key={k.key}
                  className={selectedKey === k.key ? 'row-expanded' : undefined}
                >
                  <td>
                    <button
                      type="button"
                      className="link-button mono"
                      onClick={() => setSelectedKey(k.key)}
                      data-testid="kv-key-open"
                    >
                      {k.key}
                    </button>
                  </td>
                  <td className="mono cell-wrap">{previewValue(k)}</td>
                  <td className="num">{k.revision}</td>
                  <td className="num">{formatBytes(k.length)}</td>
                  <td className="nowrap">{formatDateTime(k.created)}</td>
                  {canOperate ? (
                    <td className="actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          setPutting({ key: k.key, value: k.encoding === 'utf8' ? k.value : '' })
                        }
                        data-testid="kv-key-edit"
                      >
                        Put
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger-ghost"
                        onClick={() =>
                          onChange({
                            title: `Delete ${name}/${k.key}`,
                            description: 'Adds a delete marker; earlier revisions stay in the history.',
                            applyLabel: 'Delete key',
                            request: {
                              path: kvChanges.key(targetId, name, k.key, 'delete'),
                              body: {},
                              invalidate: inv,
                            },
                          })
                        }
                        data-testid="kv-key-delete"
                      >
                        Delete
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger-ghost"
                        onClick={() =>
                          onChange({
                            title: `Purge ${name}/${k.key}`,
                            description: 'Removes the key and all of its history.',
                            applyLabel: 'Purge key',
                            request: {
                              path: kvChanges.key(targetId, name, k.key, 'purge'),
                              body: {},
                              invalidate: inv,
                            },
                          })
                        }
                        data-testid="kv-key-purge"
                      >
                        Purge
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selectedKey ? (
        <KeyHistory
          targetId={targetId}
          bucket={name}
          keyName={selectedKey}
          onClose={() => setSelectedKey(null)}
        />
      ) : null}
    </div>
  );
}

const PREVIEW_CHARS = 120;

function previewValue(e: KvEntry): string {
  if (e.operation !== 'PUT') return e.operation === 'DEL' ? '(deleted)' : '(purged)';
  if (e.encoding === 'base64') return `binary, ${formatBytes(e.length)}`;
  return e.value.length > PREVIEW_CHARS ? `${e.value.slice(0, PREVIEW_CHARS)}…` : e.value;
}

function KeyHistory({
  targetId,
  bucket,
  keyName,
  onClose,
}: {
  targetId: string;
  bucket: string;
  keyName: string;
  onClose: () => void;
}) {
  const history = useKvHistory(targetId, bucket, keyName);
  const entries = useMemo(() => [...(history.data?.history ?? [])].reverse(), [history.data]);
  return (
    <div className="panel" data-testid="kv-history" data-key={keyName}>
      <div className="panel-header">
        <h2>
          History of <span className="mono">{keyName}</span>
        </h2>
        <span className="muted">newest first</span>
        <div className="topbar-spacer" />
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={onClose}
          aria-label="Close history"
        >
          ✕
        </button>
      </div>
      {history.isPending ? (
        <LoadingState label="Loading history…" />
      ) : history.isError ? (
        <ErrorBox error={history.error} />
      ) : entries.length === 0 ? (
        <p className="muted">No revisions kept.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="kv-history-table">
            <thead>
              <tr>
                <th className="num">Revision</th>
                <th>Operation</th>
                <th>Time</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr
                  key={e.revision}
                  data-testid="kv-history-row"
                  data-revision={e.revision}
                  data-op={e.operation}
                >
                  <td className="num">{e.revision}</td>
                  <td>
                    <code className="action">{e.operation}</code>
                  </td>
                  <td className="nowrap">{formatDateTime(e.created)}</td>
                  <td>
                    {e.operation === 'PUT' ? (
                      <pre className="value-box">
                        {e.encoding === 'base64' ? `base64: ${e.value}` : e.value}
                      </pre>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function PutForm({
  initial,
  onSubmit,
  onCancel,
}: {
  initial: { key: string; value: string };
  onSubmit: (key: string, value: string, encoding: 'utf8' | 'base64') => void;
  onCancel: () => void;
}) {
  const [key, setKey] = useState(initial.key);
  const [value, setValue] = useState(initial.value);
  const [encoding, setEncoding] = useState<'utf8' | 'base64'>('utf8');
  const [submitted, setSubmitted] = useState(false);
  const id = useId();
  const keyError = kvKeyError(key.trim());
  const valueError = encoding === 'base64' && !isBase64(value) ? 'Not valid base64.' : null;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    if (keyError || valueError) return;
    onSubmit(key.trim(), encoding === 'base64' ? value.replace(/\s+/g, '') : value, encoding);
  };
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="kv-put-form">
      <div className="panel-header">
        <h2>Put a value</h2>
      </div>
      <div className="form-grid">
        <Field
          id={`${id}-k`}
          name="key"
          label="Key"
          error={submitted || key ? (keyError ?? undefined) : undefined}
        >
          <input
            id={`${id}-k`}
            className="input mono"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            data-testid="kv-put-key"
          />
        </Field>
        <Field id={`${id}-e`} name="encoding" label="Value is">
          <select
            id={`${id}-e`}
            className="input select"
            value={encoding}
            onChange={(e) => setEncoding(e.target.value as 'utf8' | 'base64')}
            data-testid="kv-put-encoding"
          >
            <option value="utf8">Text (UTF-8)</option>
            <option value="base64">Binary (base64)</option>
          </select>
        </Field>
        <Field id={`${id}-v`} name="value" label="Value" error={valueError ?? undefined} wide>
          <textarea
            id={`${id}-v`}
            className="input textarea mono"
            rows={5}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-testid="kv-put-value"
          />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="kv-put-submit">
          Preview put
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function BucketForm({
  onSubmit,
  onCancel,
}: {
  onSubmit: (config: ReturnType<typeof kvFormToConfig>) => void;
  onCancel: () => void;
}) {
  const [v, setV] = useState<KvBucketFormValues>(emptyKvBucketForm);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const id = useId();
  const all = validateKvBucketForm(v);
  const err = (k: keyof KvBucketFormValues) => (submitted || touched.has(k) ? all[k] : undefined);
  const set = (k: keyof KvBucketFormValues, value: string) => {
    setV((x) => ({ ...x, [k]: value }));
    setTouched((t) => new Set(t).add(k));
  };
  const text = (
    k: Exclude<keyof KvBucketFormValues, 'storage'>,
    label: string,
    hint?: string,
    placeholder?: string,
  ) => (
    <Field id={`${id}-${k}`} name={k} label={label} hint={hint} error={err(k)}>
      <input
        id={`${id}-${k}`}
        className="input mono"
        value={v[k]}
        placeholder={placeholder}
        onChange={(e) => set(k, e.target.value)}
        aria-invalid={err(k) ? true : undefined}
        data-testid={`kv-field-${k}`}
      />
    </Field>
  );
  return (
    <form
      className="panel form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (Object.keys(all).length === 0) onSubmit(kvFormToConfig(v));
      }}
      data-testid="kv-bucket-form"
    >
      <div className="panel-header">
        <h2>Create KV bucket</h2>
      </div>
      <div className="form-grid">
        {text('bucket', 'Name', 'Letters, digits, - and _.', 'config')}
        {text('description', 'Description')}
        {text('history', 'History', 'Values kept per key, 1–64.')}
        {text('ttl', 'TTL', 'e.g. 1h; empty keeps values forever.', 'forever')}
        {text('maxBytes', 'Max bytes', undefined, 'unlimited')}
        {text('maxValueSize', 'Max value size', undefined, 'unlimited')}
        <Field id={`${id}-storage`} name="storage" label="Storage">
          <select
            id={`${id}-storage`}
            className="input select"
            value={v.storage}
            onChange={(e) => setV((x) => ({ ...x, storage: e.target.value as 'file' | 'memory' }))}
            data-testid="kv-field-storage"
          >
            <option value="file">File</option>
            <option value="memory">Memory</option>
          </select>
        </Field>
        {text('replicas', 'Replicas')}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="kv-bucket-submit">
          Preview create
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
