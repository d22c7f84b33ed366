'use client';

import type { ServerDetail } from '@tern/contracts';
import Link from 'next/link';
import { useMemo } from 'react';
import { TimeSeriesChart } from '@/components/charts/TimeSeriesChart';
import { StatusPill } from '@/components/StatusPill';
import { ErrorState, InlineError, LoadingState } from '@/components/states';
import { formatAgo, formatBytes, formatNumber, formatUptime, MISSING } from '@/lib/format';
import { useRefetchOnStatus } from '@/queries/live';
import { type ChartLine, useSeriesChart } from '@/queries/series';
import { topologyKeys, useServerDetail } from '@/queries/topology';
import { ChartControls, useChartControls } from '../ChartControls';
import { formatByteRate, formatCpu, formatRate, formatRtt } from '../format';
import { HealthPill } from '../HealthPill';
import { memberLabel } from './topologyLayout';

/** One target: each of its servers in full, with charts of its traffic. */
export function ServerDetailPage({ targetId }: { targetId: string }) {
  const detail = useServerDetail(targetId);
  const controls = useChartControls();
  const { range, live, now } = controls;
  useRefetchOnStatus(live, [topologyKeys.server(targetId)]);
  const d = detail.data;
  const msgLines = useMemo<ChartLine[]>(() => {
    const target = { target: targetId, entity: 'server:*' };
    return [
      { ...target, metric: 'in_msgs_rate', key: 'in', label: 'In' },
      { ...target, metric: 'out_msgs_rate', key: 'out', label: 'Out' },
    ];
  }, [targetId]);
  const byteLines = useMemo<ChartLine[]>(() => {
    const target = { target: targetId, entity: 'server:*' };
    return [
      { ...target, metric: 'in_bytes_rate', key: 'in', label: 'In' },
      { ...target, metric: 'out_bytes_rate', key: 'out', label: 'Out' },
    ];
  }, [targetId]);
  // A stable string for the server list, so chart lines change only when servers do.
  const idsKey = JSON.stringify(
    (d?.servers ?? []).flatMap((s) => (s.serverId ? [[s.serverId, s.serverName ?? s.serverId]] : [])),
  );
  const perServer = useMemo(() => {
    const pairs = JSON.parse(idsKey) as Array<[string, string]>;
    return (metric: string): ChartLine[] =>
      pairs.map(([id, name], i) => ({
        target: targetId,
        entity: `server:${id}`,
        metric,
        key: `s${i}`,
        label: name,
      }));
  }, [idsKey, targetId]);
  const connLines = useMemo(() => perServer('connections'), [perServer]);
  const cpuLines = useMemo(() => perServer('cpu'), [perServer]);
  const memLines = useMemo(() => perServer('mem'), [perServer]);
  const msgs = useSeriesChart(msgLines, range, live, now);
  const bytes = useSeriesChart(byteLines, range, live, now);
  const conns = useSeriesChart(connLines, range, live, now);
  const cpu = useSeriesChart(cpuLines, range, live, now);
  const mem = useSeriesChart(memLines, range, live, now);

  return (
    <div className="page" data-testid="server-detail-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/">Servers</Link>
        <span aria-hidden="true">/</span>
        <span>{d?.targetName ?? targetId}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 data-testid="server-detail-name">
            {d?.targetName ?? 'Server'}{' '}
            {d ? <HealthPill health={d.health} testId="server-detail-health" /> : null}
          </h1>
          <p className="page-sub">
            {d ? `${d.servers.length} ${d.servers.length === 1 ? 'server' : 'servers'}` : 'Loading…'}
            <span className="dot-sep">·</span>
            <Link href="/topology">Topology</Link>
          </p>
        </div>
        <ChartControls controls={controls} />
      </div>
      {detail.isPending ? (
        <LoadingState label="Loading server…" />
      ) : detail.isError && !d ? (
        <ErrorState
          title="Could not load this server"
          error={detail.error}
          onRetry={() => detail.refetch()}
        />
      ) : d ? (
        <>
          {detail.isError ? <InlineError error={detail.error} /> : null}
          <div className="chart-grid">
            <TimeSeriesChart
              title="Messages / s"
              testId="chart-server-msgs"
              {...msgs}
              range={range}
              format={(n) => formatRate(n)}
            />
            <TimeSeriesChart
              title="Bytes / s"
              testId="chart-server-bytes"
              {...bytes}
              range={range}
              format={formatByteRate}
            />
            <TimeSeriesChart
              title="Connections"
              testId="chart-server-connections"
              integer
              {...conns}
              range={range}
              format={formatNumber}
            />
            <TimeSeriesChart
              title="CPU"
              testId="chart-server-cpu"
              {...cpu}
              range={range}
              format={formatCpu}
            />
            <TimeSeriesChart
              title="Memory"
              testId="chart-server-mem"
              axisFormat={formatBytes}
              {...mem}
              range={range}
              format={formatBytes}
            />
          </div>
          {d.servers.map((s) => (
            <ServerCard key={s.monitorUrl} server={s} now={now} />
          ))}
        </>
      ) : null}
    </div>
  );
}

