'use client';

import type { SubjectNode } from '@tern/contracts';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatNumber } from '@/lib/format';
import { streamHref } from '@/queries/streams';
import { useSubjects } from '@/queries/subjects';
import '@/components/charts/charts.css';
import { formatRate } from '../format';
import { TargetSelect } from '../TargetSelect';
import { useDebounced } from '../useDebounced';
import { childrenByParent, initiallyExpanded } from './tree';

/** The subject space as a tree, built from subscriptions and stream subjects, with delivery rates. */
export function SubjectsPage() {
  const [target, setTarget] = useState('');
  const [prefixInput, setPrefixInput] = useState('');
  const prefix = useDebounced(prefixInput.trim());
  const subjects = useSubjects({ target: target || undefined, prefix: prefix || undefined });
  const nodes = subjects.data?.nodes ?? [];
  const children = useMemo(() => childrenByParent(nodes), [nodes]);
  const [toggled, setToggled] = useState<Map<string, boolean>>(new Map());
  const defaults = useMemo(() => initiallyExpanded(nodes, prefix ? 3 : 1), [nodes, prefix]);
  const isOpen = (s: string) => toggled.get(s) ?? defaults.has(s);
  const toggle = (s: string) => setToggled((m) => new Map(m).set(s, !isOpen(s)));
  const roots = children.get('') ?? [];

  return (
    <div className="page" data-testid="subjects-page">
      <div className="page-header">
        <div>
          <h1>Subjects</h1>
          <p className="page-sub">
            Subjects with subscribers or streams on them. Rates are messages delivered per second, where
            known.
          </p>
        </div>
      </div>
      <div className="filters">
        <TargetSelect value={target} onChange={setTarget} />
        <label className="field">
          <span className="field-label">Under subject</span>
          <input
            className="input mono"
            placeholder="orders.eu"
            value={prefixInput}
            onChange={(e) => setPrefixInput(e.target.value)}
            data-testid="filter-prefix"
          />
        </label>
        {nodes.length ? (
          <div className="header-actions" style={{ marginLeft: 'auto' }}>
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                setToggled(new Map(nodes.filter((n) => n.children > 0).map((n) => [n.subject, true])))
              }
              data-testid="subjects-expand-all"
            >
              Expand all
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setToggled(new Map(nodes.map((n) => [n.subject, false])))}
            >
              Collapse all
            </button>
          </div>
        ) : null}
      </div>
      {subjects.data?.truncated ? (
        <div className="inline-error" role="status">
          Some servers have more subscriptions than the monitor fetches: the tree is partial.
        </div>
      ) : null}
      {subjects.isPending ? (
        <LoadingState label="Loading subjects…" />
      ) : subjects.isError && !subjects.data ? (
        <ErrorState
          title="Could not load subjects"
          error={subjects.error}
          onRetry={() => subjects.refetch()}
        />
      ) : roots.length === 0 ? (
        <EmptyState title={prefix ? `Nothing under “${prefix}”` : 'No subjects yet'}>
          {prefix
            ? 'Try a shorter prefix.'
            : 'Subjects appear when clients subscribe or streams are created.'}
        </EmptyState>
      ) : (
        <div className="panel" data-testid="subjects-tree">
          {subjects.isError ? <InlineError error={subjects.error} /> : null}
          <div className="tree-row tree-head" aria-hidden="true">
            <span>Subject</span>
            <span className="tree-num">Subscriptions</span>
            <span className="tree-num">Msgs / s</span>
            <span className="tree-num">Here</span>
          </div>
          <ul className="tree" aria-label="Subjects">
            {roots.map((n) => (
              <TreeItem key={n.subject} node={n} childMap={children} isOpen={isOpen} toggle={toggle} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function TreeItem({
  node: n,
  childMap,
  isOpen,
  toggle,
}: {
  node: SubjectNode;
  childMap: Map<string, SubjectNode[]>;
  isOpen: (s: string) => boolean;
  toggle: (s: string) => void;
}) {
  const kids = childMap.get(n.subject) ?? [];
  const open = kids.length > 0 && isOpen(n.subject);
  return (
    <li>
      <div className="tree-row" data-testid="subject-node" data-subject={n.subject}>
        <span className="tree-name">
          {kids.length ? (
            <button
              type="button"
              className="tree-toggle"
              onClick={() => toggle(n.subject)}
              aria-label={`${open ? 'Collapse' : 'Expand'} ${n.subject}`}
              aria-expanded={open}
              data-testid="subject-toggle"
            >
              <span className={`chevron${open ? ' open' : ''}`}>›</span>
            </button>
          ) : (
            <span className="tree-toggle" aria-hidden="true" />
          )}
          <span className="mono" title={n.subject}>
            {n.token}
          </span>
          {n.queueGroups.map((q) => (
            <span key={q} className="tag" title="Queue group">
              q:{q}
            </span>
          ))}
          {n.streams.map((s) => (
            <Link
              key={`${s.targetId}|${s.account}|${s.stream}`}
              className="tag"
              href={streamHref({ targetId: s.targetId, account: s.account, stream: s.stream })}
              title={`Stream ${s.stream} (account ${s.account})`}
            >
              stream {s.stream}
            </Link>
          ))}
        </span>
        <span className="tree-num">{formatNumber(n.totalSubscriptions)}</span>
        <span className="tree-num">{formatRate(n.totalMsgsRate)}</span>
        <span className="tree-num muted" title="Subscriptions on exactly this subject">
          {n.subscriptions ? formatNumber(n.subscriptions) : ''}
        </span>
      </div>
      {open ? (
        <ul className="tree">
          {kids.map((k) => (
            <TreeItem key={k.subject} node={k} childMap={childMap} isOpen={isOpen} toggle={toggle} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
