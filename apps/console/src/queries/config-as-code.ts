import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ConfigFormat,
  ConfigImportPreview,
  ConfigImportRequest,
  ConfigImportResult,
  DriftReport,
} from '@tern/contracts';
import { api, apiUrl } from '@/api/client';
import { jsKeys } from './jetstream';
import { keys } from './keys';

const base = (targetId: string) => `config-as-code/${encodeURIComponent(targetId)}`;

export const configKeys = {
  export: (targetId: string, format: ConfigFormat) => ['config-as-code', targetId, 'export', format] as const,
};

/** The target's streams, consumers and KV buckets as one document (text), fetched when asked for. */
export function useConfigExport(targetId: string | null, format: ConfigFormat, enabled: boolean) {
  return useQuery({
    queryKey: configKeys.export(targetId ?? '', format),
    queryFn: ({ signal }) => api.text(`${base(targetId!)}/export`, { format }, signal),
    enabled: Boolean(targetId) && enabled,
    staleTime: 0,
  });
}

export function configDownloadUrl(targetId: string, format: ConfigFormat): string {
  return apiUrl(`${base(targetId)}/export`, { format });
}

/** What importing a document would create, update and delete; nothing changes. */
export function useImportPreview(targetId: string) {
  return useMutation({
    mutationFn: (body: ConfigImportRequest) =>
      api.post<ConfigImportPreview>(`${base(targetId)}/import/preview`, body),
  });
}

export function useImportApply(targetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ConfigImportRequest) =>
      api.post<ConfigImportResult>(`${base(targetId)}/import/apply`, body),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.audit }),
        qc.invalidateQueries({ queryKey: jsKeys.target(targetId) }),
        qc.invalidateQueries({ queryKey: ['config-as-code', targetId] }),
      ]),
  });
}

/** Compares a document with the live server. */
export function useDrift(targetId: string) {
  return useMutation({
    mutationFn: (body: ConfigImportRequest) => api.post<DriftReport>(`${base(targetId)}/drift`, body),
  });
}
