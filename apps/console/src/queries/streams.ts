import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { StreamDetailResponse, StreamsQuery, StreamsResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { OBS_REFETCH_MS, OBS_STALE_MS } from './timing';

export type StreamsParams = Partial<StreamsQuery>;

/** Identifies a stream: the target it lives on, its account and name. */
export interface StreamRef {
  targetId: string;
  account: string;
  stream: string;
}

export const streamKeys = {
  all: ['streams'] as const,
  list: (params: StreamsParams) => ['streams', 'list', params] as const,
  detail: (ref: StreamRef) => ['streams', 'detail', ref.targetId, ref.account, ref.stream] as const,
};

/** The console URL of a stream's page. */
export const streamHref = (ref: StreamRef) =>
  `/streams/${[ref.targetId, ref.account, ref.stream].map(encodeURIComponent).join('/')}`;

export const streamApiPath = (ref: StreamRef) =>
  `streams/${[ref.targetId, ref.account, ref.stream].map(encodeURIComponent).join('/')}`;

export function useStreams(params: StreamsParams) {
  return useQuery({
    queryKey: streamKeys.list(params),
    queryFn: ({ signal }) => api.get<StreamsResponse>('streams', { ...params }, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
    placeholderData: keepPreviousData,
  });
}

/** A stream's state, configuration, consumers and last hour of series. */
export function useStreamDetail(ref: StreamRef) {
  return useQuery({
    queryKey: streamKeys.detail(ref),
    queryFn: ({ signal }) => api.get<StreamDetailResponse>(streamApiPath(ref), undefined, signal),
    refetchInterval: OBS_REFETCH_MS,
    staleTime: OBS_STALE_MS,
  });
}
