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

/** Room on each side of the circle for the labels under the nodes. */
export const LABEL_MARGIN = 70;

/** Places members evenly on a circle in a `size` square (plus label margins left and right), in a stable (name) order. */
export function layoutMembers(members: readonly ClusterMember[], size: number): NodePos[] {
  const sorted = [...members].sort((a, b) =>
    (a.serverName ?? a.serverId).localeCompare(b.serverName ?? b.serverId),
  );
  const cx = size / 2 + LABEL_MARGIN;
  const cy = size / 2;
  if (sorted.length === 1) return [{ member: sorted[0]!, x: cx, y: cy - 14 }];
  const r = size / 2 - 50;
  return sorted.map((member, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / sorted.length;
    return { member, x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) };
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

/** A member's label: its name, or a shortened server id (ids are 56 characters). */
export function memberLabel(m: Pick<ClusterMember, 'serverId' | 'serverName'>, max = 18): string {
  const name = m.serverName && m.serverName !== m.serverId ? m.serverName : m.serverId;
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}