function ServerCard({ server: s, now }: { server: ServerDetail; now: number }) {
  return (
    <section
      className="panel"
      data-testid="server-detail"
      data-status={s.status}
      data-server-name={s.serverName ?? ''}
    >
      <div className="panel-header">
        <h2>{s.serverName ?? s.monitorUrl}</h2>
        <StatusPill status={s.status} reason={s.error} />
        {s.discovered ? <span className="tag">discovered</span> : null}
        <span className="muted mono">{s.monitorUrl}</span>
        <span className="muted">scraped {formatAgo(s.lastScrape, now)}</span>
      </div>
      {s.error ? (
        <div className="inline-error" data-testid="server-detail-error">
          {s.error}
        </div>
      ) : null}
      {s.partialErrors.length ? (
        <ul className="problems" data-testid="server-partial-errors">
          {s.partialErrors.map((p) => (
            <li key={p.path} className="text-warn">
              <code>{p.path}</code> {p.reason}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="detail-columns">
        <dl className="kv">
          <dt>Server ID</dt>
          <dd className="mono">{s.serverId ?? MISSING}</dd>
          <dt>Version</dt>
          <dd className="mono">{s.version ?? MISSING}</dd>
          <dt>Listening</dt>
          <dd className="mono">{s.host ? `${s.host}:${s.port ?? ''}` : MISSING}</dd>
          <dt>Cluster</dt>
          <dd>{s.clusterName ?? 'standalone'}</dd>
          <dt>Health check</dt>
          <dd className={s.healthz && s.healthz !== 'ok' ? 'text-bad' : undefined}>{s.healthz ?? MISSING}</dd>
          <dt>Uptime</dt>
          <dd>{formatUptime(s.uptime)}</dd>
          <dt>CPU / memory</dt>
          <dd>
            {formatCpu(s.cpu)} · {formatBytes(s.mem)}
          </dd>
          <dt>Client URLs</dt>
          <dd className="mono">{s.connectUrls.length ? s.connectUrls.join(', ') : MISSING}</dd>
        </dl>
        <dl className="kv">
          <dt>Connections</dt>
          <dd>
            {formatNumber(s.connections)}{' '}
            <span className="muted">({formatNumber(s.totalConnections)} total)</span>
          </dd>
          <dt>Subscriptions</dt>
          <dd>{formatNumber(s.subscriptions)}</dd>
          <dt>Slow consumers</dt>
          <dd className={s.slowConsumers ? 'text-bad' : undefined}>{formatNumber(s.slowConsumers)}</dd>
          <dt>Msgs in / out</dt>
          <dd>
            {formatRate(s.throughput.inMsgs)} · {formatRate(s.throughput.outMsgs)}
          </dd>
          <dt>Data in / out</dt>
          <dd>
            {formatByteRate(s.throughput.inBytes)} · {formatByteRate(s.throughput.outBytes)}
          </dd>
          <dt>Totals in / out</dt>
          <dd>
            {formatNumber(s.inMsgs)} msgs ({formatBytes(s.inBytes)}) · {formatNumber(s.outMsgs)} msgs (
            {formatBytes(s.outBytes)})
          </dd>
          {s.jetstream ? (
            <>
              <dt>JetStream</dt>
              <dd>
                {formatNumber(s.jetstream.streams)} streams · {formatNumber(s.jetstream.consumers)} consumers
                · {formatNumber(s.jetstream.messages)} msgs
              </dd>
              <dt>JetStream storage</dt>
              <dd>
                {formatBytes(s.jetstream.storage)} file · {formatBytes(s.jetstream.memory)} memory
              </dd>
              <dt>JetStream API</dt>
              <dd>
                {formatNumber(s.jetstream.apiTotal)} calls ·{' '}
                <span className={s.jetstream.apiErrors ? 'text-bad' : undefined}>
                  {formatNumber(s.jetstream.apiErrors)} errors
                </span>
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      {s.routes.length ? (
        <div className="table-wrap" style={{ marginTop: 12 }}>
          <table className="table" data-testid="server-routes">
            <thead>
              <tr>
                <th>Route to</th>
                <th>Address</th>
                <th className="num">RTT</th>
                <th className="num">Msgs in</th>
                <th className="num">Msgs out</th>
                <th className="num">Pending</th>
                <th className="num">Subs</th>
              </tr>
            </thead>
            <tbody>
              {s.routes.map((r) => (
                <tr key={`${r.rid}|${r.remoteId}`}>
                  <td>
                    <div className="cell-title" title={r.remoteId}>
                      {memberLabel({ serverId: r.remoteId, serverName: r.remoteName }, 32)}
                    </div>
                  </td>
                  <td className="mono">
                    {r.ip}:{r.port}
                    {r.didSolicit ? <span className="tag">solicited</span> : null}
                  </td>
                  <td className="num">{formatRtt(r.rtt)}</td>
                  <td className="num">{formatNumber(r.inMsgs)}</td>
                  <td className="num">{formatNumber(r.outMsgs)}</td>
                  <td className="num">{formatBytes(r.pendingSize)}</td>
                  <td className="num">{formatNumber(r.subscriptions)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
