'use client';

import type { JetStreamCapabilities } from '@tern/contracts';
import { type FormEvent, type ReactNode, useId, useMemo, useState } from 'react';
import {
  configToForm,
  emptyStreamForm,
  formToConfig,
  IMMUTABLE_STREAM_FIELDS,
  type JsonObject,
  parseConfigJson,
  type StreamFormErrors,
  type StreamFormValues,
  validateStreamForm,
} from '@/lib/streamForm';
import { Field, Tabs } from './fields';

type Mode = 'form' | 'json';
type TextKey = {
  [K in keyof StreamFormValues]: StreamFormValues[K] extends string ? K : never;
}[keyof StreamFormValues];
type BoolKey = {
  [K in keyof StreamFormValues]: StreamFormValues[K] extends boolean ? K : never;
}[keyof StreamFormValues];

interface Props {
  /** The current config when editing; absent when creating. */
  base?: JsonObject;
  capabilities?: JetStreamCapabilities;
  submitLabel: string;
  onSubmit: (config: JsonObject) => void;
  onCancel: () => void;
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** Create or edit a stream: every StreamConfig field as a form, or the raw JSON; validated as you type. */
export function StreamForm({ base, capabilities, submitLabel, onSubmit, onCancel }: Props) {
  const editing = Boolean(base);
  const [mode, setMode] = useState<Mode>('form');
  const [values, setValues] = useState<StreamFormValues>(() => (base ? configToForm(base) : emptyStreamForm));
  // The document the form edits on top of, so fields only the JSON editor shows survive.
  const [doc, setDoc] = useState<JsonObject>(() => base ?? {});
  const [json, setJson] = useState(() => pretty(base ?? formToConfig(emptyStreamForm)));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const id = useId();

  const allErrors = useMemo(() => validateStreamForm(values, base), [values, base]);
  const errors: StreamFormErrors = Object.fromEntries(
    Object.entries(allErrors).filter(([k]) => submitted || touched.has(k)),
  );
  const jsonParsed = useMemo(() => parseConfigJson(json), [json]);
  const jsonErrors = useMemo(
    () => ('value' in jsonParsed ? validateStreamForm(configToForm(jsonParsed.value), base) : {}),
    [jsonParsed, base],
  );
  const v210 = capabilities?.v210 ?? true;

  const set = <K extends keyof StreamFormValues>(key: K, value: StreamFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
  };

  const switchMode = (next: Mode) => {
    if (next === mode) return;
    if (next === 'json') {
      setJson(pretty(formToConfig(values, doc)));
      setMode('json');
      return;
    }
    if ('error' in jsonParsed) return; // stay on the JSON tab; its error is shown
    setDoc(jsonParsed.value);
    setValues(configToForm(jsonParsed.value));
    setMode('form');
  };

  const onFormSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    if (mode === 'form') {
      if (Object.keys(allErrors).length > 0) return;
      onSubmit(formToConfig(values, doc));
    } else {
      if ('error' in jsonParsed || Object.keys(jsonErrors).length > 0) return;
      onSubmit(jsonParsed.value);
    }
  };

  const locked = (key: keyof StreamFormValues) => editing && IMMUTABLE_STREAM_FIELDS.includes(key);

