import type {
  AccountLimits,
  AccountSpec,
  AccountUsage,
  ManagedUser,
  SubjectPermission,
  TargetAccountsResponse,
} from '@tern/contracts';

/** One account as the Accounts page shows it: managed (operator mode) or configured, plus usage. */
export interface AccountRow {
  /** Name shown (managed name, or the server's account name). */
  name: string;
  /** The account's id on the server: public key in operator mode, else the name. */
  id: string;
  system: boolean;
  managed: boolean;
  users: ManagedUser[];
  connections: number | null;
  subscriptions: number | null;
  jetstream: { memory: number; storage: number; streams: number; consumers: number } | null;
  limits: Required<AccountLimits> | null;
  spec: AccountSpec | null;
  exports: Array<{ subject: string; type: string }>;
  imports: Array<{ subject: string; account: string; type: string; localSubject?: string }>;
}

/**
 * Joins the monitor's account view with usage from GET /api/accounts (keyed by the server's account
 * id: the public key in operator mode). Imports name the exporter by display name when it is known.
 */
export function toAccountRows(view: TargetAccountsResponse, usage: AccountUsage[]): AccountRow[] {
  const use = new Map(usage.map((u) => [u.account, u]));
  const nameOf = new Map<string, string>();
  for (const a of view.accounts) nameOf.set(a.publicKey, a.name);
  const display = (acc: string) => nameOf.get(acc) ?? acc;
  if (view.mode === 'operator') {
    return view.accounts.map((a) => {
      const u = use.get(a.publicKey);
      return {
        name: a.name,
        id: a.publicKey,
        system: a.system,
        managed: true,
        users: a.users,
        connections: u?.connections ?? null,
        subscriptions: u?.subscriptions ?? null,
        jetstream: u?.jetstream ?? null,
        limits: { ...a.limits } as Required<AccountLimits>,
        spec: a.spec,
        exports: (a.spec.exports ?? []).map((e) => ({ subject: e.subject, type: e.type })),
        imports: (a.spec.imports ?? []).map((i) => ({
          subject: i.subject,
          account: display(i.account),
          type: i.type,
          ...(i.localSubject ? { localSubject: i.localSubject } : {}),
        })),
      };
    });
  }
  const names = new Set([...view.configured.map((c) => c.name), ...usage.map((u) => u.account)]);
  return [...names].sort().map((name) => {
    const c = view.configured.find((x) => x.name === name);
    const u = use.get(name);
    return {
      name,
      id: name,
      system: c?.system ?? false,
      managed: false,
      users: [],
      connections: u?.connections ?? null,
      subscriptions: u?.subscriptions ?? null,
      jetstream: u?.jetstream ?? null,
      limits: null,
      spec: null,
      exports: c?.exports ?? [],
      imports: c?.imports ?? [],
    };
  });
}

/** A node and the edges of the exports/imports graph; an edge goes from exporter to importer. */
export interface GraphNode {
  name: string;
  x: number;
  y: number;
  system: boolean;
  exports: number;
}
export interface GraphEdge {
  from: string;
  to: string;
  subject: string;
  type: string;
}

/** Accounts on a circle (system account left out unless something imports from it), edges per import. */
export function toGraph(rows: AccountRow[], size = 360): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const edges: GraphEdge[] = [];
  for (const r of rows) {
    for (const i of r.imports) edges.push({ from: i.account, to: r.name, subject: i.subject, type: i.type });
  }
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  const shown = rows.filter((r) => !r.system || linked.has(r.name));
  // Exporters outside the list (e.g. a public key of an unmanaged account) still get a node.
  const extra = [...linked].filter((n) => !shown.some((r) => r.name === n));
  const names = [
    ...shown.map((r) => ({ name: r.name, system: r.system, exports: r.exports.length })),
    ...extra.map((name) => ({ name, system: false, exports: 0 })),
  ];
  const c = size / 2;
  const radius = names.length <= 1 ? 0 : c - 60;
  const nodes = names.map((n, k) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * k) / Math.max(1, names.length);
    return { ...n, x: Math.round(c + radius * Math.cos(angle)), y: Math.round(c + radius * Math.sin(angle)) };
  });
  return { nodes, edges };
}

/** "a, b c" → ["a", "b", "c"]; empty entries dropped. */
export function parseSubjects(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A limit input: empty is unlimited (-1), else a non-negative integer; undefined when invalid. */
export function parseLimit(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || t === '-1') return -1;
  if (!/^\d+$/.test(t)) return undefined;
  return Number(t);
}

export const limitText = (n: number | undefined): string => (n === undefined || n < 0 ? '' : String(n));

/** A permission from allow/deny texts; undefined when both are empty. */
export function toPermission(allow: string, deny: string): SubjectPermission | undefined {
  const a = parseSubjects(allow);
  const d = parseSubjects(deny);
  if (!a.length && !d.length) return undefined;
  return { ...(a.length ? { allow: a } : {}), ...(d.length ? { deny: d } : {}) };
}

/** Use against a limit in percent (0–100), or null when unlimited/unknown. */
export function usagePercent(
  used: number | null | undefined,
  limit: number | null | undefined,
): number | null {
  if (used === null || used === undefined || limit === null || limit === undefined || limit < 0) return null;
  if (limit === 0) return used > 0 ? 100 : 0;
  return Math.min(100, Math.round((used / limit) * 100));
}
