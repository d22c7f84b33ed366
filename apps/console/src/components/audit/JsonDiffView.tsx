import { diffJson } from '@/lib/jsonDiff';

/** Before and after, side by side, changed lines highlighted. All text is rendered inert. */
export function JsonDiffView({ before, after }: { before: unknown; after: unknown }) {
  const rows = diffJson(before, after);
  const noBefore = before === null || before === undefined;
  const noAfter = after === null || after === undefined;
  return (
    <div className="diff" data-testid="audit-diff">
      <div className="diff-head">Before{noBefore ? <span className="muted"> (none)</span> : null}</div>
      <div className="diff-head">After{noAfter ? <span className="muted"> (none)</span> : null}</div>
      <pre className="diff-side" data-testid="audit-before">
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity other than their position
          <span key={i} className={`diff-line diff-${r.left.kind}`}>
            {r.left.text || ' '}
          </span>
        ))}
      </pre>
      <pre className="diff-side" data-testid="audit-after">
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
