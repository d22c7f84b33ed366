'use client';

import type { ReactNode } from 'react';

/** A labelled input with its inline error or hint. */
export function Field({
  id,
  name,
  label,
  hint,
  error,
  children,
  wide,
}: {
  id: string;
  /** Names the error's test id: `field-error-<name>`. */
  name?: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {error ? (
        <div className="field-error" data-testid={`field-error-${name ?? id}`}>
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

/** Form/JSON tab switch. */
export function Tabs<T extends string>({
  value,
  options,
  onChange,
  testId,
}: {
  value: T;
  options: ReadonlyArray<readonly [T, string]>;
  onChange: (v: T) => void;
  testId: string;
}) {
  return (
    <div className="tabs" role="tablist" data-testid={testId}>
      {options.map(([v, label]) => (
        <button
          key={v}
          type="button"
          role="tab"
          aria-selected={value === v}
          className={`tab${value === v ? ' active' : ''}`}
          onClick={() => onChange(v)}
          data-testid={`${testId}-${v}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
