'use client';

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisNumber } from '@/components/observability/format';
import { errorText } from '@/components/states';
import type { ChartData } from './chartData';
import { formatTick, formatTooltipTime, type TimeRange, timeTicks } from './timeRange';
import './charts.css';

/** The query state a chart needs; any react-query result fits. */
export interface ChartQueryState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

interface Props {
  title: string;
  testId: string;
  state: ChartQueryState;
  data: ChartData | undefined;
  range: TimeRange;
  /** Formats a value for the tooltip and the latest-value legend. */
  format: (n: number) => string;
  height?: number;
  emptyText?: string;
  /** Stack areas (parts of a whole) instead of overlaying them. */
  stacked?: boolean;
  /** Counts: whole-number axis ticks only. */
  integer?: boolean;
  /** Formats the value axis (default: compact numbers). */
  axisFormat?: (n: number) => string;
}

/** Colour of the n-th series, from the theme. */
export const seriesColor = (i: number) => `var(--chart-${(i % 6) + 1})`;

/** A time series card: title, latest values, and the chart or its loading, error or empty state. */
export function TimeSeriesChart({
  title,
  testId,
  state,
  data,
  range,
  format,
  height = 180,
  emptyText = 'No data in this time range yet.',
  stacked = false,
  integer = false,
  axisFormat = formatAxisNumber,
}: Props) {
  const status =
    state.isPending && !data
      ? 'loading'
      : state.isError && !data
        ? 'error'
        : !data || data.empty
          ? 'empty'
          : 'data';
  const first = data?.series[0]?.key;
  const firstLatest = first !== undefined ? data?.latest[first] : undefined;
  return (
    <section
      className="chart-card"
      data-testid={testId}
      data-state={status}
      data-latest={firstLatest ?? ''}
      aria-label={title}
    >
      <div className="chart-head">
        <h3 className="chart-title">{title}</h3>
        {data && !data.empty ? (
          <div className="chart-latest">
            {data.series.map((s, i) => (
              <span key={s.key} data-testid={`${testId}-latest-${s.key}`}>
                <span className="swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
                {data.series.length > 1 ? `${s.label} ` : ''}
                <strong>
                  {data.latest[s.key] === undefined ? '—' : format(data.latest[s.key] as number)}
                </strong>
              </span>
            ))}
          </div>
        ) : null}
      </div>
      <div className="chart-body" style={{ height }}>
        {status === 'loading' ? (
          <div className="chart-state" role="status">
            <span className="spinner" aria-hidden="true" />
            Loading…
          </div>
        ) : status === 'error' ? (
          <div className="chart-state chart-state-error" role="alert">
            <span>{errorText(state.error).message}</span>
            <button type="button" className="btn btn-small" onClick={() => state.refetch()}>
              Retry
            </button>
          </div>
        ) : status === 'empty' ? (
          <div className="chart-state">{emptyText}</div>
        ) : data ? (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={data.rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={data.domain}
                ticks={timeTicks(data.domain[0], data.domain[1])}
                tickFormatter={(t: number) => formatTick(t, range)}
                stroke="var(--chart-axis)"
                tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
                tickLine={false}
                allowDataOverflow
              />
              <YAxis
                width={60}
                tickFormatter={axisFormat}
                stroke="var(--chart-axis)"
                tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
                tickLine={false}
                axisLine={false}
                allowDecimals={!integer}
              />
              <Tooltip
                isAnimationActive={false}
                cursor={{ stroke: 'var(--border-strong)' }}
                content={({ active, payload, label }) =>
                  active && payload?.length ? (
                    <div className="chart-tooltip">
                      <div className="chart-tooltip-time">{formatTooltipTime(Number(label))}</div>
                      {payload.map((p) => (
                        <div key={String(p.dataKey)}>
                          <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
                          {data.series.find((s) => s.key === p.dataKey)?.label ?? String(p.dataKey)}:{' '}
                          <strong>{typeof p.value === 'number' ? format(p.value) : '—'}</strong>
                        </div>
                      ))}
                    </div>
                  ) : null
                }
              />
              {data.series.map((s, i) => (
                <Area
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  type="monotone"
                  stroke={seriesColor(i)}
                  fill={seriesColor(i)}
                  fillOpacity={stacked ? 0.35 : 0.12}
                  strokeWidth={1.6}
                  stackId={stacked ? 'stack' : undefined}
                  dot={false}
                  activeDot={{ r: 3 }}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ))}
            </AreaChart>
          </ResponsiveContainer>
        ) : null}
      </div>
    </section>
  );
}
