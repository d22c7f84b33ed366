import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, isUsedVariable, positionOf } from './errors.js';
import { loadConfigFile, parseConfig } from './parse.js';

const parse = (text: string, env: Record<string, string> = {}) =>
  parseConfig(text, { env, file: 'test.conf' });

function assertConfigError(fn: () => unknown, line: number, column: number, reason: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.file, 'test.conf');
    assert.deepEqual([err.line, err.column], [line, column], err.message);
    assert.match(err.reason, reason);
    assert.equal(err.message, `test.conf:${line}:${column}: ${err.reason}`);
    return;
  }
  assert.fail('expected a ConfigError');
}

describe('parseConfig: key/value forms', () => {
  it('accepts ":", "=" and whitespace separators', () => {
    assert.deepEqual(parse('a: 1\nb = 2\nc 3\nd:4\ne=5\n'), { a: 1, b: 2, c: 3, d: 4, e: 5 });
  });

  it('accepts quoted keys and ; or , terminators', () => {
    assert.deepEqual(parse('"a b": 1; \'c\' = 2, d: 3'), { 'a b': 1, c: 2, d: 3 });
  });

  it('lets a later key override an earlier one', () => {
    assert.deepEqual(parse('a: 1\na: 2'), { a: 2 });
  });

  it('accepts a file wrapped in braces', () => {
    assert.deepEqual(parse('{\n port: 4222\n}\n'), { port: 4222 });
  });

  it('skips # and // comments everywhere', () => {
    const text =
      '# top\n// also\na: 1 # trailing\nb { # open\n  c: 2 // in block\n}\nd: [ # arr\n 1, // x\n 2\n]\n';
    assert.deepEqual(parse(text), { a: 1, b: { c: 2 }, d: [1, 2] });
  });

  it('handles CRLF line endings', () => {
    assert.deepEqual(parse('a: 1\r\nb {\r\n c: x\r\n}\r\n'), { a: 1, b: { c: 'x' } });
  });
});

describe('parseConfig: values', () => {
  it('parses strings: unquoted, single-quoted raw, double-quoted with escapes', () => {
    const c = parse(`a: hello\nb: 'raw \\n $x'\nc: "t\\tn\\nq\\"b\\\\x\\x41"\n`);
    assert.deepEqual(c, { a: 'hello', b: 'raw \\n $x', c: 't\tn\nq"b\\xA' });
  });

  it('parses booleans in every spelling and case', () => {
    const c = parse('a: true\nb: FALSE\nc: yes\nd: No\ne: on\nf: off');
    assert.deepEqual(c, { a: true, b: false, c: true, d: false, e: true, f: false });
  });

  it('keeps quoted booleans as strings', () => {
    assert.deepEqual(parse('a: "true"'), { a: 'true' });
  });

  it('parses integers, negatives, floats', () => {
    assert.deepEqual(parse('a: 42\nb: -1\nc: 1.5\nd: -2.25'), { a: 42, b: -1, c: 1.5, d: -2.25 });
  });

  it('applies size suffixes as nats-server does (k=1000, kb=1024, case-insensitive)', () => {
    const c = parse('a: 1k\nb: 1kb\nc: 2K\nd: 1KB\ne: 1m\nf: 1mb\ng: 1g\nh: 1Gb\ni: 1Ki\nj: 3MB');
    assert.deepEqual(c, {
      a: 1000,
      b: 1024,
      c: 2000,
      d: 1024,
      e: 1_000_000,
      f: 1_048_576,
      g: 1_000_000_000,
      h: 1_073_741_824,
      i: 1024,
      j: 3 * 1_048_576,
    });
  });

  it('turns digit-led words such as durations into strings', () => {
    assert.deepEqual(parse('a: 2s\nb: 500ms\nc: 1h\nd: 4abc\ne: 1m30s'), {
      a: '2s',
      b: '500ms',
      c: '1h',
      d: '4abc',
      e: '1m30s',
    });
  });

  it('keeps IP addresses and host:port with -1 as strings', () => {
    assert.deepEqual(parse('a: 127.0.0.1:-1\nb: "127.0.0.1:-1"\nc: 0.0.0.0:4222\nport: -1'), {
      a: '127.0.0.1:-1',
      b: '127.0.0.1:-1',
      c: '0.0.0.0:4222',
      port: -1,
    });
  });

  it('parses Zulu datetimes', () => {
    const c = parse('a: 2020-01-02T03:04:05Z');
    assert.ok(c.a instanceof Date);
    assert.equal((c.a as Date).toISOString(), '2020-01-02T03:04:05.000Z');
  });

  it('parses arrays separated by commas or new lines, nested', () => {
    assert.deepEqual(parse('a: [1, 2, 3]\nb: [\n x\n y, z\n]\nc: [[1], {k: v}]\nd: []'), {
      a: [1, 2, 3],
      b: ['x', 'y', 'z'],
      c: [[1], { k: 'v' }],
      d: [],
    });
  });

  it('parses nested blocks with or without a separator before "{"', () => {
    assert.deepEqual(parse('a { b: { c = 1, d: 2 } }\ne: {}\nf = { g h }'), {
      a: { b: { c: 1, d: 2 } },
      e: {},
      f: { g: 'h' },
    });
  });

  it('parses ( ) block strings', () => {
    assert.deepEqual(parse('a: (\nline one\nline two\n)\nb: 1'), { a: '\nline one\nline two', b: 1 });
  });

  it('keeps an unquoted $2a$ bcrypt hash as a string', () => {
    const hash = '$2a$11$abcdefghijklmnopqrstuuVWXYZ0123456789abcdefghijklmnopq';
    assert.deepEqual(parse(`p: ${hash}`), { p: hash });
  });
});

