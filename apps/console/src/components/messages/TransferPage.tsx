'use client';

import { useRef, useState } from 'react';
import { EmptyState, InlineError, LoadingState } from '@/components/states';
import { formatBytes } from '@/lib/format';
import {
  downloadExport,
  type ExportProgress,
  type RangeParams,
  saveBlob,
  useImport,
  useMessageStreams,
} from '@/queries/messages';
import { localToIso, parseSeq } from './payloadView';
import { MessagesTabs, StreamSelect, TargetSelect, useCanOperate, useMessagesSelection } from './selection';

/** Export a selection as JSON Lines (streamed, with progress) and import such a file elsewhere. */
export function TransferPage() {
  const sel = useMessagesSelection();
  const canOperate = useCanOperate();
  if (sel.targets.isPending) return <LoadingState />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Export / import</h1>
          <p className="page-sub">
            JSON Lines, one message per line: subject, headers, payload (base64), original sequence and time.
          </p>
        </div>
      </div>
      <MessagesTabs />
      {!sel.targetId ? (
        <EmptyState title="No targets yet">Add a NATS server on the Servers page.</EmptyState>
      ) : (
        <>
          <ExportPanel sel={sel} />
          {canOperate ? (
            <ImportPanel defaultTarget={sel.targetId} targets={sel.targets.data?.targets ?? []} />
          ) : null}
        </>
      )}
    </div>
  );
}

