// A small YAML 1.2 emitter and parser for the subset configuration documents use: block mappings and
// sequences, plain/single/double-quoted scalars, empty or simple flow collections, comments. Anything
// else is rejected with the line number rather than guessed at.

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const isCollection = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null;
const isEmpty = (v: Record<string, unknown> | unknown[]) =>
  Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(String(v));
}

function block(v: Record<string, unknown> | unknown[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      if (!isCollection(item) || isEmpty(item)) lines.push(`${pad}- ${scalar(item)}`);
      else {
        const sub = block(item, indent + 2);
        sub[0] = `${pad}- ${(sub[0] ?? '').slice(indent + 2)}`;
        lines.push(...sub);
      }
    }
    return lines;
  }
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    const key = PLAIN_KEY.test(k) ? k : JSON.stringify(k);
    if (!isCollection(val) || isEmpty(val)) lines.push(`${pad}${key}: ${scalar(val)}`);
    else {
      lines.push(`${pad}${key}:`);
      lines.push(...block(val, indent + 2));
    }
  }
  return lines;
}

/** Emits a JSON value as block-style YAML (strings always double-quoted, so they never change type). */
export function toYaml(value: unknown): string {
  if (!isCollection(value) || isEmpty(value)) return `${scalar(value)}\n`;
  return `${block(value, 0).join('\n')}\n`;
}

/** A YAML syntax error with its 1-based line. */
export class YamlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`YAML line ${line}: ${message}`);
  }
}

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) return text.slice(0, i);
  }
  return text;
}

function parseScalar(raw: string, no: number): unknown {
  const s = raw.trim();
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s);
    } catch {
      throw new YamlError(`bad double-quoted string ${s}`, no);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlError(`unterminated single-quoted string ${s}`, no);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('[') || s.startsWith('{')) return parseFlow(s, no);
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (/^[&*!|>%@`]/.test(s)) throw new YamlError(`unsupported YAML feature in ${s}`, no);
  return s;
}

// Flow collections: JSON, or `[a, b]` of plain scalars.
function parseFlow(s: string, no: number): unknown {
  try {
    return JSON.parse(s);
  } catch {
    // fall through
  }
  if (s.startsWith('[') && s.endsWith(']') && !/[[\]{}]/.test(s.slice(1, -1))) {
    const inner = s.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((p) => parseScalar(p, no));
  }
  throw new YamlError(`unsupported flow collection ${s}`, no);
}

// The key of a `key: value` line, or undefined when the text is not a mapping entry.
function splitKey(text: string, no: number): [string, string] | undefined {
  if (text.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*")\s*:(?:\s+|$)(.*)$/.exec(text);
    if (!m) return undefined;
    return [JSON.parse(m[1] as string) as string, m[2] ?? ''];
  }
  if (text.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*:(?:\s+|$)(.*)$/.exec(text);
    if (!m) return undefined;
    return [(m[1] as string).replace(/''/g, "'"), m[2] ?? ''];
  }
  const m = /^([^\s#'"[\]{},][^:#]*?)\s*:(?:\s+|$)(.*)$/.exec(text);
  if (!m) return undefined;
  if (/^[-?]\s/.test(text)) throw new YamlError('unsupported complex key', no);
  return [m[1] as string, m[2] ?? ''];
}

/** Parses the YAML subset into a JSON value. */
export function parseYaml(text: string): unknown {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/\t/.test(raw.match(/^\s*/)?.[0] ?? ''))
      throw new YamlError('tabs are not allowed in indentation', i + 1);
    const stripped = stripComment(raw).replace(/\s+$/, '');
    if (stripped.trim() === '' || stripped === '---' || stripped === '...') return;
    const indent = stripped.length - stripped.trimStart().length;
    lines.push({ indent, text: stripped.trimStart(), no: i + 1 });
  });
  if (lines.length === 0) return null;
  const first = lines[0] as Line;
  const [value, next] = parseNode(lines, 0, first.indent);
  if (next < lines.length) {
    const l = lines[next] as Line;
    throw new YamlError('unexpected indentation', l.no);
  }
  return value;
}

const isSeqItem = (t: string) => t === '-' || t.startsWith('- ');

function parseNode(lines: Line[], i: number, indent: number): [unknown, number] {
  const line = lines[i] as Line;
  if (isSeqItem(line.text)) return parseSeq(lines, i, indent);
  if (splitKey(line.text, line.no)) return parseMap(lines, i, indent);
  return [parseScalar(line.text, line.no), i + 1];
}

function parseSeq(lines: Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length) {
    const line = lines[i] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new YamlError('unexpected indentation', line.no);
    if (!isSeqItem(line.text)) break;
    const rest = line.text === '-' ? '' : line.text.slice(2);
    if (rest.trim() === '') {
      const next = lines[i + 1];
      if (next && next.indent > indent) {
        const [v, n] = parseNode(lines, i + 1, next.indent);
        out.push(v);
        i = n;
      } else {
        out.push(null);
        i++;
      }
      continue;
    }
    // The item's content starts a node at the column after "- ".
    const col = indent + 2 + (rest.length - rest.trimStart().length);
    lines[i] = { indent: col, text: rest.trimStart(), no: line.no };
    const [v, n] = parseNode(lines, i, col);
    out.push(v);
    i = n;
  }
  return [out, i];
}

function parseMap(lines: Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length) {
    const line = lines[i] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new YamlError('unexpected indentation', line.no);
    if (isSeqItem(line.text)) break;
    const kv = splitKey(line.text, line.no);
    if (!kv) throw new YamlError(`expected "key: value", got ${line.text}`, line.no);
    const [key, rest] = kv;
    if (Object.hasOwn(out, key)) throw new YamlError(`duplicate key ${key}`, line.no);
    if (rest.trim() !== '') {
      out[key] = parseScalar(rest, line.no);
      i++;
      continue;
    }
    const next = lines[i + 1];
    if (next && next.indent > indent) {
      const [v, n] = parseNode(lines, i + 1, next.indent);
      out[key] = v;
      i = n;
    } else if (next && next.indent === indent && isSeqItem(next.text)) {
      // A sequence may sit at its key's own indentation.
      const [v, n] = parseSeq(lines, i + 1, indent);
      out[key] = v;
      i = n;
    } else {
      out[key] = null;
      i++;
    }
  }
  return [out, i];
}
