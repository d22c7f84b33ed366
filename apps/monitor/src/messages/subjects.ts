// NATS subject matching and remapping (tokens split on `.`, `*` one token, `>` one or more at the end).

/** Whether `subject` matches `filter` (wildcards allowed in the filter only). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

/** Whether a filter is valid: no empty tokens, `>` only last, wildcards only as whole tokens. */
export function isValidFilter(filter: string): boolean {
  const t = filter.split('.');
  return t.every(
    (tok, i) =>
      tok.length > 0 &&
      !/\s/.test(tok) &&
      (tok === '>' ? i === t.length - 1 : tok === '*' || !/[*>]/.test(tok)),
  );
}

/** Counts the wildcard tokens of a filter, for checking that a remap's two sides agree. */
function wildcards(filter: string): string[] {
  return filter.split('.').filter((t) => t === '*' || t === '>');
}

/** Why a remap pair is unusable, or null when it is fine. */
export function remapProblem(from: string, to: string): string | null {
  if (!isValidFilter(from)) return `"${from}" is not a valid subject filter`;
  if (!isValidFilter(to)) return `"${to}" is not a valid subject pattern`;
  const a = wildcards(from).join(',');
  const b = wildcards(to).join(',');
  if (a !== b) return `"${from}" and "${to}" must have the same wildcards in the same order`;
  return null;
}

/**
 * Maps `subject` through `from` → `to`: the tokens matched by each wildcard of `from` fill the
 * matching wildcard of `to` (`orders.>` → `orders.retry.>`). Subjects not matching `from` are unchanged.
 */
export function remapSubject(subject: string, from: string | null, to: string | null): string {
  if (!from || !to || !subjectMatches(from, subject)) return subject;
  const f = from.split('.');
  const s = subject.split('.');
  const captured: string[] = [];
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '*') captured.push(s[i] as string);
    else if (f[i] === '>') captured.push(s.slice(i).join('.'));
  }
  let k = 0;
  return to
    .split('.')
    .map((tok) => (tok === '*' || tok === '>' ? (captured[k++] as string) : tok))
    .join('.');
}
