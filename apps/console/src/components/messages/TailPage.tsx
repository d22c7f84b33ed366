'use client';

import { useState } from 'react';
import { EmptyState, LoadingState } from '@/components/states';
import { formatBytes } from '@/lib/format';
import { useTail } from '@/queries/messages';
import { MessagesTabs, TargetSelect, useMessagesSelection } from './selection';

const CAPS = [100, 500, 2000];

/** Live tail of any subject (core NATS), with pause, a cap on kept messages and a rate indicator. */
export function TailPage() {
  const sel = useMessagesSelection();
  const [input, setInput] = useState('>');
  const [subject, setSubject] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [cap, setCap] = useState(500);
  const tail = useTail(sel.targetId, subject, paused, cap);

  if (sel.targets.isPending) return <LoadingState />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Live tail</h1>
          <p className="page-sub">
            Watch messages on a subject as they are published. Nothing is stored or acked.
          </p>
        </div>
      </div>
      <MessagesTabs />
      {!sel.targetId ? (
        <EmptyState title="No targets yet">Add a NATS server on the Servers page.</EmptyState>
      ) : (
        <>
          <div className="panel msg-controls">
            <form
              className="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                setSubject(input.trim() || '>');
                setPaused(false);
              }}
            >
              <TargetSelect
                targets={sel.targets.data?.targets ?? []}
                value={sel.targetId}
                onChange={sel.selectTarget}
              />
              <input
                className="input mono"
                value={input}
                onChange={(e) => setInput(e.target.value)}
                aria-label="Subject"
                data-testid="tail-subject"
              />
              <button type="submit" className="btn btn-primary btn-small" data-testid="tail-start">
                {subject ? 'Restart' : 'Start'}
              </button>
              {subject ? (
                <>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setPaused((p) => !p)}
                    data-testid="tail-pause"
                  >
                    {paused ? `Resume${tail.held ? ` (${tail.held} new)` : ''}` : 'Pause'}
                  </button>
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => setSubject(null)}>
                    Stop
                  </button>
                  <button type="button" className="btn btn-ghost btn-small" onClick={tail.clear}>
                    Clear
                  </button>
                </>
              ) : null}
              <label className="field field-inline">
                <span className="field-label">Keep</span>
                <select
                  className="input msg-narrow"
                  value={cap}
                  onChange={(e) => setCap(Number(e.target.value))}
                >
                  {CAPS.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              {subject ? (
                <span className="muted" data-testid="tail-status" data-status={tail.status}>
                  <span className={tail.status === 'open' && !paused ? 'live' : ''}>
                    {tail.status === 'open' ? (paused ? 'paused' : 'live') : tail.status}
                  </span>{' '}
                  · <span data-testid="tail-rate">{tail.rate.toFixed(1)} msg/s</span> · {tail.items.length}{' '}
                  kept
                  {tail.dropped ? ` · ${tail.dropped} dropped (too fast)` : ''}
                </span>
              ) : null}
            </form>
          </div>
          {!subject ? (
            <EmptyState title="Choose a subject and start">
              Wildcards work: {'orders.*'}, {'orders.>'} or {'>'} for everything.
            </EmptyState>
          ) : tail.items.length === 0 ? (
            <EmptyState title={`Waiting for messages on ${subject}…`} />
          ) : (
            <div className="table-wrap">
              <table className="table msg-table" data-testid="tail-table">
                <thead>
                  <tr>
                    <th>Received</th>
                    <th>Subject</th>
                    <th className="num">Size</th>
                    <th>Payload</th>
                  </tr>
                </thead>
                <tbody>
                  {tail.items.map((m) => (
                    <tr key={m.id} data-testid="tail-row">
                      <td className="nowrap mono">{new Date(m.time).toLocaleTimeString()}</td>
                      <td className="mono">{m.subject}</td>
                      <td className="num nowrap">{formatBytes(m.size)}</td>
                      <td className="mono msg-preview">
                        <span className={`tag msg-kind-${m.kind}`}>{m.kind}</span>
                        {m.preview.slice(0, 200)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
