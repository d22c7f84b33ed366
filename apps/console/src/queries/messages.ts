import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  MessageBrowseResponse,
  MessageDetail,
  MessageImportRequest,
  MessageImportResponse,
  MessagePurgeRequest,
  MessagePurgeResponse,
  MessageRangeCountResponse,
  MessageStreamsResponse,
  MessageTailEvent,
  PublishRequest,
  PublishResponse,
} from '@tern/contracts';
import { useEffect, useRef, useState } from 'react';
import { ApiClientError, api, apiUrl, type Query } from '@/api/client';
import { DEFAULT_STALE_MS } from './timing';

// Message feature timings (milliseconds).
/** The stream list's counters move with traffic. */
export const MESSAGE_STREAMS_REFETCH_MS = 10_000;
/** A page of messages is a snapshot; it is reloaded on demand, not polled. */
export const MESSAGE_PAGE_STALE_MS = 30_000;

export const messageKeys = {
  all: ['messages'] as const,
  streams: (targetId: string) => ['messages', targetId, 'streams'] as const,
  page: (targetId: string, stream: string, q: BrowseParams) =>
    ['messages', targetId, stream, 'page', q] as const,
  detail: (targetId: string, stream: string, seq: number) =>
    ['messages', targetId, stream, 'detail', seq] as const,
  count: (targetId: string, stream: string, q: RangeParams) =>
    ['messages', targetId, stream, 'count', q] as const,
};

export interface BrowseParams {
  seq?: number;
  time?: string;
  direction: 'forward' | 'backward';
  limit: number;
  subject?: string;
}

export interface RangeParams {
  fromSeq?: number;
  toSeq?: number;
  startTime?: string;
  endTime?: string;
  subject?: string;
}

const base = (targetId: string) => `messages/${encodeURIComponent(targetId)}`;
const streamPath = (targetId: string, stream: string) =>
  `${base(targetId)}/streams/${encodeURIComponent(stream)}`;

export function useMessageStreams(targetId: string | null) {
  return useQuery({
    queryKey: messageKeys.streams(targetId ?? ''),
    queryFn: ({ signal }) =>
      api.get<MessageStreamsResponse>(`${base(targetId ?? '')}/streams`, undefined, signal),
    enabled: targetId !== null,
    staleTime: DEFAULT_STALE_MS,
    refetchInterval: MESSAGE_STREAMS_REFETCH_MS,
  });
}

export function useMessagePage(targetId: string | null, stream: string | null, q: BrowseParams) {
  return useQuery({
    queryKey: messageKeys.page(targetId ?? '', stream ?? '', q),
    queryFn: ({ signal }) =>
      api.get<MessageBrowseResponse>(streamPath(targetId ?? '', stream ?? ''), q as unknown as Query, signal),
    enabled: targetId !== null && stream !== null,
    staleTime: MESSAGE_PAGE_STALE_MS,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useMessageDetail(targetId: string | null, stream: string | null, seq: number | null) {
  return useQuery({
    queryKey: messageKeys.detail(targetId ?? '', stream ?? '', seq ?? 0),
    queryFn: ({ signal }) =>
      api.get<MessageDetail>(`${streamPath(targetId ?? '', stream ?? '')}/${seq}`, undefined, signal),
    enabled: targetId !== null && stream !== null && seq !== null,
    staleTime: MESSAGE_PAGE_STALE_MS,
    retry: false,
  });
}

/** Download URL of a whole payload. */
export const payloadUrl = (targetId: string, stream: string, seq: number) =>
  apiUrl(`${streamPath(targetId, stream)}/${seq}/payload`);

export function useRangeCount(
  targetId: string | null,
  stream: string | null,
  q: RangeParams,
  enabled = true,
) {
  return useQuery({
    queryKey: messageKeys.count(targetId ?? '', stream ?? '', q),
    queryFn: ({ signal }) =>
      api.get<MessageRangeCountResponse>(
        `${streamPath(targetId ?? '', stream ?? '')}/count`,
        q as unknown as Query,
        signal,
      ),
    enabled: enabled && targetId !== null && stream !== null,
    retry: false,
  });
}

function useInvalidateMessages() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: messageKeys.all }),
      qc.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

export function useDeleteMessage(targetId: string, stream: string) {
  const invalidate = useInvalidateMessages();
  return useMutation({
    mutationFn: ({ seq, erase }: { seq: number; erase: boolean }) =>
      api.del<unknown>(`${streamPath(targetId, stream)}/${seq}${erase ? '?erase=true' : ''}`),
    onSuccess: invalidate,
  });
}

export function usePurge(targetId: string, stream: string) {
  const invalidate = useInvalidateMessages();
  return useMutation({
    mutationFn: (body: MessagePurgeRequest) =>
      api.post<MessagePurgeResponse>(`${streamPath(targetId, stream)}/purge`, body),
    onSuccess: invalidate,
  });
}

export function usePublish(targetId: string | null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<PublishRequest> & { subject: string }) =>
      api.post<PublishResponse>(`${base(targetId ?? '')}/publish`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: messageKeys.all }),
  });
}

