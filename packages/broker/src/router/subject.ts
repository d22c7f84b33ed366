/**
 * Subject rules as nats-server applies them (server/sublist.go): tokens separated by '.', no empty
 * tokens, no whitespace, `*` and `>` only as whole tokens and `>` only last.
 */

const DOT = 46;
const STAR = 42;
const GT = 62;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** Valid subscription subject (wildcards allowed). */
export function isValidSubject(s: string): boolean {
  const len = s.length;
  if (len === 0) return false;
  let tokStart = 0;
  let sawFwc = false;
  for (let i = 0; i <= len; i++) {
    if (i === len || s.charCodeAt(i) === DOT) {
      const tl = i - tokStart;
      if (tl === 0 || sawFwc) return false;
      if (tl === 1) {
        const c = s.charCodeAt(tokStart);
        if (c === GT) sawFwc = true;
      }
      tokStart = i + 1;
      continue;
    }
    if (isSpace(s.charCodeAt(i))) return false;
  }
  return true;
}

/** Valid publish subject: a valid subject without wildcard tokens. */
export function isValidLiteralSubject(s: string): boolean {
  if (!isValidSubject(s)) return false;
  return isLiteral(s);
}

/** True when no token is `*` or `>`. */
export function isLiteral(s: string): boolean {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === STAR || c === GT) {
      const before = i === 0 || s.charCodeAt(i - 1) === DOT;
      const after = i + 1 === len || s.charCodeAt(i + 1) === DOT;
      if (before && after) return false;
    }
  }
  return true;
}

/** Queue group names may not contain whitespace. */
export function isValidQueue(q: string): boolean {
  if (q.length === 0) return false;
  for (let i = 0; i < q.length; i++) if (isSpace(q.charCodeAt(i))) return false;
  return true;
}

/** True when literal `subject` is matched by pattern `filter` (which may hold wildcards). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const ft = f[i];
    if (ft === '>') return s.length > i;
    if (i >= s.length) return false;
    if (ft !== '*' && ft !== s[i]) return false;
  }
  return f.length === s.length;
}
