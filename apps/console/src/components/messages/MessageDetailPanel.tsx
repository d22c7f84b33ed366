'use client';

import { useState } from 'react';
import { ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime } from '@/lib/format';
import { payloadUrl, useDeleteMessage, useMessageDetail } from '@/queries/messages';
import { HeadersTable, PayloadViewer } from './PayloadViewer';

/** One message: metadata, headers, the payload in the chosen view, download and delete. */
export function MessageDetailPanel({
  targetId,
  stream,
  seq,
  canOperate,
  onClose,
}: {
  targetId: string;
  stream: string;
  seq: number;
  canOperate: boolean;
  onClose: () => void;
}) {
  const detail = useMessageDetail(targetId, stream, seq);
  const del = useDeleteMessage(targetId, stream);
  const [confirming, setConfirming] = useState(false);
  const [erase, setErase] = useState(false);

  return (
    <aside className="panel msg-detail" data-testid="message-detail" aria-label={`Message ${seq}`}>
      <div className="panel-header">
        <h2>Message #{seq}</h2>
        <div className="topbar-spacer" />
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={onClose}
          data-testid="message-detail-close"
        >
          Close
        </button>
      </div>
      {detail.isPending ? (
        <LoadingState label="Loading message…" />
      ) : detail.isError ? (
        <ErrorState
          error={detail.error}
          onRetry={() => detail.refetch()}
          title="Could not load this message"
        />
      ) : (
        <>
          <dl className="meta">
            <div>
              <dt>Subject</dt>
              <dd className="mono" data-testid="message-detail-subject">
                {detail.data.subject}
              </dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>{formatDateTime(detail.data.time)}</dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>
                {formatBytes(detail.data.size)} ({detail.data.payloadSize.toLocaleString()} B payload)
              </dd>
            </div>
          </dl>
          <h3 className="msg-subhead">Headers ({detail.data.headers.length})</h3>
          <HeadersTable headers={detail.data.headers} />
          <h3 className="msg-subhead">Payload</h3>
          {detail.data.truncated ? (
            <div className="notice" data-testid="payload-truncated">
              Showing the first {formatBytes(Math.floor((detail.data.payload.length * 3) / 4))} of{' '}
              {formatBytes(detail.data.payloadSize)}.{' '}
              <a href={payloadUrl(targetId, stream, seq)} download>
                Download the whole payload
              </a>
            </div>
          ) : null}
          <PayloadViewer payload={detail.data.payload} kind={detail.data.kind} />
          <div className="form-actions msg-detail-actions">
            <a
              className="btn btn-small"
              href={payloadUrl(targetId, stream, seq)}
              download
              data-testid="payload-download"
            >
              Download payload
            </a>
            {canOperate ? (
              confirming ? (
                <>
                  <label className="checkbox">
                    <input type="checkbox" checked={erase} onChange={(e) => setErase(e.target.checked)} />
                    Erase (overwrite stored bytes)
                  </label>
                  <button
                    type="button"
                    className="btn btn-danger btn-small"
                    disabled={del.isPending}
                    onClick={() => del.mutate({ seq, erase }, { onSuccess: onClose })}
                    data-testid="message-delete-confirm"
                  >
                    {del.isPending ? 'Deleting…' : `Delete #${seq}`}
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => setConfirming(false)}
                  >
                    Keep it
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="btn btn-danger-ghost btn-small"
                  onClick={() => setConfirming(true)}
                  data-testid="message-delete"
                >
                  Delete…
                </button>
              )
            ) : null}
          </div>
          {del.isError ? <InlineError error={del.error} /> : null}
        </>
      )}
    </aside>
  );
}
