/**
 * Is every subject `subject` can match also matched by `pattern`? (nats-server `isSubsetMatch`.)
 * Unlike a plain match, a `>` in `subject` is only covered by a `>` in `pattern`.
 */
export function isSubsetMatch(subject: string, pattern: string): boolean {
  const s = subject.split('.');
  const p = pattern.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i]!;
    if (i >= s.length) return false;
    const st = s[i]!;
    if (pt === '>') return true;
    if (pt === '*') {
      if (st === '>') return false;
      continue;
    }
    if (st !== pt) return false;
  }
  return s.length === p.length;
}

/**
 * Captures what the wildcards of `from` matched in the literal `subject`: one token per `*`,
 * the rest of the subject for `>`. Undefined when `subject` does not match `from`.
 */
export function wildcardCaptures(from: string, subject: string): string[] | undefined {
  const f = from.split('.');
  const s = subject.split('.');
  const caps: string[] = [];
  for (let i = 0; i < f.length; i++) {
    const ft = f[i]!;
    if (ft === '>') {
      if (i >= s.length) return undefined;
      caps.push(s.slice(i).join('.'));
      return caps;
    }
    if (i >= s.length) return undefined;
    if (ft === '*') caps.push(s[i]!);
    else if (ft !== s[i]) return undefined;
  }
  return f.length === s.length ? caps : undefined;
}

/**
 * Maps `subject` (matched by `from`) onto `to`: `*` and `>` tokens of `to` take the captures of
 * `from` in order, and `$n` / `{{wildcard(n)}}` pick capture n (1-based), as nats-server's subject
 * transforms do. A `to` without wildcards is returned unchanged.
 */
export function transformSubject(from: string, to: string, subject: string): string | undefined {
  const caps = wildcardCaptures(from, subject);
  if (!caps) return undefined;
  let next = 0;
  return to
    .split('.')
    .map((t) => {
      if (t === '*' || t === '>') return caps[next++] ?? t;
      const m = /^(?:\$(\d+)|\{\{\s*wildcard\s*\(\s*(\d+)\s*\)\s*\}\})$/i.exec(t);
      if (m) return caps[Number(m[1] ?? m[2]) - 1] ?? t;
      return t;
    })
    .join('.');
}
