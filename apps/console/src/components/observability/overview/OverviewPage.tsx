'use client';

import type { TargetOverview } from '@tern/contracts';
import Link from 'next/link';
import { TimeSeriesChart } from '@/components/charts/TimeSeriesChart';
import { EmptyState, ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatBytes, formatNumber } from '@/lib/format';
import { useRefetchOnStatus } from '@/queries/live';
import { overviewKeys, useAccounts, useOverview } from '@/queries/overview';
import { type ChartLine, useSeriesChart } from '@/queries/series';
import { ChartControls, useChartControls } from '../ChartControls';
import { formatByteRate, formatRate } from '../format';
import { HealthPill } from '../HealthPill';
import { StatCard } from '../StatCard';
import { AccountsTable } from './AccountsTable';

const ALL = { target: '*', entity: 'server:*' };
const MSG_LINES: ChartLine[] = [
  { ...ALL, metric: 'in_msgs_rate', key: 'in', label: 'In' },
  { ...ALL, metric: 'out_msgs_rate', key: 'out', label: 'Out' },
];
const BYTE_LINES: ChartLine[] = [
  { ...ALL, metric: 'in_bytes_rate', key: 'in', label: 'In' },
  { ...ALL, metric: 'out_bytes_rate', key: 'out', label: 'Out' },
];
const CONN_LINES: ChartLine[] = [{ ...ALL, metric: 'connections', key: 'connections', label: 'Connections' }];
const SUB_LINES: ChartLine[] = [
  { ...ALL, metric: 'subscriptions', key: 'subscriptions', label: 'Subscriptions' },
];

