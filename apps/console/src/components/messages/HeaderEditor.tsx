'use client';

import type { MessageHeader } from '@tern/contracts';

/** Editable header lines; the same key may appear on several lines. */
export function HeaderEditor({
  value,
  onChange,
}: {
  value: MessageHeader[];
  onChange: (h: MessageHeader[]) => void;
}) {
  const set = (i: number, j: 0 | 1, text: string) =>
    onChange(value.map((h, k) => (k === i ? ((j === 0 ? [text, h[1]] : [h[0], text]) as MessageHeader) : h)));
  return (
    <div className="msg-header-editor" data-testid="header-editor">
      {value.map(([k, v], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place by position
        <div className="msg-header-row" key={i}>
          <input
            className="input mono"
            placeholder="Name"
            value={k}
            onChange={(e) => set(i, 0, e.target.value)}
            aria-label="Header name"
          />
          <input
            className="input mono"
            placeholder="Value"
            value={v}
            onChange={(e) => set(i, 1, e.target.value)}
            aria-label="Header value"
          />
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => onChange(value.filter((_, k) => k !== i))}
            aria-label="Remove header"
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => onChange([...value, ['', '']])}
        data-testid="header-add"
      >
        Add header
      </button>
    </div>
  );
}
