'use client';

import type { UserSpec } from '@tern/contracts';
import { type FormEvent, useId, useState } from 'react';
import { Field } from '@/components/manage/fields';
import { toPermission } from './model';

const joined = (xs: string[] | undefined) => (xs ?? []).join(', ');

/** A user of an account (new, or `initial` to edit): name, publish/subscribe permissions, bearer token. */
export function UserForm({
  account,
  initial,
  onSubmit,
  onCancel,
}: {
  account: string;
  initial?: { name: string; spec: UserSpec };
  onSubmit: (name: string, spec: UserSpec) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const p = initial?.spec.permissions;
  const [name, setName] = useState(initial?.name ?? '');
  const [pubAllow, setPubAllow] = useState(joined(p?.pub?.allow));
  const [pubDeny, setPubDeny] = useState(joined(p?.pub?.deny));
  const [subAllow, setSubAllow] = useState(joined(p?.sub?.allow));
  const [subDeny, setSubDeny] = useState(joined(p?.sub?.deny));
  const [bearer, setBearer] = useState(initial?.spec.bearer ?? false);
  const [error, setError] = useState<string | undefined>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      setError('Letters, digits, _ and - only');
      return;
    }
    setError(undefined);
    const pub = toPermission(pubAllow, pubDeny);
    const sub = toPermission(subAllow, subDeny);
    onSubmit(name, {
      ...(pub || sub ? { permissions: { ...(pub ? { pub } : {}), ...(sub ? { sub } : {}) } } : {}),
      ...(bearer ? { bearer: true } : {}),
    });
  };

  return (
    <form className="form panel" onSubmit={submit} data-testid="user-form" noValidate>
      <div className="panel-header">
        <h3>
          {initial ? 'Permissions of ' : 'New user in '}
          <span className="mono">{initial ? `${account}/${initial.name}` : account}</span>
        </h3>
      </div>
      <div className="form-grid">
        <Field id={`${id}-name`} name="user-name" label="User name" error={error}>
          <input
            id={`${id}-name`}
            className="input mono"
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={Boolean(initial)}
            autoComplete="off"
            data-testid="user-name"
          />
        </Field>
        <Field id={`${id}-pa`} label="May publish to" hint="Comma separated; empty: the account's default">
          <input
            id={`${id}-pa`}
            className="input mono"
            value={pubAllow}
            onChange={(e) => setPubAllow(e.target.value)}
            data-testid="user-pub-allow"
          />
        </Field>
        <Field id={`${id}-pd`} label="May not publish to">
          <input
            id={`${id}-pd`}
            className="input mono"
            value={pubDeny}
            onChange={(e) => setPubDeny(e.target.value)}
          />
        </Field>
        <Field id={`${id}-sa`} label="May subscribe to" hint="Comma separated; empty: the account's default">
          <input
            id={`${id}-sa`}
            className="input mono"
            value={subAllow}
            onChange={(e) => setSubAllow(e.target.value)}
            data-testid="user-sub-allow"
          />
        </Field>
        <Field id={`${id}-sd`} label="May not subscribe to">
          <input
            id={`${id}-sd`}
            className="input mono"
            value={subDeny}
            onChange={(e) => setSubDeny(e.target.value)}
          />
        </Field>
        <label className="field acc-check">
          <span>
            <input type="checkbox" checked={bearer} onChange={(e) => setBearer(e.target.checked)} /> Bearer
            token (no seed needed to connect)
          </span>
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="user-form-submit">
          {initial ? 'Preview changes' : 'Preview user'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
