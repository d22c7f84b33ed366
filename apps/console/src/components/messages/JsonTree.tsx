'use client';

import { useState } from 'react';

/**
 * A collapsible JSON tree. Keys and values are rendered as React text nodes, so a payload containing
 * markup (`<script>`) is shown, never interpreted.
 */
export function JsonTree({ value, depth = 0, name }: { value: unknown; depth?: number; name?: string }) {
  const [open, setOpen] = useState(depth < 3);
  const label = name !== undefined ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        {label}
        <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value as Record<string, unknown>);
  const [openCh, closeCh] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div className="json-node">
      <button
        type="button"
        className="json-toggle"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid="json-toggle"
      >
        {open ? '▾' : '▸'}
      </button>
      {label}
      {openCh}
      {open ? (
        <div className="json-children">
          {entries.map(([k, v], i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positions are the identity of JSON members
            <JsonTree key={i} name={k} value={v} depth={depth + 1} />
          ))}
        </div>
      ) : (
        <span className="muted">
          {' '}
          {entries.length} {entries.length === 1 ? 'item' : 'items'}{' '}
        </span>
      )}
      {closeCh}
    </div>
  );
}
