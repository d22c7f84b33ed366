'use client';

import { useState } from 'react';

/** Configuration as reported by a server, shown as inert, pretty-printed text behind a disclosure. */
export function JsonBlock({ title, value, testId }: { title: string; value: unknown; testId?: string }) {
  const [open, setOpen] = useState(false);
  if (value === undefined || value === null) return null;
  return (
    <section className="panel" data-testid={testId}>
      <button type="button" className="th-sort" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className={`chevron${open ? ' open' : ''}`}>›</span>
        <h2>{title}</h2>
      </button>
      {open ? <pre className="json-block">{JSON.stringify(value, null, 2)}</pre> : null}
    </section>
  );
}
