'use client';

import type { useSelectedTarget } from './TargetPicker';
import { TargetPicker } from './TargetPicker';

/** Page title plus the target the page works on. */
export function ManageHeader({
  title,
  sub,
  sel,
}: {
  title: string;
  sub: string;
  sel: ReturnType<typeof useSelectedTarget>;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        <p className="page-sub">{sub}</p>
      </div>
      {sel.targets.length > 0 ? (
        <TargetPicker targets={sel.targets} value={sel.targetId} onChange={sel.select} />
      ) : null}
    </div>
  );
}
