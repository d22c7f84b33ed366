import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ChangePreview,
  ChangeResult,
  ConsumersListResponse,
  JetStreamCapabilities,
  StreamDetail,
  StreamsListResponse,
} from '@tern/contracts';
import { api } from '@/api/client';
import { keys } from './keys';
import { JETSTREAM_REFETCH_MS, JETSTREAM_STALE_MS } from './timing';

const enc = encodeURIComponent;

/** Query keys of JetStream management data; everything of one target lives under `jsKeys.target(id)`. */
export const jsKeys = {
  all: ['jetstream'] as const,
  target: (targetId: string) => ['jetstream', targetId] as const,
  capabilities: (targetId: string) => ['jetstream', targetId, 'capabilities'] as const,
  streams: (targetId: string) => ['jetstream', targetId, 'streams'] as const,
  stream: (targetId: string, stream: string) => ['jetstream', targetId, 'streams', stream] as const,
  consumers: (targetId: string, stream: string) =>
    ['jetstream', targetId, 'streams', stream, 'consumers'] as const,
};

/** `targets/:id/jetstream/...` */
export const jsPath = (targetId: string, ...parts: string[]) =>
  ['targets', enc(targetId), 'jetstream', ...parts.map(enc)].join('/');

/** What the target's server supports (pause, 2.10 fields). */
export function useCapabilities(targetId: string | null) {
  return useQuery({
    queryKey: jsKeys.capabilities(targetId ?? ''),
    queryFn: ({ signal }) =>
      api.get<JetStreamCapabilities>(jsPath(targetId!, 'capabilities'), undefined, signal),
    enabled: Boolean(targetId),
    staleTime: 60_000,
  });
}

export function useStreams(targetId: string | null) {
  return useQuery({
    queryKey: jsKeys.streams(targetId ?? ''),
    queryFn: ({ signal }) => api.get<StreamsListResponse>(jsPath(targetId!, 'streams'), undefined, signal),
    enabled: Boolean(targetId),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

export function useStream(targetId: string | null, stream: string) {
  return useQuery({
    queryKey: jsKeys.stream(targetId ?? '', stream),
    queryFn: ({ signal }) => api.get<StreamDetail>(jsPath(targetId!, 'streams', stream), undefined, signal),
    enabled: Boolean(targetId && stream),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

export function useConsumers(targetId: string | null, stream: string) {
  return useQuery({
    queryKey: jsKeys.consumers(targetId ?? '', stream),
    queryFn: ({ signal }) =>
      api.get<ConsumersListResponse>(jsPath(targetId!, 'streams', stream, 'consumers'), undefined, signal),
    enabled: Boolean(targetId && stream),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

/**
 * One change through the monitor's dry-run-then-apply path: `POST <path>/preview` and `POST <path>/apply`
 * with the same body (see contracts/admin.ts).
 */
export interface ChangeRequest {
  /** API path without `/preview` or `/apply`, e.g. `targets/t1/jetstream/streams/ORDERS/update`. */
  path: string;
  body: Record<string, unknown>;
  /** Query keys to refresh after the change is applied (the audit log always is). */
  invalidate: ReadonlyArray<readonly unknown[]>;
}

/** Paths of every JetStream change, so components never build URLs. */
export const changes = {
  stream: (targetId: string, stream: string, op: 'create' | 'update' | 'delete' | 'purge' | 'seal') =>
    jsPath(targetId, 'streams', stream, op),
  consumer: (
    targetId: string,
    stream: string,
    consumer: string,
    op: 'create' | 'update' | 'delete' | 'pause' | 'resume',
  ) => jsPath(targetId, 'streams', stream, 'consumers', consumer, op),
};

export function useChangePreview() {
  return useMutation({
    mutationFn: (req: ChangeRequest) => api.post<ChangePreview>(`${req.path}/preview`, req.body),
  });
}

export function useChangeApply() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ req, confirm }: { req: ChangeRequest; confirm?: string }) =>
      api.post<ChangeResult>(
        `${req.path}/apply`,
        confirm === undefined ? req.body : { ...req.body, confirm },
      ),
    onSettled: (_data, _err, { req }) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.audit }),
        ...req.invalidate.map((queryKey) => qc.invalidateQueries({ queryKey })),
      ]),
  });
}
