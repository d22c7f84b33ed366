import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AuditPruneResponse,
  AuditResponse,
  AuditSettings,
  AuditVerifyDetail,
  RollbackPreview,
  RollbackResult,
} from '@tern/contracts';
import { api, apiUrl } from '@/api/client';
import { type AuditFilters, toAuditQuery } from '@/lib/auditFilters';
import { keys } from './keys';
import { AUDIT_PAGE_SIZE, AUDIT_REFETCH_MS, AUDIT_STALE_MS, AUDIT_VERIFY_REFETCH_MS } from './timing';

export type { AuditFilters };

/** Audit records newest first, one page per "Load more". */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: keys.auditList(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditResponse>(
        'audit',
        { limit: AUDIT_PAGE_SIZE, before: pageParam, ...toAuditQuery(filters) },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    staleTime: AUDIT_STALE_MS,
    refetchInterval: AUDIT_REFETCH_MS,
  });
}

/** Whether the audit hash chain is intact. */
export function useAuditVerify() {
  return useQuery({
    queryKey: keys.auditVerify,
    queryFn: ({ signal }) => api.get<AuditVerifyDetail>('audit/verify', undefined, signal),
    refetchInterval: AUDIT_VERIFY_REFETCH_MS,
  });
}

/** Download URL of the filtered log (oldest first) as CSV or JSON. */
export function auditExportUrl(filters: AuditFilters, format: 'csv' | 'json'): string {
  return apiUrl('audit/export', { ...toAuditQuery(filters), format });
}

/** Dry run of re-applying a record's before-state. */
export function previewRollback(id: string): Promise<RollbackPreview> {
  return api.post<RollbackPreview>(`audit/${encodeURIComponent(id)}/rollback/preview`, {});
}

/** Applies a rollback; everything it may have changed is refreshed. */
export function useRollbackApply() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, confirm }: { id: string; confirm?: string }) =>
      api.post<RollbackResult>(
        `audit/${encodeURIComponent(id)}/rollback/apply`,
        confirm === undefined ? {} : { confirm },
      ),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.audit }),
        qc.invalidateQueries({ queryKey: ['jetstream'] }),
      ]),
  });
}

const settingsKey = ['audit', 'settings'] as const;

/** How long audit records are kept. */
export function useAuditSettings() {
  return useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => api.get<AuditSettings>('audit/settings', undefined, signal),
  });
}

export function useSaveAuditSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AuditSettings) => api.put<AuditSettings>('audit/settings', body),
    onSuccess: (data) => {
      qc.setQueryData(settingsKey, data);
      return qc.invalidateQueries({ queryKey: keys.audit });
    },
  });
}

/** Deletes records older than the retention now (admin). */
export function usePruneAudit() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<AuditPruneResponse>('audit/prune', {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.audit }),
  });
}
