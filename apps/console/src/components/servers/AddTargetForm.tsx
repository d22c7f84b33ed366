'use client';

import type { Target } from '@tern/contracts';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { InlineError } from '@/components/states';
import {
  type AuthMode,
  emptyTargetForm,
  type TargetFormErrors,
  type TargetFormValues,
  toCreateTargetRequest,
  validateTargetForm,
} from '@/lib/targetForm';
import { useCreateTarget } from '@/queries/targets';

interface Props {
  onDone: (target: Target) => void;
  onCancel: () => void;
}

/** Adds a NATS server or cluster to monitor. The monitor checks it answers before saving. */
export function AddTargetForm({ onDone, onCancel }: Props) {
  const create = useCreateTarget();
  const [values, setValues] = useState<TargetFormValues>(emptyTargetForm);
  const [touched, setTouched] = useState(false);
  const errors: TargetFormErrors = touched ? validateTargetForm(values) : {};
  const id = useId();

  const set =
    <K extends keyof TargetFormValues>(key: K) =>
    (value: TargetFormValues[K]) =>
      setValues((v) => ({ ...v, [key]: value }));

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(validateTargetForm(values)).length > 0) return;
    create.mutate(toCreateTargetRequest(values), { onSuccess: onDone });
  };

  return (
    <form className="panel form" onSubmit={onSubmit} noValidate data-testid="add-target-form">
      <div className="panel-header">
        <h2>Add target</h2>
        <span className="muted">A NATS server or cluster to monitor, e.g. a nats-server with -m 8222.</span>
      </div>
      <div className="form-grid">
        <Field id={`${id}-name`} label="Name" error={errors.name}>
          <input
            id={`${id}-name`}
            className="input"
            value={values.name}
            onChange={(e) => set('name')(e.target.value)}
            placeholder="production-east"
            maxLength={100}
            aria-invalid={errors.name ? true : undefined}
            data-testid="add-target-name"
          />
        </Field>
        <Field
          id={`${id}-mon`}
          label="Monitoring URL(s)"
          hint="HTTP monitoring endpoint; separate several with commas."
          error={errors.monitorUrls}
        >
          <input
            id={`${id}-mon`}
            className="input mono"
            value={values.monitorUrls}
            onChange={(e) => set('monitorUrls')(e.target.value)}
            placeholder="http://127.0.0.1:8222"
            aria-invalid={errors.monitorUrls ? true : undefined}
            data-testid="add-target-monitor-url"
          />
        </Field>
        <Field
          id={`${id}-nats`}
          label="NATS URL(s)"
          hint="Optional; client connection URLs."
          error={errors.natsUrls}
        >
          <input
            id={`${id}-nats`}
            className="input mono"
            value={values.natsUrls}
            onChange={(e) => set('natsUrls')(e.target.value)}
            placeholder="nats://127.0.0.1:4222"
            aria-invalid={errors.natsUrls ? true : undefined}
            data-testid="add-target-nats-url"
          />
        </Field>
        <fieldset className="field">
          <legend className="field-label">Authentication</legend>
          <div className="segmented" role="radiogroup">
            {(
              [
                ['none', 'None'],
                ['token', 'Token'],
                ['userpass', 'User / password'],
                ['nkey', 'NKEY seed'],
                ['creds', 'Credentials file (.creds)'],
              ] as const
            ).map(([mode, label]) => (
              <label key={mode} className={`segment${values.auth === mode ? ' active' : ''}`}>
                <input
                  type="radio"
                  name={`${id}-auth`}
                  value={mode}
                  checked={values.auth === mode}
                  onChange={() => set('auth')(mode as AuthMode)}
                  data-testid={`add-target-auth-${mode}`}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        {values.auth === 'token' ? (
          <Field id={`${id}-token`} label="Token" error={errors.token}>
            <input
              id={`${id}-token`}
              className="input mono"
              type="password"
              autoComplete="off"
              value={values.token}
              onChange={(e) => set('token')(e.target.value)}
              data-testid="add-target-token"
            />
          </Field>
        ) : null}
        {values.auth === 'userpass' ? (
          <>
            <Field id={`${id}-user`} label="User" error={errors.user}>
              <input
                id={`${id}-user`}
                className="input"
                autoComplete="off"
                value={values.user}
                onChange={(e) => set('user')(e.target.value)}
                data-testid="add-target-user"
              />
            </Field>
            <Field id={`${id}-pass`} label="Password" error={errors.pass}>
              <input
                id={`${id}-pass`}
                className="input"
                type="password"
                autoComplete="new-password"
                value={values.pass}
                onChange={(e) => set('pass')(e.target.value)}
                data-testid="add-target-pass"
              />
            </Field>
          </>
        ) : null}
        {values.auth === 'nkey' ? (
          <Field
            id={`${id}-nkey`}
            label="User NKEY seed"
            hint="Starts with SU; stored encrypted and never shown again."
            error={errors.nkeySeed}
          >
            <input
              id={`${id}-nkey`}
              className="input mono"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={values.nkeySeed}
              onChange={(e) => set('nkeySeed')(e.target.value)}
              placeholder="SU…"
              aria-invalid={errors.nkeySeed ? true : undefined}
              data-testid="add-target-nkey-seed"
            />
          </Field>
        ) : null}
        {values.auth === 'creds' ? (
          <Field
            id={`${id}-creds`}
            label="Credentials file (.creds)"
            hint="Paste the file or choose it; stored encrypted and never shown again."
            error={errors.creds}
          >
            <input
              type="file"
              accept=".creds,text/plain"
              aria-label="Choose a .creds file"
              onChange={(e) => {
                const file = e.target.files?.[0];
                // Read in the browser; the input is cleared so the same file can be chosen again.
                e.target.value = '';
                if (file) void file.text().then((text) => set('creds')(text));
              }}
              data-testid="add-target-creds-file"
            />
            <textarea
              id={`${id}-creds`}
              className="input mono"
              rows={6}
              autoComplete="off"
              spellCheck={false}
              value={values.creds}
              onChange={(e) => set('creds')(e.target.value)}
              placeholder={'-----BEGIN NATS USER JWT-----\n…'}
              aria-invalid={errors.creds ? true : undefined}
              data-testid="add-target-creds"
            />
          </Field>
        ) : null}
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.skipValidation}
          onChange={(e) => set('skipValidation')(e.target.checked)}
          data-testid="add-target-skip-validation"
        />
        Save even if the server does not answer now
      </label>
      {create.isError ? <InlineError error={create.error} testId="add-target-error" /> : null}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={create.isPending}
          data-testid="add-target-submit"
        >
          {create.isPending ? 'Checking and saving…' : 'Add target'}
        </button>
        <button type="button" className="btn" onClick={onCancel} data-testid="add-target-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {error ? (
        <div className="field-error" data-testid="field-error">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}
