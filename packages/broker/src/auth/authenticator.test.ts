import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '@nats-io/nkeys';
import bcrypt from 'bcryptjs';
import { parseConfig } from '../config/parse.js';
import { toServerConfig } from '../config/server-config.js';
import { authConfigFromCli, authConfigFromFile, DEFAULT_AUTH_TIMEOUT_MS } from './auth-config.js';
import {
  Authenticator,
  constantTimeEqual,
  generateNonce,
  isBcrypt,
  verifyNonceSignature,
} from './authenticator.js';
import { AUTHENTICATION_TIMEOUT, AUTHORIZATION_VIOLATION } from './errors.js';

const fromFile = (text: string) => authConfigFromFile(toServerConfig(parseConfig(text, { env: {} })));
const sign = (kp: ReturnType<typeof createUser>, nonce: string) =>
  Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString('base64url');

describe('Authenticator', () => {
  it('requires nothing without configuration', async () => {
    const a = new Authenticator({ timeoutMs: DEFAULT_AUTH_TIMEOUT_MS });
    assert.equal(a.required, false);
    assert.equal(a.needsNonce, false);
    assert.deepEqual(await a.authenticate({}), { ok: true });
  });

  it('checks tokens, plain and bcrypt', async () => {
    const a = new Authenticator(fromFile('authorization { token: s3cr3t }'));
    assert.ok(a.required);
    assert.deepEqual(await a.authenticate({ auth_token: 's3cr3t' }), { ok: true });
    const bad = await a.authenticate({ auth_token: 'nope' });
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error, 'Authorization Violation');
    assert.equal((await a.authenticate({})).ok, false);
    assert.equal((await a.authenticate({ user: 'x', pass: 's3cr3t' })).ok, false);

    const hash = bcrypt.hashSync('tok', 4);
    const b = new Authenticator({ token: hash, timeoutMs: 2000 });
    assert.ok((await b.authenticate({ auth_token: 'tok' })).ok);
    assert.ok(!(await b.authenticate({ auth_token: hash })).ok, 'the hash itself is not the token');
  });

  it('checks user/password, plain and bcrypt ($2a$, $2b$, $2y$)', async () => {
    const h2b = bcrypt.hashSync('pw', 4);
    assert.ok(h2b.startsWith('$2b$'));
    const h2a = `$2a$${h2b.slice(4)}`;
    const h2y = `$2y$${h2b.slice(4)}`;
    const a = new Authenticator(
      fromFile(`authorization { users: [
        { user: plain, password: "pw" }
        { user: b, password: "${h2b}" }
        { user: a, password: ${h2a} }
        { user: y, password: "${h2y}" }
      ] }`),
    );
    for (const user of ['plain', 'b', 'a', 'y']) {
      assert.deepEqual(await a.authenticate({ user, pass: 'pw' }), { ok: true, user }, user);
      assert.equal((await a.authenticate({ user, pass: 'wrong' })).ok, false, user);
    }
    assert.equal((await a.authenticate({ user: 'ghost', pass: 'pw' })).ok, false);
    assert.equal((await a.authenticate({})).ok, false);
  });

  it("returns the user's permissions", async () => {
    const a = new Authenticator(
      fromFile('authorization { users: [{ user: u, password: p, permissions: { publish: "a" } }] }'),
    );
    assert.deepEqual(await a.authenticate({ user: 'u', pass: 'p' }), {
      ok: true,
      user: 'u',
      permissions: { publish: { allow: ['a'] } },
    });
  });

  it('authenticates nkey users by their signature of the nonce', async () => {
    const kp = createUser();
    const other = createUser();
    const nkey = kp.getPublicKey();
    const a = new Authenticator(
      fromFile(
        `authorization { users: [{ nkey: ${nkey}, permissions: { subscribe: "x" } }, { user: u, password: p }] }`,
      ),
    );
    assert.ok(a.required);
    assert.ok(a.needsNonce);
    const nonce = generateNonce();
    assert.match(nonce, /^[A-Za-z0-9_-]{15}$/);
    assert.deepEqual(await a.authenticate({ nkey, sig: sign(kp, nonce) }, nonce), {
      ok: true,
      user: nkey,
      permissions: { subscribe: { allow: ['x'] } },
    });
    // Standard base64 with padding is accepted too, as nats-server falls back to it.
    const std = Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString('base64');
    assert.ok((await a.authenticate({ nkey, sig: std }, nonce)).ok);
    assert.equal((await a.authenticate({ nkey, sig: sign(other, nonce) }, nonce)).ok, false, 'wrong key');
    assert.equal(
      (await a.authenticate({ nkey, sig: sign(kp, 'other-nonce') }, nonce)).ok,
      false,
      'wrong nonce',
    );
    assert.equal((await a.authenticate({ nkey }, nonce)).ok, false, 'no signature');
    assert.equal((await a.authenticate({ nkey, sig: sign(kp, nonce) })).ok, false, 'no nonce sent');
    assert.equal(
      (await a.authenticate({ nkey: other.getPublicKey(), sig: sign(other, nonce) }, nonce)).ok,
      false,
      'unknown nkey',
    );
    assert.equal((await a.authenticate({ nkey, sig: '!!!' }, nonce)).ok, false, 'garbage signature');
    assert.ok((await a.authenticate({ user: 'u', pass: 'p' }, nonce)).ok, 'password users still work');
  });

  it('authenticates a CONNECT without credentials as no_auth_user', async () => {
    const a = new Authenticator(
      fromFile(`authorization { users: [
        { user: guest, password: g, permissions: { publish: "public.>" } }
        { user: admin, password: a }
      ] }
      no_auth_user: guest`),
    );
    assert.deepEqual(await a.authenticate({}), {
      ok: true,
      user: 'guest',
      permissions: { publish: { allow: ['public.>'] } },
    });
    assert.deepEqual(await a.authenticate({ user: 'admin', pass: 'a' }), { ok: true, user: 'admin' });
    assert.equal(
      (await a.authenticate({ user: 'admin', pass: 'wrong' })).ok,
      false,
      'bad credentials do not fall back',
    );
    assert.equal((await a.authenticate({ auth_token: 'x' })).ok, false);
  });

  it('exports the nats-server error texts', () => {
    assert.equal(AUTHORIZATION_VIOLATION, 'Authorization Violation');
    assert.equal(AUTHENTICATION_TIMEOUT, 'Authentication Timeout');
  });
});

