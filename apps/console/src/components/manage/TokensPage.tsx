'use client';

import type { ApiTokenDto, Role } from '@tern/contracts';
import { type FormEvent, useId, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import { useCreateToken, useRevokeToken, useTokens } from '@/queries/admin';
import { ConfirmDialog, SecretBox } from './ConfirmDialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './fields';
import { useRole } from './useRole';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** /admin/tokens: API tokens for automation (`Authorization: Bearer …`). Admins see everyone's. */
export function TokensPage() {
  const { role, isAdmin } = useRole();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const list = tokens.data?.tokens ?? [];
  return (
    <div className="page" data-testid="tokens-page">
      <div className="page-header">
        <div>
          <h1>API tokens</h1>
          <p className="page-sub">
            {isAdmin ? 'Every user’s tokens.' : 'Your tokens.'} A token acts as its owner with at most the
            owner’s role; send it as <code>Authorization: Bearer &lt;token&gt;</code>.
          </p>
        </div>
        {!creating && role ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setCreating(true)}
            data-testid="token-create-open"
          >
            New token
          </button>
        ) : null}
      </div>
      {secret ? (
        <SecretBox
          label="New API token"
          secret={secret}
          testId="token-secret"
          onDismiss={() => setSecret(null)}
        />
      ) : null}
      {creating && role ? (
        <CreateTokenForm
          maxRole={role}
          onCancel={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s);
          }}
        />
      ) : null}
      {tokens.isPending ? (
        <LoadingState label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorState title="Could not load tokens" error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No API tokens">Create one for scripts and CI.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="tokens-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Role</th>
                <th>Owner</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.id} data-testid="token-row" data-token-name={t.name}>
                  <td className="cell-title">{t.name}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>{t.role}</td>
                  <td>{t.username}</td>
                  <td className="nowrap">{formatDateTime(t.createdAt)}</td>
                  <td className="nowrap">{t.expiresAt ? formatDateTime(t.expiresAt) : 'never'}</td>
                  <td className="nowrap">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      onClick={() => {
                        revoke.reset();
                        setRevoking(t);
                      }}
                      data-testid="token-revoke"
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke token ${revoking.name}`}
          confirmText={revoking.name}
          actionLabel="Revoke token"
          pending={revoke.isPending}
          error={revoke.error}
          onClose={() => setRevoking(null)}
          onConfirm={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
        >
          Scripts using it stop working immediately.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function CreateTokenForm({
  maxRole,
  onCreated,
  onCancel,
}: {
  maxRole: Role;
  onCreated: (secret: string) => void;
  onCancel: () => void;
}) {
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(maxRole);
  const [days, setDays] = useState('90');
  const [submitted, setSubmitted] = useState(false);
  const id = useId();
  const errors = {
    name: !name.trim()
      ? 'A name to recognise it, e.g. ci-deploy.'
      : name.length > 100
        ? 'At most 100 characters.'
        : undefined,
    days:
      days.trim() && !(/^\d+$/.test(days.trim()) && Number(days) >= 1 && Number(days) <= 3650)
        ? '1 to 3650 days, or empty for never.'
        : undefined,
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    if (errors.name || errors.days) return;
    create.mutate(
      { name: name.trim(), role, ...(days.trim() ? { expiresInDays: Number(days) } : {}) },
      { onSuccess: (r) => onCreated(r.secret) },
    );
  };
  const roles = (['viewer', 'operator', 'admin'] as const).filter((r) => RANK[r] <= RANK[maxRole]);
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="token-form">
      <div className="panel-header">
        <h2>New API token</h2>
      </div>
      <div className="form-grid">
        <Field id={`${id}-n`} name="name" label="Name" error={submitted || name ? errors.name : undefined}>
          <input
            id={`${id}-n`}
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="token-form-name"
          />
        </Field>
        <Field id={`${id}-r`} name="role" label="Role" hint="At most your own role.">
          <select
            id={`${id}-r`}
            className="input select"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="token-form-role"
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${id}-d`}
          name="days"
          label="Expires after (days)"
          hint="Empty: never."
          error={errors.days}
        >
          <input
            id={`${id}-d`}
            className="input mono"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            data-testid="token-form-days"
          />
        </Field>
      </div>
      {create.isError ? <ErrorBox error={create.error} testId="token-form-error" /> : null}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={create.isPending}
          data-testid="token-form-submit"
        >
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
