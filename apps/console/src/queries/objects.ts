import { useQuery } from '@tanstack/react-query';
import type { ObjectStoresResponse, ObjectsResponse } from '@tern/contracts';
import { api, apiUrl } from '@/api/client';
import { jsKeys, jsPath } from './jetstream';
import { JETSTREAM_REFETCH_MS, JETSTREAM_STALE_MS } from './timing';

export const objectKeys = {
  stores: (targetId: string) => [...jsKeys.target(targetId), 'objects'] as const,
  objects: (targetId: string, bucket: string) => [...jsKeys.target(targetId), 'objects', bucket] as const,
};

/** Paths of object store changes (each has `/preview` and `/apply`). */
export const objectChanges = {
  store: (targetId: string, bucket: string) => jsPath(targetId, 'objects', bucket, 'delete'),
  object: (targetId: string, bucket: string, name: string) =>
    jsPath(targetId, 'objects', bucket, 'objects', name, 'delete'),
};

export function useObjectStores(targetId: string | null) {
  return useQuery({
    queryKey: objectKeys.stores(targetId ?? ''),
    queryFn: ({ signal }) => api.get<ObjectStoresResponse>(jsPath(targetId!, 'objects'), undefined, signal),
    enabled: Boolean(targetId),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

export function useObjects(targetId: string | null, bucket: string | null) {
  return useQuery({
    queryKey: objectKeys.objects(targetId ?? '', bucket ?? ''),
    queryFn: ({ signal }) =>
      api.get<ObjectsResponse>(jsPath(targetId!, 'objects', bucket!), undefined, signal),
    enabled: Boolean(targetId && bucket),
    staleTime: JETSTREAM_STALE_MS,
    refetchInterval: JETSTREAM_REFETCH_MS,
  });
}

/** Where the browser downloads an object from (the monitor sets Content-Disposition). */
export function objectDownloadUrl(targetId: string, bucket: string, name: string): string {
  return apiUrl(jsPath(targetId, 'objects', bucket, 'objects', name, 'download'));
}
