import type { OverallHealth } from '@tern/contracts';

const LABELS: Record<OverallHealth, string> = {
  ok: 'Healthy',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'Unknown',
};
const CLASSES: Record<OverallHealth, string> = {
  ok: 'pill-up',
  degraded: 'pill-warn',
  down: 'pill-down',
  unknown: 'pill-unknown',
};

/** Health of a target or of everything. */
export function HealthPill({ health, testId }: { health: OverallHealth; testId?: string }) {
  return (
    <span className={`pill ${CLASSES[health]}`} data-testid={testId} data-health={health}>
      <span className="pill-dot" aria-hidden="true" />
      {LABELS[health]}
    </span>
  );
}