function ExportPanel({ sel }: { sel: ReturnType<typeof useMessagesSelection> }) {
  const [range, setRange] = useState({ fromSeq: '', toSeq: '', startTime: '', endTime: '', subject: '' });
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const set = (k: keyof typeof range, v: string) => setRange((r) => ({ ...r, [k]: v }));
  const query = (): RangeParams => ({
    fromSeq: parseSeq(range.fromSeq),
    toSeq: parseSeq(range.toSeq),
    startTime: localToIso(range.startTime),
    endTime: localToIso(range.endTime),
    subject: range.subject.trim() || undefined,
  });
  const start = async () => {
    if (!sel.targetId || !sel.stream) return;
    setError(null);
    setProgress(null);
    setRunning(true);
    abort.current = new AbortController();
    try {
      const { blob, filename } = await downloadExport(
        sel.targetId,
        sel.stream.name,
        query(),
        setProgress,
        abort.current.signal,
      );
      saveBlob(blob, filename);
    } catch (err) {
      if (!abort.current.signal.aborted) setError(err);
    } finally {
      setRunning(false);
    }
  };
  const pct = progress?.expected
    ? Math.min(100, (progress.lines / progress.expected) * 100)
    : progress?.done
      ? 100
      : 0;
  return (
    <section className="panel form" data-testid="export-panel">
      <div className="panel-header">
        <h2>Export</h2>
      </div>
      {sel.streams.isError ? <InlineError error={sel.streams.error} /> : null}
      <div className="toolbar">
        <TargetSelect
          targets={sel.targets.data?.targets ?? []}
          value={sel.targetId}
          onChange={sel.selectTarget}
        />
        <StreamSelect
          streams={sel.streamList}
          value={sel.stream?.name ?? null}
          onChange={sel.selectStream}
          testId="export-stream"
        />
      </div>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">From sequence</span>
          <input
            className="input mono"
            value={range.fromSeq}
            onChange={(e) => set('fromSeq', e.target.value)}
            data-testid="export-from-seq"
          />
        </label>
        <label className="field">
          <span className="field-label">To sequence</span>
          <input
            className="input mono"
            value={range.toSeq}
            onChange={(e) => set('toSeq', e.target.value)}
            data-testid="export-to-seq"
          />
        </label>
        <label className="field">
          <span className="field-label">From time</span>
          <input
            className="input"
            type="datetime-local"
            step="1"
            value={range.startTime}
            onChange={(e) => set('startTime', e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">To time</span>
          <input
            className="input"
            type="datetime-local"
            step="1"
            value={range.endTime}
            onChange={(e) => set('endTime', e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Subject filter</span>
          <input
            className="input mono"
            value={range.subject}
            onChange={(e) => set('subject', e.target.value)}
            data-testid="export-subject"
          />
        </label>
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!sel.stream || running}
          onClick={start}
          data-testid="export-start"
        >
          {running ? 'Exporting…' : 'Export JSON Lines'}
        </button>
        {running ? (
          <button type="button" className="btn btn-ghost" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : null}
      </div>
      {progress ? (
        <div data-testid="export-progress" data-done={progress.done}>
          <div
            className="msg-progress"
            role="progressbar"
            aria-valuenow={progress.lines}
            aria-valuemax={progress.expected ?? undefined}
            aria-label="Export progress"
          >
            <div className="msg-progress-bar" style={{ width: `${pct}%` }} />
          </div>
          <span className="muted">
            {progress.lines.toLocaleString()}
            {progress.expected !== null ? ` / ${progress.expected.toLocaleString()}` : ''} messages ·{' '}
            {formatBytes(progress.bytes)}
            {progress.done ? ' · done, saved as a download' : ''}
          </span>
        </div>
      ) : null}
      {error ? <InlineError error={error} testId="export-error" /> : null}
    </section>
  );
}

function ImportPanel({
  defaultTarget,
  targets,
}: {
  defaultTarget: string;
  targets: { id: string; name: string; natsUrls: string[] }[];
}) {
  const [targetId, setTargetId] = useState(defaultTarget);
  const streams = useMessageStreams(targetId);
  const [data, setData] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [mode, setMode] = useState<'stream' | 'subject' | 'original'>('stream');
  const [stream, setStream] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [dedupe, setDedupe] = useState(true);
  const imp = useImport(targetId);
  const body = (preview: boolean) => ({
    data: data ?? '',
    preview,
    dedupe,
    ...(mode === 'stream' && stream ? { stream } : {}),
    ...(mode === 'subject' && subject.trim() ? { subject: subject.trim() } : {}),
  });
  const ready =
    data !== null && (mode !== 'stream' || stream !== null) && (mode !== 'subject' || subject.trim() !== '');
  const result = imp.data;
  return (
    <section className="panel form" data-testid="import-panel">
      <div className="panel-header">
        <h2>Import</h2>
        <span className="muted">
          Records are deduplicated with Nats-Msg-Id (their own, or one derived from their origin).
        </span>
      </div>
      <div className="toolbar">
        <label className="field field-inline">
          <span className="field-label">Target</span>
          <select
            className="input"
            value={targetId}
            onChange={(e) => {
              setTargetId(e.target.value);
              setStream(null);
              imp.reset();
            }}
            data-testid="import-target"
          >
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span className="field-label">File</span>
          <input
            type="file"
            accept=".jsonl,.ndjson,application/x-ndjson,application/json,text/plain"
            data-testid="import-file"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              imp.reset();
              setFileName(file?.name ?? '');
              setData(file ? await file.text() : null);
            }}
          />
        </label>
      </div>
      <div className="toolbar">
        <div className="segmented" role="radiogroup" aria-label="Import into">
          {(
            [
              ['stream', 'Into a stream'],
              ['subject', 'To one subject'],
              ['original', 'To original subjects'],
            ] as const
          ).map(([m, label]) => (
            <label key={m} className={`segment${mode === m ? ' active' : ''}`}>
              <input
                type="radio"
                name="import-mode"
                checked={mode === m}
                onChange={() => {
                  setMode(m);
                  imp.reset();
                }}
                data-testid={`import-mode-${m}`}
              />
              {label}
            </label>
          ))}
        </div>
        {mode === 'stream' ? (
          <StreamSelect
            streams={streams.data?.streams ?? []}
            value={stream}
            onChange={(s) => {
              setStream(s);
              imp.reset();
            }}
            testId="import-stream"
          />
        ) : mode === 'subject' ? (
          <input
            className="input mono"
            placeholder="subject"
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            data-testid="import-subject"
            aria-label="Subject"
          />
        ) : null}
        <label className="checkbox">
          <input type="checkbox" checked={dedupe} onChange={(e) => setDedupe(e.target.checked)} />
          Add Nats-Msg-Id where missing
        </label>
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          disabled={!ready || imp.isPending}
          onClick={() => imp.mutate(body(true))}
          data-testid="import-preview"
        >
          Preview
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!ready || imp.isPending || !result}
          onClick={() => imp.mutate(body(false))}
          data-testid="import-submit"
        >
          {imp.isPending
            ? 'Importing…'
            : result
              ? `Import ${result.records.toLocaleString()} messages`
              : 'Import'}
        </button>
        {fileName ? (
          <span className="muted">
            {fileName} · {formatBytes(data?.length ?? 0)}
          </span>
        ) : null}
      </div>
      {imp.isError ? <InlineError error={imp.error} testId="import-error" /> : null}
      {result ? (
        <div
          data-testid="import-result"
          data-published={result.published}
          data-duplicates={result.duplicates}
        >
          {result.published + result.duplicates > 0 ? (
            <p>
              <strong>
                Published {result.published.toLocaleString()}, {result.duplicates.toLocaleString()} duplicates
                skipped
              </strong>
            </p>
          ) : (
            <p>
              <strong>{result.records.toLocaleString()} records</strong> ready to import
              {result.invalidLines.length
                ? `; ${result.invalidLines.length} lines are not valid records (${result.invalidLines.slice(0, 10).join(', ')})`
                : ''}
              .
            </p>
          )}
          {result.error ? <div className="inline-error">{result.error}</div> : null}
          <div className="table-wrap">
            <table className="table msg-table" data-testid="import-sample">
              <thead>
                <tr>
                  <th className="num">Line</th>
                  <th>Subject</th>
                  <th>Nats-Msg-Id</th>
                  <th className="num">Size</th>
                  <th>Payload</th>
                </tr>
              </thead>
              <tbody>
                {result.sample.map((s) => (
                  <tr key={s.line}>
                    <td className="num">{s.line}</td>
                    <td className="mono">{s.subject}</td>
                    <td className="mono">{s.msgId ?? '—'}</td>
                    <td className="num">{formatBytes(s.size)}</td>
                    <td className="mono msg-preview">{s.preview}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
