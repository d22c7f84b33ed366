'use client';

import { formatNumber } from '@/lib/format';

/** "1–50 of 230" with previous/next buttons. */
export function Pager({
  offset,
  limit,
  total,
  onOffset,
  busy,
}: {
  offset: number;
  limit: number;
  total: number;
  onOffset: (offset: number) => void;
  busy?: boolean;
}) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <div className="pager" data-testid="pager">
      <span>
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
        {busy ? (
          <span
            className="spinner"
            style={{ display: 'inline-block', marginLeft: 8, width: 12, height: 12 }}
          />
        ) : null}
      </span>
      <div className="pager-buttons">
        <button
          type="button"
          className="btn btn-small"
          disabled={offset === 0}
          onClick={() => onOffset(Math.max(0, offset - limit))}
          data-testid="pager-prev"
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={offset + limit >= total}
          onClick={() => onOffset(offset + limit)}
          data-testid="pager-next"
        >
          Next
        </button>
      </div>
    </div>
  );
}