  const text = (
    key: TextKey,
    label: string,
    hint?: ReactNode,
    placeholder?: string,
    opts?: { disabled?: boolean; wide?: boolean },
  ) => (
    <Field
      id={`${id}-${key}`}
      name={key}
      label={label}
      hint={locked(key) ? 'Fixed once the stream exists.' : hint}
      error={errors[key]}
      wide={opts?.wide}
    >
      <input
        id={`${id}-${key}`}
        className="input mono"
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        placeholder={placeholder}
        disabled={locked(key) || opts?.disabled}
        aria-invalid={errors[key] ? true : undefined}
        data-testid={`stream-field-${key}`}
      />
    </Field>
  );
  const check = (key: BoolKey, label: string, hint?: string, disabled?: boolean) => (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values[key]}
          onChange={(e) => set(key, e.target.checked)}
          disabled={disabled}
          data-testid={`stream-field-${key}`}
        />
        {label}
      </label>
      {errors[key] ? (
        <div className="field-error" data-testid={`field-error-${key}`}>
          {errors[key]}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
  const select = <K extends 'storage' | 'retention' | 'discard' | 'compression'>(
    key: K,
    label: string,
    options: ReadonlyArray<readonly [StreamFormValues[K], string]>,
    hint?: string,
    disabled?: boolean,
  ) => (
    <Field
      id={`${id}-${key}`}
      name={key}
      label={label}
      hint={locked(key) ? 'Fixed once the stream exists.' : hint}
      error={errors[key]}
    >
      <select
        id={`${id}-${key}`}
        className="input select"
        value={values[key]}
        onChange={(e) => set(key, e.target.value as StreamFormValues[K])}
        disabled={locked(key) || disabled}
        data-testid={`stream-field-${key}`}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );

  const errorCount = Object.keys(mode === 'form' ? allErrors : jsonErrors).length;

  return (
    <form className="panel form" onSubmit={onFormSubmit} noValidate data-testid="stream-form">
      <div className="panel-header">
        <h2>{editing ? `Edit stream ${values.name}` : 'Create stream'}</h2>
        <Tabs
          value={mode}
          options={[
            ['form', 'Form'],
            ['json', 'JSON'],
          ]}
          onChange={switchMode}
          testId="stream-form-tab"
        />
      </div>

      {mode === 'form' ? (
        <>
          <Section title="Basics">
            {text('name', 'Name', 'Letters, digits, - and _.', 'ORDERS')}
            {text('description', 'Description', undefined, 'Orders placed on the web shop')}
            {text(
              'subjects',
              'Subjects',
              'Comma-separated; wildcards * and > allowed. Empty: the stream name.',
              'orders.>',
              { wide: true },
            )}
            {select('storage', 'Storage', [
              ['file', 'File'],
              ['memory', 'Memory'],
            ])}
            {select(
              'retention',
              'Retention',
              [
                ['limits', 'Limits'],
                ['interest', 'Interest'],
                ['workqueue', 'Work queue'],
              ],
              'When messages are removed besides the limits.',
            )}
            {text('replicas', 'Replicas', '1 to 5; more than 1 needs a cluster.')}
          </Section>
          <Section title="Limits" hint="Empty means unlimited.">
            {text('maxMsgs', 'Max messages', undefined, 'unlimited')}
            {text('maxBytes', 'Max bytes', 'e.g. 1GiB', 'unlimited')}
            {text('maxAge', 'Max age', 'e.g. 24h, 7d', 'forever')}
            {text('maxMsgsPerSubject', 'Max messages per subject', undefined, 'unlimited')}
            {text('maxMsgSize', 'Max message size', 'e.g. 1MiB', 'unlimited')}
            {text('maxConsumers', 'Max consumers', undefined, 'unlimited')}
            {select('discard', 'When full', [
              ['old', 'Discard old messages'],
              ['new', 'Refuse new messages'],
            ])}
            {text('duplicateWindow', 'Duplicate window', 'Msg-Id de-duplication window, e.g. 2m.')}
            {check(
              'discardNewPerSubject',
              'Refuse new messages per subject',
              'Needs “refuse new” and a per-subject limit.',
            )}
          </Section>
          <Section title="Behaviour">
            {check('noAck', 'No acknowledgements', 'Publishers get no ack.')}
            {check('denyDelete', 'Deny message deletes')}
            {check('denyPurge', 'Deny purges')}
            {check('allowRollup', 'Allow roll-ups', 'Nats-Rollup header.')}
            {check('allowDirect', 'Allow direct get')}
            {check('mirrorDirect', 'Mirror direct get')}
            {editing
              ? check('sealed', 'Sealed', 'No more writes, deletes or purges; cannot be undone.')
              : null}
          </Section>
          <Section title="Replication and placement">
            {text('mirror', 'Mirror of', 'A stream to mirror; a mirror has no subjects.', 'stream name')}
            {text('sources', 'Sources', 'Streams to source from, comma-separated.', 'stream names')}
            {text('placementCluster', 'Placement cluster')}
            {text('placementTags', 'Placement tags', 'Comma-separated.')}
          </Section>
          <Section title="Republish">
            {text('republishSrc', 'Source subject', 'Default: all (>).', '>')}
            {text('republishDest', 'Destination subject', undefined, 'copy.orders.>')}
            {check('republishHeadersOnly', 'Headers only')}
          </Section>
          <Section
            title="Newer servers"
            hint={
              v210 ? 'nats-server 2.10+.' : 'This server is older than 2.10: these fields are not available.'
            }
          >
            {select(
              'compression',
              'Compression',
              [
                ['none', 'None'],
                ['s2', 'S2'],
              ],
              undefined,
              !v210,
            )}
            {text('firstSeq', 'First sequence', undefined, '1', { disabled: !v210 })}
            {text('transformSrc', 'Subject transform from', undefined, '>', { disabled: !v210 })}
            {text('transformDest', 'Subject transform to', undefined, undefined, { disabled: !v210 })}
            {text(
              'consumerInactiveThreshold',
              'Consumer inactive threshold',
              'Default for ephemeral consumers.',
              undefined,
              { disabled: !v210 },
            )}
            {text('consumerMaxAckPending', 'Consumer max ack pending', undefined, undefined, {
              disabled: !v210,
            })}
            {check('allowMsgTtl', 'Allow per-message TTL (2.11+)', undefined, !v210)}
            <Field
              id={`${id}-metadata`}
              name="metadata"
              label="Metadata"
              hint="key=value, one per line."
              error={errors.metadata}
              wide
            >
              <textarea
                id={`${id}-metadata`}
                className="input textarea mono"
                rows={3}
                value={values.metadata}
                onChange={(e) => set('metadata', e.target.value)}
                disabled={!v210}
                data-testid="stream-field-metadata"
              />
            </Field>
          </Section>
        </>
      ) : (
        <div className="field">
          <label className="field-label" htmlFor={`${id}-json`}>
            StreamConfig (JetStream JSON: durations in nanoseconds, -1 for unlimited)
          </label>
          <textarea
            id={`${id}-json`}
            className="input textarea mono json-editor"
            rows={24}
            spellCheck={false}
            value={json}
            onChange={(e) => setJson(e.target.value)}
            aria-invalid={'error' in jsonParsed || errorCount > 0 ? true : undefined}
            data-testid="stream-json"
          />
          {'error' in jsonParsed ? (
            <div className="field-error" data-testid="stream-json-error">
              {jsonParsed.error}
            </div>
          ) : errorCount > 0 ? (
            <ul className="field-error error-list" data-testid="stream-json-error">
              {Object.entries(jsonErrors).map(([k, msg]) => (
                <li key={k}>
                  <code>{k}</code>: {msg}
                </li>
              ))}
            </ul>
          ) : (
            <div className="field-hint">
              Valid. Fields Tern does not know are sent to the server as they are.
            </div>
          )}
        </div>
      )}

      {submitted && errorCount > 0 && mode === 'form' ? (
        <div className="inline-error" role="alert" data-testid="stream-form-invalid">
          {errorCount === 1 ? 'One field needs attention.' : `${errorCount} fields need attention.`}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="stream-form-submit">
          {submitLabel}
        </button>
        <button type="button" className="btn" onClick={onCancel} data-testid="stream-form-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend>
        {title}
        {hint ? <span className="muted"> · {hint}</span> : null}
      </legend>
      <div className="form-grid">{children}</div>
    </fieldset>
  );
}
