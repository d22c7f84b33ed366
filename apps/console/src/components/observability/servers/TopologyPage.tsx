'use client';

import type { ClusterTopology } from '@tern/contracts';
import Link from 'next/link';
import { StatusPill } from '@/components/StatusPill';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { MISSING } from '@/lib/format';
import { useTopology } from '@/queries/topology';
import '@/components/charts/charts.css';
import { edgesOf, LABEL_MARGIN, layoutMembers, memberLabel } from './topologyLayout';

/** Drawing size by member count: a lone server needs little room. */
const sizeFor = (n: number) => (n <= 1 ? 140 : n <= 3 ? 300 : 420);

const NODE_COLOR: Record<string, string> = {
  up: 'var(--ok)',
  down: 'var(--bad)',
  unknown: 'var(--text-faint)',
  unmonitored: 'var(--warn)',
};

/** Every cluster as a graph of its servers and routes, with each member's state. */
export function TopologyPage() {
  const topology = useTopology();
  const clusters = topology.data?.clusters ?? [];
  return (
    <div className="page" data-testid="topology-page">
      <div className="page-header">
        <div>
          <h1>Topology</h1>
          <p className="page-sub">
            Clusters, their servers and the routes between them, discovered from /routez.
          </p>
        </div>
      </div>
      {topology.isPending ? (
        <LoadingState label="Loading topology…" />
      ) : topology.isError && !topology.data ? (
        <ErrorState
          title="Could not load the topology"
          error={topology.error}
          onRetry={() => topology.refetch()}
        />
      ) : clusters.length === 0 ? (
        <EmptyState title="No servers yet">
          <Link href="/">Add a target</Link> to see its cluster.
        </EmptyState>
      ) : (
        <>
          {topology.isError ? <InlineError error={topology.error} /> : null}
          {clusters.map((c) => (
            <ClusterView key={c.targetId} cluster={c} />
          ))}
        </>
      )}
    </div>
  );
}

function ClusterView({ cluster }: { cluster: ClusterTopology }) {
  const size = sizeFor(cluster.members.length);
  const nodes = layoutMembers(cluster.members, size);
  const pos = new Map(nodes.map((n) => [n.member.serverId, n]));
  const edges = edgesOf(cluster.links, cluster.members);
  const down = cluster.members.filter((m) => m.status === 'down').length;
  return (
    <section className="panel" data-testid="topology-cluster" data-target-name={cluster.targetName}>
      <div className="panel-header">
        <h2>
          <Link href={`/servers/${encodeURIComponent(cluster.targetId)}`}>{cluster.targetName}</Link>
        </h2>
        <span className="muted">{cluster.name ? `cluster ${cluster.name}` : 'standalone'}</span>
        <span className="muted">
          {cluster.members.length} {cluster.members.length === 1 ? 'server' : 'servers'}
          {down ? ` · ${down} down` : ''}
        </span>
      </div>
      <div className="topology-grid">
        <svg
          className="topology"
          viewBox={`0 0 ${size + 2 * LABEL_MARGIN} ${size}`}
          role="img"
          aria-label={`Cluster ${cluster.name ?? cluster.targetName}: ${cluster.members.length} servers, ${edges.length} routes`}
          style={{ maxWidth: size + 2 * LABEL_MARGIN }}
        >
          {edges.map((e) => {
            const a = pos.get(e.a);
            const b = pos.get(e.b);
            if (!a || !b) return null;
            const down = a.member.status === 'down' || b.member.status === 'down';
            // Seen from one side only although both sides are scraped: the other side lost the route.
            const oneSided = !e.both && a.member.status === 'up' && b.member.status === 'up';
            return (
              <line
                key={`${e.a}|${e.b}`}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                className={`topo-edge${down ? ' topo-edge-down' : oneSided ? ' topo-edge-partial' : ''}`}
              >
                <title>{e.rtt ? `RTT ${e.rtt}` : 'route'}</title>
              </line>
            );
          })}
          {nodes.map((n) => (
            <g
              key={n.member.serverId}
              className="topo-node"
              transform={`translate(${n.x} ${n.y})`}
              data-testid="topology-node"
              data-status={n.member.status}
            >
              <circle
                r={16}
                fill="var(--surface)"
                stroke={NODE_COLOR[n.member.status] ?? 'var(--text-faint)'}
              />
              <circle r={6} fill={NODE_COLOR[n.member.status] ?? 'var(--text-faint)'} />
              <text y={32} textAnchor="middle">
                {memberLabel(n.member)}
              </text>
              <text y={46} textAnchor="middle" className="topo-sub">
                {n.member.status}
              </text>
              <title>{n.member.error ?? n.member.serverId}</title>
            </g>
          ))}
        </svg>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Server</th>
                <th>Status</th>
                <th>Client URLs</th>
              </tr>
            </thead>
            <tbody>
              {cluster.members.map((m) => (
                <tr key={m.serverId} data-testid="topology-member" data-status={m.status}>
                  <td>
                    <div className="cell-title">
                      <span title={m.serverId}>{memberLabel(m, 24)}</span>
                      {m.discovered ? <span className="tag">discovered</span> : null}
                    </div>
                    <div className="cell-sub mono" title={m.serverId}>
                      {m.monitorUrl ?? m.serverId}
                    </div>
                  </td>
                  <td>
                    {m.status === 'unmonitored' ? (
                      <span
                        className="pill pill-warn"
                        title="Seen in a peer's routes; no monitoring URL known"
                      >
                        unmonitored
                      </span>
                    ) : (
                      <StatusPill status={m.status} reason={m.error} />
                    )}
                    {m.error ? <div className="cell-sub cell-error">{m.error}</div> : null}
                  </td>
                  <td className="mono">{m.clientUrls.length ? m.clientUrls.join(', ') : MISSING}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
