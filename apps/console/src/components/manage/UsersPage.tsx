'use client';

import type { Role, UserDto } from '@tern/contracts';
import { type FormEvent, useId, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import { useCreateUser, useDeleteUser, useResetPassword, useUpdateUserRole, useUsers } from '@/queries/admin';
import { ConfirmDialog, SecretBox } from './ConfirmDialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './fields';
import { useRole } from './useRole';

const ROLES: ReadonlyArray<readonly [Role, string]> = [
  ['viewer', 'Viewer — read only'],
  ['operator', 'Operator — manage streams, consumers, KV'],
  ['admin', 'Admin — targets, users, roles'],
];
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** /admin/users: console users and their roles (admins only). */
export function UsersPage() {
  const { isAdmin, role, username: me } = useRole();
  const users = useUsers(isAdmin);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [deleting, setDeleting] = useState<UserDto | null>(null);
  const update = useUpdateUserRole();
  const reset = useResetPassword();
  const remove = useDeleteUser();

  if (role && !isAdmin) {
    return (
      <div className="page" data-testid="users-page">
        <div className="page-header">
          <h1>Users</h1>
        </div>
        <EmptyState title="Only admins manage users">Your role is {role}.</EmptyState>
      </div>
    );
  }
  const list = users.data?.users ?? [];
  return (
    <div className="page" data-testid="users-page">
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p className="page-sub">
            Who can sign in to Tern, and what their role lets them do. Changes are audited.
          </p>
        </div>
        {!creating ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setCreating(true)}
            data-testid="user-create-open"
          >
            Add user
          </button>
        ) : null}
      </div>
      {secret ? (
        <SecretBox
          label={secret.label}
          secret={secret.value}
          testId="user-password"
          onDismiss={() => setSecret(null)}
        />
      ) : null}
      {creating ? (
        <CreateUserForm
          onCancel={() => setCreating(false)}
          onCreated={(username, password) => {
            setCreating(false);
            if (password) setSecret({ label: `Password for ${username}`, value: password });
          }}
        />
      ) : null}
      {update.isError ? <ErrorBox error={update.error} testId="user-role-error" /> : null}
      {reset.isError ? <ErrorBox error={reset.error} testId="user-reset-error" /> : null}
      {users.isPending ? (
        <LoadingState label="Loading users…" />
      ) : users.isError ? (
        <ErrorState title="Could not load users" error={users.error} onRetry={() => users.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Created</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id} data-testid="user-row" data-username={u.username} data-role={u.role}>
                  <td className="cell-title">
                    {u.username}
                    {u.username === me ? <span className="tag">you</span> : null}
                  </td>
                  <td>
                    <select
                      className="input select"
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      disabled={update.isPending || u.username === me}
                      onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                      data-testid="user-role"
                    >
                      {ROLES.map(([r]) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="nowrap">{formatDateTime(u.createdAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={reset.isPending}
                      onClick={() =>
                        reset.mutate(
                          { id: u.id },
                          {
                            onSuccess: (r) =>
                              r.password
                                ? setSecret({ label: `New password for ${u.username}`, value: r.password })
                                : undefined,
                          },
                        )
                      }
                      data-testid="user-reset-password"
                    >
                      Reset password
                    </button>
                    {u.username !== me ? (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-ghost"
                        onClick={() => {
                          remove.reset();
                          setDeleting(u);
                        }}
                        data-testid="user-delete"
                      >
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting ? (
        <ConfirmDialog
          title={`Delete user ${deleting.username}`}
          confirmText={deleting.username}
          actionLabel="Delete user"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Their sessions end and their API tokens stop working.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function CreateUserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (username: string, password: string | null) => void;
  onCancel: () => void;
}) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const id = useId();
  const errors = {
    username: !username.trim()
      ? 'A user name.'
      : !USERNAME.test(username.trim())
        ? 'Letters, digits and . _ @ -, starting with a letter or digit.'
        : undefined,
    password:
      password && password.length < 8 ? 'At least 8 characters, or empty to generate one.' : undefined,
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    if (errors.username || errors.password) return;
    create.mutate(
      { username: username.trim(), role, ...(password ? { password } : {}) },
      { onSuccess: (r) => onCreated(r.user.username, r.password) },
    );
  };
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="user-form">
      <div className="panel-header">
        <h2>Add user</h2>
      </div>
      <div className="form-grid">
        <Field
          id={`${id}-u`}
          name="username"
          label="User name"
          error={submitted || username ? errors.username : undefined}
        >
          <input
            id={`${id}-u`}
            className="input"
            value={username}
            autoComplete="off"
            onChange={(e) => setUsername(e.target.value)}
            data-testid="user-form-username"
          />
        </Field>
        <Field id={`${id}-r`} name="role" label="Role">
          <select
            id={`${id}-r`}
            className="input select"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="user-form-role"
          >
            {ROLES.map(([r, label]) => (
              <option key={r} value={r}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${id}-p`}
          name="password"
          label="Password"
          hint="Leave empty to generate one."
          error={errors.password}
        >
          <input
            id={`${id}-p`}
            className="input"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="user-form-password"
          />
        </Field>
      </div>
      {create.isError ? <ErrorBox error={create.error} testId="user-form-error" /> : null}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={create.isPending}
          data-testid="user-form-submit"
        >
          {create.isPending ? 'Adding…' : 'Add user'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
