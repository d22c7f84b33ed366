import { diffJson } from '@/lib/jsonDiff';

/** Before and after, side by side, changed lines highlighted. All text is rendered inert. */
export function JsonDiffView({
  before,
  after,
  testIdPrefix = 'audit',
  beforeLabel = 'Before',
  afterLabel = 'After',
}: {
  before: unknown;
  after: unknown;
  testIdPrefix?: string;
  beforeLabel?: string;
  afterLabel?: string;
}) {
  const rows = diffJson(before, after);
  const noBefore = before === null || before === undefined;
  const noAfter = after === null || after === undefined;
  return (
    <div className="diff" data-testid={`${testIdPrefix}-diff`}>
      <div className="diff-head">
        {beforeLabel}
        {noBefore ? <span className="muted"> (none)</span> : null}
      </div>
      <div className="diff-head">
        {afterLabel}
        {noAfter ? <span className="muted"> (none)</span> : null}
      </div>
      <pre className="diff-side" data-testid={`${testIdPrefix}-before`}>
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity other than their position
          <span key={i} className={`diff-line diff-${r.left.kind}`}>
            {r.left.text || ' '}
          </span>
        ))}
      </pre>
      <pre className="diff-side" data-testid={`${testIdPrefix}-after`}>
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity other than their position
          <span key={i} className={`diff-line diff-${r.right.kind}`}>
            {r.right.text || ' '}
          </span>
        ))}
      </pre>
    </div>
  );
}
