import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnv } from './env';

test('MONITOR_URL defaults to the local monitor', () => {
  assert.equal(parseEnv({}).monitorUrl, 'http://127.0.0.1:4280');
});

test('MONITOR_URL keeps a base path and drops trailing slashes', () => {
  assert.equal(parseEnv({ MONITOR_URL: 'http://mon:9000/tern/' }).monitorUrl, 'http://mon:9000/tern');
});

test('a malformed MONITOR_URL names the setting', () => {
  assert.throws(() => parseEnv({ MONITOR_URL: 'not a url' }), /MONITOR_URL/);
  assert.throws(() => parseEnv({ MONITOR_URL: 'ftp://x' }), /MONITOR_URL/);
});

test('CONSOLE_TRUSTED_PROXIES defaults to none and must be a count', () => {
  assert.equal(parseEnv({}).trustedProxies, 0);
  assert.equal(parseEnv({ CONSOLE_TRUSTED_PROXIES: ' 2 ' }).trustedProxies, 2);
  assert.throws(() => parseEnv({ CONSOLE_TRUSTED_PROXIES: 'loopback' }), /CONSOLE_TRUSTED_PROXIES/);
  assert.throws(() => parseEnv({ CONSOLE_TRUSTED_PROXIES: '-1' }), /CONSOLE_TRUSTED_PROXIES/);
});
