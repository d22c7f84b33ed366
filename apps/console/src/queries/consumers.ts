import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ConsumerDetailResponse, ConsumersQuery, ConsumersResponse } from '@tern/contracts';
import { api } from '@/api/client';
import type { StreamRef } from './streams';
import { OBS_REFETCH_MS, OBS_STALE_MS } from './timing';

export type ConsumersParams = Partial<ConsumersQuery>;

/** Identifies a consumer: its stream and its name. */
export interface ConsumerRef extends StreamRef {
  consumer: string;
}

export const consumerKeys = {
  all: ['consumers'] as const,
  list: (params: ConsumersParams) => ['consumers', 'list', params] as const,
  detail: (ref: ConsumerRef) =>
    ['consumers', 'detail', ref.targetId, ref.account, ref.stream, ref.consumer] as const,
};

const segments = (ref: ConsumerRef) =>
  [ref.targetId, ref.account, ref.stream, ref.consumer].map(encodeURIComponent).join('/');

/** The console URL of a consumer's page. */
export const consumerHref = (ref: ConsumerRef) => `/consumers/${segments(ref)}`;

/** Consumers across streams, by default the most lagging first. */
export function useConsumers(params: ConsumersParams) {
  return useQuery({
    queryKey: consumerKeys.list(params),
    queryFn: ({ signal }) => api.get<ConsumersResponse>('consumers', { ...params }, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
    placeholderData: keepPreviousData,
  });
}

/** A consumer's state, lag, configuration and last hour of series. */
export function useConsumerDetail(ref: ConsumerRef) {
  return useQuery({
    queryKey: consumerKeys.detail(ref),
    queryFn: ({ signal }) => api.get<ConsumerDetailResponse>(`consumers/${segments(ref)}`, undefined, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
  });
}
