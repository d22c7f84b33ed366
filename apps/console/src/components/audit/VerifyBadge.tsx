'use client';

import { errorText } from '@/components/states';
import { formatNumber } from '@/lib/format';
import { useAuditVerify } from '@/queries/audit';

/** Whether the audit log's hash chain is intact, from GET /api/audit/verify. */
export function VerifyBadge() {
  const verify = useAuditVerify();
  if (verify.isPending) {
    return (
      <span className="pill pill-unknown" data-testid="audit-verify" data-state="pending">
        <span className="pill-dot" aria-hidden="true" />
        Verifying chain…
      </span>
    );
  }
  if (verify.isError) {
    return (
      <span
        className="pill pill-unknown"
        data-testid="audit-verify"
        data-state="error"
        title={errorText(verify.error).message}
      >
        <span className="pill-dot" aria-hidden="true" />
        Chain not verified
      </span>
    );
  }
  const { ok, checked, firstBrokenId, reason } = verify.data;
  return ok ? (
    <span
      className="pill pill-up"
      data-testid="audit-verify"
      data-state="ok"
      title="Every record's hash matches its content and the previous record"
    >
      <span className="pill-dot" aria-hidden="true" />
      Chain intact · {formatNumber(checked)} records
    </span>
  ) : (
    <span
      className="pill pill-down"
      data-testid="audit-verify"
      data-state="broken"
      title={
        reason === 'hash'
          ? 'This record was altered after it was written'
          : reason === 'link'
            ? 'This record does not follow the one before it (a record was removed or reordered)'
            : undefined
      }
    >
      <span className="pill-dot" aria-hidden="true" />
      Chain broken at record #{firstBrokenId ?? '?'}
    </span>
  );
}
