import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './password.js';

test('scrypt hashes carry their parameters and salt, and verify only the right password', async () => {
  const hash = await hashPassword('s3cret pass');
  assert.match(hash, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.notEqual(await hashPassword('s3cret pass'), hash, 'salted');
  assert.equal(await verifyPassword('s3cret pass', hash), true);
  assert.equal(await verifyPassword('s3cret pas', hash), false);
  assert.equal(await verifyPassword('s3cret pass', 'bcrypt$whatever'), false);
});
