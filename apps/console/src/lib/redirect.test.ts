import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNextPath } from './redirect';

test('safeNextPath keeps local paths only', () => {
  assert.equal(safeNextPath('/audit?action=target.create'), '/audit?action=target.create');
  assert.equal(safeNextPath(null), '/');
  assert.equal(safeNextPath('https://evil.example'), '/');
  assert.equal(safeNextPath('//evil.example'), '/');
  assert.equal(safeNextPath('/\\evil.example'), '/');
  assert.equal(safeNextPath('/login'), '/');
  assert.equal(safeNextPath('/api/auth/logout'), '/');
});