describe('parseConfig: variables', () => {
  it('resolves variables from the file, innermost block first', () => {
    const c = parse('a = 1\nb { c = $a, a = 2, d = $a }\ne = $a');
    assert.deepEqual(c, { a: 1, b: { c: 1, a: 2, d: 2 }, e: 1 });
    assert.ok(isUsedVariable(c, 'a'));
    assert.ok(!isUsedVariable(c, 'e'));
  });

  it('falls back to the environment and types the value', () => {
    const c = parse('port: $PORT\nname: $NAME\nflag: $FLAG\nsz: $SZ\nphrase: $PHRASE', {
      PORT: '4333',
      NAME: 'edge-1',
      FLAG: 'true',
      SZ: '2kb',
      PHRASE: 'two words',
    });
    assert.deepEqual(c, { port: 4333, name: 'edge-1', flag: true, sz: 2048, phrase: 'two words' });
  });

  it('prefers a file variable over the environment', () => {
    assert.deepEqual(parse('P = 1\nport: $P', { P: '2' }), { P: 1, port: 1 });
  });

  it('resolves variables inside arrays', () => {
    assert.deepEqual(parse('x = foo\nl: [$x, bar]'), { x: 'foo', l: ['foo', 'bar'] });
  });

  it('reports an unknown variable with its location', () => {
    assertConfigError(
      () => parse('a: 1\nport:   $NOPE'),
      2,
      9,
      /^variable reference for 'NOPE' on line 2 can not be found$/,
    );
  });
});

