'use client';

import type { AccountSpec, ManagedUser, TargetAccountsResponse } from '@tern/contracts';
import { useState } from 'react';
import { apiUrl } from '@/api/client';
import { ChangeDialog } from '@/components/manage/ChangeDialog';
import { ErrorBox } from '@/components/manage/ErrorBox';
import { ManageHeader } from '@/components/manage/ManageHeader';
import { SelectedTargetGate, useSelectedTarget } from '@/components/manage/TargetPicker';
import { useRole } from '@/components/manage/useRole';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatBytes, formatNumber } from '@/lib/format';
import {
  accountChanges,
  useAccountUsage,
  useConfigSnippet,
  useOperators,
  useTargetAccounts,
} from '@/queries/accounts';
import type { ChangeRequest } from '@/queries/jetstream';
import { AccountForm } from './AccountForm';
import { AccountGraph } from './AccountGraph';
import { type AccountRow, toAccountRows, usagePercent } from './model';
import { UserForm } from './UserForm';

interface PendingChange {
  title: string;
  applyLabel: string;
  request: ChangeRequest;
  description?: string;
}

/** /accounts: accounts of one target with users, usage against limits and the exports/imports graph. */
export function AccountsPage() {
  const sel = useSelectedTarget();
  return (
    <div className="page" data-testid="accounts-page">
      <ManageHeader
        title="Accounts"
        sub="Tenants of a NATS server: users, usage against limits, exports and imports. Changes are previewed and audited."
        sel={sel}
      />
      <SelectedTargetGate sel={sel} emptyHint=" to see its accounts.">
        {(targetId) => <AccountsView key={targetId} targetId={targetId} />}
      </SelectedTargetGate>
    </div>
  );
}

type FormState =
  | { kind: 'create' }
  | { kind: 'update'; row: AccountRow }
  | { kind: 'user'; account: string; user?: ManagedUser }
  | { kind: 'snippet' }
  | null;

