'use client';

import type { MessageHeader } from '@tern/contracts';
import { useState } from 'react';
import { EmptyState, InlineError, LoadingState } from '@/components/states';
import { usePublish } from '@/queries/messages';
import { HeaderEditor } from './HeaderEditor';
import { HeadersTable, PayloadViewer } from './PayloadViewer';
import { MessagesTabs, TargetSelect, useCanOperate, useMessagesSelection } from './selection';

/** Publish a message, or send a request and show the reply (or no responders / timeout) with its latency. */
export function PublishPage() {
  const sel = useMessagesSelection();
  const canOperate = useCanOperate();
  const publish = usePublish(sel.targetId);
  const [subject, setSubject] = useState('');
  const [payload, setPayload] = useState('');
  const [encoding, setEncoding] = useState<'text' | 'base64'>('text');
  const [headers, setHeaders] = useState<MessageHeader[]>([]);
  const [mode, setMode] = useState<'publish' | 'request'>('publish');
  const [timeoutMs, setTimeoutMs] = useState(2000);
  const result = publish.data;

  if (sel.targets.isPending) return <LoadingState />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Publish</h1>
          <p className="page-sub">
            Send a message to any subject, or a request that waits for one reply. Audited.
          </p>
        </div>
      </div>
      <MessagesTabs />
      {!sel.targetId ? (
        <EmptyState title="No targets yet">Add a NATS server on the Servers page.</EmptyState>
      ) : !canOperate ? (
        <EmptyState title="Publishing needs the operator role">Ask an admin for operator access.</EmptyState>
      ) : (
        <form
          className="panel form"
          onSubmit={(e) => {
            e.preventDefault();
            publish.mutate({
              subject: subject.trim(),
              payload,
              encoding,
              headers: headers.filter(([k]) => k.trim() !== ''),
              mode,
              timeoutMs,
            });
          }}
        >
          <div className="toolbar">
            <TargetSelect
              targets={sel.targets.data?.targets ?? []}
              value={sel.targetId}
              onChange={sel.selectTarget}
            />
            <div className="segmented" role="radiogroup" aria-label="Mode">
              {(['publish', 'request'] as const).map((m) => (
                <label key={m} className={`segment${mode === m ? ' active' : ''}`}>
                  <input
                    type="radio"
                    name="mode"
                    checked={mode === m}
                    onChange={() => setMode(m)}
                    data-testid={`publish-mode-${m}`}
                  />
                  {m === 'publish' ? 'Publish' : 'Request'}
                </label>
              ))}
            </div>
          </div>
          <label className="field">
            <span className="field-label">Subject</span>
            <input
              className="input mono"
              required
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
              placeholder="orders.eu.new"
              data-testid="publish-subject"
            />
          </label>
          <div className="field">
            <span className="field-label">Headers</span>
            <HeaderEditor value={headers} onChange={setHeaders} />
          </div>
          <label className="field">
            <span className="field-label">
              Payload{' '}
              <select
                className="input msg-inline-select"
                value={encoding}
                onChange={(e) => setEncoding(e.target.value as 'text' | 'base64')}
              >
                <option value="text">as text</option>
                <option value="base64">as base64</option>
              </select>
            </span>
            <textarea
              className="input mono msg-textarea"
              value={payload}
              onChange={(e) => setPayload(e.target.value)}
              rows={8}
              data-testid="publish-payload"
            />
          </label>
          {mode === 'request' ? (
            <label className="field field-inline">
              <span className="field-label">Timeout (ms)</span>
              <input
                className="input msg-narrow"
                type="number"
                min={10}
                max={60000}
                value={timeoutMs}
                onChange={(e) => setTimeoutMs(Number(e.target.value))}
              />
            </label>
          ) : null}
          <div className="form-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={publish.isPending}
              data-testid="publish-submit"
            >
              {publish.isPending
                ? mode === 'request'
                  ? 'Waiting for a reply…'
                  : 'Publishing…'
                : mode === 'request'
                  ? 'Send request'
                  : 'Publish'}
            </button>
          </div>
          {publish.isError ? <InlineError error={publish.error} testId="publish-error" /> : null}
          {result ? (
            <div className="msg-result" data-testid="publish-result" data-outcome={result.outcome}>
              <strong>
                {result.outcome === 'published'
                  ? 'Published'
                  : result.outcome === 'reply'
                    ? 'Reply received'
                    : result.outcome === 'no_responders'
                      ? 'No responders: nobody is subscribed to this subject'
                      : 'Timed out waiting for a reply'}
              </strong>{' '}
              <span className="muted">in {result.latencyMs} ms</span>
              {result.reply ? (
                <div className="msg-reply">
                  <div className="mono muted">{result.reply.subject}</div>
                  <HeadersTable headers={result.reply.headers} />
                  <PayloadViewer payload={result.reply.payload} kind={result.reply.kind} />
                </div>
              ) : null}
            </div>
          ) : null}
        </form>
      )}
    </div>
  );
}
