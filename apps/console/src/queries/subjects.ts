import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { SubjectsQuery, SubjectsResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { OBS_SLOW_REFETCH_MS, OBS_STALE_MS } from './timing';

export type SubjectsParams = Partial<SubjectsQuery>;

/** The subject tree from subscriptions and stream subjects, with rates where known. */
export function useSubjects(params: SubjectsParams) {
  return useQuery({
    queryKey: ['subjects', params] as const,
    queryFn: ({ signal }) => api.get<SubjectsResponse>('subjects', { ...params }, signal),
    refetchInterval: OBS_SLOW_REFETCH_MS,
    staleTime: OBS_STALE_MS,
    placeholderData: keepPreviousData,
  });
}
