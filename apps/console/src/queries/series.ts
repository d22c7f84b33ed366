'use client';

import { keepPreviousData, useQueries, useQueryClient } from '@tanstack/react-query';
import type { SeriesResponse } from '@tern/contracts';
import { useEffect, useMemo, useState } from 'react';
import { api } from '@/api/client';
import { appendPoints, toChartData } from '@/components/charts/chartData';
import { MAX_POINTS, rangeMs, type TimeRange } from '@/components/charts/timeRange';
import { useLiveSamples } from './live';
import { SERIES_LIVE_RESYNC_MS, SERIES_REFETCH_MS } from './timing';

/** Which series: a metric of an entity (`server:*`, `stream:<acc>/<name>`, …) of a target (or `*`). */
export interface SeriesRef {
  metric: string;
  target: string;
  entity: string;
}

export const seriesKey = (ref: SeriesRef, range: TimeRange) =>
  ['series', ref.target, ref.entity, ref.metric, range] as const;

function fetchSeries(ref: SeriesRef, range: TimeRange, signal: AbortSignal) {
  const to = Date.now();
  return api.get<SeriesResponse>(
    'series',
    {
      metric: ref.metric,
      target: ref.target,
      entity: ref.entity,
      from: to - rangeMs(range),
      to,
      maxPoints: MAX_POINTS,
    },
    signal,
  );
}

/** A line of a chart: which series, and its legend. */
export interface ChartLine extends SeriesRef {
  key: string;
  label: string;
}

/**
 * Several series over the last `range`, shaped for one chart. Keys hold the range, not the window,
 * so a refetch slides the window without a new cache entry; in live mode samples from the SSE feed
 * are appended to the cached points and the API is only asked now and then to re-sync.
 */
export function useSeriesChart(lines: readonly ChartLine[], range: TimeRange, live: boolean, now: number) {
  const qc = useQueryClient();
  const results = useQueries({
    queries: lines.map((line) => ({
      queryKey: seriesKey(line, range),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchSeries(line, range, signal),
      refetchInterval: live ? SERIES_LIVE_RESYNC_MS : SERIES_REFETCH_MS[range],
      placeholderData: keepPreviousData,
    })),
  });
  const interest = useMemo(
    () => ({ entities: lines.map((l) => l.entity), metrics: lines.map((l) => l.metric) }),
    [lines],
  );
  useLiveSamples(live && lines.length > 0, interest, (samples, dropped) => {
    for (const line of lines) {
      const key = seriesKey(line, range);
      if (dropped > 0) {
        void qc.invalidateQueries({ queryKey: key });
        continue;
      }
      const mine = samples.filter(
        (s) => s.target === line.target && s.entity === line.entity && s.metric === line.metric,
      );
      if (!mine.length) continue;
      qc.setQueryData<SeriesResponse>(key, (old) =>
        old
          ? {
              ...old,
              to: Math.max(old.to, ...mine.map((s) => s.t)),
              points: appendPoints(
                old.points,
                mine.map((s) => ({ t: s.t, v: s.v, min: s.v, max: s.v })),
                Date.now() - rangeMs(range),
                MAX_POINTS * 4,
              ) as SeriesResponse['points'],
            }
          : old,
      );
    }
  });
  const windowTo = live ? now : Math.max(now, ...results.map((r) => r.data?.to ?? 0));
  const from = windowTo - rangeMs(range);
  const stamp = results.map((r) => r.dataUpdatedAt).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `stamp` stands for the results' data
  const data = useMemo(
    () =>
      results.every((r) => r.data === undefined)
        ? undefined
        : toChartData(
            lines.map((l, i) => ({ key: l.key, label: l.label, points: results[i]?.data?.points })),
            { from, to: windowTo },
          ),
    [stamp, from, windowTo, lines.map((l) => l.key).join(',')],
  );
  const firstError = results.find((r) => r.isError);
  const state = {
    isPending: results.some((r) => r.isPending),
    isError: firstError !== undefined,
    error: firstError?.error,
    refetch: () => Promise.all(results.map((r) => r.refetch())),
  };
  return { state, data };
}

/** The current time, ticking every `everyMs`, so charts slide along in live mode. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
