'use client';

import { useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatBytes, formatDateTime } from '@/lib/format';
import { type BrowseParams, useMessagePage, usePurge } from '@/queries/messages';
import { MessageDetailPanel } from './MessageDetailPanel';
import { localToIso, matchesSearch, parseSeq } from './payloadView';
import { MessagesTabs, StreamSelect, TargetSelect, useCanOperate, useMessagesSelection } from './selection';

const PAGE_SIZES = [25, 50, 100, 200];

/** The message browser: pages of a stream read without consuming, filters, jumps and in-page search. */
export function BrowserPage() {
  const sel = useMessagesSelection();
  const canOperate = useCanOperate();
  const [limit, setLimit] = useState(50);
  const [cursor, setCursor] = useState<Pick<BrowseParams, 'seq' | 'time' | 'direction'>>({
    direction: 'backward',
  });
  const [subjectInput, setSubjectInput] = useState('');
  const [subject, setSubject] = useState('');
  const [jumpSeq, setJumpSeq] = useState('');
  const [jumpTime, setJumpTime] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [purging, setPurging] = useState(false);
  const streamName = sel.stream?.name ?? null;
  const query: BrowseParams = { ...cursor, limit, ...(subject ? { subject } : {}) };
  const page = useMessagePage(sel.targetId, streamName, query);
  const purge = usePurge(sel.targetId ?? '', streamName ?? '');

  const reset = () => {
    setCursor({ direction: 'backward' });
    setSelected(null);
  };
  const rows = page.data?.messages ?? [];
  const shown = rows.filter((m) => matchesSearch(search, m.subject, m.preview, String(m.seq)));

  let body: React.ReactNode;
  if (sel.targets.isPending || (sel.targetId && sel.streams.isPending))
    body = <LoadingState label="Loading streams…" />;
  else if (sel.targets.isError)
    body = <ErrorState error={sel.targets.error} onRetry={() => sel.targets.refetch()} />;
  else if (!sel.targetId)
    body = <EmptyState title="No targets yet">Add a NATS server on the Servers page.</EmptyState>;
  else if (sel.streams.isError)
    body = (
      <ErrorState
        title="Could not list this target's streams"
        error={sel.streams.error}
        onRetry={() => sel.streams.refetch()}
      />
    );
  else if (sel.streamList.length === 0)
    body = (
      <EmptyState title="No streams on this target">
        Create a stream to store messages, then browse them here.
      </EmptyState>
    );
  else if (sel.missingStream)
    body = (
      <EmptyState title={`Stream ${sel.missingStream} does not exist`}>
        Choose another stream above.
      </EmptyState>
    );
  else if (page.isPending) body = <LoadingState label="Reading messages…" />;
  else if (page.isError)
    body = <ErrorState error={page.error} onRetry={() => page.refetch()} title="Could not read messages" />;
  else if (rows.length === 0)
    body = (
      <EmptyState title={subject ? `No messages on ${subject} here` : 'No messages in this range'}>
        {subject ? 'Try another filter, or clear it.' : 'The stream is empty or the range holds no messages.'}
      </EmptyState>
    );
  else
    body = (
      <div className="msg-layout">
        <div className="table-wrap msg-table-wrap">
          <table className="table msg-table" data-testid="messages-table">
            <thead>
              <tr>
                <th className="num">Seq</th>
                <th>Time</th>
                <th>Subject</th>
                <th className="num">Size</th>
                <th>Payload</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => (
                <tr
                  key={m.seq}
                  className={`msg-row${selected === m.seq ? ' selected' : ''}`}
                  onClick={() => setSelected(m.seq)}
                  data-testid="message-row"
                  data-seq={m.seq}
                  data-subject={m.subject}
                  aria-selected={selected === m.seq}
                >
                  <td className="num mono">
                    <button type="button" className="link-button" onClick={() => setSelected(m.seq)}>
                      {m.seq}
                    </button>
                  </td>
                  <td className="nowrap">{formatDateTime(m.time)}</td>
                  <td className="mono">{m.subject}</td>
                  <td className="num nowrap">{formatBytes(m.size)}</td>
                  <td className="mono msg-preview">
                    <span className={`tag msg-kind-${m.kind}`}>{m.kind}</span>
                    {m.preview.slice(0, 160)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 ? (
            <p className="muted msg-pad">No message on this page contains “{search}”.</p>
          ) : null}
          <div className="table-footer msg-pager">
            <span className="muted" data-testid="messages-range">
              {rows[0]?.seq}–{rows.at(-1)?.seq} of {page.data?.firstSeq}–{page.data?.lastSeq}
              {search ? ` · ${shown.length} match “${search}”` : ''}
            </span>
            <div className="topbar-spacer" />
            <button
              type="button"
              className="btn btn-small"
              disabled={page.data?.olderSeq == null}
              onClick={() => setCursor({ seq: page.data?.olderSeq ?? undefined, direction: 'backward' })}
              data-testid="messages-older"
            >
              ← Older
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={page.data?.newerSeq == null}
              onClick={() => setCursor({ seq: page.data?.newerSeq ?? undefined, direction: 'forward' })}
              data-testid="messages-newer"
            >
              Newer →
            </button>
          </div>
        </div>
        {selected !== null && sel.targetId && streamName ? (
          <MessageDetailPanel
            key={selected}
            targetId={sel.targetId}
            stream={streamName}
            seq={selected}
            canOperate={canOperate}
            onClose={() => setSelected(null)}
          />
        ) : null}
      </div>
    );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Messages</h1>
          <p className="page-sub">
            Read stored messages without consuming them: nothing is acked and no consumer is created.
          </p>
        </div>
      </div>
      <MessagesTabs />
      <div className="panel msg-controls">
        <div className="toolbar">
          <TargetSelect
            targets={sel.targets.data?.targets ?? []}
            value={sel.targetId}
            onChange={(id) => {
              reset();
              sel.selectTarget(id);
            }}
          />
          <StreamSelect
            streams={sel.streamList}
            value={streamName}
            onChange={(s) => {
              reset();
              sel.selectStream(s);
            }}
          />
          <label className="field field-inline">
            <span className="field-label">Per page</span>
            <select
              className="input msg-narrow"
              value={limit}
              onChange={(e) => setLimit(Number(e.target.value))}
            >
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {page.isFetching && !page.isPending ? (
            <span className="muted live live-fetching">Reading…</span>
          ) : null}
        </div>
        <div className="toolbar msg-toolbar">
          <form
            className="field-inline field"
            onSubmit={(e) => {
              e.preventDefault();
              setSubject(subjectInput.trim());
              reset();
            }}
          >
            <input
              className="input mono"
              placeholder="Subject filter, e.g. orders.*.eu or orders.>"
              value={subjectInput}
              onChange={(e) => setSubjectInput(e.target.value)}
              data-testid="messages-filter"
              aria-label="Subject filter"
            />
            <button type="submit" className="btn btn-small" data-testid="messages-filter-apply">
              Filter
            </button>
          </form>
          <form
            className="field-inline field"
            onSubmit={(e) => {
              e.preventDefault();
              const seq = parseSeq(jumpSeq);
              const time = localToIso(jumpTime);
              if (time) setCursor({ time, direction: 'forward' });
              else if (seq) setCursor({ seq, direction: 'forward' });
              setSelected(null);
            }}
          >
            <input
              className="input mono msg-narrow"
              placeholder="Seq"
              value={jumpSeq}
              onChange={(e) => {
                setJumpSeq(e.target.value);
                setJumpTime('');
              }}
              data-testid="messages-jump-seq"
              aria-label="Jump to sequence"
            />
            <input
              className="input"
              type="datetime-local"
              step="1"
              value={jumpTime}
              onChange={(e) => {
                setJumpTime(e.target.value);
                setJumpSeq('');
              }}
              data-testid="messages-jump-time"
              aria-label="Jump to time"
            />
            <button type="submit" className="btn btn-small" data-testid="messages-jump">
              Jump
            </button>
          </form>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setCursor({ seq: 1, direction: 'forward' })}
            data-testid="messages-oldest"
          >
            Oldest
          </button>
          <button type="button" className="btn btn-small" onClick={reset} data-testid="messages-newest">
            Newest
          </button>
          <input
            className="input msg-search"
            placeholder="Search this page…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="messages-search"
            aria-label="Search the loaded messages"
          />
          {canOperate && streamName ? (
            <button
              type="button"
              className="btn btn-danger-ghost btn-small"
              onClick={() => setPurging((p) => !p)}
              data-testid="messages-purge-open"
            >
              Purge…
            </button>
          ) : null}
        </div>
        {purging && streamName ? (
          <div className="notice msg-purge" data-testid="messages-purge">
            Purge {subject ? `every message on ${subject}` : 'every message'} from {streamName}? This cannot
            be undone.{' '}
            <button
              type="button"
              className="btn btn-danger btn-small"
              disabled={purge.isPending}
              onClick={() =>
                purge.mutate(subject ? { filter: subject } : {}, {
                  onSuccess: () => {
                    setPurging(false);
                    reset();
                  },
                })
              }
              data-testid="messages-purge-confirm"
            >
              {purge.isPending ? 'Purging…' : 'Purge'}
            </button>{' '}
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setPurging(false)}>
              Cancel
            </button>
            {purge.isError ? <InlineError error={purge.error} /> : null}
          </div>
        ) : null}
      </div>
      {body}
    </div>
  );
}
