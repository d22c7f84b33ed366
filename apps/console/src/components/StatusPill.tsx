import type { ServerStatus } from '@tern/contracts';

const LABELS: Record<ServerStatus, string> = { up: 'Up', down: 'Down', unknown: 'Unknown' };

/** Server state as a coloured pill; the reason for "down" is in the tooltip. */
export function StatusPill({ status, reason }: { status: ServerStatus; reason?: string }) {
  return (
    <span className={`pill pill-${status}`} title={reason} data-testid="server-status" data-status={status}>
      <span className="pill-dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}

/** Result of an audited action. */
export function ResultPill({ result, error }: { result: 'ok' | 'error'; error?: string | null }) {
  return (
    <span className={`pill ${result === 'ok' ? 'pill-up' : 'pill-down'}`} title={error ?? undefined}>
      <span className="pill-dot" aria-hidden="true" />
      {result === 'ok' ? 'OK' : 'Error'}
    </span>
  );
}