/** Health, totals and throughput of everything Tern monitors. */
export function OverviewPage() {
  const overview = useOverview();
  const accounts = useAccounts();
  const controls = useChartControls();
  const { range, live, now } = controls;
  useRefetchOnStatus(live, [overviewKeys.overview]);
  const msgs = useSeriesChart(MSG_LINES, range, live, now);
  const bytes = useSeriesChart(BYTE_LINES, range, live, now);
  const conns = useSeriesChart(CONN_LINES, range, live, now);
  const subs = useSeriesChart(SUB_LINES, range, live, now);

  const o = overview.data;
  return (
    <div className="page" data-testid="overview-page">
      <div className="page-header">
        <div>
          <h1>Overview {o ? <HealthPill health={o.health} testId="overview-health" /> : null}</h1>
          <p className="page-sub">Health, totals and throughput of every monitored server.</p>
        </div>
        <ChartControls controls={controls} />
      </div>

      {overview.isPending ? (
        <LoadingState label="Loading overview…" />
      ) : overview.isError && !o ? (
        <ErrorState
          title="Could not load the overview"
          error={overview.error}
          onRetry={() => overview.refetch()}
        />
      ) : o ? (
        <>
          {overview.isError ? <InlineError error={overview.error} testId="overview-refresh-error" /> : null}
          {o.problems.length > 0 ? (
            <div className="panel" data-testid="overview-problems">
              <div className="panel-header">
                <h2>Needs attention</h2>
                <span className="muted">{o.problems.length}</span>
              </div>
              <ul className="problems">
                {o.problems.map((p) => (
                  <li
                    key={`${p.targetId}|${p.monitorUrl}|${p.kind}`}
                    data-testid="overview-problem"
                    data-target-name={p.targetName}
                    data-kind={p.kind}
                  >
                    <span className={`pill ${p.kind === 'down' ? 'pill-down' : 'pill-warn'}`}>{p.kind}</span>{' '}
                    <Link href={`/servers/${encodeURIComponent(p.targetId)}`}>{p.targetName}</Link>
                    <span className="muted mono"> {p.serverName ?? p.monitorUrl}</span>
                    <span className="dot-sep">·</span>
                    <span>{p.reason}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="stats">
            <StatCard
              label="Servers"
              value={`${o.totals.serversUp} / ${o.totals.servers}`}
              sub={o.totals.serversDown ? `${o.totals.serversDown} down` : 'all up'}
              tone={o.totals.serversDown ? 'bad' : o.totals.servers ? 'ok' : undefined}
              testId="stat-servers"
            />
            <StatCard
              label="Msgs in"
              value={
                <span data-testid="overview-in-msgs-rate" data-value={o.throughput.inMsgs ?? ''}>
                  {formatRate(o.throughput.inMsgs)}
                </span>
              }
              sub={`out ${formatRate(o.throughput.outMsgs)}`}
              testId="stat-msgs"
            />
            <StatCard
              label="Data in"
              value={formatByteRate(o.throughput.inBytes)}
              sub={`out ${formatByteRate(o.throughput.outBytes)}`}
              testId="stat-bytes"
            />
            <StatCard
              label="Connections"
              value={formatNumber(o.totals.connections)}
              sub={`${formatNumber(o.totals.subscriptions)} subscriptions`}
              testId="stat-connections"
            />
            <StatCard
              label="Streams"
              value={formatNumber(o.totals.streams)}
              sub={`${formatNumber(o.totals.streamMessages)} msgs · ${formatBytes(o.totals.streamBytes)}`}
              testId="stat-streams"
            />
            <StatCard
              label="Consumers"
              value={formatNumber(o.totals.consumers)}
              sub={<Link href="/consumers">{`${formatNumber(o.totals.laggingConsumers)} lagging`}</Link>}
              tone={o.totals.laggingConsumers ? 'warn' : undefined}
              testId="stat-consumers"
            />
            <StatCard
              label="Slow consumers"
              value={formatNumber(o.totals.slowConsumers)}
              tone={o.totals.slowConsumers ? 'bad' : undefined}
              testId="stat-slow-consumers"
            />
          </div>
        </>
      ) : null}

      <div className="chart-grid">
        <TimeSeriesChart
          title="Messages / s"
          testId="chart-overview-msgs"
          {...msgs}
          range={range}
          format={(n) => formatRate(n)}
        />
        <TimeSeriesChart
          title="Bytes / s"
          testId="chart-overview-bytes"
          {...bytes}
          range={range}
          format={formatByteRate}
        />
        <TimeSeriesChart
          title="Connections"
          testId="chart-overview-connections"
          integer
          {...conns}
          range={range}
          format={formatNumber}
        />
        <TimeSeriesChart
          title="Subscriptions"
          testId="chart-overview-subscriptions"
          integer
          {...subs}
          range={range}
          format={formatNumber}
        />
      </div>

      {o ? (
        o.targets.length === 0 ? (
          <EmptyState title="Nothing monitored yet">
            <Link href="/">Add a target</Link> to see its health and traffic here.
          </EmptyState>
        ) : (
          <TargetsTable targets={o.targets} />
        )
      ) : null}

      {accounts.data?.accounts.length ? (
        <>
          <h2>Accounts</h2>
          <AccountsTable accounts={accounts.data.accounts} />
        </>
      ) : accounts.isError ? (
        <InlineError error={accounts.error} testId="overview-accounts-error" />
      ) : null}
    </div>
  );
}

function TargetsTable({ targets }: { targets: TargetOverview[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="overview-targets">
        <thead>
          <tr>
            <th>Target</th>
            <th>Health</th>
            <th className="num">Servers</th>
            <th className="num">Conns</th>
            <th className="num">Subs</th>
            <th className="num">Streams</th>
            <th className="num">Consumers</th>
            <th className="num">Msgs in</th>
            <th className="num">Msgs out</th>
            <th className="num">Data in</th>
            <th className="num">Data out</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => (
            <tr
              key={t.targetId}
              data-testid="overview-target-row"
              data-target-name={t.targetName}
              data-health={t.health}
            >
              <td>
                <div className="cell-title">
                  <Link href={`/servers/${encodeURIComponent(t.targetId)}`}>{t.targetName}</Link>
                  {t.embedded ? <span className="tag">embedded</span> : null}
                </div>
                {t.clusterName ? <div className="cell-sub">cluster {t.clusterName}</div> : null}
              </td>
              <td>
                <HealthPill health={t.health} />
              </td>
              <td className="num">
                {t.serversUp} / {t.servers}
              </td>
              <td className="num">{formatNumber(t.connections)}</td>
              <td className="num">{formatNumber(t.subscriptions)}</td>
              <td className="num">{formatNumber(t.streams)}</td>
              <td className="num">{formatNumber(t.consumers)}</td>
              <td className="num">{formatRate(t.throughput.inMsgs)}</td>
              <td className="num">{formatRate(t.throughput.outMsgs)}</td>
              <td className="num">{formatByteRate(t.throughput.inBytes)}</td>
              <td className="num">{formatByteRate(t.throughput.outBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
