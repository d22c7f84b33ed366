'use client';

import type { ConsumerSummary } from '@tern/contracts';
import Link from 'next/link';
import { formatAgo, formatNumber } from '@/lib/format';
import { consumerHref } from '@/queries/consumers';
import { streamHref } from '@/queries/streams';
import { formatLagTime, formatRate } from '../format';
import { SortableTh } from '../SortableTh';
import type { SortState } from '../sort';
import { type ConsumerSortKey, lagBarPercent, lagSeverity } from './lag';

interface Props {
  consumers: ConsumerSummary[];
  sort: SortState<ConsumerSortKey>;
  onSort: (key: ConsumerSortKey) => void;
  now: number;
  /** Hide the stream column (on a stream's own page). */
  showStream?: boolean;
  testId?: string;
}

/** Consumers with their lag as a count (outstanding messages) and as time (to drain, oldest unacked). */
export function ConsumersTable({
  consumers,
  sort,
  onSort,
  now,
  showStream = true,
  testId = 'consumers-table',
}: Props) {
  const max = consumers.reduce((m, c) => Math.max(m, c.lag.outstanding), 0);
  const th = { sort, onSort };
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <SortableTh column="name" {...th}>
              Consumer
            </SortableTh>
            {showStream ? <th>Stream</th> : null}
            <SortableTh column="lag" {...th} title="Pending + waiting for ack">
              Lag (msgs)
            </SortableTh>
            <SortableTh
              column="drain"
              numeric
              {...th}
              title="Estimated time to drain at the recent consume rate"
            >
              Time to drain
            </SortableTh>
            <SortableTh column="age" numeric {...th} title="Age of the oldest unacknowledged message">
              Oldest unacked
            </SortableTh>
            <SortableTh column="pending" numeric {...th}>
              Pending
            </SortableTh>
            <SortableTh column="ack_pending" numeric {...th}>
              Ack pending
            </SortableTh>
            <SortableTh column="redelivered" numeric {...th}>
              Redelivered
            </SortableTh>
          </tr>
        </thead>
        <tbody>
          {consumers.map((c) => {
            const severity = lagSeverity(c);
            return (
              <tr
                key={`${c.targetId}|${c.account}|${c.stream}|${c.name}`}
                data-testid="consumer-row"
                data-name={c.name}
                data-stream={c.stream}
                data-outstanding={c.lag.outstanding}
                data-drain-seconds={c.lag.drainSeconds ?? ''}
                data-severity={severity}
              >
                <td>
                  <div className="cell-title">
                    <Link
                      href={consumerHref({
                        targetId: c.targetId,
                        account: c.account,
                        stream: c.stream,
                        consumer: c.name,
                      })}
                    >
                      {c.name}
                    </Link>
                    {c.durable ? null : <span className="tag">ephemeral</span>}
                    {c.deliverSubject ? <span className="tag">push</span> : <span className="tag">pull</span>}
                  </div>
                  <div className="cell-sub">
                    {c.filterSubject ? <span className="mono">{c.filterSubject} · </span> : null}
                    {c.lastActive ? `active ${formatAgo(c.lastActive, now)}` : 'never active'}
                  </div>
                </td>
                {showStream ? (
                  <td>
                    <Link href={streamHref({ targetId: c.targetId, account: c.account, stream: c.stream })}>
                      {c.stream}
                    </Link>
                    <div className="cell-sub">
                      {c.targetName} · {c.account}
                    </div>
                  </td>
                ) : null}
                <td className="nowrap" data-testid="consumer-outstanding">
                  <span
                    className="lag-bar"
                    style={{ width: `${lagBarPercent(c.lag.outstanding, max) * 0.6}px` }}
                    aria-hidden="true"
                  />
                  {formatNumber(c.lag.outstanding)}
                </td>
                <td
                  className={`num${severity === 'stalled' ? ' text-bad' : severity === 'lagging' ? ' text-warn' : ''}`}
                  data-testid="consumer-drain"
                  title={
                    severity === 'stalled'
                      ? 'Messages are outstanding but none were acknowledged recently'
                      : undefined
                  }
                >
                  {formatLagTime(c.lag.drainSeconds, { stalled: severity === 'stalled' })}
                  <div className="cell-sub" title="Acknowledged per second, recently">
                    at {formatRate(c.lag.consumeRate)}
                  </div>
                </td>
                <td className="num" data-testid="consumer-age" title={`method: ${c.lag.ageMethod}`}>
                  {formatLagTime(c.lag.oldestUnackedAgeSeconds)}
                </td>
                <td className="num">{formatNumber(c.numPending)}</td>
                <td className="num">{formatNumber(c.numAckPending)}</td>
                <td className={`num${c.numRedelivered ? ' text-warn' : ''}`}>
                  {formatNumber(c.numRedelivered)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
