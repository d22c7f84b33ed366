import { useQuery } from '@tanstack/react-query';
import type { KvBucketsResponse, KvHistoryResponse, KvKeysResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { jsKeys, jsPath } from './jetstream';
import { JETSTREAM_REFETCH_MS, JETSTREAM_STALE_MS } from './timing';

export const kvKeys = {
  buckets: (targetId: string) => [...jsKeys.target(targetId), 'kv'] as const,
  keys: (targetId: string, bucket: string, filter: string) =>
    [...jsKeys.target(targetId), 'kv', bucket, 'keys', filter] as const,
  history: (targetId: string, bucket: string, key: string) =>
    [...jsKeys.target(targetId), 'kv', bucket, 'history', key] as const,
};

/** Paths of KV changes (each has `/preview` and `/apply`). */
export const kvChanges = {
  bucket: (targetId: string, bucket: string, op: 'create' | 'update' | 'delete') =>
    jsPath(targetId, 'kv', bucket, op),
  key: (targetId: string, bucket: string, key: string, op: 'put' | 'delete' | 'purge') =>
    jsPath(targetId, 'kv', bucket, 'keys', key, op),
};

export function useKvBuckets(targetId: string | null) {
  return useQuery({
    queryKey: kvKeys.buckets(targetId ?? ''),
    queryFn: ({ signal }) => api.get<KvBucketsResponse>(jsPath(targetId!, 'kv'), undefined, signal),
    enabled: Boolean(targetId),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

/** The latest entry of each live key. */
export function useKvKeys(targetId: string | null, bucket: string | null, filter: string) {
  return useQuery({
    queryKey: kvKeys.keys(targetId ?? '', bucket ?? '', filter),
    queryFn: ({ signal }) =>
      api.get<KvKeysResponse>(
        jsPath(targetId!, 'kv', bucket!, 'keys'),
        { filter: filter || undefined },
        signal,
      ),
    enabled: Boolean(targetId && bucket),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

/** Every kept revision of one key, oldest first. */
export function useKvHistory(targetId: string | null, bucket: string | null, key: string | null) {
  return useQuery({
    queryKey: kvKeys.history(targetId ?? '', bucket ?? '', key ?? ''),
    queryFn: ({ signal }) =>
      api.get<KvHistoryResponse>(jsPath(targetId!, 'kv', bucket!, 'keys', key!), undefined, signal),
    enabled: Boolean(targetId && bucket && key),
    staleTime: JETSTREAM_STALE_MS,
  });
}
