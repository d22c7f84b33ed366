// A small subject matcher for the store's filters, kept local so the store depends on nothing else
// in the broker. Subjects are '.'-separated tokens; '*' matches one token, '>' one or more (last only).

/** True for the filters that select every subject: undefined, '' and '>'. */
export function isAllFilter(filter: string | undefined): boolean {
  return filter === undefined || filter === '' || filter === '>';
}

/** True when no token of `subject` is a wildcard. */
export function isLiteralSubject(subject: string): boolean {
  const len = subject.length;
  for (let i = 0; i < len; i++) {
    const c = subject.charCodeAt(i);
    if (c !== 42 && c !== 62) continue;
    if (
      (i === 0 || subject.charCodeAt(i - 1) === 46) &&
      (i + 1 === len || subject.charCodeAt(i + 1) === 46)
    ) {
      return false;
    }
  }
  return true;
}

/** Splits a filter once so it can be matched against many subjects. */
export function tokenizeFilter(filter: string): string[] {
  return filter.split('.');
}

/** True when literal `subject` matches a tokenized filter. Walks the subject without splitting it. */
export function matchTokens(ftoks: readonly string[], subject: string): boolean {
  let start = 0;
  const len = subject.length;
  for (let i = 0; i < ftoks.length; i++) {
    if (start > len) return false;
    const ft = ftoks[i]!;
    if (ft === '>') return start < len;
    let end = subject.indexOf('.', start);
    if (end < 0) end = len;
    if (ft !== '*') {
      if (end - start !== ft.length || !subject.startsWith(ft, start)) return false;
    } else if (end === start) {
      return false;
    }
    start = end + 1;
  }
  return start === len + 1;
}

/** True when literal `subject` is matched by `filter` (which may hold wildcards). */
export function subjectMatches(filter: string, subject: string): boolean {
  if (isAllFilter(filter)) return true;
  if (isLiteralSubject(filter)) return filter === subject;
  return matchTokens(tokenizeFilter(filter), subject);
}
