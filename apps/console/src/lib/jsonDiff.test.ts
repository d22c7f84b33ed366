import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffJson, prettyJson } from './jsonDiff';

const side = (rows: ReturnType<typeof diffJson>, which: 'left' | 'right') =>
  rows.map((r) => `${r[which].kind[0]}:${r[which].text.trim()}`);

test('prettyJson sorts keys and treats null as nothing', () => {
  assert.deepEqual(prettyJson({ b: 1, a: 2 }), ['{', '  "a": 2,', '  "b": 1', '}']);
  assert.deepEqual(prettyJson(null), []);
  assert.deepEqual(prettyJson('x'), ['"x"']);
});

test('a creation shows every line as added', () => {
  const rows = diffJson(null, { name: 'n' });
  assert.deepEqual(side(rows, 'left'), ['e:', 'e:', 'e:']);
  assert.deepEqual(side(rows, 'right'), ['a:{', 'a:"name": "n"', 'a:}']);
});

test('a changed field is aligned next to its old value', () => {
  const rows = diffJson({ a: 1, b: 2, c: 3 }, { a: 1, b: 5, c: 3 });
  assert.deepEqual(side(rows, 'left'), ['s:{', 's:"a": 1,', 'r:"b": 2,', 's:"c": 3', 's:}']);
  assert.deepEqual(side(rows, 'right'), ['s:{', 's:"a": 1,', 'a:"b": 5,', 's:"c": 3', 's:}']);
});

test('identical values have no changes', () => {
  const rows = diffJson({ x: [1, 2] }, { x: [1, 2] });
  assert.ok(rows.every((r) => r.left.kind === 'same' && r.right.kind === 'same'));
});
