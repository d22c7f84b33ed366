'use client';

import type { ReplayJob } from '@tern/contracts';
import { useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatDateTime, formatDuration } from '@/lib/format';
import {
  type ReplayForm,
  useCreateReplay,
  useReplayAction,
  useReplayJobs,
  useReplayPreview,
} from '@/queries/replay';
import { localToIso, parseSeq } from './payloadView';
import { MessagesTabs, StreamSelect, TargetSelect, useCanOperate, useMessagesSelection } from './selection';

interface FormState {
  fromSeq: string;
  toSeq: string;
  startTime: string;
  endTime: string;
  subject: string;
  remap: boolean;
  remapFrom: string;
  remapTo: string;
  ratePerSec: string;
  addMsgId: boolean;
  dryRun: boolean;
  originalPace: boolean;
}

const EMPTY: FormState = {
  fromSeq: '',
  toSeq: '',
  startTime: '',
  endTime: '',
  subject: '',
  remap: false,
  remapFrom: '',
  remapTo: '',
  ratePerSec: '100',
  addMsgId: true,
  dryRun: false,
  originalPace: false,
};

/** Safe bulk replay: select, preview, then run a rate-limited, resumable, audited job. */
export function ReplayPage() {
  const sel = useMessagesSelection();
  const canOperate = useCanOperate();
  const [form, setForm] = useState<FormState>(EMPTY);
  const preview = useReplayPreview();
  const create = useCreateReplay();
  const jobs = useReplayJobs();
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    preview.reset();
  };

  const request = (): ReplayForm | null => {
    if (!sel.targetId || !sel.stream) return null;
    const rate = Number(form.ratePerSec);
    return {
      targetId: sel.targetId,
      stream: sel.stream.name,
      fromSeq: parseSeq(form.fromSeq),
      toSeq: parseSeq(form.toSeq),
      startTime: localToIso(form.startTime),
      endTime: localToIso(form.endTime),
      subject: form.subject.trim() || undefined,
      remapFrom: form.remap && form.remapFrom.trim() ? form.remapFrom.trim() : undefined,
      remapTo: form.remap && form.remapTo.trim() ? form.remapTo.trim() : undefined,
      ratePerSec: Number.isFinite(rate) && rate >= 0 ? Math.floor(rate) : 100,
      addMsgId: form.addMsgId,
      dryRun: form.dryRun,
      originalPace: form.originalPace,
    };
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Replay</h1>
          <p className="page-sub">
            Re-publish stored messages: rate limited, deduplicated with Nats-Msg-Id, resumable after a
            restart, and audited.
          </p>
        </div>
      </div>
      <MessagesTabs />
      {canOperate ? (
        <form
          className="panel form"
          data-testid="replay-form"
          onSubmit={(e) => {
            e.preventDefault();
            const body = request();
            if (body) preview.mutate(body);
          }}
        >
          <div className="panel-header">
            <h2>New replay</h2>
          </div>
          {sel.targets.isPending || sel.streams.isPending ? (
            <LoadingState label="Loading streams…" />
          ) : (
            <>
              <div className="toolbar">
                <TargetSelect
                  targets={sel.targets.data?.targets ?? []}
                  value={sel.targetId}
                  onChange={sel.selectTarget}
                />
                <StreamSelect
                  streams={sel.streamList}
                  value={sel.stream?.name ?? null}
                  onChange={(s) => {
                    sel.selectStream(s);
                    preview.reset();
                  }}
                  testId="replay-stream"
                  label="Source stream"
                />
              </div>
              <div className="form-grid">
                <Field label="From sequence" hint="Empty: the first message">
                  <input
                    className="input mono"
                    value={form.fromSeq}
                    onChange={(e) => set('fromSeq', e.target.value)}
                    data-testid="replay-from-seq"
                  />
                </Field>
                <Field label="To sequence" hint="Empty: the last message">
                  <input
                    className="input mono"
                    value={form.toSeq}
                    onChange={(e) => set('toSeq', e.target.value)}
                    data-testid="replay-to-seq"
                  />
                </Field>
                <Field label="From time">
                  <input
                    className="input"
                    type="datetime-local"
                    step="1"
                    value={form.startTime}
                    onChange={(e) => set('startTime', e.target.value)}
                  />
                </Field>
                <Field label="To time">
                  <input
                    className="input"
                    type="datetime-local"
                    step="1"
                    value={form.endTime}
                    onChange={(e) => set('endTime', e.target.value)}
                  />
                </Field>
                <Field label="Subject filter" hint="Wildcards allowed; empty: all">
                  <input
                    className="input mono"
                    value={form.subject}
                    onChange={(e) => set('subject', e.target.value)}
                    data-testid="replay-subject"
                  />
                </Field>
                <Field label="Rate limit (msgs/s)" hint="0 = unlimited">
                  <input
                    className="input mono"
                    type="number"
                    min={0}
                    value={form.ratePerSec}
                    onChange={(e) => set('ratePerSec', e.target.value)}
                    data-testid="replay-rate"
                  />
                </Field>
              </div>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={form.remap}
                  onChange={(e) => set('remap', e.target.checked)}
                  data-testid="replay-remap"
                />
                Publish to other subjects (remap)
              </label>
              {form.remap ? (
                <div className="form-grid">
                  <Field label="Subjects matching">
                    <input
                      className="input mono"
                      placeholder="orders.>"
                      value={form.remapFrom}
                      onChange={(e) => set('remapFrom', e.target.value)}
                      data-testid="replay-remap-from"
                    />
                  </Field>
                  <Field label="Go to">
                    <input
                      className="input mono"
                      placeholder="orders.retry.>"
                      value={form.remapTo}
                      onChange={(e) => set('remapTo', e.target.value)}
                      data-testid="replay-remap-to"
                    />
                  </Field>
                </div>
              ) : null}
              <div className="toolbar">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={form.addMsgId}
                    onChange={(e) => set('addMsgId', e.target.checked)}
                  />
                  Add Nats-Msg-Id (idempotent: a resumed job is deduplicated)
                </label>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={form.originalPace}
                    onChange={(e) => set('originalPace', e.target.checked)}
                  />
                  Original pace (capped by the rate limit)
                </label>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={form.dryRun}
                    onChange={(e) => set('dryRun', e.target.checked)}
                    data-testid="replay-dry-run"
                  />
                  Dry run (publish nothing)
                </label>
              </div>
              <div className="form-actions">
                <button
                  type="submit"
                  className="btn"
                  disabled={!sel.stream || preview.isPending}
                  data-testid="replay-preview"
                >
                  {preview.isPending ? 'Counting…' : 'Preview'}
                </button>
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={!preview.data || preview.data.count === 0 || create.isPending}
                  onClick={() => {
                    const body = request();
                    if (body) create.mutate(body, { onSuccess: () => preview.reset() });
                  }}
                  data-testid="replay-start"
                >
                  {create.isPending
                    ? 'Starting…'
                    : preview.data
                      ? `Start replay of ${preview.data.exact ? '' : '≤ '}${preview.data.count.toLocaleString()} messages`
                      : 'Start replay'}
                </button>
              </div>
              {preview.isError ? <InlineError error={preview.error} testId="replay-error" /> : null}
              {create.isError ? <InlineError error={create.error} testId="replay-error" /> : null}
              {preview.data ? (
                <div data-testid="replay-preview-result">
                  <p>
                    <strong data-testid="replay-count">
                      {preview.data.exact ? '' : 'up to '}
                      {preview.data.count.toLocaleString()}
                    </strong>{' '}
                    messages between #{preview.data.fromSeq} and #{preview.data.toSeq}. First ones:
                  </p>
                  <div className="table-wrap">
                    <table className="table msg-table">
                      <thead>
                        <tr>
                          <th className="num">Seq</th>
                          <th>Subject</th>
                          <th>Published to</th>
                          <th>Payload</th>
                        </tr>
                      </thead>
                      <tbody>
                        {preview.data.sample.map((s) => (
                          <tr key={s.seq}>
                            <td className="num mono">{s.seq}</td>
                            <td className="mono">{s.subject}</td>
                            <td className="mono">{s.targetSubject}</td>
                            <td className="mono msg-preview">{s.preview.slice(0, 120)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              ) : null}
            </>
          )}
        </form>
      ) : null}
      <section className="panel">
        <div className="panel-header">
          <h2>Jobs</h2>
        </div>
        {jobs.isPending ? (
          <LoadingState label="Loading jobs…" />
        ) : jobs.isError ? (
          <ErrorState error={jobs.error} onRetry={() => jobs.refetch()} />
        ) : jobs.data.jobs.length === 0 ? (
          <EmptyState title="No replay jobs yet">
            {canOperate ? 'Preview a selection above, then start it.' : null}
          </EmptyState>
        ) : (
          <div className="msg-jobs">
            {jobs.data.jobs.map((j) => (
              <JobCard key={j.id} job={j} canOperate={canOperate} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}

function Field({ label, hint, children }: { label: string; hint?: string; children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the `children` input, inside the label
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}

function JobCard({ job, canOperate }: { job: ReplayJob; canOperate: boolean }) {
  const act = useReplayAction();
  const pct =
    job.total > 0 ? Math.min(100, (job.done / job.total) * 100) : job.status === 'completed' ? 100 : 0;
  return (
    <div className="msg-job" data-testid="replay-job" data-status={job.status} data-job-id={job.id}>
      <div className="msg-job-head">
        <span className={`pill msg-status-${job.status}`} data-testid="replay-job-status">
          {job.status}
        </span>
        <strong className="mono">{job.stream}</strong>
        <span className="muted mono">
          #{job.fromSeq}–#{job.toSeq}
          {job.subject ? ` · ${job.subject}` : ''}
          {job.remapFrom ? ` · ${job.remapFrom} → ${job.remapTo}` : ''}
        </span>
        {job.dryRun ? <span className="tag">dry run</span> : null}
        <div className="topbar-spacer" />
        {canOperate && job.status === 'running' ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={act.isPending}
            onClick={() => act.mutate({ id: job.id, action: 'pause' })}
            data-testid="replay-pause"
          >
            Pause
          </button>
        ) : null}
        {canOperate && (job.status === 'paused' || job.status === 'failed') ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={act.isPending}
            onClick={() => act.mutate({ id: job.id, action: 'resume' })}
            data-testid="replay-resume"
          >
            Resume
          </button>
        ) : null}
        {canOperate && ['running', 'paused', 'failed'].includes(job.status) ? (
          <button
            type="button"
            className="btn btn-danger-ghost btn-small"
            disabled={act.isPending}
            onClick={() => act.mutate({ id: job.id, action: 'cancel' })}
            data-testid="replay-cancel"
          >
            Cancel
          </button>
        ) : null}
      </div>
      <div
        className="msg-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={job.done}
        aria-label="Replay progress"
      >
        <div className={`msg-progress-bar msg-status-${job.status}`} style={{ width: `${pct}%` }} />
      </div>
      <div className="muted msg-job-meta" data-testid="replay-job-progress">
        {job.done.toLocaleString()} / {job.total.toLocaleString()} messages
        {job.status === 'running' ? ` · ${job.rate.toLocaleString()} msg/s` : ''}
        {job.etaSeconds !== null ? ` · ETA ${formatDuration(job.etaSeconds)}` : ''}
        {` · limit ${job.ratePerSec ? `${job.ratePerSec}/s` : 'none'}`}
        {` · by ${job.createdBy} · ${formatDateTime(job.createdAt)}`}
        {job.finishedAt ? ` · ended ${formatDateTime(job.finishedAt)}` : ''}
      </div>
      {job.error ? <div className="inline-error">{job.error}</div> : null}
      {act.isError ? <InlineError error={act.error} /> : null}
    </div>
  );
}
