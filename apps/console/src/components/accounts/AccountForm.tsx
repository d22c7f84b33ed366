'use client';

import type { AccountExport, AccountImport, AccountLimits, AccountSpec } from '@tern/contracts';
import { type FormEvent, useId, useState } from 'react';
import { Field } from '@/components/manage/fields';
import { limitText, parseLimit, toPermission } from './model';

const LIMIT_FIELDS: ReadonlyArray<readonly [keyof AccountLimits, string, string]> = [
  ['connections', 'Max connections', ''],
  ['subscriptions', 'Max subscriptions', ''],
  ['payload', 'Max payload (bytes)', ''],
  ['leafnodes', 'Max leaf nodes', ''],
  ['memStorage', 'JetStream memory (bytes)', '0 disables JetStream memory storage'],
  ['diskStorage', 'JetStream file storage (bytes)', '0 disables JetStream file storage'],
  ['streams', 'JetStream streams', ''],
  ['consumers', 'JetStream consumers', ''],
];

interface Props {
  /** Present when editing an existing account. */
  initial?: { name: string; spec: AccountSpec };
  /** Other accounts an import may name. */
  accounts: string[];
  /** Names the submit button and what the form is for. */
  mode: 'create' | 'update' | 'snippet';
  onSubmit: (name: string, spec: AccountSpec) => void;
  onCancel: () => void;
}

