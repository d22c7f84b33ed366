'use client';

import type { MessageStream, Target } from '@tern/contracts';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect } from 'react';
import { canOperate } from '@/lib/roles';
import { useMessageStreams } from '@/queries/messages';
import { useSession } from '@/queries/session';
import { useTargets } from '@/queries/targets';

const TARGET_KEY = 'tern.messages.target';

/** Whether the signed-in user may change messages (publish, delete, import, replay). */
export function useCanOperate(): boolean {
  const session = useSession();
  return canOperate(session.data?.user.role);
}

/**
 * The target and stream the message pages work on: `?target=&stream=` in the URL, else the last target
 * used and the first stream. Changing either rewrites the URL so the view can be shared.
 */
export function useMessagesSelection() {
  const targets = useTargets();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const list: Target[] = targets.data?.targets ?? [];
  const stored = typeof window === 'undefined' ? null : window.localStorage.getItem(TARGET_KEY);
  const target =
    list.find((t) => t.id === params.get('target')) ??
    list.find((t) => t.id === stored) ??
    list.find((t) => t.natsUrls.length > 0) ??
    list[0] ??
    null;
  const targetId = target?.id ?? null;
  const streams = useMessageStreams(targetId);
  const streamList: MessageStream[] = streams.data?.streams ?? [];
  const wanted = params.get('stream');
  const stream = streamList.find((s) => s.name === wanted) ?? (wanted ? null : (streamList[0] ?? null));

  useEffect(() => {
    if (targetId) window.localStorage.setItem(TARGET_KEY, targetId);
  }, [targetId]);

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    router.replace(`${pathname}?${next.toString()}`);
  };
  return {
    targets,
    target,
    targetId,
    streams,
    streamList,
    stream,
    /** The stream named in the URL when it does not exist (any more). */
    missingStream: wanted && streams.isSuccess && !stream ? wanted : null,
    selectTarget: (id: string) => {
      window.localStorage.setItem(TARGET_KEY, id);
      update({ target: id, stream: null, seq: null });
    },
    selectStream: (name: string) => update({ stream: name, seq: null }),
    params,
    update,
  };
}

const TABS = [
  { href: '/messages', label: 'Browse', testId: 'messages-tab-browse' },
  { href: '/messages/tail', label: 'Live tail', testId: 'messages-tab-tail' },
  { href: '/messages/publish', label: 'Publish', testId: 'messages-tab-publish' },
  { href: '/messages/replay', label: 'Replay', testId: 'messages-tab-replay' },
  { href: '/messages/transfer', label: 'Export / import', testId: 'messages-tab-transfer' },
];

/** The message pages' sub-navigation; keeps the selected target. */
export function MessagesTabs() {
  const pathname = usePathname();
  const params = useSearchParams();
  const target = params.get('target');
  return (
    <nav className="msg-tabs" aria-label="Messages">
      {TABS.map((t) => {
        const active = pathname === t.href;
        return (
          <Link
            key={t.href}
            href={target ? `${t.href}?target=${encodeURIComponent(target)}` : t.href}
            className={`msg-tab${active ? ' active' : ''}`}
            aria-current={active ? 'page' : undefined}
            data-testid={t.testId}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** Target select, shared by every message page. */
export function TargetSelect({
  targets,
  value,
  onChange,
}: {
  targets: Target[];
  value: string | null;
  onChange: (id: string) => void;
}) {
  return (
    <label className="field field-inline">
      <span className="field-label">Target</span>
      <select
        className="input"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
        data-testid="messages-target"
      >
        {targets.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
            {t.natsUrls.length === 0 ? ' (no NATS URL)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Stream select. */
export function StreamSelect({
  streams,
  value,
  onChange,
  testId = 'messages-stream',
  label = 'Stream',
}: {
  streams: MessageStream[];
  value: string | null;
  onChange: (name: string) => void;
  testId?: string;
  label?: string;
}) {
  return (
    <label className="field field-inline">
      <span className="field-label">{label}</span>
      <select
        className="input"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      >
        {value === null ? <option value="">Choose a stream…</option> : null}
        {streams.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name} ({s.messages.toLocaleString()} msgs)
          </option>
        ))}
      </select>
    </label>
  );
}
