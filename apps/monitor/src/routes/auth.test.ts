import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiError, SessionResponse } from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { backends, login, PASSWORD, type TestDatabase, testApp } from '../test-support/app.js';

const pglite = backends[0]!;

describe('auth', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;

  before(async () => {
    tdb = await pglite.open();
    ({ app } = await testApp(tdb.db, { loginRateLimit: { max: 5, timeWindowMs: 60_000 } }));
  });
  after(async () => {
    await app?.close();
    await tdb?.dispose();
  });

  const errorOf = (body: string) => JSON.parse(body) as ApiError;

  test('health is public', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: 'ok' });
  });

  test('login sets an HttpOnly SameSite=Strict cookie and returns the user and a CSRF token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    assert.equal(res.statusCode, 200);
    const body = res.json<SessionResponse>();
    assert.equal(body.user.username, 'admin');
    assert.equal(body.user.role, 'admin');
    assert.ok(body.csrfToken.length >= 32);
    const cookie = res.cookies.find((c) => c.name === 'tern_session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/');
    assert.notEqual(cookie.secure, true);
    // Only the token's hash is stored.
    const stored = await tdb.db.prisma.session.findMany();
    assert.ok(stored.length > 0 && stored.every((s) => s.id !== cookie.value));
  });

  test('a wrong password and an unknown user get the same 401', async () => {
    for (const username of ['admin', 'nobody']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'wrong' },
        remoteAddress: '10.0.0.1',
      });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(errorOf(res.body), {
        error: { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password', statusCode: 401 },
      });
    }
  });

  test('me returns the session; without a cookie it is 401 UNAUTHENTICATED', async () => {
    const client = await login(app, 'viewer');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: client.headers() });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json<SessionResponse>().user.role, 'viewer');
    assert.equal(me.json<SessionResponse>().csrfToken, client.csrfToken);

    const anonymous = await app.inject({ method: 'GET', url: '/api/auth/me' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(errorOf(anonymous.body).error.code, 'UNAUTHENTICATED');
    const forged = await app.inject({
      method: 'GET',
      url: '/api/servers',
      headers: { cookie: 'tern_session=forged' },
    });
    assert.equal(forged.statusCode, 401);
  });

  test('mutations without the right x-csrf-token are refused with 403 CSRF_MISMATCH', async () => {
    const client = await login(app, 'admin');
    const payload = { name: 'csrf', monitorUrls: ['http://127.0.0.1:1'], skipValidation: true };
    for (const headers of [client.headers(), { ...client.headers(), 'x-csrf-token': 'wrong' }]) {
      const res = await app.inject({ method: 'POST', url: '/api/targets', headers, payload });
      assert.equal(res.statusCode, 403);
      assert.equal(errorOf(res.body).error.code, 'CSRF_MISMATCH');
    }
    const del = await app.inject({ method: 'DELETE', url: '/api/targets/x', headers: client.headers() });
    assert.equal(errorOf(del.body).error.code, 'CSRF_MISMATCH');
    assert.equal(await tdb.db.prisma.target.count({ where: { name: 'csrf' } }), 0);
  });

  test('a viewer may read but not mutate', async () => {
    const client = await login(app, 'viewer');
    const list = await app.inject({ method: 'GET', url: '/api/targets', headers: client.headers() });
    assert.equal(list.statusCode, 200);
    const res = await app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: client.headers(true),
      payload: { name: 'nope', monitorUrls: ['http://127.0.0.1:1'], skipValidation: true },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(errorOf(res.body).error.code, 'FORBIDDEN');
    const del = await app.inject({ method: 'DELETE', url: '/api/targets/x', headers: client.headers(true) });
    assert.equal(errorOf(del.body).error.code, 'FORBIDDEN');
  });

  test('logout needs the CSRF token and ends the session', async () => {
    const client = await login(app, 'admin');
    const refused = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: client.headers() });
    assert.equal(refused.statusCode, 403);
    const res = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: client.headers(true) });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { ok: true });
    const cleared = res.cookies.find((c) => c.name === 'tern_session');
    assert.equal(cleared?.value, '');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: client.headers() });
    assert.equal(me.statusCode, 401);
  });

  test('login is rate-limited per client IP', async () => {
    const attempt = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'guess' },
        remoteAddress: ip,
      });
    for (let i = 0; i < 5; i++) assert.equal((await attempt('10.9.9.9')).statusCode, 401);
    const limited = await attempt('10.9.9.9');
    assert.equal(limited.statusCode, 429);
    assert.equal(errorOf(limited.body).error.code, 'RATE_LIMITED');
    assert.ok(limited.headers['retry-after']);
    // Another client is unaffected.
    assert.equal((await attempt('10.9.9.10')).statusCode, 401);
  });

  test('behind the console (a loopback proxy) the browser address is what is limited', async () => {
    const attempt = (forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'guess' },
        headers: { 'x-forwarded-for': forwardedFor },
      });
    for (let i = 0; i < 5; i++) await attempt('192.0.2.1');
    assert.equal((await attempt('192.0.2.1')).statusCode, 429);
    assert.equal((await attempt('192.0.2.2')).statusCode, 401);
  });

  test('bad input and unknown routes get the ApiError shape', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: '' },
      remoteAddress: '10.0.0.50',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(errorOf(bad.body).error.code, 'VALIDATION_FAILED');
    const missing = await app.inject({ method: 'GET', url: '/api/nothing' });
    assert.equal(missing.statusCode, 404);
    assert.equal(errorOf(missing.body).error.code, 'NOT_FOUND');
  });

  test('the OpenAPI document lists every route', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of [
      '/api/health',
      '/api/auth/login',
      '/api/servers',
      '/api/targets',
      '/api/targets/{id}',
      '/api/audit',
    ]) {
      assert.ok(paths.includes(p), `${p} missing from ${paths.join(', ')}`);
    }
  });
});