function AccountsView({ targetId }: { targetId: string }) {
  const view = useTargetAccounts(targetId);
  const usage = useAccountUsage(targetId);
  const { isAdmin } = useRole();
  const [selected, setSelected] = useState<string | null>(null);
  const [form, setForm] = useState<FormState>(null);
  const [pending, setPending] = useState<PendingChange | null>(null);

  if (view.isPending) return <LoadingState label="Loading accounts…" />;
  if (view.error)
    return <ErrorState title="Could not load accounts" error={view.error} onRetry={() => view.refetch()} />;
  const data = view.data;
  const rows = toAccountRows(data, usage.data?.accounts ?? []);
  const current = rows.find((r) => r.name === selected) ?? null;
  const operatorMode = data.mode === 'operator';
  const names = rows.filter((r) => !r.system).map((r) => r.name);

  return (
    <div className="acc-page" data-testid="accounts-view" data-mode={data.mode}>
      <ModeBanner data={data} isAdmin={isAdmin} />
      {!operatorMode && isAdmin ? <OperatorSetup targetId={targetId} onChange={setPending} /> : null}
      <div className="toolbar">
        {operatorMode && isAdmin ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setForm({ kind: 'create' })}
            data-testid="account-new"
          >
            New account
          </button>
        ) : null}
        {!operatorMode ? (
          <button
            type="button"
            className="btn"
            onClick={() => setForm({ kind: 'snippet' })}
            data-testid="account-snippet-open"
          >
            Config snippet for a change
          </button>
        ) : null}
        {usage.error ? (
          <span className="muted">Usage unavailable: the monitor has not scraped this target.</span>
        ) : null}
      </div>

      {form?.kind === 'create' || form?.kind === 'update' ? (
        <section className="panel" data-testid="account-form-panel">
          <div className="panel-header">
            <h2>{form.kind === 'create' ? 'New account' : `Edit ${form.row.name}`}</h2>
          </div>
          <AccountForm
            mode={form.kind}
            accounts={names}
            initial={
              form.kind === 'update' && form.row.spec
                ? { name: form.row.name, spec: form.row.spec }
                : undefined
            }
            onCancel={() => setForm(null)}
            onSubmit={(name, spec) =>
              setPending({
                title: form.kind === 'create' ? `Create account ${name}` : `Update account ${name}`,
                applyLabel: form.kind === 'create' ? 'Create account' : 'Apply changes',
                description:
                  'The monitor signs the account JWT with the operator key and pushes it to the server ($SYS.REQ.CLAIMS.UPDATE).',
                request: accountChanges.account(targetId, name, form.kind, spec),
              })
            }
          />
        </section>
      ) : null}
      {form?.kind === 'user' ? (
        <UserForm
          key={form.user?.name ?? '(new)'}
          account={form.account}
          initial={form.user ? { name: form.user.name, spec: form.user.spec } : undefined}
          onCancel={() => setForm(null)}
          onSubmit={(name, spec) =>
            setPending(
              form.user
                ? {
                    title: `Change permissions of ${form.account}/${name}`,
                    applyLabel: 'Apply changes',
                    description:
                      'The account key re-signs the user JWT. Credentials downloaded before keep the old permissions.',
                    request: accountChanges.updateUser(targetId, form.account, name, spec),
                  }
                : {
                    title: `Create user ${name} in ${form.account}`,
                    applyLabel: 'Create user',
                    description: 'The account key signs the user JWT; download its .creds afterwards.',
                    request: accountChanges.createUser(targetId, form.account, name, spec),
                  },
            )
          }
        />
      ) : null}
      {form?.kind === 'snippet' ? (
        <SnippetPanel targetId={targetId} accounts={names} onClose={() => setForm(null)} />
      ) : null}

      {rows.length === 0 ? (
        <EmptyState title="No accounts">
          {operatorMode
            ? 'Create the first account.'
            : (data.configuredError ?? 'The server reports no accounts.')}
        </EmptyState>
      ) : (
        <div className="acc-grid">
          <AccountsTable rows={rows} selected={selected} onSelect={setSelected} />
          <section className="panel">
            <div className="panel-header">
              <h2>Exports and imports</h2>
            </div>
            <AccountGraph rows={rows} selected={selected} onSelect={setSelected} />
          </section>
        </div>
      )}

      {current ? (
        <AccountDetail
          row={current}
          targetId={targetId}
          canEdit={operatorMode && isAdmin && current.managed && !current.system}
          isAdmin={isAdmin}
          onEdit={() => setForm({ kind: 'update', row: current })}
          onAddUser={() => setForm({ kind: 'user', account: current.name })}
          onEditUser={(user) => setForm({ kind: 'user', account: current.name, user })}
          onRevoke={(user) =>
            setPending({
              title: `Revoke ${current.name}/${user}`,
              applyLabel: 'Revoke user',
              description: 'The account JWT gets a revocation for this user and is pushed to the server.',
              request: accountChanges.revokeUser(targetId, current.name, user),
            })
          }
        />
      ) : rows.length ? (
        <p className="muted">Select an account to see its users, limits, exports and imports.</p>
      ) : null}

      {pending ? (
        <ChangeDialog
          title={pending.title}
          description={pending.description}
          request={pending.request}
          applyLabel={pending.applyLabel}
          onClose={() => setPending(null)}
          onApplied={() => setForm(null)}
        />
      ) : null}
    </div>
  );
}

