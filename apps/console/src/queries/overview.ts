import { useQuery } from '@tanstack/react-query';
import type { AccountsResponse, OverviewResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { OBS_REFETCH_MS, OBS_STALE_MS } from './timing';

export const overviewKeys = {
  overview: ['overview'] as const,
  accounts: (target?: string) => ['accounts', target ?? ''] as const,
};

/** Health, totals and current throughput of everything monitored. */
export function useOverview() {
  return useQuery({
    queryKey: overviewKeys.overview,
    queryFn: ({ signal }) => api.get<OverviewResponse>('overview', undefined, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
  });
}

/** Usage per account, across targets or for one. */
export function useAccounts(target?: string) {
  return useQuery({
    queryKey: overviewKeys.accounts(target),
    queryFn: ({ signal }) => api.get<AccountsResponse>('accounts', { target }, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
  });
}
