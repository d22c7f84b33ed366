'use client';

import type { AccountUsage } from '@tern/contracts';
import { formatBytes, formatNumber } from '@/lib/format';
import { formatByteRate, formatRate } from '../format';

/** Usage per account: connections, traffic and JetStream storage. */
export function AccountsTable({ accounts }: { accounts: AccountUsage[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="overview-accounts">
        <thead>
          <tr>
            <th>Account</th>
            <th>Target</th>
            <th className="num">Conns</th>
            <th className="num">Subs</th>
            <th className="num">Msgs in</th>
            <th className="num">Msgs out</th>
            <th className="num">Data in</th>
            <th className="num">Data out</th>
            <th className="num">Slow consumers</th>
            <th className="num">JetStream</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr
              key={`${a.targetId}|${a.account}`}
              data-testid="overview-account-row"
              data-account={a.account}
            >
              <td className="mono">{a.account}</td>
              <td>{a.targetName}</td>
              <td className="num">{formatNumber(a.connections)}</td>
              <td className="num">{formatNumber(a.subscriptions)}</td>
              <td className="num">{formatRate(a.throughput.inMsgs)}</td>
              <td className="num">{formatRate(a.throughput.outMsgs)}</td>
              <td className="num">{formatByteRate(a.throughput.inBytes)}</td>
              <td className="num">{formatByteRate(a.throughput.outBytes)}</td>
              <td className={`num${a.slowConsumers ? ' text-bad' : ''}`}>{formatNumber(a.slowConsumers)}</td>
              <td className="num">
                {a.jetstream
                  ? `${formatNumber(a.jetstream.streams)} streams · ${formatBytes(a.jetstream.storage + a.jetstream.memory)}`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
