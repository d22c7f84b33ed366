'use client';

import { TIME_RANGES, type TimeRange } from './timeRange';

/** The 5 m / 1 h / 24 h / 7 d choice shared by every chart on a page. */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  return (
    <div
      className="segmented range-picker"
      role="radiogroup"
      aria-label="Time range"
      data-testid="time-range"
    >
      {TIME_RANGES.map((r) => (
        <label key={r.value} className={`segment${value === r.value ? ' active' : ''}`}>
          <input
            type="radio"
            name="time-range"
            value={r.value}
            checked={value === r.value}
            onChange={() => onChange(r.value)}
            data-testid={`time-range-${r.value}`}
          />
          {r.label}
        </label>
      ))}
    </div>
  );
}