/** Name, limits, exports, imports and default permissions of an account; empty limits are unlimited. */
export function AccountForm({ initial, accounts, mode, onSubmit, onCancel }: Props) {
  const id = useId();
  const spec = initial?.spec ?? {};
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(spec.description ?? '');
  const [limits, setLimits] = useState<Record<string, string>>(
    Object.fromEntries(LIMIT_FIELDS.map(([k]) => [k, limitText(spec.limits?.[k])])),
  );
  const [exports, setExports] = useState<AccountExport[]>(spec.exports ?? []);
  const [imports, setImports] = useState<AccountImport[]>(spec.imports ?? []);
  const [pubAllow, setPubAllow] = useState((spec.defaultPermissions?.pub?.allow ?? []).join(', '));
  const [subAllow, setSubAllow] = useState((spec.defaultPermissions?.sub?.allow ?? []).join(', '));
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) errs.name = 'Letters, digits, _ and - only';
    const lim: AccountLimits = {};
    for (const [k] of LIMIT_FIELDS) {
      const v = parseLimit(limits[k] ?? '');
      if (v === undefined) errs[k] = 'A whole number, or empty for unlimited';
      else lim[k] = v;
    }
    exports.forEach((x, i) => {
      if (!x.subject.trim() || /\s/.test(x.subject.trim())) errs[`export-${i}`] = 'A subject without spaces';
    });
    imports.forEach((x, i) => {
      if (!x.subject.trim() || !x.account.trim()) errs[`import-${i}`] = 'Account and subject are needed';
    });
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const pub = toPermission(pubAllow, '');
    const sub = toPermission(subAllow, '');
    onSubmit(name, {
      ...(description.trim() ? { description: description.trim() } : {}),
      limits: lim,
      exports: exports.map((x) => ({ ...x, subject: x.subject.trim() })),
      imports: imports.map((x) => ({
        ...x,
        subject: x.subject.trim(),
        account: x.account.trim(),
        ...(x.localSubject?.trim() ? { localSubject: x.localSubject.trim() } : { localSubject: undefined }),
      })),
      ...(pub || sub ? { defaultPermissions: { ...(pub ? { pub } : {}), ...(sub ? { sub } : {}) } } : {}),
    });
  };

  return (
    <form className="form" onSubmit={submit} data-testid="account-form" noValidate>
      <div className="form-grid">
        <Field id={`${id}-name`} name="name" label="Account name" error={errors.name}>
          <input
            id={`${id}-name`}
            className="input mono"
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={mode === 'update'}
            autoComplete="off"
            data-testid="account-name"
          />
        </Field>
        <Field id={`${id}-desc`} label="Description">
          <input
            id={`${id}-desc`}
            className="input"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="account-description"
          />
        </Field>
      </div>
      <fieldset className="form-section">
        <legend>Limits</legend>
        <p className="muted acc-hint">Leave empty for unlimited.</p>
        <div className="form-grid">
          {LIMIT_FIELDS.map(([k, label, hint]) => (
            <Field
              key={k}
              id={`${id}-${k}`}
              name={k}
              label={label}
              hint={hint || undefined}
              error={errors[k]}
            >
              <input
                id={`${id}-${k}`}
                className="input mono"
                inputMode="numeric"
                placeholder="unlimited"
                value={limits[k] ?? ''}
                onChange={(e) => setLimits({ ...limits, [k]: e.target.value })}
                data-testid={`account-limit-${k}`}
              />
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>Exports</legend>
        {exports.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          <div className="acc-row" key={i} data-testid="account-export-row">
            <input
              className="input mono"
              aria-label="Exported subject"
              placeholder="orders.>"
              value={x.subject}
              onChange={(e) =>
                setExports(exports.map((y, j) => (j === i ? { ...y, subject: e.target.value } : y)))
              }
              data-testid="account-export-subject"
            />
            <select
              className="input select"
              aria-label="Export type"
              value={x.type}
              onChange={(e) =>
                setExports(
                  exports.map((y, j) =>
                    j === i ? { ...y, type: e.target.value as 'stream' | 'service' } : y,
                  ),
                )
              }
              data-testid="account-export-type"
            >
              <option value="stream">stream</option>
              <option value="service">service</option>
            </select>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setExports(exports.filter((_, j) => j !== i))}
            >
              Remove
            </button>
            {errors[`export-${i}`] ? <span className="field-error">{errors[`export-${i}`]}</span> : null}
          </div>
        ))}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setExports([...exports, { subject: '', type: 'stream' }])}
          data-testid="account-add-export"
        >
          Add export
        </button>
      </fieldset>
      <fieldset className="form-section">
        <legend>Imports</legend>
        {imports.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          <div className="acc-row" key={i} data-testid="account-import-row">
            <input
              className="input mono"
              aria-label="From account"
              placeholder="account"
              list={`${id}-accounts`}
              value={x.account}
              onChange={(e) =>
                setImports(imports.map((y, j) => (j === i ? { ...y, account: e.target.value } : y)))
              }
              data-testid="account-import-account"
            />
            <input
              className="input mono"
              aria-label="Their subject"
              placeholder="their subject"
              value={x.subject}
              onChange={(e) =>
                setImports(imports.map((y, j) => (j === i ? { ...y, subject: e.target.value } : y)))
              }
              data-testid="account-import-subject"
            />
            <input
              className="input mono"
              aria-label="Local subject"
              placeholder="local subject (optional)"
              value={x.localSubject ?? ''}
              onChange={(e) =>
                setImports(imports.map((y, j) => (j === i ? { ...y, localSubject: e.target.value } : y)))
              }
            />
            <select
              className="input select"
              aria-label="Import type"
              value={x.type}
              onChange={(e) =>
                setImports(
                  imports.map((y, j) =>
                    j === i ? { ...y, type: e.target.value as 'stream' | 'service' } : y,
                  ),
                )
              }
            >
              <option value="stream">stream</option>
              <option value="service">service</option>
            </select>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setImports(imports.filter((_, j) => j !== i))}
            >
              Remove
            </button>
            {errors[`import-${i}`] ? <span className="field-error">{errors[`import-${i}`]}</span> : null}
          </div>
        ))}
        <datalist id={`${id}-accounts`}>
          {accounts
            .filter((a) => a !== name)
            .map((a) => (
              <option key={a} value={a} />
            ))}
        </datalist>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setImports([...imports, { account: '', subject: '', type: 'stream' }])}
          data-testid="account-add-import"
        >
          Add import
        </button>
      </fieldset>
      <fieldset className="form-section">
        <legend>Default permissions of its users</legend>
        <div className="form-grid">
          <Field id={`${id}-pub`} label="May publish to" hint="Subjects, comma separated; empty allows all">
            <input
              id={`${id}-pub`}
              className="input mono"
              value={pubAllow}
              onChange={(e) => setPubAllow(e.target.value)}
            />
          </Field>
          <Field id={`${id}-sub`} label="May subscribe to" hint="Subjects, comma separated; empty allows all">
            <input
              id={`${id}-sub`}
              className="input mono"
              value={subAllow}
              onChange={(e) => setSubAllow(e.target.value)}
            />
          </Field>
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="account-form-submit">
          {mode === 'create' ? 'Preview account' : mode === 'update' ? 'Preview changes' : 'Generate snippet'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
