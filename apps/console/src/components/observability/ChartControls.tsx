'use client';

import { useState } from 'react';
import { LiveToggle } from '@/components/charts/LiveToggle';
import { TimeRangePicker } from '@/components/charts/TimeRangePicker';
import { DEFAULT_RANGE, type TimeRange } from '@/components/charts/timeRange';
import { useLiveFeed } from '@/queries/live';
import { useNow } from '@/queries/series';

/** A page's chart settings: range, live mode, the live feed's state and the sliding clock. */
export function useChartControls(initial: TimeRange = DEFAULT_RANGE) {
  const [range, setRange] = useState<TimeRange>(initial);
  const [live, setLive] = useState(false);
  // Live mode makes sense only for short ranges; longer ones are rollups of a minute.
  const liveAllowed = range === '5m' || range === '1h';
  const liveActive = live && liveAllowed;
  const status = useLiveFeed(liveActive);
  const now = useNow(liveActive ? 1_000 : 5_000);
  return { range, setRange, live: liveActive, setLive, status, now, liveAllowed };
}

export type ChartControlsState = ReturnType<typeof useChartControls>;

/** Range picker and live toggle, side by side. */
export function ChartControls({ controls }: { controls: ChartControlsState }) {
  return (
    <div className="header-actions">
      <TimeRangePicker value={controls.range} onChange={controls.setRange} />
      <LiveToggle
        on={controls.live}
        status={controls.status}
        onChange={controls.setLive}
        disabled={!controls.liveAllowed}
      />
    </div>
  );
}
