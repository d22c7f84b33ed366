'use client';

import { useEffect, useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatAgo } from '@/lib/format';
import { useServers } from '@/queries/servers';
import { AddTargetForm } from './AddTargetForm';
import { RemoveTargetDialog } from './RemoveTargetDialog';
import { ServersTable } from './ServersTable';

/** The home page: every monitored server, adding and removing targets. */
export function ServersPage() {
  const servers = useServers();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const now = useNow();

  const list = servers.data?.servers ?? [];
  const up = list.filter((s) => s.status === 'up').length;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Servers</h1>
          <p className="page-sub">
            {servers.data ? (
              <>
                {list.length} {list.length === 1 ? 'server' : 'servers'} · {up} up
                <span className="dot-sep">·</span>
                <span className={servers.isFetching ? 'live live-fetching' : 'live'}>
                  updated {formatAgo(new Date(servers.dataUpdatedAt).toISOString(), now)}
                </span>
              </>
            ) : (
              'Every NATS server Tern monitors.'
            )}
          </p>
        </div>
        {!adding ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setAdding(true);
              setNotice(null);
            }}
            data-testid="add-target-open"
          >
            Add target
          </button>
        ) : null}
      </div>

      {notice ? (
        <div className="notice" role="status" data-testid="notice">
          {notice}
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => setNotice(null)}
            aria-label="Dismiss"
          >
            ✕
          </button>
        </div>
      ) : null}

      {adding ? (
        <AddTargetForm
          onCancel={() => setAdding(false)}
          onDone={(t) => {
            setAdding(false);
            setNotice(`Target “${t.name}” added.`);
          }}
        />
      ) : null}

      {servers.isPending ? (
        <LoadingState label="Loading servers…" />
      ) : servers.isError && !servers.data ? (
        <ErrorState title="Could not load servers" error={servers.error} onRetry={() => servers.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No servers yet">Add a target to start monitoring a NATS server.</EmptyState>
      ) : (
        <>
          {servers.isError ? <InlineError error={servers.error} testId="servers-refresh-error" /> : null}
          <ServersTable servers={list} now={now} onRemove={setRemoving} />
        </>
      )}

      {removing ? (
        <RemoveTargetDialog
          target={removing}
          onClose={() => setRemoving(null)}
          onRemoved={(name) => {
            setRemoving(null);
            setNotice(`Target “${name}” removed.`);
          }}
        />
      ) : null}
    </div>
  );
}

/** The current time, ticking every second, for "updated 3s ago" labels. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
