'use client';

import { useTargets } from '@/queries/targets';

/** "All targets" or one of them, for filtering a list. */
export function TargetSelect({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const targets = useTargets();
  return (
    <label className="field">
      <span className="field-label">Target</span>
      <select
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid="filter-target"
      >
        <option value="">All targets</option>
        {(targets.data?.targets ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
