'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { TimeSeriesChart } from '@/components/charts/TimeSeriesChart';
import { ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatAgo, formatDateTime, formatNumber, MISSING } from '@/lib/format';
import { type ConsumerRef, useConsumerDetail } from '@/queries/consumers';
import { type ChartLine, useSeriesChart } from '@/queries/series';
import { streamHref } from '@/queries/streams';
import { ChartControls, useChartControls } from '../ChartControls';
import { formatLagTime, formatRate } from '../format';
import { JsonBlock } from '../JsonBlock';
import { StatCard } from '../StatCard';
import { ConsumerActions } from './ConsumerActions';
import { lagSeverity } from './lag';

const AGE_METHOD: Record<string, string> = {
  'none-outstanding': 'nothing outstanding',
  exact: 'exact, from the message',
  'first-ts': 'from the stream’s first message',
  interpolated: 'estimated between first and last message',
  'ack-floor-idle': 'time since the ack floor last moved',
  unknown: 'unknown',
};

/** One consumer: its lag now and over time. */
export function ConsumerDetailPage({ consumerRef: ref }: { consumerRef: ConsumerRef }) {
  const detail = useConsumerDetail(ref);
  const controls = useChartControls();
  const { range, live, now } = controls;
  const lines = useMemo(() => {
    const base = {
      target: ref.targetId,
      entity: `consumer:${ref.account}/${ref.stream}/${ref.consumer}`,
    };
    const l = (metric: string, key: string, label: string): ChartLine => ({ ...base, metric, key, label });
    return {
      backlog: [l('num_pending', 'pending', 'Pending'), l('num_ack_pending', 'ack', 'Ack pending')],
      time: [
        l('lag_drain_seconds', 'drain', 'Time to drain'),
        l('lag_oldest_unacked_seconds', 'age', 'Oldest unacked'),
      ],
      rates: [
        l('delivered_stream_seq_rate', 'delivered', 'Delivered'),
        l('ack_floor_stream_seq_rate', 'acked', 'Acknowledged'),
      ],
      redelivered: [l('num_redelivered', 'redelivered', 'Redelivered')],
    };
  }, [ref.targetId, ref.account, ref.stream, ref.consumer]);
  const backlog = useSeriesChart(lines.backlog, range, live, now);
  const time = useSeriesChart(lines.time, range, live, now);
  const rates = useSeriesChart(lines.rates, range, live, now);
  const redelivered = useSeriesChart(lines.redelivered, range, live, now);
  const c = detail.data?.consumer;
  const severity = c ? lagSeverity(c) : 'none';

  return (
    <div className="page" data-testid="consumer-detail-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/consumers">Consumers</Link>
        <span aria-hidden="true">/</span>
        <Link href={streamHref(ref)}>{ref.stream}</Link>
        <span aria-hidden="true">/</span>
        <span>{ref.consumer}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 data-testid="consumer-detail-name">{ref.consumer}</h1>
          <p className="page-sub">
            Consumer of <Link href={streamHref(ref)}>{ref.stream}</Link> · account {ref.account}
            {c ? ` · ${c.targetName}` : ''}
          </p>
        </div>
        <div className="header-actions">
          {c ? <ConsumerActions consumer={c} /> : null}
          <ChartControls controls={controls} />
        </div>
      </div>
      {detail.isPending ? (
        <LoadingState label="Loading consumer…" />
      ) : detail.isError && !c ? (
        <ErrorState
          title="Could not load this consumer"
          error={detail.error}
          onRetry={() => detail.refetch()}
        />
      ) : c ? (
        <>
          {detail.isError ? <InlineError error={detail.error} /> : null}
          <div className="stats">
            <StatCard
              label="Lag"
              value={formatNumber(c.lag.outstanding)}
              sub={`${formatNumber(c.numPending)} pending · ${formatNumber(c.numAckPending)} unacked`}
              tone={c.lag.outstanding ? 'warn' : 'ok'}
              testId="consumer-stat-lag"
            />
            <StatCard
              label="Time to drain"
              value={formatLagTime(c.lag.drainSeconds, { stalled: severity === 'stalled' })}
              sub={`at ${formatRate(c.lag.consumeRate)}`}
              tone={severity === 'stalled' ? 'bad' : severity === 'lagging' ? 'warn' : 'ok'}
              testId="consumer-stat-drain"
            />
            <StatCard
              label="Oldest unacked"
              value={formatLagTime(c.lag.oldestUnackedAgeSeconds)}
              sub={AGE_METHOD[c.lag.ageMethod] ?? c.lag.ageMethod}
              testId="consumer-stat-age"
            />
            <StatCard
              label="Redelivered"
              value={formatNumber(c.numRedelivered)}
              tone={c.numRedelivered ? 'warn' : undefined}
            />
            <StatCard label="Waiting pulls" value={formatNumber(c.numWaiting)} />
            <StatCard
              label="Delivered / acked"
              value={`${formatNumber(c.deliveredStreamSeq)} / ${formatNumber(c.ackFloorStreamSeq)}`}
              sub="stream sequence"
            />
            <StatCard
              label="Last active"
              value={c.lastActive ? formatAgo(c.lastActive, now) : 'never'}
              sub={c.lastActive ? formatDateTime(c.lastActive) : undefined}
            />
          </div>
          <div className="chart-grid">
            <TimeSeriesChart
              title="Backlog (messages)"
              testId="chart-consumer-backlog"
              integer
              {...backlog}
              range={range}
              format={formatNumber}
              stacked
            />
            <TimeSeriesChart
              title="Lag as time"
              testId="chart-consumer-lag-time"
              axisFormat={(n) => formatLagTime(n)}
              {...time}
              range={range}
              format={(n) => formatLagTime(n)}
            />
            <TimeSeriesChart
              title="Delivered and acknowledged / s"
              testId="chart-consumer-rates"
              {...rates}
              range={range}
              format={(n) => formatRate(n)}
            />
            <TimeSeriesChart
              title="Redelivered"
              testId="chart-consumer-redelivered"
              integer
              {...redelivered}
              range={range}
              format={formatNumber}
            />
          </div>
          <section className="panel">
            <dl className="kv">
              <dt>Type</dt>
              <dd>
                {c.durable ? 'durable' : 'ephemeral'} ·{' '}
                {c.deliverSubject ? `push to ${c.deliverSubject}` : 'pull'}
              </dd>
              <dt>Ack policy</dt>
              <dd>{c.ackPolicy ?? MISSING}</dd>
              <dt>Deliver policy</dt>
              <dd>{c.deliverPolicy ?? MISSING}</dd>
              <dt>Filter subject</dt>
              <dd className="mono">{c.filterSubject ?? MISSING}</dd>
              <dt>Leader</dt>
              <dd>{c.leader ?? MISSING}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(c.created)}</dd>
            </dl>
          </section>
          <JsonBlock title="Configuration" value={detail.data?.config} testId="consumer-config" />
        </>
      ) : null}
    </div>
  );
}