describe('parseConfig: include', () => {
  it('includes files relative to the including file, recursively', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-conf-'));
    writeFileSync(
      join(dir, 'main.conf'),
      'port: 4222\ninclude "sub/a.conf"\nauthorization { include auth.conf }\n',
    );
    const sub = join(dir, 'sub');
    writeFileSync(join(dir, 'auth.conf'), 'token: s3cr3t\n');
    require_mkdir(sub);
    writeFileSync(join(sub, 'a.conf'), "debug: true\ninclude 'b.conf'\n");
    writeFileSync(join(sub, 'b.conf'), 'trace: true\n');
    const c = loadConfigFile(join(dir, 'main.conf'), {});
    assert.deepEqual(c, { port: 4222, debug: true, trace: true, authorization: { token: 's3cr3t' } });
    assert.equal(positionOf(c, 'trace')?.file, join(sub, 'b.conf'));
  });

  it('uses the injected reader and reports a missing include at the include line', () => {
    const files: Record<string, string> = { '/etc/x/inc.conf': 'a: 1' };
    const readFile = (p: string) => {
      const t = files[p];
      if (t === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return t;
    };
    assert.deepEqual(parseConfig('include inc.conf', { file: '/etc/x/main.conf', readFile, env: {} }), {
      a: 1,
    });
    assert.throws(
      () => parseConfig('b: 2\ninclude "missing.conf"', { file: '/etc/x/main.conf', readFile, env: {} }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.line === 2 &&
        /^error parsing include file 'missing.conf', open .*missing.conf: no such file or directory$/.test(
          err.reason,
        ),
    );
  });

  it("reports errors inside an included file with that file's location", () => {
    const readFile = () => 'ok: 1\nbad: [1,,2]';
    assert.throws(
      () => parseConfig('include "inc.conf"', { file: '/d/main.conf', readFile, env: {} }),
      (err: unknown) => err instanceof ConfigError && err.file === '/d/inc.conf' && err.line === 2,
    );
  });

  it('refuses include cycles', () => {
    const readFile = () => 'include "self.conf"';
    assert.throws(
      () => parseConfig('include "self.conf"', { file: '/d/self.conf', readFile, env: {} }),
      /include cycle/,
    );
  });
});

describe('parseConfig: errors carry file, line and column', () => {
  it('missing value', () =>
    assertConfigError(() => parse('a: 1\nport = \n'), 2, 8, /^Expected value but found new line$/));

  it('junk after a top-level value', () =>
    assertConfigError(
      () => parse('port: 4222 server_name: x'),
      1,
      12,
      /^Expected a top-level value to end with a new line, comment or EOF, but got 's' instead\.$/,
    ));

  it('unterminated array', () =>
    assertConfigError(
      () => parse('x = {\n a: 1\n b: [1,2\n}'),
      4,
      1,
      /^Expected an array value terminator "," or an array terminator "\]", but got '}' instead\.$/,
    ));

  it('leading comma in an array', () =>
    assertConfigError(() => parse('a: [,1]'), 1, 5, /^Unexpected array value terminator/));

  it('unterminated string', () =>
    assertConfigError(() => parse('x = "abc\nport: 1'), 2, 8, /^Unexpected EOF\.$/));

  it('unterminated block', () => assertConfigError(() => parse('a {\n b: 1\n'), 3, 1, /^Unexpected EOF\.$/));

  it('bad escape', () =>
    assertConfigError(() => parse('b = "a\\qb"'), 1, 8, /^Invalid escape character 'q'/));

  it('float without a leading digit', () =>
    assertConfigError(() => parse('a: .5'), 1, 4, /^Floats must start with a digit/));

  it('key separator without a key', () =>
    assertConfigError(() => parse('a: 1\n  = 2'), 2, 3, /^Unexpected key separator '='$/));

  it('junk inside a block', () =>
    assertConfigError(
      () => parse('a {\n b: 1 c\n}'),
      2,
      7,
      /^Expected a map value terminator ',' or a map terminator '}', but got 'c' instead\.$/,
    ));

  it('integer out of range', () =>
    assertConfigError(
      () => parse('a: 99999999999999999999'),
      1,
      4,
      /^Integer '99999999999999999999' is out of the range\.$/,
    ));

  it('bad datetime', () => assertConfigError(() => parse('a: 2020-1-01T00:00:00Z'), 1, 10, /ISO8601/));

  it('omits the file when none is given', () => {
    assert.throws(
      () => parseConfig('a = ', { env: {} }),
      (err: unknown) => err instanceof ConfigError && err.message === '1:5: Unexpected EOF.',
    );
  });

  it('loadConfigFile reports a missing file', () => {
    assert.throws(
      () => loadConfigFile('/nonexistent/tern.conf', {}),
      /error opening config file: open \/nonexistent\/tern.conf: no such file or directory/,
    );
  });
});

describe('parseConfig: positions', () => {
  it('records where each key and array element is', () => {
    const c = parse('a: 1\nb {\n  c: 2\n}\nl: [\n  x,\n  y\n]');
    assert.deepEqual(positionOf(c, 'a'), { file: 'test.conf', line: 1, column: 1 });
    assert.deepEqual(positionOf(c.b, 'c'), { file: 'test.conf', line: 3, column: 3 });
    assert.deepEqual(positionOf(c.l, 1), { file: 'test.conf', line: 7, column: 3 });
  });
});

function require_mkdir(p: string): void {
  mkdirSync(p, { recursive: true });
}
