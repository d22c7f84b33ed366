import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { AuditResponse, AuditVerifyResponse } from '@tern/contracts';
import { api } from '@/api/client';
import { keys } from './keys';
import { AUDIT_PAGE_SIZE, AUDIT_REFETCH_MS, AUDIT_STALE_MS, AUDIT_VERIFY_REFETCH_MS } from './timing';

export interface AuditFilters {
  action: string;
  actor: string;
}

/** Audit records newest first, one page per "Load more". */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: keys.auditList(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditResponse>(
        'audit',
        { limit: AUDIT_PAGE_SIZE, before: pageParam, action: filters.action, actor: filters.actor },
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
    queryFn: ({ signal }) => api.get<AuditVerifyResponse>('audit/verify', undefined, signal),
    refetchInterval: AUDIT_VERIFY_REFETCH_MS,
  });
}
