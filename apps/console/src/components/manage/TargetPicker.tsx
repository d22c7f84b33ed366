'use client';

import type { Target } from '@tern/contracts';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type ReactNode, useEffect } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useServers } from '@/queries/servers';
import { useTargets } from '@/queries/targets';

const STORAGE_KEY = 'tern.manage.target';

/**
 * The target whose JetStream objects a page manages: `?target=<id>`, else the last one used, else the
 * first target with JetStream. Returns null while targets load or when there are none.
 */
export function useSelectedTarget(): {
  targetId: string | null;
  target: Target | null;
  targets: Target[];
  isPending: boolean;
  error: unknown;
  select: (id: string) => void;
} {
  const targets = useTargets();
  const servers = useServers();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const list = targets.data?.targets ?? [];
  const fromUrl = params.get('target');
  const stored = typeof window === 'undefined' ? null : window.localStorage.getItem(STORAGE_KEY);
  const withJs = new Set((servers.data?.servers ?? []).filter((s) => s.jetstream).map((s) => s.targetId));
  const pick =
    list.find((t) => t.id === fromUrl) ??
    list.find((t) => t.id === stored) ??
    list.find((t) => withJs.has(t.id)) ??
    list[0] ??
    null;

  useEffect(() => {
    if (pick) window.localStorage.setItem(STORAGE_KEY, pick.id);
  }, [pick]);

  const select = (id: string) => {
    const next = new URLSearchParams(params.toString());
    next.set('target', id);
    window.localStorage.setItem(STORAGE_KEY, id);
    router.replace(`${pathname}?${next.toString()}`);
  };
  return {
    targetId: pick?.id ?? null,
    target: pick,
    targets: list,
    isPending: targets.isPending,
    error: targets.error,
    select,
  };
}

/** A select of the monitored targets. */
export function TargetPicker({
  targets,
  value,
  onChange,
}: {
  targets: Target[];
  value: string | null;
  onChange: (id: string) => void;
}) {
  const servers = useServers();
  const withJs = new Set((servers.data?.servers ?? []).filter((s) => s.jetstream).map((s) => s.targetId));
  return (
    <label className="field field-inline">
      <span className="field-label">Target</span>
      <select
        className="input select"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
        data-testid="target-picker"
      >
        {targets.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
            {withJs.has(t.id) ? ' · JetStream' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The loading, error and no-target states of a page that works on one selected target; renders
 * `children(targetId)` once a target is chosen. `emptyHint` follows "Add a NATS server" in the empty state.
 */
export function SelectedTargetGate({
  sel,
  emptyHint,
  children,
}: {
  sel: ReturnType<typeof useSelectedTarget>;
  emptyHint: ReactNode;
  children: (targetId: string) => ReactNode;
}) {
  if (sel.isPending) return <LoadingState label="Loading targets…" />;
  if (sel.error) return <ErrorState title="Could not load targets" error={sel.error} />;
  if (!sel.targetId) {
    return (
      <EmptyState title="No targets yet">
        <Link href="/">Add a NATS server</Link>
        {emptyHint}
      </EmptyState>
    );
  }
  return <>{children(sel.targetId)}</>;
}
