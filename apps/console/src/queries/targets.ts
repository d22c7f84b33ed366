import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateTargetRequest, Target, TargetsResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { keys } from './keys';

export function useTargets() {
  return useQuery({
    queryKey: keys.targets,
    queryFn: ({ signal }) => api.get<TargetsResponse>('targets', undefined, signal),
  });
}

function useInvalidateAfterTargetChange() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.targets }),
      qc.invalidateQueries({ queryKey: keys.servers }),
      qc.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export function useCreateTarget() {
  const invalidate = useInvalidateAfterTargetChange();
  return useMutation({
    mutationFn: (body: CreateTargetRequest) => api.post<Target>('targets', body),
    onSuccess: invalidate,
  });
}

export function useDeleteTarget() {
  const invalidate = useInvalidateAfterTargetChange();
  return useMutation({
    mutationFn: (id: string) => api.del<unknown>(`targets/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}
