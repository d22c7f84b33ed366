'use client';

import type { LiveStatus } from '@/queries/live';

const TITLES: Record<LiveStatus, string> = {
  off: 'Live updates are off: charts refresh every few seconds.',
  connecting: 'Connecting to the live feed…',
  open: 'Live: charts move as soon as the monitor scrapes.',
  error: 'The live feed is interrupted; retrying. Charts keep refreshing meanwhile.',
};

/** Switches a page's charts between periodic refetching and the Server-Sent Events feed. */
export function LiveToggle({
  on,
  status,
  onChange,
  disabled,
}: {
  on: boolean;
  status: LiveStatus;
  onChange: (on: boolean) => void;
  /** Ranges of a day or more are minute rollups: nothing to stream. */
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      className="live-toggle"
      aria-pressed={on}
      data-state={status}
      title={disabled ? 'Live mode is for the 5 m and 1 h ranges.' : TITLES[status]}
      disabled={disabled}
      onClick={() => onChange(!on)}
      data-testid="live-toggle"
    >
      <span className="live-dot" aria-hidden="true" />
      {on ? (status === 'error' ? 'Live (reconnecting)' : 'Live') : 'Live off'}
    </button>
  );
}
