import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ConnectionsQuery, ConnectionsResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { OBS_REFETCH_MS, OBS_STALE_MS } from './timing';

export type ConnectionsParams = Partial<ConnectionsQuery>;

export const connectionsKey = (params: ConnectionsParams) => ['connections', params] as const;

/** One page of client connections across servers, sorted and filtered by the monitor (like /connz). */
export function useConnections(params: ConnectionsParams) {
  return useQuery({
    queryKey: connectionsKey(params),
    queryFn: ({ signal }) => api.get<ConnectionsResponse>('connections', { ...params }, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
    placeholderData: keepPreviousData,
  });
}
