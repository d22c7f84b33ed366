'use client';

import { useId } from 'react';
import { EmptyState } from '@/components/states';
import { type AccountRow, toGraph } from './model';

const SIZE = 360;

/** Exports and imports between accounts: an arrow from the exporter to each importer. */
export function AccountGraph({
  rows,
  selected,
  onSelect,
}: {
  rows: AccountRow[];
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const id = useId();
  const { nodes, edges } = toGraph(rows, SIZE);
  if (nodes.length === 0) return <EmptyState title="No accounts to draw" />;
  const at = new Map(nodes.map((n) => [n.name, n]));
  return (
    <figure className="acc-graph" data-testid="account-graph" data-edges={edges.length}>
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label="Exports and imports between accounts">
        <defs>
          <marker
            id={`${id}-arrow`}
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="acc-graph-arrow" />
          </marker>
        </defs>
        {edges.map((e) => {
          const a = at.get(e.from);
          const b = at.get(e.to);
          if (!a || !b || a === b) return null;
          // Stop the line at the node's edge so the arrow head shows.
          const dx = b.x - a.x;
          const dy = b.y - a.y;
          const len = Math.hypot(dx, dy) || 1;
          const r = 22;
          return (
            <g
              key={`${e.from}\u0000${e.to}\u0000${e.type}\u0000${e.subject}`}
              data-testid="account-graph-edge"
              data-from={e.from}
              data-to={e.to}
            >
              <title>{`${e.from} → ${e.to}: ${e.type} ${e.subject}`}</title>
              <line
                x1={a.x + (dx / len) * r}
                y1={a.y + (dy / len) * r}
                x2={b.x - (dx / len) * r}
                y2={b.y - (dy / len) * r}
                className={e.type === 'service' ? 'acc-graph-edge acc-graph-edge-service' : 'acc-graph-edge'}
                markerEnd={`url(#${id}-arrow)`}
              />
            </g>
          );
        })}
        {nodes.map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
          <g
            key={n.name}
            role="button"
            tabIndex={0}
            className={`acc-graph-node${selected === n.name ? ' selected' : ''}${n.system ? ' system' : ''}`}
            onClick={() => onSelect(n.name)}
            onKeyDown={(ev) => {
              if (ev.key === 'Enter' || ev.key === ' ') onSelect(n.name);
            }}
            data-testid="account-graph-node"
            data-name={n.name}
          >
            <circle cx={n.x} cy={n.y} r={20} />
            {/* Labels sit on the outer side of the circle, away from the edges. */}
            <text x={n.x} y={n.y < SIZE / 2 - 1 ? n.y - 28 : n.y + 36} textAnchor="middle">
              {n.name.length > 18 ? `${n.name.slice(0, 8)}…${n.name.slice(-6)}` : n.name}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="muted">
        Arrows go from the exporting account to the importing one; dashed lines are services.
      </figcaption>
    </figure>
  );
}