describe('auth configuration builders', () => {
  it('maps the single authorization user and the timeout', () => {
    const c = fromFile('authorization { user: a, password: b, timeout: 3, permissions: { publish: "x" } }');
    assert.deepEqual(c, {
      timeoutMs: 3000,
      users: [{ user: 'a', password: 'b', permissions: { publish: { allow: ['x'] } } }],
    });
    assert.equal(fromFile('port: 1').timeoutMs, 2000);
  });

  it('splits users and nkeys', () => {
    const nkey = createUser().getPublicKey();
    const c = fromFile(`authorization { users: [{ user: a, password: b }, { nkey: ${nkey} }] }`);
    assert.deepEqual(c.users, [{ user: 'a', password: 'b' }]);
    assert.deepEqual(c.nkeys, [{ nkey }]);
  });

  it('rejects a no_auth_user that does not exist, with nats-server wording', () => {
    assert.throws(
      () => fromFile('no_auth_user: zz\nauthorization { users: [{user: c, password: d}] }'),
      /no_auth_user: "zz" not present as user in authorization block or account configuration/,
    );
    assert.throws(
      () => fromFile('no_auth_user: zz'),
      /no_auth_user: "zz" present, but users are not defined/,
    );
  });

  it('builds from CLI flags, overriding the file', () => {
    assert.deepEqual(authConfigFromCli({ user: 'u', pass: 'p' }), {
      timeoutMs: 2000,
      users: [{ user: 'u', password: 'p' }],
    });
    assert.deepEqual(authConfigFromCli({ auth: 't' }), { timeoutMs: 2000, token: 't' });
    const base = fromFile('authorization { user: a, password: b, permissions: { publish: "x" } }');
    assert.deepEqual(authConfigFromCli({ pass: 'new' }, base).users, [
      { user: 'a', password: 'new', permissions: { publish: { allow: ['x'] } } },
    ]);
    assert.throws(
      () => authConfigFromCli({ user: 'u', pass: 'p', auth: 't' }),
      /Cannot have a user\/pass and token/,
    );
    assert.throws(() => authConfigFromCli({ pass: 'p' }), /--pass requires --user/);
    const many = fromFile('authorization { users: [{user: a, password: b}, {user: c, password: d}] }');
    assert.throws(
      () => authConfigFromCli({ user: 'u', pass: 'p' }, many),
      /single user\/pass and a users array/,
    );
  });
});

describe('helpers', () => {
  it('isBcrypt recognises the prefixes nats-server accepts', () => {
    assert.ok(isBcrypt('$2a$11$abc'));
    assert.ok(isBcrypt('$2b$04$abc'));
    assert.ok(isBcrypt('$2y$10$abc'));
    assert.ok(!isBcrypt('$2c$10$abc'));
    assert.ok(!isBcrypt('plain'));
  });

  it('constantTimeEqual compares exactly', () => {
    assert.ok(constantTimeEqual('abc', 'abc'));
    assert.ok(!constantTimeEqual('abc', 'abd'));
    assert.ok(!constantTimeEqual('abc', 'abcd'));
    assert.ok(constantTimeEqual('', ''));
  });

  it('verifyNonceSignature rejects malformed input without throwing', () => {
    const kp = createUser();
    assert.ok(!verifyNonceSignature('UNOTAKEY', 'n', 'AAAA'));
    assert.ok(!verifyNonceSignature(kp.getPublicKey(), 'n', 'AAAA'));
    assert.ok(verifyNonceSignature(kp.getPublicKey(), 'n', sign(kp, 'n')));
  });
});
