'use client';

import type { ConfigFormat, ConfigImportPreview, ConfigObjectChange, DriftReport } from '@tern/contracts';
import { type ChangeEvent, Fragment, useId, useState } from 'react';
import { JsonDiffView } from '@/components/audit/JsonDiffView';
import { LoadingState } from '@/components/states';
import {
  configDownloadUrl,
  useConfigExport,
  useDrift,
  useImportApply,
  useImportPreview,
} from '@/queries/config-as-code';
import { DiffEntries } from './ChangeDialog';
import { ErrorBox } from './ErrorBox';
import { Tabs } from './fields';
import { ManageHeader } from './ManageHeader';
import { SelectedTargetGate, useSelectedTarget } from './TargetPicker';
import { useRole } from './useRole';

type Tab = 'export' | 'import' | 'drift';

/** /manage/config: export a target's JetStream config, import one with a per-object preview, report drift. */
export function ConfigPage() {
  const sel = useSelectedTarget();
  const [tab, setTab] = useState<Tab>('export');
  const [doc, setDoc] = useState('');
  const { canOperate } = useRole();
  return (
    <div className="page" data-testid="config-page">
      <ManageHeader
        title="Configuration as code"
        sub="Streams, consumers and KV buckets of a target as one YAML or JSON document."
        sel={sel}
      />
      <SelectedTargetGate sel={sel} emptyHint=" with JetStream enabled.">
        {(targetId) => (
          <>
            <Tabs
              value={tab}
              onChange={setTab}
              options={[
                ['export', 'Export'],
                ['import', 'Import'],
                ['drift', 'Drift report'],
              ]}
              testId="config-tab"
            />
            {tab === 'export' ? <ExportPanel targetId={targetId} onUse={(text) => setDoc(text)} /> : null}
            {tab === 'import' ? (
              <ImportPanel
                key={targetId}
                targetId={targetId}
                doc={doc}
                setDoc={setDoc}
                canOperate={canOperate}
              />
            ) : null}
            {tab === 'drift' ? (
              <DriftPanel key={targetId} targetId={targetId} doc={doc} setDoc={setDoc} />
            ) : null}
          </>
        )}
      </SelectedTargetGate>
    </div>
  );
}

function ExportPanel({ targetId, onUse }: { targetId: string; onUse: (text: string) => void }) {
  const [format, setFormat] = useState<ConfigFormat>('yaml');
  const [requested, setRequested] = useState(false);
  const exported = useConfigExport(targetId, format, requested);
  return (
    <div className="panel form" data-testid="config-export">
      <div className="toolbar">
        <label className="field field-inline">
          <span className="field-label">Format</span>
          <select
            className="input select"
            value={format}
            onChange={(e) => setFormat(e.target.value as ConfigFormat)}
            data-testid="config-export-format"
          >
            <option value="yaml">YAML</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => (requested ? exported.refetch() : setRequested(true))}
          data-testid="config-export-run"
        >
          {exported.isFetching ? 'Exporting…' : 'Export'}
        </button>
        <a
          className="btn"
          href={configDownloadUrl(targetId, format)}
          download={`jetstream.${format}`}
          data-testid="config-export-download"
        >
          Download
        </a>
        {exported.data ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => onUse(exported.data)}
            data-testid="config-export-use"
          >
            Use as import/drift document
          </button>
        ) : null}
      </div>
      {exported.isError ? <ErrorBox error={exported.error} /> : null}
      {exported.data ? (
        <pre className="code-block" data-testid="config-export-text">
          {exported.data}
        </pre>
      ) : !requested ? (
        <p className="muted">Export shows the document here; Download saves it as a file.</p>
      ) : exported.isPending ? (
        <LoadingState label="Reading the target’s configuration…" />
      ) : null}
    </div>
  );
}

