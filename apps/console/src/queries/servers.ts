import { useQuery } from '@tanstack/react-query';
import type { ServersResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { keys } from './keys';
import { SERVERS_REFETCH_MS, SERVERS_STALE_MS } from './timing';

/** Every monitored server as last scraped, refreshed continuously. */
export function useServers() {
  return useQuery({
    queryKey: keys.servers,
    queryFn: ({ signal }) => api.get<ServersResponse>('servers', undefined, signal),
    refetchInterval: SERVERS_REFETCH_MS,
    staleTime: SERVERS_STALE_MS,
  });
}
