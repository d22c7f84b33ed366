'use client';

import type { StreamDetail } from '@tern/contracts';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime, formatNumber } from '@/lib/format';
import type { JsonObject } from '@/lib/streamForm';
import { changes, jsKeys, useCapabilities, useStreams } from '@/queries/jetstream';
import { ChangeDialog } from './ChangeDialog';
import { ErrorBox } from './ErrorBox';
import { ManageHeader } from './ManageHeader';
import { StreamDetailView } from './StreamDetailView';
import { StreamForm } from './StreamForm';
import { SelectedTargetGate, useSelectedTarget } from './TargetPicker';
import { useRole } from './useRole';

/** /manage/streams: the streams of one target; `?stream=<name>` opens one. */
export function StreamsPage() {
  const params = useSearchParams();
  const streamName = params.get('stream');
  const sel = useSelectedTarget();
  const { canOperate } = useRole();
  return (
    <div className="page" data-testid="streams-page">
      <ManageHeader
        title="Streams"
        sub={
          canOperate
            ? 'Create, edit, purge, seal and delete JetStream streams. Every change is previewed and audited.'
            : 'JetStream streams and their consumers. Your role can view them; operators can change them.'
        }
        sel={sel}
      />
      <SelectedTargetGate sel={sel} emptyHint=" with JetStream enabled to manage its streams.">
        {(targetId) =>
          streamName ? (
            <StreamDetailView targetId={targetId} stream={streamName} />
          ) : (
            <StreamList targetId={targetId} />
          )
        }
      </SelectedTargetGate>
    </div>
  );
}

function StreamList({ targetId }: { targetId: string }) {
  const streams = useStreams(targetId);
  const caps = useCapabilities(targetId);
  const { canOperate } = useRole();
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<
    { kind: 'create'; config: JsonObject } | { kind: 'delete'; name: string } | null
  >(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = streams.data?.streams ?? [];

  return (
    <>
      <div className="toolbar">
        <span className="muted" data-testid="streams-count">
          {streams.data ? `${list.length} ${list.length === 1 ? 'stream' : 'streams'}` : ''}
        </span>
        <div className="topbar-spacer" />
        {canOperate && !creating ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setCreating(true);
              setNotice(null);
            }}
            data-testid="stream-create-open"
          >
            Create stream
          </button>
        ) : null}
      </div>
      {notice ? (
        <div className="notice" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      {creating ? (
        <StreamForm
          capabilities={caps.data}
          submitLabel="Preview create"
          onCancel={() => setCreating(false)}
          onSubmit={(config) => setPending({ kind: 'create', config })}
        />
      ) : null}

      {streams.isPending ? (
        <LoadingState label="Loading streams…" />
      ) : streams.isError && !streams.data ? (
        <ErrorState title="Could not load streams" error={streams.error} onRetry={() => streams.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No streams on this target">
          {canOperate ? 'Create one with the button above.' : 'An operator can create one.'}
        </EmptyState>
      ) : (
        <>
          {streams.isError ? <ErrorBox error={streams.error} /> : null}
          <StreamsTable
            targetId={targetId}
            streams={list}
            canOperate={canOperate}
            onDelete={(name) => setPending({ kind: 'delete', name })}
          />
        </>
      )}

      {pending?.kind === 'create' ? (
        <ChangeDialog
          title={`Create stream ${String(pending.config.name)}`}
          request={{
            path: changes.stream(targetId, String(pending.config.name), 'create'),
            body: { config: pending.config },
            invalidate: [jsKeys.target(targetId)],
          }}
          applyLabel="Create stream"
          onClose={() => setPending(null)}
          onApplied={(r) => {
            setCreating(false);
            setNotice(`Stream “${r.objectId}” created.`);
          }}
        />
      ) : null}
      {pending?.kind === 'delete' ? (
        <ChangeDialog
          title={`Delete stream ${pending.name}`}
          description="The stream, its messages and its consumers are deleted."
          request={{
            path: changes.stream(targetId, pending.name, 'delete'),
            body: {},
            invalidate: [jsKeys.target(targetId)],
          }}
          applyLabel="Delete stream"
          onClose={() => setPending(null)}
          onApplied={(r) => setNotice(`Stream “${r.objectId}” deleted.`)}
        />
      ) : null}
    </>
  );
}

function streamKind(name: string): string | null {
  if (name.startsWith('KV_')) return 'KV';
  if (name.startsWith('OBJ_')) return 'object store';
  return null;
}

function StreamsTable({
  targetId,
  streams,
  canOperate,
  onDelete,
}: {
  targetId: string;
  streams: StreamDetail[];
  canOperate: boolean;
  onDelete: (name: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="streams-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Subjects</th>
            <th>Storage</th>
            <th>Retention</th>
            <th className="num">Messages</th>
            <th className="num">Bytes</th>
            <th className="num">Consumers</th>
            <th>Created</th>
            {canOperate ? <th aria-label="Actions" /> : null}
          </tr>
        </thead>
        <tbody>
          {streams.map((s) => {
            const name = s.config.name;
            const href = `/manage/streams?target=${encodeURIComponent(targetId)}&stream=${encodeURIComponent(name)}`;
            const kind = streamKind(name);
            return (
              <tr key={name} data-testid="stream-row" data-stream={name}>
                <td>
                  <div className="cell-title">
                    <Link href={href} data-testid="stream-link">
                      {name}
                    </Link>
                    {kind ? <span className="tag">{kind}</span> : null}
                    {s.config.sealed ? <span className="tag">sealed</span> : null}
                    {s.config.mirror ? <span className="tag">mirror</span> : null}
                  </div>
                  {s.config.description ? <div className="cell-sub">{s.config.description}</div> : null}
                </td>
                <td className="mono cell-wrap">{(s.config.subjects ?? []).join(', ') || '—'}</td>
                <td>{s.config.storage ?? 'file'}</td>
                <td>{s.config.retention ?? 'limits'}</td>
                <td className="num">{formatNumber(s.state.messages)}</td>
                <td className="num">{formatBytes(s.state.bytes)}</td>
                <td className="num">{formatNumber(s.state.consumer_count)}</td>
                <td className="nowrap">{formatDateTime(s.created)}</td>
                {canOperate ? (
                  <td className="actions">
                    <Link className="btn btn-small" href={`${href}&edit=1`} data-testid="stream-edit">
                      Edit
                    </Link>
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      onClick={() => onDelete(name)}
                      data-testid="stream-delete"
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
