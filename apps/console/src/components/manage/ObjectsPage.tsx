'use client';

import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime, formatNumber } from '@/lib/format';
import { jsKeys } from '@/queries/jetstream';
import { objectChanges, objectDownloadUrl, useObjectStores, useObjects } from '@/queries/objects';
import { ChangeDialog, type PendingChange } from './ChangeDialog';
import { ManageHeader } from './ManageHeader';
import { SelectedTargetGate, useSelectedTarget } from './TargetPicker';
import { useRole } from './useRole';

/** /manage/objects: object stores and their objects; download and delete. */
export function ObjectsPage() {
  const sel = useSelectedTarget();
  return (
    <div className="page" data-testid="objects-page">
      <ManageHeader
        title="Object stores"
        sub="Browse, download and delete objects. Deletes are previewed and audited."
        sel={sel}
      />
      <SelectedTargetGate sel={sel} emptyHint=" with JetStream enabled.">
        {(targetId) => <ObjectBrowser key={targetId} targetId={targetId} />}
      </SelectedTargetGate>
    </div>
  );
}

function ObjectBrowser({ targetId }: { targetId: string }) {
  const stores = useObjectStores(targetId);
  const { canOperate } = useRole();
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const list = stores.data?.buckets ?? [];
  const store = list.find((b) => b.bucket === selected) ?? list[0] ?? null;
  const objects = useObjects(targetId, store?.bucket ?? null);
  const inv = [jsKeys.target(targetId)];
  const objList = objects.data?.objects ?? [];

  if (stores.isPending) return <LoadingState label="Loading object stores…" />;
  if (stores.isError && !stores.data) {
    return (
      <ErrorState
        title="Could not load object stores"
        error={stores.error}
        onRetry={() => stores.refetch()}
      />
    );
  }
  if (list.length === 0) {
    return (
      <EmptyState title="No object stores on this target">
        Applications create them with the NATS object store API.
      </EmptyState>
    );
  }
  return (
    <div className="split">
      <div className="panel list-panel">
        <div className="panel-header">
          <h2>Stores</h2>
        </div>
        <ul className="pick-list" data-testid="object-stores">
          {list.map((b) => (
            <li key={b.bucket}>
              <button
                type="button"
                className={`pick-item${store?.bucket === b.bucket ? ' active' : ''}`}
                onClick={() => setSelected(b.bucket)}
                data-testid="object-store"
                data-bucket={b.bucket}
              >
                <span className="mono truncate">{b.bucket}</span>
                <span className="muted">{formatBytes(b.size)}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      {store ? (
        <div className="section" data-testid="object-store-view" data-bucket={store.bucket}>
          <div className="panel">
            <div className="panel-header">
              <h2 className="mono">{store.bucket}</h2>
              {store.sealed ? <span className="tag">sealed</span> : null}
              {store.description ? <span className="muted">{store.description}</span> : null}
              <div className="topbar-spacer" />
              {canOperate ? (
                <button
                  type="button"
                  className="btn btn-small btn-danger-ghost"
                  onClick={() =>
                    setPending({
                      title: `Delete object store ${store.bucket}`,
                      description: 'The store and every object in it are deleted.',
                      applyLabel: 'Delete store',
                      request: {
                        path: objectChanges.store(targetId, store.bucket),
                        body: {},
                        invalidate: inv,
                      },
                      after: () => setSelected(null),
                    })
                  }
                  data-testid="object-store-delete"
                >
                  Delete store
                </button>
              ) : null}
            </div>
            <dl className="meta">
              <div>
                <dt>Size</dt>
                <dd>{formatBytes(store.size)}</dd>
              </div>
              <div>
                <dt>Storage</dt>
                <dd>{store.storage}</dd>
              </div>
              <div>
                <dt>Stream</dt>
                <dd className="mono">{store.stream}</dd>
              </div>
            </dl>
          </div>
          {objects.isPending ? (
            <LoadingState label="Loading objects…" />
          ) : objects.isError && !objects.data ? (
            <ErrorState
              title="Could not list objects"
              error={objects.error}
              onRetry={() => objects.refetch()}
            />
          ) : objList.length === 0 ? (
            <EmptyState title="This store is empty" />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="objects-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th className="num">Size</th>
                    <th className="num">Chunks</th>
                    <th>Modified</th>
                    <th>Digest</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {objList.map((o) => (
                    <tr key={o.name} data-testid="object-row" data-name={o.name}>
                      <td>
                        <div className="cell-title mono">{o.name}</div>
                        {o.description ? <div className="cell-sub">{o.description}</div> : null}
                      </td>
                      <td className="num">{formatBytes(o.size)}</td>
                      <td className="num">{formatNumber(o.chunks)}</td>
                      <td className="nowrap">{formatDateTime(o.mtime)}</td>
                      <td className="mono truncate cell-wrap" title={o.digest}>
                        {o.digest}
                      </td>
                      <td className="actions">
                        <a
                          className="btn btn-small"
                          href={objectDownloadUrl(targetId, store.bucket, o.name)}
                          download={o.name.split('/').pop()}
                          data-testid="object-download"
                        >
                          Download
                        </a>
                        {canOperate ? (
                          <button
                            type="button"
                            className="btn btn-small btn-danger-ghost"
                            onClick={() =>
                              setPending({
                                title: `Delete ${store.bucket}/${o.name}`,
                                applyLabel: 'Delete object',
                                request: {
                                  path: objectChanges.object(targetId, store.bucket, o.name),
                                  body: {},
                                  invalidate: inv,
                                },
                              })
                            }
                            data-testid="object-delete"
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
        </div>
      ) : null}
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
    </div>
  );
}
