import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReplayJob, ReplayJobsResponse, ReplayPreviewResponse, ReplayRequest } from '@tern/contracts';
import { api } from '@/api/client';

/** Replay progress is polled this often while a job runs. */
export const REPLAY_ACTIVE_REFETCH_MS = 1_000;
export const REPLAY_IDLE_REFETCH_MS = 10_000;

export const replayKeys = {
  all: ['replay-jobs'] as const,
};

export type ReplayForm = Partial<ReplayRequest> & { targetId: string; stream: string };

/** Replay jobs, newest first; polled quickly while any is running. */
export function useReplayJobs() {
  return useQuery({
    queryKey: replayKeys.all,
    queryFn: ({ signal }) => api.get<ReplayJobsResponse>('replay-jobs', undefined, signal),
    refetchInterval: (q) =>
      q.state.data?.jobs.some((j) => j.status === 'running')
        ? REPLAY_ACTIVE_REFETCH_MS
        : REPLAY_IDLE_REFETCH_MS,
  });
}

export function useReplayPreview() {
  return useMutation({
    mutationFn: (body: ReplayForm) => api.post<ReplayPreviewResponse>('replay-jobs/preview', body),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: replayKeys.all }),
      qc.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

export function useCreateReplay() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: ReplayForm) => api.post<ReplayJob>('replay-jobs', body),
    onSuccess: invalidate,
  });
}

export function useReplayAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'pause' | 'resume' | 'cancel' }) =>
      api.post<ReplayJob>(`replay-jobs/${encodeURIComponent(id)}/${action}`, {}),
    onSuccess: invalidate,
  });
}