export function useImport(targetId: string | null) {
  const invalidate = useInvalidateMessages();
  return useMutation({
    mutationFn: (body: Partial<MessageImportRequest> & { data: string }) =>
      api.post<MessageImportResponse>(`${base(targetId ?? '')}/import`, body),
    onSuccess: (_r, body) => (body.preview ? undefined : invalidate()),
  });
}

/** Progress of a streamed export. */
export interface ExportProgress {
  lines: number;
  bytes: number;
  /** From the response headers: the selection's message count (an upper bound when estimated). */
  expected: number | null;
  done: boolean;
}

/**
 * Streams an export (JSON Lines) with progress, then hands the file to the browser as a download.
 * Aborting the signal stops it.
 */
export async function downloadExport(
  targetId: string,
  stream: string,
  q: RangeParams,
  onProgress: (p: ExportProgress) => void,
  signal?: AbortSignal,
): Promise<{ blob: Blob; filename: string; lines: number }> {
  const res = await fetch(apiUrl(`${streamPath(targetId, stream)}/export`, q as unknown as Query), {
    credentials: 'same-origin',
    cache: 'no-store',
    signal,
  });
  if (!res.ok || !res.body) {
    let message = `Export failed with HTTP ${res.status}`;
    let code = `HTTP_${res.status}`;
    try {
      const body = (await res.json()) as { error?: { code: string; message: string } };
      if (body.error) ({ code, message } = body.error);
    } catch {
      // not JSON
    }
    throw new ApiClientError(code, message, res.status);
  }
  const expectedHeader = res.headers.get('x-tern-export-count');
  const expected = expectedHeader ? Number(expectedHeader) : null;
  const filename =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `${stream}.jsonl`;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let lines = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    for (const b of value) if (b === 10) lines++;
    onProgress({ lines, bytes, expected, done: false });
  }
  onProgress({ lines, bytes, expected, done: true });
  return { blob: new Blob(chunks as BlobPart[], { type: 'application/x-ndjson' }), filename, lines };
}

/** Saves a blob through a temporary link. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A received tail message with a client-side id. */
export interface TailItem extends MessageTailEvent {
  id: number;
}

export interface TailState {
  status: 'idle' | 'connecting' | 'open' | 'error';
  items: TailItem[];
  /** Messages held back while paused (newest kept, up to the cap). */
  held: number;
  dropped: number;
  /** Messages per second over the last few seconds. */
  rate: number;
}

/**
 * Live tail of a subject over Server-Sent Events. At most `cap` messages are kept; while paused new
 * messages are held (also capped) and shown on resume.
 */
export function useTail(
  targetId: string | null,
  subject: string | null,
  paused: boolean,
  cap: number,
): TailState & { clear(): void } {
  const [state, setState] = useState<TailState>({ status: 'idle', items: [], held: 0, dropped: 0, rate: 0 });
  const held = useRef<TailItem[]>([]);
  const pausedRef = useRef(paused);
  const arrivals = useRef<number[]>([]);
  pausedRef.current = paused;

  useEffect(() => {
    if (!paused && held.current.length > 0) {
      const h = held.current;
      held.current = [];
      setState((s) => ({ ...s, items: [...h.reverse(), ...s.items].slice(0, cap), held: 0 }));
    }
  }, [paused, cap]);

  useEffect(() => {
    if (!targetId || !subject) return;
    let nextId = 1;
    setState({ status: 'connecting', items: [], held: 0, dropped: 0, rate: 0 });
    const es = new EventSource(apiUrl(`${base(targetId)}/tail`, { subject }));
    es.addEventListener('ready', () => setState((s) => ({ ...s, status: 'open' })));
    es.addEventListener('dropped', (e) => {
      const n = Number((e as MessageEvent<string>).data) || 0;
      setState((s) => ({ ...s, dropped: s.dropped + n }));
    });
    es.onmessage = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as MessageTailEvent;
      const item: TailItem = { ...event, id: nextId++ };
      arrivals.current.push(Date.now());
      if (pausedRef.current) {
        held.current.push(item);
        if (held.current.length > cap) held.current.shift();
        const n = held.current.length;
        setState((s) => ({ ...s, held: n, dropped: s.dropped + event.dropped }));
      } else {
        setState((s) => ({
          ...s,
          items: [item, ...s.items].slice(0, cap),
          dropped: s.dropped + event.dropped,
        }));
      }
    };
    es.onerror = () =>
      setState((s) => ({ ...s, status: es.readyState === EventSource.CLOSED ? 'error' : 'connecting' }));
    const rateTimer = setInterval(() => {
      const cutoff = Date.now() - 5000;
      arrivals.current = arrivals.current.filter((t) => t >= cutoff);
      const rate = arrivals.current.length / 5;
      setState((s) => (s.rate === rate ? s : { ...s, rate }));
    }, 1000);
    return () => {
      clearInterval(rateTimer);
      es.close();
      arrivals.current = [];
      held.current = [];
    };
  }, [targetId, subject, cap]);

  return {
    ...state,
    clear: () => {
      held.current = [];
      setState((s) => ({ ...s, items: [], held: 0, dropped: 0 }));
    },
  };
}
