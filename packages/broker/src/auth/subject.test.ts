import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goQuote, isValidSubject, subjectMatches, subjectsCollide } from './subject.js';

describe('subjectMatches', () => {
  const cases: [string, string, boolean][] = [
    ['foo', 'foo', true],
    ['foo', 'foo.bar', false],
    ['foo.*', 'foo.bar', true],
    ['foo.*', 'foo', false],
    ['foo.*', 'foo.bar.baz', false],
    ['foo.>', 'foo.bar.baz', true],
    ['foo.>', 'foo', false],
    ['>', 'a', true],
    ['*.b.>', 'a.b.c', true],
    ['*.b.>', 'a.x.c', false],
    // Subscription subjects are taken literally: a wider pattern covers them, a narrower does not.
    ['foo.>', 'foo.*', true],
    ['foo.*', 'foo.*', true],
    ['foo.bar', 'foo.*', false],
    ['foo.*', 'foo.>', true],
    ['foob', 'foo', false],
  ];
  for (const [p, s, want] of cases)
    it(`${p} ~ ${s} = ${want}`, () => assert.equal(subjectMatches(p, s), want));
});

describe('isValidSubject', () => {
  it('accepts and rejects like nats-server', () => {
    for (const s of ['foo', 'foo.bar', 'foo.*', 'foo.>', '>', '*', '$SYS.x', 'a-b_c'])
      assert.ok(isValidSubject(s), s);
    for (const s of ['', 'foo.', '.foo', 'a..b', 'a b', 'a\tb', 'foo.>.bar'])
      assert.ok(!isValidSubject(s), s);
    assert.ok(!isValidSubject('foo.*', { wildcards: false }));
    assert.ok(!isValidSubject('foo.>', { wildcards: false }));
    assert.ok(isValidSubject('foo*.bar', { wildcards: false }));
  });
});

describe('subjectsCollide', () => {
  it('finds overlapping subjects', () => {
    assert.ok(subjectsCollide('secret.>', '>'));
    assert.ok(subjectsCollide('*.secret', 'public.>'));
    assert.ok(subjectsCollide('a.*', 'a.b'));
    assert.ok(!subjectsCollide('a.b', 'a.c'));
    assert.ok(!subjectsCollide('a.*', 'a'));
    assert.ok(!subjectsCollide('a.b.c', 'a.*'));
  });
});

describe('goQuote', () => {
  it('quotes like Go %q', () => {
    assert.equal(goQuote('foo.bar'), '"foo.bar"');
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\x01\n'), '"\\x01\\n"');
  });
});
