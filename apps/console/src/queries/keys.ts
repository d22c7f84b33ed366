import type { AuditFilters } from './audit';

/** Query keys of every backend resource; invalidating a prefix refreshes everything under it. */
export const keys = {
  session: ['session'] as const,
  servers: ['servers'] as const,
  targets: ['targets'] as const,
  audit: ['audit'] as const,
  auditList: (filters: AuditFilters) => ['audit', 'list', filters] as const,
  auditVerify: ['audit', 'verify'] as const,
};
