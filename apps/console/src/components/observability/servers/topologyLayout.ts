// Pure layout of a cluster drawing: members on a circle, one edge per pair of routed members.

import type { ClusterLink, ClusterMember } from '@tern/contracts';

export interface NodePos {
  member: ClusterMember;
  x: number;
  y: number;
}

export interface Edge {
  a: string;
  b: string;
  /** Reported by both ends (a healthy route is seen from both sides). */
  both: boolean;
  rtt?: string;
}

/** Places members evenly on a circle in a `size` square, in a stable (name) order. */
export function layoutMembers(members: readonly ClusterMember[], size: number): NodePos[] {
  const sorted = [...members].sort((a, b) =>
    (a.serverName ?? a.serverId).localeCompare(b.serverName ?? b.serverId),
  );
  const c = size / 2;
  if (sorted.length === 1) return [{ member: sorted[0]!, x: c, y: c - 14 }];
  const r = size / 2 - 60;
  return sorted.map((member, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / sorted.length;
    return { member, x: c + r * Math.cos(angle), y: c + r * Math.sin(angle) };
  });
}

/** Folds directed route reports into undirected edges between known members. */
export function edgesOf(links: readonly ClusterLink[], members: readonly ClusterMember[]): Edge[] {
  const known = new Set(members.map((m) => m.serverId));
  const edges = new Map<string, Edge>();
  for (const l of links) {
    if (!known.has(l.from) || !known.has(l.to) || l.from === l.to) continue;
    const [a, b] = l.from < l.to ? [l.from, l.to] : [l.to, l.from];
    const key = `${a}|${b}`;
    const e = edges.get(key);
    if (e) e.rtt ??= l.rtt;
    else edges.set(key, { a, b, both: false, rtt: l.rtt });
  }
  // A route seen from both ends is healthy; from one end only, the other side may be gone.
  const dirs = new Map<string, Set<string>>();
  for (const l of links) {
    const key = l.from < l.to ? `${l.from}|${l.to}` : `${l.to}|${l.from}`;
    if (!dirs.has(key)) dirs.set(key, new Set());
    dirs.get(key)!.add(l.from);
  }
  for (const [key, e] of edges) e.both = (dirs.get(key)?.size ?? 0) >= 2;
  return [...edges.values()];
}
