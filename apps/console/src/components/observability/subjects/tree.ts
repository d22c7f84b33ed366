// Pure helpers for the subject tree: children by parent, and which nodes start expanded.

import type { SubjectNode } from '@tern/contracts';

/** Children of each subject (`''` holds the roots), ordered busiest first, then by token. */
export function childrenByParent(nodes: readonly SubjectNode[]): Map<string, SubjectNode[]> {
  const map = new Map<string, SubjectNode[]>();
  const known = new Set(nodes.map((n) => n.subject));
  for (const n of nodes) {
    // A node whose parent was cut off (prefix or depth query) becomes a root.
    const parent = n.parent !== null && known.has(n.parent) ? n.parent : '';
    const list = map.get(parent) ?? [];
    list.push(n);
    map.set(parent, list);
  }
  for (const list of map.values()) {
    list.sort(
      (a, b) =>
        (b.totalMsgsRate ?? -1) - (a.totalMsgsRate ?? -1) ||
        b.totalSubscriptions - a.totalSubscriptions ||
        a.token.localeCompare(b.token),
    );
  }
  return map;
}

/** Subjects expanded at first: every node above `depth` levels, so the top of the tree is visible. */
export function initiallyExpanded(nodes: readonly SubjectNode[], depth = 1): Set<string> {
  const min = nodes.reduce((m, n) => Math.min(m, n.depth), Number.POSITIVE_INFINITY);
  return new Set(nodes.filter((n) => n.depth < min + depth && n.children > 0).map((n) => n.subject));
}
