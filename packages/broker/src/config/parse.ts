import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, markUsedVariable, positionOf, recordPosition, type SourcePosition } from './errors.js';

/** A parsed configuration value, as nats-server's `conf` package produces it. */
export type ConfigValue = string | number | boolean | Date | ConfigValue[] | ConfigMap;
/** A parsed configuration block. */
export interface ConfigMap {
  [key: string]: ConfigValue;
}

/** Options for {@link parseConfig}. */
export interface ParseOptions {
  /** Path of the file being parsed: used in error messages and to resolve `include`. */
  file?: string;
  /** Environment used for `$VAR` references not defined in the file. Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Reads an included file. Defaults to a synchronous UTF-8 read. */
  readFile?: (path: string) => string;
}

/** Parses nats-server configuration text into plain objects. Throws {@link ConfigError}. */
export function parseConfig(text: string, options: ParseOptions = {}): ConfigMap {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  return new Parser(text, options.file, env, readFile, new Set()).parseDocument();
}

/** Reads and parses a configuration file, following `include`s relative to it. */
export function loadConfigFile(path: string, env?: Record<string, string | undefined>): ConfigMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`error opening config file: ${describeFsError(err, path)}`, { file: path });
  }
  return parseConfig(text, { file: path, env: env ?? process.env });
}

function describeFsError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `open ${path}: no such file or directory`;
  if (code === 'EACCES') return `open ${path}: permission denied`;
  return `open ${path}: ${(err as Error).message}`;
}

const EOF = '';
const isNL = (c: string) => c === '\n' || c === '\r';
const isBlank = (c: string) => c === ' ' || c === '\t';
// Go's unicode.IsSpace for the characters that matter in a config file.
const isSpace = (c: string) =>
  c === ' ' ||
  c === '\t' ||
  c === '\n' ||
  c === '\r' ||
  c === '\v' ||
  c === '\f' ||
  c === '\u0085' ||
  c === '\u00a0';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isKeySep = (c: string) => c === '=' || c === ':';
// Characters that end an unquoted string (lex.go lexString).
const endsBareString = (c: string) =>
  c === EOF || isNL(c) || isBlank(c) || c === ';' || c === ',' || c === ']' || c === '}';
// Characters after which a run of digits is a number rather than the start of a string.
// nats-server 2.9.10 omits ']' here, which breaks `[1, 2]`; Tern accepts it (documented deviation).
const endsNumber = (c: string) =>
  c === EOF || isNL(c) || isBlank(c) || c === '}' || c === ';' || c === ',' || c === ']';
const BOOLS: Record<string, boolean> = {
  true: true,
  yes: true,
  on: true,
  false: false,
  no: false,
  off: false,
};
// Size suffixes: k/m/g are decimal, kb/mb/gb (and ki/kib…) binary, as nats-server's conf/parse.go.
const SIZE_SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  kb: 1024,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1024 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1024 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

class Parser {
  private i = 0;
  private readonly lineStarts: number[] = [0];
  // Blocks enclosing the current position, innermost last: the scopes for `$var` lookup.
  private readonly scopes: ConfigMap[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
    private readonly env: Record<string, string | undefined>,
    private readonly readFile: (path: string) => string,
    private readonly including: Set<string>,
  ) {
    for (let k = 0; k < text.length; k++) if (text[k] === '\n') this.lineStarts.push(k + 1);
  }

  parseDocument(): ConfigMap {
    const root: ConfigMap = {};
    this.scopes.push(root);
    this.parseEntries(root, true);
    this.scopes.pop();
    return root;
  }

  private peek(off = 0): string {
    return this.text[this.i + off] ?? EOF;
  }

