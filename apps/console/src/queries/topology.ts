import { useQuery } from '@tanstack/react-query';
import type { ServerDetailResponse, TopologyResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { OBS_REFETCH_MS, OBS_SLOW_REFETCH_MS, OBS_STALE_MS } from './timing';

export const topologyKeys = {
  topology: ['topology'] as const,
  server: (targetId: string) => ['servers', 'detail', targetId] as const,
};

/** Every cluster (or standalone server) with its members and routes. */
export function useTopology() {
  return useQuery({
    queryKey: topologyKeys.topology,
    queryFn: ({ signal }) => api.get<TopologyResponse>('topology', undefined, signal),
    refetchInterval: OBS_SLOW_REFETCH_MS,
    staleTime: OBS_STALE_MS,
  });
}

/** Every server of one target in full. */
export function useServerDetail(targetId: string) {
  return useQuery({
    queryKey: topologyKeys.server(targetId),
    queryFn: ({ signal }) =>
      api.get<ServerDetailResponse>(`servers/${encodeURIComponent(targetId)}`, undefined, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
  });
}
