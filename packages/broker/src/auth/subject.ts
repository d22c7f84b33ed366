/** Options for {@link isValidSubject}. */
export interface SubjectValidationOptions {
  /** Accept `*` and `>` tokens (subscriptions, permissions). Default true. */
  wildcards?: boolean;
}

/**
 * Subject validity as nats-server checks it: non-empty dot-separated tokens, no whitespace;
 * with wildcards `>` may only be the last token, without them `*` and `>` tokens are rejected.
 */
export function isValidSubject(subject: string, options: SubjectValidationOptions = {}): boolean {
  if (subject.length === 0) return false;
  const wildcards = options.wildcards ?? true;
  let tokenStart = 0;
  for (let i = 0; i <= subject.length; i++) {
    const c = subject.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) return false;
    if (i === subject.length || c === 46 /* . */) {
      const len = i - tokenStart;
      if (len === 0) return false;
      if (len === 1) {
        const t = subject.charCodeAt(tokenStart);
        if (t === 42 /* * */ || t === 62 /* > */) {
          if (!wildcards) return false;
          if (t === 62 && i !== subject.length) return false;
        }
      }
      tokenStart = i + 1;
    }
  }
  return true;
}

/** True when the subject contains a `*` or `>` token. */
export function subjectHasWildcard(subject: string): boolean {
  for (const t of subject.split('.')) if (t === '*' || t === '>') return true;
  return false;
}

/**
 * Does `pattern` (which may hold `*` and `>` tokens) match `subject`? Tokens of `subject` are
 * taken literally, so a wildcard subscription `foo.*` is matched by `foo.>` or `foo.*` but not by
 * `foo.bar` — the same answer nats-server's permission sublist gives.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  let pi = 0;
  let si = 0;
  const pl = pattern.length;
  const sl = subject.length;
  for (;;) {
    let pe = pattern.indexOf('.', pi);
    if (pe < 0) pe = pl;
    let se = subject.indexOf('.', si);
    if (se < 0) se = sl;
    const plen = pe - pi;
    if (plen === 1 && pattern.charCodeAt(pi) === 62 /* > */ && pe === pl) return si < sl;
    if (si > sl) return false;
    const wild = plen === 1 && pattern.charCodeAt(pi) === 42; /* * */
    if (!wild) {
      if (plen !== se - si || pattern.slice(pi, pe) !== subject.slice(si, se)) return false;
    } else if (se === si) {
      return false;
    }
    const pDone = pe >= pl;
    const sDone = se >= sl;
    if (pDone || sDone) return pDone && sDone;
    pi = pe + 1;
    si = se + 1;
  }
}

/**
 * Is every subject matched by `subject` also matched by `pattern`? (nats-server
 * `subjectIsSubsetMatch`.) Used to see whether a wildcard subscription reaches into a deny list.
 */
export function subjectIsSubsetMatch(subject: string, pattern: string): boolean {
  return subjectMatches(pattern, subject);
}

/** Do two subjects (either may hold wildcards) match at least one common literal subject? */
export function subjectsCollide(a: string, b: string): boolean {
  const ta = a.split('.');
  const tb = b.split('.');
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === '>' || y === '>') return true;
    if (x !== y && x !== '*' && y !== '*') return false;
  }
  // No `>` seen in the common prefix: a longer subject needs tokens the shorter one cannot give.
  return ta.length === tb.length;
}

/** Go's `%q` quoting for ASCII-safe subjects, as used in nats-server's error texts. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
