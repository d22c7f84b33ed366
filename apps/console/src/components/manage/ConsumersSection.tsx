'use client';

import type { ConsumerDetail } from '@tern/contracts';
import { type FormEvent, type ReactNode, useId, useMemo, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import {
  type ConsumerFormErrors,
  type ConsumerFormValues,
  consumerConfigToForm,
  consumerFormToConfig,
  emptyConsumerForm,
  IMMUTABLE_CONSUMER_FIELDS,
  validateConsumerForm,
} from '@/lib/consumerForm';
import { formatDateTime, formatNumber } from '@/lib/format';
import type { JsonObject } from '@/lib/streamForm';
import { parseDuration } from '@/lib/units';
import { changes, jsKeys, useConsumers } from '@/queries/jetstream';
import { ChangeDialog, type PendingChange } from './ChangeDialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './fields';

/** A stream's consumers: create (push or pull), edit, pause/resume, delete. */
export function ConsumersSection({
  targetId,
  stream,
  canOperate,
  pauseSupported,
}: {
  targetId: string;
  stream: string;
  canOperate: boolean;
  pauseSupported: boolean;
}) {
  const consumers = useConsumers(targetId, stream);
  const [form, setForm] = useState<{ base?: JsonObject } | null>(null);
  const [pausing, setPausing] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const list = consumers.data?.consumers ?? [];
  const inv = [jsKeys.target(targetId)];

  return (
    <section className="section" data-testid="consumers-section">
      <div className="section-header">
        <h2>Consumers</h2>
        <div className="topbar-spacer" />
        {canOperate && !form ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setForm({})}
            data-testid="consumer-create-open"
          >
            Create consumer
          </button>
        ) : null}
      </div>
      {form ? (
        <ConsumerForm
          key={form.base ? String(form.base.durable_name ?? form.base.name) : 'new'}
          base={form.base}
          onCancel={() => setForm(null)}
          onSubmit={(config) => {
            const name = String(config.durable_name ?? config.name);
            setPending({
              title: `${form.base ? 'Update' : 'Create'} consumer ${name}`,
              applyLabel: form.base ? 'Apply changes' : 'Create consumer',
              request: {
                path: changes.consumer(targetId, stream, name, form.base ? 'update' : 'create'),
                body: { config },
                invalidate: inv,
              },
              after: () => setForm(null),
            });
          }}
        />
      ) : null}
      {pausing ? (
        <PauseForm
          consumer={pausing}
          onCancel={() => setPausing(null)}
          onSubmit={(until) =>
            setPending({
              title: `Pause consumer ${pausing}`,
              description: `No messages are delivered until ${formatDateTime(until)}.`,
              applyLabel: 'Pause',
              request: {
                path: changes.consumer(targetId, stream, pausing, 'pause'),
                body: { until },
                invalidate: inv,
              },
              after: () => setPausing(null),
            })
          }
        />
      ) : null}
      {consumers.isPending ? (
        <LoadingState label="Loading consumers…" />
      ) : consumers.isError && !consumers.data ? (
        <ErrorState
          title="Could not load consumers"
          error={consumers.error}
          onRetry={() => consumers.refetch()}
        />
      ) : list.length === 0 ? (
        <EmptyState title="No consumers">{canOperate ? 'Create a push or pull consumer.' : null}</EmptyState>
      ) : (
        <>
          {consumers.isError ? <ErrorBox error={consumers.error} /> : null}
          <ConsumersTable
            consumers={list}
            canOperate={canOperate}
            pauseSupported={pauseSupported}
            onEdit={(c) => setForm({ base: c.config as JsonObject })}
            onPause={(c) => setPausing(c.name)}
            onResume={(c) =>
              setPending({
                title: `Resume consumer ${c.name}`,
                applyLabel: 'Resume',
                request: {
                  path: changes.consumer(targetId, stream, c.name, 'resume'),
                  body: {},
                  invalidate: inv,
                },
              })
            }
            onDelete={(c) =>
              setPending({
                title: `Delete consumer ${c.name}`,
                description: 'Its position and pending acknowledgements are lost.',
                applyLabel: 'Delete consumer',
                request: {
                  path: changes.consumer(targetId, stream, c.name, 'delete'),
                  body: {},
                  invalidate: inv,
                },
              })
            }
          />
        </>
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
    </section>
  );
}

function ConsumersTable({
  consumers,
  canOperate,
  pauseSupported,
  onEdit,
  onPause,
  onResume,
  onDelete,
}: {
  consumers: ConsumerDetail[];
  canOperate: boolean;
  pauseSupported: boolean;
  onEdit: (c: ConsumerDetail) => void;
  onPause: (c: ConsumerDetail) => void;
  onResume: (c: ConsumerDetail) => void;
  onDelete: (c: ConsumerDetail) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="consumers-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Filter</th>
            <th>Ack</th>
            <th className="num">PendingChange</th>
            <th className="num">Ack pending</th>
            <th className="num">Redelivered</th>
            <th className="num">Waiting</th>
            {canOperate ? <th aria-label="Actions" /> : null}
          </tr>
        </thead>
        <tbody>
          {consumers.map((c) => (
            <tr key={c.name} data-testid="consumer-row" data-consumer={c.name}>
              <td>
                <div className="cell-title mono">
                  {c.name}
                  {c.paused ? (
                    <span className="tag">
                      paused{c.pauseUntil ? ` until ${formatDateTime(c.pauseUntil)}` : ''}
                    </span>
                  ) : null}
                </div>
                {c.config.description ? <div className="cell-sub">{c.config.description}</div> : null}
              </td>
              <td>{c.push ? 'push' : 'pull'}</td>
              <td className="mono">
                {c.config.filter_subjects?.join(', ') || c.config.filter_subject || '—'}
              </td>
              <td>{c.config.ack_policy ?? 'explicit'}</td>
              <td className="num">{formatNumber(c.numPending)}</td>
              <td className="num">{formatNumber(c.numAckPending)}</td>
              <td className="num">{formatNumber(c.numRedelivered)}</td>
              <td className="num">{formatNumber(c.numWaiting)}</td>
              {canOperate ? (
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => onEdit(c)}
                    data-testid="consumer-edit"
                  >
                    Edit
                  </button>
                  {pauseSupported ? (
                    c.paused ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => onResume(c)}
                        data-testid="consumer-resume"
                      >
                        Resume
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => onPause(c)}
                        data-testid="consumer-pause"
                      >
                        Pause
                      </button>
                    )
                  ) : null}
                  <button
                    type="button"
                    className="btn btn-small btn-danger-ghost"
                    onClick={() => onDelete(c)}
                    data-testid="consumer-delete"
                  >
                    Delete
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {canOperate && !pauseSupported ? (
        <p className="table-note muted">Pausing consumers needs nats-server 2.11 or later.</p>
      ) : null}
    </div>
  );
}

type TextKey = {
  [K in keyof ConsumerFormValues]: ConsumerFormValues[K] extends string ? K : never;
}[keyof ConsumerFormValues];
type BoolKey = {
  [K in keyof ConsumerFormValues]: ConsumerFormValues[K] extends boolean ? K : never;
}[keyof ConsumerFormValues];

function ConsumerForm({
  base,
  onSubmit,
  onCancel,
}: {
  base?: JsonObject;
  onSubmit: (config: JsonObject) => void;
  onCancel: () => void;
}) {
  const editing = Boolean(base);
  const [values, setValues] = useState<ConsumerFormValues>(() =>
    base ? consumerConfigToForm(base) : emptyConsumerForm,
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const id = useId();
  const all = useMemo(() => validateConsumerForm(values, base), [values, base]);
  const errors: ConsumerFormErrors = Object.fromEntries(
    Object.entries(all).filter(([k]) => submitted || touched.has(k)),
  );
  const set = <K extends keyof ConsumerFormValues>(key: K, value: ConsumerFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((t) => new Set(t).add(key));
  };
  const locked = (k: keyof ConsumerFormValues) => editing && IMMUTABLE_CONSUMER_FIELDS.includes(k);
  const text = (key: TextKey, label: string, hint?: string, placeholder?: string) => (
    <Field
      id={`${id}-${key}`}
      name={key}
      label={label}
      hint={locked(key) ? 'Fixed once the consumer exists.' : hint}
      error={errors[key]}
    >
      <input
        id={`${id}-${key}`}
        className="input mono"
        value={values[key]}
        placeholder={placeholder}
        onChange={(e) => set(key, e.target.value)}
        disabled={locked(key)}
        aria-invalid={errors[key] ? true : undefined}
        data-testid={`consumer-field-${key}`}
      />
    </Field>
  );
  const check = (key: BoolKey, label: string) => (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values[key]}
          onChange={(e) => set(key, e.target.checked)}
          disabled={locked(key)}
          data-testid={`consumer-field-${key}`}
        />
        {label}
      </label>
      {errors[key] ? <div className="field-error">{errors[key]}</div> : null}
    </div>
  );
  const select = <K extends 'deliverPolicy' | 'ackPolicy' | 'replayPolicy'>(
    key: K,
    label: string,
    options: ReadonlyArray<readonly [ConsumerFormValues[K], string]>,
  ) => (
    <Field
      id={`${id}-${key}`}
      name={key}
      label={label}
      error={errors[key]}
      hint={locked(key) ? 'Fixed once the consumer exists.' : undefined}
    >
      <select
        id={`${id}-${key}`}
        className="input select"
        value={values[key]}
        onChange={(e) => set(key, e.target.value as ConsumerFormValues[K])}
        disabled={locked(key)}
        data-testid={`consumer-field-${key}`}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(all).length > 0) return;
    onSubmit(consumerFormToConfig(values, base));
  };
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="consumer-form">
      <div className="panel-header">
        <h2>{editing ? `Edit consumer ${values.name}` : 'Create consumer'}</h2>
        <div className="segmented" role="radiogroup" aria-label="Consumer type">
          {(['pull', 'push'] as const).map((k) => (
            <label key={k} className={`segment${values.kind === k ? ' active' : ''}`}>
              <input
                type="radio"
                name={`${id}-kind`}
                checked={values.kind === k}
                onChange={() => set('kind', k)}
                disabled={locked('kind')}
                data-testid={`consumer-kind-${k}`}
              />
              {k === 'pull' ? 'Pull' : 'Push'}
            </label>
          ))}
        </div>
      </div>
      <Group title="Basics">
        {text('name', 'Durable name', undefined, 'worker')}
        {text('description', 'Description')}
        {text(
          'filterSubjects',
          'Filter subjects',
          'Comma-separated; several need nats-server 2.10+.',
          'orders.>',
        )}
        {select('deliverPolicy', 'Deliver', [
          ['all', 'All messages'],
          ['last', 'Last message'],
          ['new', 'New messages only'],
          ['by_start_sequence', 'From a sequence'],
          ['by_start_time', 'From a time'],
          ['last_per_subject', 'Last per subject'],
        ])}
        {values.deliverPolicy === 'by_start_sequence' ? text('optStartSeq', 'Start sequence') : null}
        {values.deliverPolicy === 'by_start_time'
          ? text('optStartTime', 'Start time', 'RFC 3339', '2026-11-26T09:00:00Z')
          : null}
        {select('ackPolicy', 'Ack policy', [
          ['explicit', 'Explicit'],
          ['all', 'All'],
          ['none', 'None'],
        ])}
        {select('replayPolicy', 'Replay', [
          ['instant', 'Instant'],
          ['original', 'Original timing'],
        ])}
      </Group>
      <Group title="Delivery">
        {text('ackWait', 'Ack wait', 'e.g. 30s')}
        {text('maxDeliver', 'Max deliveries', 'Empty: unlimited.')}
        {text('backoff', 'Backoff', 'Redelivery delays, e.g. 1s, 5s, 30s.')}
        {text('maxAckPending', 'Max ack pending', 'Empty: unlimited.')}
        {text('inactiveThreshold', 'Inactive threshold', 'Delete after this long idle; empty: never.')}
        {text('replicas', 'Replicas', '0 = as the stream.')}
        {text('sampleFreq', 'Ack sampling', 'Percentage, e.g. 100%.')}
        {check('headersOnly', 'Headers only')}
        {check('memStorage', 'Keep state in memory')}
      </Group>
      {values.kind === 'pull' ? (
        <Group title="Pull">
          {text('maxWaiting', 'Max waiting pulls')}
          {text('maxBatch', 'Max batch')}
          {text('maxExpires', 'Max expires', 'e.g. 30s')}
          {text('maxBytes', 'Max bytes per pull', 'e.g. 1MiB')}
        </Group>
      ) : (
        <Group title="Push">
          {text('deliverSubject', 'Deliver subject', 'Where messages are pushed.', 'deliver.worker')}
          {text('deliverGroup', 'Queue group')}
          {text('idleHeartbeat', 'Idle heartbeat', 'e.g. 5s')}
          {text('rateLimitBps', 'Rate limit (bits/s)')}
          {check('flowControl', 'Flow control')}
        </Group>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="consumer-form-submit">
          {editing ? 'Preview changes' : 'Preview create'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend>{title}</legend>
      <div className="form-grid">{children}</div>
    </fieldset>
  );
}

/** How long to pause: a duration from now, or a point in time. */
function PauseForm({
  consumer,
  onSubmit,
  onCancel,
}: {
  consumer: string;
  onSubmit: (untilIso: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState('1h');
  const id = useId();
  const ns = parseDuration(text);
  const error = !ns ? 'A duration such as 30m or 2h.' : undefined;
  return (
    <form
      className="panel form"
      onSubmit={(e) => {
        e.preventDefault();
        if (ns) onSubmit(new Date(Date.now() + ns / 1e6).toISOString());
      }}
      data-testid="pause-form"
    >
      <div className="panel-header">
        <h2>Pause {consumer}</h2>
      </div>
      <Field id={`${id}-for`} name="pauseFor" label="Pause for" error={error}>
        <input
          id={`${id}-for`}
          className="input mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="pause-for"
        />
      </Field>
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={Boolean(error)}
          data-testid="pause-submit"
        >
          Preview pause
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