function ModeBanner({ data, isAdmin }: { data: TargetAccountsResponse; isAdmin: boolean }) {
  if (data.mode === 'operator' && data.operator) {
    const op = data.operator;
    return (
      <div className="notice acc-banner" data-testid="accounts-mode-operator">
        <span>
          Operator mode: accounts are signed with operator <strong>{op.name}</strong>{' '}
          <code className="mono acc-key" title={op.publicKey}>
            {shortKey(op.publicKey)}
          </code>{' '}
          held by the monitor.
        </span>
        {isAdmin ? (
          <span className="acc-links">
            <a
              href={apiUrl(`operator/${encodeURIComponent(op.id)}/server-config`)}
              download={`${op.name}.conf`}
            >
              Server config
            </a>
            <a
              href={apiUrl(`operator/${encodeURIComponent(op.id)}/system-creds`)}
              download={`${op.name}-sys.creds`}
            >
              System user .creds
            </a>
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <div className="notice acc-banner" data-testid="accounts-mode-config">
      <span>
        Configured by file: this view is read-only. Generate a config snippet for a change, or run the server
        in operator mode under an operator the monitor holds.
      </span>
    </div>
  );
}

function OperatorSetup({ targetId, onChange }: { targetId: string; onChange: (c: PendingChange) => void }) {
  const operators = useOperators();
  const [name, setName] = useState('');
  return (
    <section className="panel" data-testid="operator-setup">
      <div className="panel-header">
        <h2>Operator mode</h2>
        <span className="muted">Manage this target's accounts with keys the monitor holds (encrypted).</span>
      </div>
      {operators.isPending ? (
        <LoadingState label="Loading operators…" />
      ) : operators.error ? (
        <ErrorBox error={operators.error} />
      ) : (
        <ul className="acc-operators">
          {operators.data.operators.map((op) => (
            <li key={op.id} data-testid="operator-item" data-name={op.name}>
              <strong>{op.name}</strong>{' '}
              <code className="mono acc-key" title={op.publicKey}>
                {shortKey(op.publicKey)}
              </code>
              <a
                href={apiUrl(`operator/${encodeURIComponent(op.id)}/server-config`)}
                download={`${op.name}.conf`}
              >
                Server config
              </a>
              <a
                href={apiUrl(`operator/${encodeURIComponent(op.id)}/system-creds`)}
                download={`${op.name}-sys.creds`}
              >
                System user .creds
              </a>
              <button
                type="button"
                className="btn btn-small"
                data-testid="operator-bind"
                onClick={() =>
                  onChange({
                    title: `Manage this target with operator ${op.name}`,
                    applyLabel: 'Use this operator',
                    description:
                      'The target must trust this operator: start it with the configuration from "Server config". Account JWTs are pushed as the operator\'s system user.',
                    request: accountChanges.bind(targetId, op.id),
                  })
                }
              >
                Manage this target
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="acc-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          onChange({
            title: `Create operator ${name}`,
            applyLabel: 'Create operator',
            description:
              'Creates operator, system account and system user keys, stored encrypted by the monitor.',
            request: accountChanges.createOperator(name.trim()),
          });
        }}
      >
        <input
          className="input mono"
          aria-label="New operator name"
          placeholder="operator name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="operator-name"
        />
        <button type="submit" className="btn" data-testid="operator-create">
          Create operator
        </button>
      </form>
    </section>
  );
}

function AccountsTable({
  rows,
  selected,
  onSelect,
}: {
  rows: AccountRow[];
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="accounts-table">
        <thead>
          <tr>
            <th>Account</th>
            <th>Users</th>
            <th>Connections</th>
            <th>Subscriptions</th>
            <th>JetStream storage</th>
            <th title="Exports / imports">Exp. / imp.</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              className={`acc-tr${selected === r.name ? ' selected' : ''}`}
              onClick={() => onSelect(r.name)}
              data-testid="account-row"
              data-name={r.name}
            >
              <td>
                <button
                  type="button"
                  className="acc-link-button"
                  onClick={() => onSelect(r.name)}
                  data-testid="account-open"
                >
                  {r.name}
                </button>
                {r.system ? <span className="pill pill-unknown acc-pill">system</span> : null}
              </td>
              <td>{r.managed ? r.users.filter((u) => !u.revoked).length : '—'}</td>
              <td>
                {fmt(r.connections)}
                {r.limits && r.limits.connections >= 0 ? (
                  <span className="muted"> / {r.limits.connections}</span>
                ) : null}
              </td>
              <td>{fmt(r.subscriptions)}</td>
              <td>
                <UsageBar used={r.jetstream?.storage ?? null} limit={r.limits?.diskStorage ?? null} bytes />
              </td>
              <td>
                {r.exports.length} / {r.imports.length}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AccountDetail({
  row,
  targetId,
  canEdit,
  isAdmin,
  onEdit,
  onAddUser,
  onEditUser,
  onRevoke,
}: {
  row: AccountRow;
  targetId: string;
  canEdit: boolean;
  isAdmin: boolean;
  onEdit: () => void;
  onAddUser: () => void;
  onEditUser: (user: ManagedUser) => void;
  onRevoke: (user: string) => void;
}) {
  const l = row.limits;
  const js = row.jetstream;
  return (
    <section className="panel" data-testid="account-detail" data-name={row.name}>
      <div className="panel-header">
        <h2>{row.name}</h2>
        {row.id !== row.name ? (
          <code className="mono acc-key" title={row.id}>
            {row.id}
          </code>
        ) : null}
        {canEdit ? (
          <span className="acc-links">
            <button type="button" className="btn btn-small" onClick={onEdit} data-testid="account-edit">
              Edit limits, exports, imports
            </button>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={onAddUser}
              data-testid="user-new"
            >
              Add user
            </button>
          </span>
        ) : null}
      </div>
      <div className="acc-detail-grid">
        <div>
          <h3>Usage against limits</h3>
          <dl className="acc-dl">
            <dt>Connections</dt>
            <dd>
              <UsageBar used={row.connections} limit={l?.connections ?? null} />
            </dd>
            <dt>Subscriptions</dt>
            <dd>
              <UsageBar used={row.subscriptions} limit={l?.subscriptions ?? null} />
            </dd>
            <dt>JetStream memory</dt>
            <dd>
              <UsageBar used={js?.memory ?? null} limit={l?.memStorage ?? null} bytes />
            </dd>
            <dt>JetStream storage</dt>
            <dd>
              <UsageBar used={js?.storage ?? null} limit={l?.diskStorage ?? null} bytes />
            </dd>
            <dt>Streams</dt>
            <dd>
              <UsageBar used={js?.streams ?? null} limit={l?.streams ?? null} />
            </dd>
            <dt>Consumers</dt>
            <dd>
              <UsageBar used={js?.consumers ?? null} limit={l?.consumers ?? null} />
            </dd>
          </dl>
        </div>
        <div>
          <h3>Exports</h3>
          {row.exports.length ? (
            <ul className="acc-list" data-testid="account-exports">
              {row.exports.map((e) => (
                <li key={`${e.type}:${e.subject}`}>
                  <span className="pill pill-unknown acc-pill">{e.type}</span>{' '}
                  <code className="mono">{e.subject}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None</p>
          )}
          <h3>Imports</h3>
          {row.imports.length ? (
            <ul className="acc-list" data-testid="account-imports">
              {row.imports.map((i) => (
                <li key={`${i.account}:${i.type}:${i.subject}`}>
                  <span className="pill pill-unknown acc-pill">{i.type}</span>{' '}
                  <code className="mono">{i.subject}</code> from <strong>{i.account}</strong>
                  {i.localSubject && i.localSubject !== i.subject ? (
                    <>
                      {' '}
                      as <code className="mono">{i.localSubject}</code>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None</p>
          )}
        </div>
      </div>
      {row.managed ? (
        <>
          <h3>Users</h3>
          {row.users.length === 0 ? (
            <EmptyState title="No users yet">
              {canEdit ? 'Add a user to connect to this account.' : null}
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table table-compact" data-testid="users-table">
                <thead>
                  <tr>
                    <th>User</th>
                    <th>Public key</th>
                    <th>Permissions</th>
                    <th>Status</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {row.users.map((u) => (
                    <tr key={u.publicKey} data-testid="user-row" data-name={u.name} data-revoked={u.revoked}>
                      <td className="mono">{u.name}</td>
                      <td>
                        <code className="mono acc-key" title={u.publicKey}>
                          {shortKey(u.publicKey)}
                        </code>
                      </td>
                      <td className="mono acc-perms">{permText(u.spec.permissions)}</td>
                      <td>
                        {u.revoked ? (
                          <span className="pill pill-down">revoked</span>
                        ) : (
                          <span className="pill pill-up">active</span>
                        )}
                      </td>
                      <td className="acc-actions">
                        {isAdmin && !u.revoked && !row.system ? (
                          <a
                            className="btn btn-small"
                            href={apiUrl(
                              `targets/${encodeURIComponent(targetId)}/accounts/${encodeURIComponent(row.name)}/users/${encodeURIComponent(u.name)}/creds`,
                            )}
                            download={`${row.name}-${u.name}.creds`}
                            data-testid="user-creds"
                          >
                            Download .creds
                          </a>
                        ) : null}
                        {canEdit && !u.revoked ? (
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() => onEditUser(u)}
                            data-testid="user-edit"
                          >
                            Permissions
                          </button>
                        ) : null}
                        {canEdit && !u.revoked ? (
                          <button
                            type="button"
                            className="btn btn-small btn-danger-ghost"
                            onClick={() => onRevoke(u.name)}
                            data-testid="user-revoke"
                          >
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : (
        <p className="muted">Users of file-configured accounts live in the server's config file.</p>
      )}
    </section>
  );
}

function SnippetPanel({
  targetId,
  accounts,
  onClose,
}: {
  targetId: string;
  accounts: string[];
  onClose: () => void;
}) {
  const snippet = useConfigSnippet(targetId);
  const [users, setUsers] = useState('');
  return (
    <section className="panel" data-testid="snippet-panel">
      <div className="panel-header">
        <h2>Config snippet</h2>
        <span className="muted">
          Nothing is changed on the server: merge the snippet into its config file and reload it.
        </span>
      </div>
      <label className="field">
        <span className="field-label">Users (comma separated; passwords are left for you to set)</span>
        <input
          className="input mono"
          value={users}
          onChange={(e) => setUsers(e.target.value)}
          data-testid="snippet-users"
        />
      </label>
      <AccountForm
        mode="snippet"
        accounts={accounts}
        onCancel={onClose}
        onSubmit={(account: string, spec: AccountSpec) =>
          snippet.mutate({
            account,
            spec,
            users: users
              .split(',')
              .map((u) => u.trim())
              .filter(Boolean)
              .map((user) => ({ user })),
          })
        }
      />
      {snippet.isPending ? <LoadingState label="Generating…" /> : null}
      {snippet.error ? <ErrorBox error={snippet.error} /> : null}
      {snippet.data ? (
        <div className="acc-snippet">
          <pre className="mono" data-testid="config-snippet">
            {snippet.data.snippet}
          </pre>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void navigator.clipboard?.writeText(snippet.data.snippet)}
          >
            Copy
          </button>
        </div>
      ) : null}
    </section>
  );
}

function UsageBar({ used, limit, bytes }: { used: number | null; limit: number | null; bytes?: boolean }) {
  const f = (n: number) => (bytes ? formatBytes(n) : formatNumber(n));
  const pct = usagePercent(used, limit);
  const label =
    used === null
      ? '—'
      : limit === null || limit < 0
        ? `${f(used)} (no limit)`
        : limit === 0 && used === 0
          ? 'disabled'
          : `${f(used)} of ${f(limit)}`;
  return (
    <span className="acc-usage" data-testid="usage-bar" data-percent={pct ?? ''}>
      {pct !== null ? (
        <span className="acc-usage-track" aria-hidden="true">
          <span className={`acc-usage-fill${pct >= 90 ? ' high' : ''}`} style={{ width: `${pct}%` }} />
        </span>
      ) : null}
      <span>{label}</span>
    </span>
  );
}

const fmt = (n: number | null) => (n === null ? '—' : formatNumber(n));
const shortKey = (k: string) => (k.length > 16 ? `${k.slice(0, 8)}…${k.slice(-6)}` : k);

function permText(
  p: { pub?: { allow?: string[]; deny?: string[] }; sub?: { allow?: string[]; deny?: string[] } } | undefined,
): string {
  if (!p) return 'account default';
  const part = (label: string, s?: { allow?: string[]; deny?: string[] }) =>
    s
      ? [
          s.allow?.length ? `${label} ${s.allow.join(' ')}` : '',
          s.deny?.length ? `${label} ¬${s.deny.join(' ¬')}` : '',
        ]
      : [];
  const out = [...part('pub', p.pub), ...part('sub', p.sub)].filter(Boolean);
  return out.length ? out.join(' · ') : 'account default';
}