function DocumentInput({ doc, setDoc }: { doc: string; setDoc: (s: string) => void }) {
  const id = useId();
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) file.text().then(setDoc);
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor={`${id}-doc`}>
        Document (YAML or JSON)
      </label>
      <textarea
        id={`${id}-doc`}
        className="input textarea mono json-editor"
        rows={16}
        spellCheck={false}
        value={doc}
        onChange={(e) => setDoc(e.target.value)}
        placeholder={'apiVersion: tern.dev/v1\nkind: JetStreamConfig\nstreams: []\nkv: []'}
        data-testid="config-document"
      />
      <input
        type="file"
        accept=".yaml,.yml,.json,application/json,text/yaml"
        onChange={onFile}
        data-testid="config-file"
      />
    </div>
  );
}

function ImportPanel({
  targetId,
  doc,
  setDoc,
  canOperate,
}: {
  targetId: string;
  doc: string;
  setDoc: (s: string) => void;
  canOperate: boolean;
}) {
  const preview = useImportPreview(targetId);
  const apply = useImportApply(targetId);
  const [prune, setPrune] = useState(false);
  const [typed, setTyped] = useState('');
  const p: ConfigImportPreview | undefined = preview.data;
  const needsConfirm = Boolean(p?.confirmText);
  const ready = p && (!needsConfirm || typed === p.confirmText);
  return (
    <div className="panel form" data-testid="config-import">
      <DocumentInput
        doc={doc}
        setDoc={(s) => {
          setDoc(s);
          preview.reset();
          apply.reset();
        }}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={prune}
          onChange={(e) => {
            setPrune(e.target.checked);
            preview.reset();
          }}
          data-testid="config-prune"
        />
        Delete streams, consumers and buckets that are not in the document
      </label>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={doc.trim().length < 2 || preview.isPending}
          onClick={() => {
            apply.reset();
            preview.mutate({ document: doc, prune });
          }}
          data-testid="config-import-preview"
        >
          {preview.isPending ? 'Comparing…' : 'Preview import'}
        </button>
      </div>
      {preview.isError ? <ErrorBox error={preview.error} testId="config-import-error" /> : null}
      {p ? (
        <>
          <div className="summary-chips" data-testid="config-import-summary">
            <span className="pill op-create">{p.summary.create} to create</span>
            <span className="pill op-update">{p.summary.update} to update</span>
            <span className="pill op-delete">{p.summary.delete} to delete</span>
            <span className="pill op-unchanged">{p.summary.unchanged} unchanged</span>
          </div>
          <ChangesTable changes={p.changes} />
          {canOperate && !apply.data ? (
            <>
              {needsConfirm ? (
                <label className="field">
                  <span className="field-label">
                    This deletes objects. Type <code className="confirm-text">{p.confirmText}</code> to
                    confirm
                  </span>
                  <input
                    className="input mono"
                    value={typed}
                    onChange={(e) => setTyped(e.target.value)}
                    data-testid="config-import-confirm"
                  />
                </label>
              ) : null}
              <div className="form-actions">
                <button
                  type="button"
                  className={needsConfirm ? 'btn btn-danger' : 'btn btn-primary'}
                  disabled={
                    !ready || apply.isPending || p.summary.create + p.summary.update + p.summary.delete === 0
                  }
                  onClick={() =>
                    apply.mutate({ document: doc, prune, ...(needsConfirm ? { confirm: typed } : {}) })
                  }
                  data-testid="config-import-apply"
                >
                  {apply.isPending ? 'Applying…' : 'Apply import'}
                </button>
              </div>
            </>
          ) : null}
          {!canOperate ? <p className="muted">Your role can preview but not apply an import.</p> : null}
        </>
      ) : null}
      {apply.isError ? <ErrorBox error={apply.error} testId="config-apply-error" /> : null}
      {apply.data ? (
        <div className="section" data-testid="config-import-result" data-ok={apply.data.ok}>
          <div className={apply.data.ok ? 'notice' : 'inline-error'}>
            {apply.data.ok ? 'Import applied.' : 'Some changes failed; the others were applied.'}
          </div>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Object</th>
                  <th>Change</th>
                  <th>Result</th>
                  <th>Audit</th>
                </tr>
              </thead>
              <tbody>
                {apply.data.results.map((r) => (
                  <tr key={`${r.kind}:${r.name}`}>
                    <td>
                      <span className="muted">{r.kind}</span> <span className="mono">{r.name}</span>
                    </td>
                    <td className={`op-${r.op}`}>{r.op}</td>
                    <td>{r.ok ? 'ok' : <span className="field-error">{r.error}</span>}</td>
                    <td className="mono">{r.auditId ? `#${r.auditId}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function ChangesTable({ changes }: { changes: ConfigObjectChange[] }) {
  const [open, setOpen] = useState<string | null>(null);
  if (changes.length === 0) return <p className="muted">The document describes nothing.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="config-changes">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Name</th>
            <th>Change</th>
            <th>Fields</th>
            <th aria-label="Details" />
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => {
            const id = `${c.kind}:${c.name}`;
            return (
              <Fragment key={id}>
                <tr data-testid="config-change" data-kind={c.kind} data-name={c.name} data-op={c.op}>
                  <td>{c.kind}</td>
                  <td className="mono">{c.name}</td>
                  <td className={`op-${c.op}`}>
                    <strong>{c.op}</strong>
                    {c.warnings.length ? <div className="cell-sub">{c.warnings.join(' ')}</div> : null}
                  </td>
                  <td className="muted">{c.diff.length || '—'}</td>
                  <td className="actions">
                    {c.op !== 'unchanged' ? (
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        onClick={() => setOpen(open === id ? null : id)}
                      >
                        {open === id ? 'Hide' : 'Show'} diff
                      </button>
                    ) : null}
                  </td>
                </tr>
                {open === id ? (
                  <tr className="row-detail">
                    <td colSpan={5}>
                      <div className="detail">
                        <DiffEntries
                          entries={c.diff}
                          testId="config-change-diff"
                          beforeLabel="Live"
                          afterLabel="Document"
                        />
                        <JsonDiffView
                          before={c.before}
                          after={c.after}
                          testIdPrefix="config"
                          beforeLabel="Live"
                          afterLabel="Document"
                        />
                      </div>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function DriftPanel({
  targetId,
  doc,
  setDoc,
}: {
  targetId: string;
  doc: string;
  setDoc: (s: string) => void;
}) {
  const drift = useDrift(targetId);
  const report: DriftReport | undefined = drift.data;
  return (
    <div className="panel form" data-testid="config-drift">
      <DocumentInput
        doc={doc}
        setDoc={(s) => {
          setDoc(s);
          drift.reset();
        }}
      />
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={doc.trim().length < 2 || drift.isPending}
          onClick={() => drift.mutate({ document: doc })}
          data-testid="config-drift-run"
        >
          {drift.isPending ? 'Comparing…' : 'Compare with the live server'}
        </button>
      </div>
      {drift.isError ? <ErrorBox error={drift.error} testId="config-drift-error" /> : null}
      {report ? (
        <>
          <div
            className={report.inSync ? 'notice' : 'inline-error'}
            data-testid="config-drift-status"
            data-in-sync={report.inSync}
          >
            {report.inSync
              ? 'In sync: the server matches the document.'
              : 'Drift: the server differs from the document.'}
          </div>
          <div className="table-wrap">
            <table className="table" data-testid="config-drift-items">
              <thead>
                <tr>
                  <th>Kind</th>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Differences</th>
                </tr>
              </thead>
              <tbody>
                {report.items.map((i) => (
                  <tr key={`${i.kind}:${i.name}`} data-testid="config-drift-item" data-status={i.status}>
                    <td>{i.kind}</td>
                    <td className="mono">{i.name}</td>
                    <td>
                      {i.status === 'missing'
                        ? 'Only in the document'
                        : i.status === 'extra'
                          ? 'Only on the server'
                          : i.status === 'changed'
                            ? 'Different'
                            : 'Same'}
                    </td>
                    <td>
                      {i.diff.length ? (
                        <DiffEntries
                          entries={i.diff}
                          testId="config-drift-diff"
                          beforeLabel="Live"
                          afterLabel="Document"
                        />
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