  private pos(at = this.i): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: at - this.lineStarts[lo]! + 1 };
  }

  private fail(reason: string, at = this.i): never {
    throw new ConfigError(reason, this.pos(at));
  }

  private shown(c: string): string {
    if (c === EOF) return 'EOF';
    return c === '\n' ? '\\n' : c;
  }

  private skipComment(): boolean {
    const c = this.peek();
    if (c === '#' || (c === '/' && this.peek(1) === '/')) {
      while (this.peek() !== EOF && !isNL(this.peek())) this.i++;
      return true;
    }
    return false;
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      if (isSpace(this.peek())) this.i++;
      else if (!this.skipComment()) return;
    }
  }

  /** Entries of the document (top) or of a `{}` block, up to EOF or the closing brace. */
  private parseEntries(target: ConfigMap, top: boolean): void {
    for (;;) {
      this.skipSpaceAndComments();
      const c = this.peek();
      if (c === EOF) {
        if (!top) this.fail('Unexpected EOF.');
        return;
      }
      if (c === '}') {
        this.i++;
        if (!top) return;
        continue; // the whole file may be wrapped in braces
      }
      if (top && c === '{') {
        this.i++;
        continue;
      }
      if (isKeySep(c)) this.fail(`Unexpected key separator '${c}'`);
      if (!top && c === ']') this.fail(`Unexpected array end '${c}' processing map.`);
      this.parseEntry(target);
      if (this.endValue(top)) return;
    }
  }

  private parseEntry(target: ConfigMap): void {
    const keyAt = this.i;
    let key: string;
    const q = this.peek();
    if (q === '"' || q === "'") {
      this.i++;
      const start = this.i;
      while (this.peek() !== q) {
        if (this.peek() === EOF) this.fail('Unexpected EOF.');
        this.i++;
      }
      key = this.text.slice(start, this.i);
      this.i++;
    } else {
      const start = this.i;
      while (this.peek() !== EOF && !isSpace(this.peek()) && !isKeySep(this.peek())) this.i++;
      key = this.text.slice(start, this.i);
      if (key.toLowerCase() === 'include' && isSpace(this.peek())) {
        this.parseInclude(target, keyAt);
        return;
      }
    }
    // As in nats-server, anything (even new lines) may separate a key from its value.
    while (isSpace(this.peek())) this.i++;
    if (this.peek() === EOF) this.fail(`Expected a value for key '${key}' but got EOF.`);
    if (isKeySep(this.peek())) this.i++;
    recordPosition(target, key, this.pos(keyAt));
    target[key] = this.parseValue();
  }

  /** After a value: blanks, an optional comment, then a terminator. Returns true at a block's end. */
  private endValue(top: boolean): boolean {
    while (isBlank(this.peek())) this.i++;
    this.skipComment();
    const c = this.peek();
    if (c === EOF) return false;
    if (isNL(c) || c === ';' || c === ',') {
      this.i++;
      return false;
    }
    if (c === '}') {
      this.i++;
      return !top;
    }
    if (top)
      this.fail(
        `Expected a top-level value to end with a new line, comment or EOF, but got '${this.shown(c)}' instead.`,
      );
    this.fail(
      `Expected a map value terminator ',' or a map terminator '}', but got '${this.shown(c)}' instead.`,
    );
  }

  private parseValue(): ConfigValue {
    while (isBlank(this.peek())) this.i++;
    const c = this.peek();
    if (c === EOF) this.fail('Unexpected EOF.');
    if (isNL(c)) this.fail('Expected value but found new line');
    if (c === '[') return this.parseArray();
    if (c === '{') {
      this.i++;
      const block: ConfigMap = {};
      this.scopes.push(block);
      this.parseEntries(block, false);
      this.scopes.pop();
      return block;
    }
    if (c === "'") return this.parseRawString();
    if (c === '"') return this.parseQuotedString();
    if (c === '(') return this.parseBlockString();
    if (c === '-' || isDigit(c)) return this.parseNumberLike();
    if (c === '.') this.fail('Floats must start with a digit');
    return this.parseBareString(this.i);
  }

  private parseArray(): ConfigValue[] {
    this.i++;
    const out: ConfigValue[] = [];
    for (;;) {
      this.skipSpaceAndComments();
      const c = this.peek();
      if (c === ']') {
        this.i++;
        return out;
      }
      if (c === ',') this.fail("Unexpected array value terminator ','.");
      if (c === EOF) this.fail('Unexpected EOF.');
      recordPosition(out, out.length, this.pos());
      out.push(this.parseValue());
      // Between values: blanks and comments, then ',' or a new line, or the closing bracket.
      for (;;) {
        while (isBlank(this.peek())) this.i++;
        if (!this.skipComment()) break;
      }
      const t = this.peek();
      if (t === ']') {
        this.i++;
        return out;
      }
      if (t === ',' || isNL(t)) {
        this.i++;
        continue;
      }
      this.fail(
        `Expected an array value terminator "," or an array terminator "]", but got '${this.shown(t)}' instead.`,
      );
    }
  }

  private parseRawString(): string {
    this.i++;
    const start = this.i;
    while (this.peek() !== "'") {
      if (this.peek() === EOF) this.fail('Unexpected EOF.');
      this.i++;
    }
    const s = this.text.slice(start, this.i);
    this.i++;
    return s;
  }

  private parseQuotedString(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === EOF) this.fail('Unexpected EOF.');
      this.i++;
      if (c === '"') return out;
      out += c === '\\' ? this.parseEscape() : c;
    }
  }

  private parseEscape(): string {
    const at = this.i;
    const c = this.peek();
    this.i++;
    switch (c) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'x': {
        const hex = this.text.slice(this.i, this.i + 2);
        if (hex.length < 2 || /[\r\n]/.test(hex)) {
          this.fail("Expected two hexadecimal digits after '\\x', but hit end of line");
        }
        if (!/^[0-9a-fA-F]{2}$/.test(hex))
          this.fail(`Expected two hexadecimal digits after '\\x', but got '${hex}'`);
        this.i += 2;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
    }
    return this.fail(
      `Invalid escape character '${this.shown(c)}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.`,
      at,
    );
  }

  /** `( … )` with the closing parenthesis alone on its line: a verbatim multi-line string. */
  private parseBlockString(): string {
    this.i++;
    const start = this.i;
    for (;;) {
      const c = this.peek();
      if (c === EOF) this.fail('Unexpected EOF.');
      if (c === ')' && this.text[this.i - 1] === '\n' && (this.peek(1) === '\n' || this.peek(1) === EOF)) {
        const s = this.text.slice(start, this.i - 1);
        this.i++;
        return s;
      }
      this.i++;
    }
  }

  private parseBareString(start: number): ConfigValue {
    this.i = start;
    let out = '';
    let escaped = false;
    while (!endsBareString(this.peek())) {
      const c = this.peek();
      this.i++;
      if (c === '\\') {
        out += this.parseEscape();
        escaped = true;
      } else {
        out += c;
      }
    }
    if (escaped) return out;
    const b = BOOLS[out.toLowerCase()];
    if (b !== undefined) return b;
    if (out.startsWith('$') && out.length > 1) return this.lookupVariable(out.slice(1), start);
    return out;
  }

  /** Integers (with size suffixes), floats, dates and IP-like strings; `2s`-style runs become strings. */
  private parseNumberLike(): ConfigValue {
    const start = this.i;
    const negative = this.peek() === '-';
    if (negative) this.i++;
    const first = this.peek();
    if (!isDigit(first)) {
      if (first === '.') this.fail("Floats must start with a digit, not '.'.");
      this.fail(`Expected a digit but got '${this.shown(first)}'.`);
    }
    while (isDigit(this.peek())) this.i++;
    const digits = this.text.slice(start, this.i);
    const c = this.peek();
    if (c === '-' && !negative && this.i - start === 4) return this.parseDate(start);
    if (c === '.') return this.parseFloatOrIp(start);
    const suffixStart = this.i;
    if (/[kmgKMG]/.test(c)) {
      this.i++;
      if (/[iI]/.test(this.peek())) this.i++;
      if (/[bB]/.test(this.peek())) this.i++;
    }
    if (endsNumber(this.peek())) {
      const suffix = this.text.slice(suffixStart, this.i).toLowerCase();
      return this.toInteger(digits, SIZE_SUFFIX[suffix] ?? 1, start);
    }
    // nats-server only falls back to a string for unsigned values.
    if (negative) return this.toInteger(digits, 1, start, suffixStart);
    return this.parseBareString(start);
  }

  private toInteger(digits: string, multiplier: number, at: number, end = this.i): number {
    this.i = end;
    const n = BigInt(digits);
    if (n > INT64_MAX || n < INT64_MIN)
      this.fail(`Integer '${this.text.slice(at, end)}' is out of the range.`, at);
    const v = n * BigInt(multiplier);
    if (v > INT64_MAX || v < INT64_MIN)
      this.fail(`Integer '${this.text.slice(at, end)}' is out of the range.`, at);
    return Number(v);
  }

  private parseFloatOrIp(start: number): ConfigValue {
    this.i++; // '.'
    if (!isDigit(this.peek())) {
      this.fail(`Floats must have a digit after the '.', but got '${this.shown(this.peek())}' instead.`);
    }
    while (isDigit(this.peek())) this.i++;
    if (this.peek() !== '.') return Number(this.text.slice(start, this.i));
    while (/[0-9.:-]/.test(this.peek())) this.i++;
    return this.text.slice(start, this.i);
  }

  private parseDate(start: number): Date {
    const shape = 'DDDD-DD-DDTDD:DD:DDZ';
    for (let k = 4; k < shape.length; k++) {
      const want = shape[k]!;
      const got = this.peek();
      if (want === 'D' ? !isDigit(got) : got !== want) {
        const what = want === 'D' ? 'digit' : `'${want}'`;
        this.fail(`Expected ${what} in ISO8601 datetime, but found '${this.shown(got)}' instead.`);
      }
      this.i++;
    }
    const d = new Date(this.text.slice(start, this.i));
    if (Number.isNaN(d.getTime())) {
      this.fail(`Expected Zulu formatted DateTime, but got '${this.text.slice(start, this.i)}'.`, start);
    }
    return d;
  }

  private lookupVariable(name: string, at: number): ConfigValue {
    // An unquoted bcrypt hash looks like a variable; nats-server special-cases the $2a$ prefix.
    if (name.startsWith('2a$')) return `$${name}`;
    for (let k = this.scopes.length - 1; k >= 0; k--) {
      const scope = this.scopes[k]!;
      if (Object.hasOwn(scope, name)) {
        markUsedVariable(scope, name);
        return scope[name]!;
      }
    }
    const raw = this.env[name];
    if (raw !== undefined) {
      // Environment values are typed as if written in the file (`PORT=4222` gives a number).
      try {
        const parsed = new Parser(`pk=${raw}`, undefined, {}, this.readFile, new Set()).parseDocument();
        if (parsed.pk !== undefined) return parsed.pk;
      } catch {
        // fall through: keep the raw text
      }
      return raw;
    }
    return this.fail(`variable reference for '${name}' on line ${this.pos(at).line} can not be found`, at);
  }

  private parseInclude(target: ConfigMap, keyAt: number): void {
    while (isBlank(this.peek())) this.i++;
    const c = this.peek();
    let name: string;
    if (c === '"' || c === "'") {
      this.i++;
      const start = this.i;
      while (this.peek() !== c) {
        if (this.peek() === EOF) this.fail('Unexpected EOF.');
        this.i++;
      }
      name = this.text.slice(start, this.i);
      this.i++;
    } else {
      if (c === '[') this.fail('Expected include value but found start of an array');
      if (c === '{') this.fail('Expected include value but found start of a map');
      if (c === '(') this.fail('Expected include value but found start of a block');
      if (c === '-' || isDigit(c)) this.fail('Expected include value but found start of a number');
      if (c === '\\') this.fail('Expected include value but found escape sequence');
      if (isNL(c) || c === EOF) this.fail('Expected include value but found new line');
      const start = this.i;
      while (!endsBareString(this.peek())) this.i++;
      name = this.text.slice(start, this.i);
    }
    const path = resolve(this.file ? dirname(this.file) : '.', name);
    if (this.including.has(path)) this.fail(`include cycle: '${name}' includes itself`, keyAt);
    let text: string;
    try {
      text = this.readFile(path);
    } catch (err) {
      this.fail(`error parsing include file '${name}', ${describeFsError(err, path)}`, keyAt);
    }
    const nested = new Set(this.including);
    if (this.file) nested.add(resolve(this.file));
    nested.add(path);
    // Like nats-server, an included file starts with fresh variable scopes.
    const included = new Parser(text, path, this.env, this.readFile, nested).parseDocument();
    for (const [k, v] of Object.entries(included)) target[k] = v;
    copyPositions(included, target);
  }
}

function copyPositions(from: ConfigMap, to: ConfigMap): void {
  for (const k of Object.keys(from)) {
    const p = positionOf(from, k);
    if (p) recordPosition(to, k, p);
  }
}
