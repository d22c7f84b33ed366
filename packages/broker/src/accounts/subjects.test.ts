import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSubsetMatch, transformSubject, wildcardCaptures } from './subjects.js';

describe('subject helpers for imports and exports', () => {
  it('isSubsetMatch: an import must lie within the export', () => {
    assert.equal(isSubsetMatch('a.b', 'a.*'), true);
    assert.equal(isSubsetMatch('a.*', 'a.*'), true);
    assert.equal(isSubsetMatch('a.*', 'a.>'), true);
    assert.equal(isSubsetMatch('a.>', 'a.*'), false, 'a wider import is not authorized');
    assert.equal(isSubsetMatch('a.>', 'a.>'), true);
    assert.equal(isSubsetMatch('a', 'a.>'), false);
    assert.equal(isSubsetMatch('a.b.c', 'a.*'), false);
    assert.equal(isSubsetMatch('b.x', 'a.>'), false);
  });

  it('wildcardCaptures: what each wildcard matched', () => {
    assert.deepEqual(wildcardCaptures('a.*.c.>', 'a.b.c.d.e'), ['b', 'd.e']);
    assert.deepEqual(wildcardCaptures('a.b', 'a.b'), []);
    assert.equal(wildcardCaptures('a.*', 'a.b.c'), undefined);
    assert.equal(wildcardCaptures('a.>', 'a'), undefined);
  });

  it('transformSubject: positional wildcards, $n and {{wildcard(n)}}', () => {
    assert.equal(transformSubject('map.*.in', 'mapped.*', 'map.k.in'), 'mapped.k');
    assert.equal(transformSubject('a.*.*', 'b.$2.$1', 'a.x.y'), 'b.y.x');
    assert.equal(transformSubject('a.*.*', 'b.{{ wildcard(2) }}', 'a.x.y'), 'b.y');
    assert.equal(transformSubject('a.>', 'p.a.>', 'a.x.y'), 'p.a.x.y');
    assert.equal(transformSubject('a', 'b', 'a'), 'b');
  });
});
