import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoginRedirects, safeNextPath } from './redirect';

test('safeNextPath keeps local paths only', () => {
  assert.equal(safeNextPath('/audit?action=target.create'), '/audit?action=target.create');
  assert.equal(safeNextPath(null), '/');
  assert.equal(safeNextPath('https://evil.example'), '/');
  assert.equal(safeNextPath('//evil.example'), '/');
  assert.equal(safeNextPath('/\\evil.example'), '/');
  assert.equal(safeNextPath('/login'), '/');
  assert.equal(safeNextPath('/api/auth/logout'), '/');
});

function recorder() {
  const visits: string[] = [];
  return { visits, redirects: createLoginRedirects((url) => visits.push(url)) };
}

test('sign-out is one navigation even when 401s arrive meanwhile', () => {
  const { visits, redirects } = recorder();
  redirects.signingOut();
  redirects.unauthorized({ pathname: '/streams', search: '?target=t1' });
  redirects.signedOut();
  redirects.unauthorized({ pathname: '/streams', search: '' });
  redirects.signedOut();
  assert.deepEqual(visits, ['/login']);
});

test('an expired session goes to the login page once, and back afterwards', () => {
  const { visits, redirects } = recorder();
  redirects.unauthorized({ pathname: '/audit', search: '?action=target.create' });
  redirects.unauthorized({ pathname: '/audit', search: '' });
  assert.deepEqual(visits, ['/login?next=%2Faudit%3Faction%3Dtarget.create']);
  assert.equal(
    safeNextPath(new URL(`http://x${visits[0]}`).searchParams.get('next')),
    '/audit?action=target.create',
  );
});

test('a 401 on the home page or the login page itself', () => {
  const home = recorder();
  home.redirects.unauthorized({ pathname: '/', search: '' });
  assert.deepEqual(home.visits, ['/login']);
  const login = recorder();
  login.redirects.unauthorized({ pathname: '/login', search: '?next=%2Faudit' });
  assert.deepEqual(login.visits, []);
});
