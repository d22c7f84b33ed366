import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSecretKey, parseSecretKey, SecretBox } from './crypto.js';

test('SecretBox round-trips and rejects tampered or foreign ciphertext', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.encrypt('{"token":"abc"}');
  assert.doesNotMatch(sealed, /abc/);
  assert.notEqual(box.encrypt('{"token":"abc"}'), sealed, 'random IV');
  assert.equal(box.decrypt(sealed), '{"token":"abc"}');
  const parts = sealed.split('.');
  const flipped = Buffer.from(parts[3]!, 'base64url');
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  parts[3] = flipped.toString('base64url');
  assert.throws(() => box.decrypt(parts.join('.')));
  assert.throws(() => new SecretBox(randomBytes(32)).decrypt(sealed));
});

test('the key is generated once into <data>/secret.key with mode 0600', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tern-key-'));
  try {
    const key = await loadSecretKey(undefined, dir);
    assert.equal(key.length, 32);
    assert.equal((await stat(join(dir, 'secret.key'))).mode & 0o777, 0o600);
    assert.deepEqual(await loadSecretKey(undefined, dir), key);
    assert.equal((await readFile(join(dir, 'secret.key'), 'utf8')).trim(), key.toString('hex'));
    const configured = randomBytes(32);
    assert.deepEqual(await loadSecretKey(configured.toString('base64'), dir), configured);
    assert.deepEqual(parseSecretKey(configured.toString('hex')), configured);
    assert.throws(() => parseSecretKey('too-short'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
