'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { TimeSeriesChart } from '@/components/charts/TimeSeriesChart';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatAgo, formatBytes, formatDateTime, formatNumber, MISSING } from '@/lib/format';
import { type ChartLine, useSeriesChart } from '@/queries/series';
import { type StreamRef, useStreamDetail } from '@/queries/streams';
import { ChartControls, useChartControls } from '../ChartControls';
import { ConsumersTable } from '../consumers/ConsumersTable';
import { CONSUMER_SORT, type ConsumerSortKey } from '../consumers/lag';
import { formatRate } from '../format';
import { JsonBlock } from '../JsonBlock';
import { StatCard } from '../StatCard';
import { nextSort, type SortState, sortRows } from '../sort';
import { StreamActions } from './StreamActions';

/** One stream: its state, its growth over time and its consumers' lag. */
export function StreamDetailPage({ streamRef: ref }: { streamRef: StreamRef }) {
  const detail = useStreamDetail(ref);
  const controls = useChartControls();
  const { range, live, now } = controls;
  const [sort, setSort] = useState<SortState<ConsumerSortKey>>({ key: 'lag', dir: 'desc' });
  const lines = useMemo(() => {
    const base = { target: ref.targetId, entity: `stream:${ref.account}/${ref.stream}` };
    const l = (metric: string, key: string, label: string): ChartLine => ({ ...base, metric, key, label });
    return {
      messages: [l('messages', 'messages', 'Messages')],
      bytes: [l('bytes', 'bytes', 'Size')],
      rates: [l('last_seq_rate', 'stored', 'Stored'), l('first_seq_rate', 'removed', 'Removed')],
    };
  }, [ref.targetId, ref.account, ref.stream]);
  const messages = useSeriesChart(lines.messages, range, live, now);
  const bytes = useSeriesChart(lines.bytes, range, live, now);
  const rates = useSeriesChart(lines.rates, range, live, now);
  const s = detail.data?.stream;
  const consumers = useMemo(
    () => sortRows(detail.data?.consumers ?? [], sort, CONSUMER_SORT),
    [detail.data?.consumers, sort],
  );
  const avgSize = s && s.messages > 0 ? s.bytes / s.messages : undefined;

  return (
    <div className="page" data-testid="stream-detail-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/streams">Streams</Link>
        <span aria-hidden="true">/</span>
        <span>{ref.stream}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 data-testid="stream-detail-name">{ref.stream}</h1>
          <p className="page-sub">
            Account {ref.account}
            {s ? ` · ${s.targetName}` : ''}
            {s?.subjects.length ? (
              <>
                <span className="dot-sep">·</span>
                <span className="mono">{s.subjects.join(', ')}</span>
              </>
            ) : null}
          </p>
        </div>
        <div className="header-actions">
          {s ? <StreamActions stream={s} /> : null}
          <ChartControls controls={controls} />
        </div>
      </div>
      {detail.isPending ? (
        <LoadingState label="Loading stream…" />
      ) : detail.isError && !s ? (
        <ErrorState
          title="Could not load this stream"
          error={detail.error}
          onRetry={() => detail.refetch()}
        />
      ) : s ? (
        <>
          {detail.isError ? <InlineError error={detail.error} /> : null}
          <div className="stats">
            <StatCard
              label="Messages"
              value={formatNumber(s.messages)}
              sub={`${formatNumber(s.numSubjects)} subjects`}
              testId="stream-stat-messages"
            />
            <StatCard
              label="Size"
              value={formatBytes(s.bytes)}
              sub={avgSize ? `${formatBytes(avgSize)} / msg` : undefined}
            />
            <StatCard label="Ingest" value={formatRate(s.msgsRate)} testId="stream-stat-rate" />
            <StatCard
              label="Sequences"
              value={`${formatNumber(s.firstSeq)} – ${formatNumber(s.lastSeq)}`}
              sub="first – last"
            />
            <StatCard
              label="First message"
              value={formatAgo(s.firstTs, now)}
              sub={formatDateTime(s.firstTs)}
            />
            <StatCard label="Last message" value={formatAgo(s.lastTs, now)} sub={formatDateTime(s.lastTs)} />
            <StatCard label="Consumers" value={formatNumber(s.consumerCount)} />
          </div>
          <div className="chart-grid">
            <TimeSeriesChart
              title="Messages"
              testId="chart-stream-messages"
              integer
              {...messages}
              range={range}
              format={formatNumber}
            />
            <TimeSeriesChart
              title="Size"
              testId="chart-stream-bytes"
              axisFormat={formatBytes}
              {...bytes}
              range={range}
              format={formatBytes}
            />
            <TimeSeriesChart
              title="Messages stored and removed / s"
              testId="chart-stream-rates"
              {...rates}
              range={range}
              format={(n) => formatRate(n)}
            />
          </div>
          <section className="panel">
            <dl className="kv">
              <dt>Storage</dt>
              <dd>{s.storage ?? MISSING}</dd>
              <dt>Retention</dt>
              <dd>{s.retention ?? MISSING}</dd>
              <dt>Replicas</dt>
              <dd>{s.replicas ?? MISSING}</dd>
              <dt>Leader</dt>
              <dd>{s.leader ?? MISSING}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(s.created)}</dd>
            </dl>
          </section>
          <h2>Consumers</h2>
          {consumers.length ? (
            <ConsumersTable
              consumers={consumers}
              sort={sort}
              onSort={(key) => setSort((cur) => nextSort(cur, key, key === 'name' ? 'asc' : 'desc'))}
              now={now}
              showStream={false}
              testId="stream-consumers"
            />
          ) : (
            <EmptyState title="No consumers">Nothing reads from this stream yet.</EmptyState>
          )}
          <JsonBlock title="Configuration" value={detail.data?.config} testId="stream-config" />
        </>
      ) : null}
    </div>
  );
}
