import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidLiteralSubject, isValidSubject, subjectMatches } from './subject.js';
import { type Routable, Sublist } from './sublist.js';

interface S extends Routable {
  id: string;
}
const sub = (id: string, subject: string, queue = ''): S => ({ id, subject, queue });
const ids = (r: { psubs: S[]; qsubs: S[][] }) => ({
  p: r.psubs.map((s) => s.id).sort(),
  q: r.qsubs.map((g) => g.map((s) => s.id).sort()).sort(),
});

for (const cacheSize of [0, 1024, 2]) {
  describe(`sublist (cache ${cacheSize})`, () => {
    it('matches literals, * and >', () => {
      const sl = new Sublist<S>(cacheSize);
      for (const s of [
        sub('a', 'foo'),
        sub('b', 'foo.bar'),
        sub('c', 'foo.*'),
        sub('d', 'foo.>'),
        sub('e', '*.bar'),
        sub('f', '>'),
        sub('g', 'foo.*.baz'),
      ]) {
        sl.insert(s);
      }
      assert.deepEqual(ids(sl.match('foo')).p, ['a', 'f']);
      assert.deepEqual(ids(sl.match('foo.bar')).p, ['b', 'c', 'd', 'e', 'f']);
      assert.deepEqual(ids(sl.match('foo.bar.baz')).p, ['d', 'f', 'g']);
      assert.deepEqual(ids(sl.match('x.bar')).p, ['e', 'f']);
      assert.deepEqual(ids(sl.match('nope.x.y')).p, ['f']);
      assert.equal(sl.size, 7);
    });

    it('keeps queue groups together across nodes', () => {
      const sl = new Sublist<S>(cacheSize);
      sl.insert(sub('q1', 'foo.*', 'workers'));
      sl.insert(sub('q2', 'foo.>', 'workers'));
      sl.insert(sub('q3', 'foo.bar', 'other'));
      sl.insert(sub('p', 'foo.bar'));
      assert.deepEqual(ids(sl.match('foo.bar')), { p: ['p'], q: [['q1', 'q2'], ['q3']] });
    });

    it('invalidates cached results on insert and remove', () => {
      const sl = new Sublist<S>(cacheSize);
      const a = sub('a', 'foo.bar');
      sl.insert(a);
      assert.deepEqual(ids(sl.match('foo.bar')).p, ['a']);
      const w = sub('w', 'foo.*');
      sl.insert(w);
      assert.deepEqual(ids(sl.match('foo.bar')).p, ['a', 'w']);
      const b = sub('b', 'foo.bar');
      sl.insert(b);
      assert.deepEqual(ids(sl.match('foo.bar')).p, ['a', 'b', 'w']);
      assert.ok(sl.remove(w));
      assert.deepEqual(ids(sl.match('foo.bar')).p, ['a', 'b']);
      assert.ok(sl.remove(a));
      assert.ok(!sl.remove(a));
      assert.deepEqual(ids(sl.match('foo.bar')).p, ['b']);
      assert.ok(sl.remove(b));
      assert.deepEqual(ids(sl.match('foo.bar')), { p: [], q: [] });
      assert.equal(sl.size, 0);
      assert.deepEqual(sl.all(), []);
    });

    it('bounds the cache and reports stats', () => {
      const sl = new Sublist<S>(cacheSize);
      sl.insert(sub('a', 'x.>'));
      for (let i = 0; i < 3000; i++) sl.match(`x.${i}`);
      const st = sl.stats();
      assert.ok(st.num_cache <= cacheSize);
      assert.equal(st.num_matches, 3000);
      assert.equal(st.num_inserts, 1);
      assert.equal(st.num_subscriptions, 1);
    });

    it('caches a subject the second time it misses, not the first', () => {
      const sl = new Sublist<S>(cacheSize);
      sl.insert(sub('a', 'x.>'));
      for (let i = 0; i < 100; i++) sl.match(`x.once.${i}`);
      assert.equal(sl.stats().num_cache, 0, 'subjects used once stay out of the cache');
      sl.match('x.again');
      sl.match('x.again');
      assert.equal(sl.stats().num_cache, cacheSize === 0 ? 0 : 1);
      assert.deepEqual(ids(sl.match('x.again')).p, ['a']);
      assert.equal(sl.stats().cache_hit_rate > 0, cacheSize > 0);
    });

    it('agrees with a brute-force matcher on random subjects', () => {
      const sl = new Sublist<S>(cacheSize);
      const toks = ['a', 'b', 'c', '*', '>'];
      let seed = 7;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      const subs: S[] = [];
      for (let i = 0; i < 300; i++) {
        const n = 1 + Math.floor(rnd() * 4);
        const parts: string[] = [];
        for (let k = 0; k < n; k++) parts.push(toks[Math.floor(rnd() * (k === n - 1 ? 5 : 4))]!);
        const s = sub(String(i), parts.join('.'), rnd() < 0.2 ? 'q' : '');
        subs.push(s);
        sl.insert(s);
      }
      for (let i = 0; i < 100; i++) if (rnd() < 0.5) sl.remove(subs[i]!);
      const live = new Set(sl.all());
      for (let i = 0; i < 300; i++) {
        const n = 1 + Math.floor(rnd() * 4);
        const parts: string[] = [];
        for (let k = 0; k < n; k++) parts.push(toks[Math.floor(rnd() * 3)]!);
        const subject = parts.join('.');
        const r = sl.match(subject);
        const got = [...r.psubs, ...r.qsubs.flat()].map((s) => s.id).sort();
        const want = [...live]
          .filter((s) => subjectMatches(s.subject, subject))
          .map((s) => s.id)
          .sort();
        assert.deepEqual(got, want, subject);
      }
    });
  });
}

describe('subject validation', () => {
  it('follows nats-server rules', () => {
    for (const s of ['foo', 'foo.bar', 'foo.*', 'foo.>', '>', '*', 'foo*.bar', 'a.*.c', '$JS.API.>'])
      assert.ok(isValidSubject(s), s);
    for (const s of ['', 'foo.', '.foo', 'foo..bar', 'foo.>.bar', 'foo bar', 'foo\tbar'])
      assert.ok(!isValidSubject(s), s);
    assert.ok(isValidLiteralSubject('foo*.bar'));
    assert.ok(!isValidLiteralSubject('foo.*'));
    assert.ok(!isValidLiteralSubject('foo.>'));
  });
});
