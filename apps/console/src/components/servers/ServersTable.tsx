'use client';

import type { ServerSummary } from '@tern/contracts';
import Link from 'next/link';
import { StatusPill } from '@/components/StatusPill';
import { formatAgo, formatBytes, formatNumber, formatUptime, MISSING } from '@/lib/format';

interface Props {
  servers: ServerSummary[];
  now: number;
  onRemove: (target: { id: string; name: string }) => void;
}

/** One row per monitored server; a target with several monitoring URLs has several rows. */
export function ServersTable({ servers, now, onRemove }: Props) {
  const seenTargets = new Set<string>();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="servers-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Version</th>
            <th className="num">Uptime</th>
            <th className="num" title="Current client connections">
              Conns
            </th>
            <th className="num" title="Subscriptions">
              Subs
            </th>
            <th className="num">Msgs in</th>
            <th className="num">Msgs out</th>
            <th className="num">Data in</th>
            <th className="num">Data out</th>
            <th className="num">Scraped</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {servers.map((s) => {
            const firstOfTarget = !seenTargets.has(s.targetId);
            seenTargets.add(s.targetId);
            return (
              <tr
                key={`${s.targetId}|${s.monitorUrl}`}
                data-testid="server-row"
                data-target-name={s.targetName}
                data-status={s.status}
              >
                <td>
                  <div className="cell-title">
                    <Link
                      href={`/servers/${encodeURIComponent(s.targetId)}`}
                      data-testid="server-detail-link"
                    >
                      {s.targetName}
                    </Link>
                    {s.embedded ? <span className="tag">embedded</span> : null}
                    {s.jetstream ? <span className="tag">JetStream</span> : null}
                  </div>
                  <div className="cell-sub mono" title={s.serverId ? `Server ID ${s.serverId}` : undefined}>
                    {s.serverName && s.serverName !== s.serverId && s.serverName !== s.targetName
                      ? `${s.serverName} · `
                      : ''}
                    {s.monitorUrl}
                  </div>
                </td>
                <td>
                  <StatusPill status={s.status} reason={s.error} />
                  {s.status === 'down' && s.error ? (
                    <div className="cell-sub cell-error" title={s.error} data-testid="server-error">
                      {s.error}
                    </div>
                  ) : null}
                </td>
                <td className="mono">{s.version ?? MISSING}</td>
                <td className="num" title={s.start ? `Started ${s.start}` : undefined}>
                  {formatUptime(s.uptime)}
                </td>
                <td className="num" data-testid="server-connections">
                  {formatNumber(s.connections)}
                </td>
                <td className="num">{formatNumber(s.subscriptions)}</td>
                <td className="num">{formatNumber(s.inMsgs)}</td>
                <td className="num">{formatNumber(s.outMsgs)}</td>
                <td className="num">{formatBytes(s.inBytes)}</td>
                <td className="num">{formatBytes(s.outBytes)}</td>
                <td className="num muted" title={s.lastScrape}>
                  {formatAgo(s.lastScrape, now)}
                </td>
                <td className="actions">
                  {!s.embedded && firstOfTarget ? (
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      onClick={() => onRemove({ id: s.targetId, name: s.targetName })}
                      data-testid="remove-target-open"
                      aria-label={`Remove target ${s.targetName}`}
                    >
                      Remove
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
