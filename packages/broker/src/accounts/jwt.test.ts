import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { connect, credsAuthenticator, jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { verifyNonceSignature } from '../auth/authenticator.js';
import {
  type AccountClaims,
  type AccountNats,
  authenticateUserJwt,
  decodeAccountClaims,
  decodeJwt,
  decodeJwtUnverified,
  decodeOperatorClaims,
  decodeUserClaims,
  encodeAccount,
  encodeJwt,
  encodeOperator,
  encodeUser,
  formatCreds,
  isRevoked,
  JwtError,
  type JwtTrust,
  parseCreds,
  signNonce,
  toPermissions,
  unlimitedJetStream,
  validateAccountClaims,
} from './jwt.js';
import { skipWithoutNats, startNats } from './testing.js';

const seedText = (kp: KeyPair) => new TextDecoder().decode(kp.getSeed());

function fixture() {
  const op = createOperator();
  const opSk = createOperator();
  const acc = createAccount();
  const accSk = createAccount();
  const user = createUser();
  const opJwt = encodeOperator(op, { signing_keys: [opSk.getPublicKey()] }, { name: 'OP' });
  const accJwt = encodeAccount(
    opSk,
    acc.getPublicKey(),
    { signing_keys: [accSk.getPublicKey()] },
    { name: 'A' },
  );
  const userJwt = encodeUser(acc, user.getPublicKey(), { pub: { allow: ['a.>'] } }, { name: 'u' });
  return { op, opSk, acc, accSk, user, opJwt, accJwt, userJwt };
}

function trustOf(opJwt: string, ...accounts: string[]): JwtTrust {
  const byKey = new Map<string, AccountClaims>();
  for (const j of accounts) {
    const c = decodeAccountClaims(j);
    byKey.set(c.sub, c);
  }
  return { operators: [decodeOperatorClaims(opJwt)], lookupAccount: (k) => byKey.get(k) };
}

describe('JWT encode/decode', () => {
  it('round-trips operator, account and user claims with a v2 header', () => {
    const f = fixture();
    const [head] = f.opJwt.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(head!, 'base64url').toString()), {
      typ: 'JWT',
      alg: 'ed25519-nkey',
    });
    const op = decodeOperatorClaims(f.opJwt);
    assert.equal(op.iss, f.op.getPublicKey());
    assert.equal(op.sub, f.op.getPublicKey());
    assert.deepEqual(op.nats.signing_keys, [f.opSk.getPublicKey()]);
    assert.equal(op.nats.version, 2);
    const acc = decodeAccountClaims(f.accJwt);
    assert.equal(acc.iss, f.opSk.getPublicKey());
    assert.equal(acc.name, 'A');
    assert.equal(acc.nats.limits?.conn, -1);
    const user = decodeUserClaims(f.userJwt);
    assert.equal(user.sub, f.user.getPublicKey());
    assert.deepEqual(user.nats.pub, { allow: ['a.>'] });
    assert.equal(user.nats.payload, -1);
    assert.match(user.jti, /^[A-Z2-7]{52}$/);
  });

  it('rejects a tampered payload, a bad header and the wrong claim type', () => {
    const f = fixture();
    const [h, b, s] = f.userJwt.split('.');
    const claims = JSON.parse(Buffer.from(b!, 'base64url').toString());
    claims.nats.pub = { allow: ['>'] };
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    assert.throws(() => decodeJwt(forged), /signature verification/);
    assert.throws(() => decodeJwt('a.b'), /expected 3 chunks/);
    const v1 = `${Buffer.from('{"typ":"jwt","alg":"ed25519"}').toString('base64url')}.${b}.${s}`;
    assert.throws(() => decodeJwt(v1), JwtError);
    assert.throws(() => decodeAccountClaims(f.userJwt), /not account claim/);
    // Unverified decoding is for display only, but still checks the shape.
    assert.equal(decodeJwtUnverified(forged).nats.type, 'user');
  });

  it('refuses to sign claims with a key of the wrong kind', () => {
    const user = createUser();
    assert.throws(() => encodeAccount(user, createAccount().getPublicKey()), /invalid signing key/);
    assert.throws(() => encodeUser(createOperator(), user.getPublicKey()), /invalid signing key/);
  });

  it('validates account claims like the JWT library', () => {
    const op = createOperator();
    const a = createAccount().getPublicKey();
    const noLimits = decodeAccountClaims(
      encodeJwt<AccountNats>(
        { sub: a, nats: { type: 'account', exports: [{ subject: 'x', type: 'stream' }] } },
        op,
      ),
    );
    assert.deepEqual(validateAccountClaims(noLimits), [
      'the account contains more exports than allowed by the operator',
    ]);
    const bad = decodeAccountClaims(
      encodeAccount(op, a, { imports: [{ subject: 'x y', account: 'nope', type: 'stream' }] }),
    );
    assert.equal(validateAccountClaims(bad).length, 2);
  });

  it('converts JWT permissions for the PermissionChecker', () => {
    assert.deepEqual(
      toPermissions({ pub: { allow: ['a'] }, sub: { deny: ['b'] }, resp: { max: 1, ttl: 5e9 } }),
      {
        publish: { allow: ['a'] },
        subscribe: { deny: ['b'] },
        response: { maxMsgs: 1, expiresMs: 5000 },
      },
    );
    assert.equal(toPermissions({ pub: {}, sub: {} }), undefined);
  });
});

describe('revocations', () => {
  it('revokes JWTs issued at or before the revocation time, and * revokes all', () => {
    assert.equal(isRevoked({ U1: 100 }, 'U1', 100), true);
    assert.equal(isRevoked({ U1: 100 }, 'U1', 101), false);
    assert.equal(isRevoked({ '*': 100 }, 'U2', 99), true);
    assert.equal(isRevoked(undefined, 'U2', 99), false);
  });
});

describe('creds files', () => {
  it('formats and parses the nsc layout', () => {
    const f = fixture();
    const text = formatCreds(f.userJwt, f.user.getSeed());
    assert.match(text, /^-----BEGIN NATS USER JWT-----\n/);
    assert.match(text, /------END USER NKEY SEED------/);
    assert.deepEqual(parseCreds(text), { jwt: f.userJwt, seed: seedText(f.user) });
    assert.deepEqual(parseCreds(text.replace(/\n/g, '\r\n')), { jwt: f.userJwt, seed: seedText(f.user) });
    assert.throws(() => parseCreds('nothing here'), /unable to parse jwt/);
  });

  it('is accepted by the official client authenticator', () => {
    const f = fixture();
    const auth = credsAuthenticator(new TextEncoder().encode(formatCreds(f.userJwt, f.user.getSeed())));
    const out = auth('nonce-123') as { jwt: string; sig: string; nkey?: string };
    assert.equal(out.jwt, f.userJwt);
    assert.ok(verifyNonceSignature(f.user.getPublicKey(), 'nonce-123', out.sig));
    assert.ok(verifyNonceSignature(f.user.getPublicKey(), 'n', signNonce(f.user.getSeed(), 'n')));
  });
});

describe('authenticateUserJwt', () => {
  const nonce = 'abcdefghijk';

  it('accepts a user signed by its account, with permissions from the JWT', () => {
    const f = fixture();
    const r = authenticateUserJwt(
      { jwt: f.userJwt, nonce, sig: signNonce(f.user.getSeed(), nonce) },
      trustOf(f.opJwt, f.accJwt),
    );
    assert.ok(r.ok);
    assert.equal(r.account.sub, f.acc.getPublicKey());
    assert.deepEqual(r.permissions, { publish: { allow: ['a.>'] } });
  });

  it('accepts a user signed by an account signing key with issuer_account', () => {
    const f = fixture();
    const jwt = encodeUser(f.accSk, f.user.getPublicKey(), { issuer_account: f.acc.getPublicKey() });
    const r = authenticateUserJwt(
      { jwt, nonce, sig: signNonce(f.user.getSeed(), nonce) },
      trustOf(f.opJwt, f.accJwt),
    );
    assert.ok(r.ok, r.ok ? '' : r.reason);
  });

  it('applies a scoped signing key template instead of the user permissions', () => {
    const f = fixture();
    const scoped = createAccount();
    const accJwt = encodeAccount(f.op, f.acc.getPublicKey(), {
      signing_keys: [
        {
          kind: 'user_scope',
          key: scoped.getPublicKey(),
          role: 'ro',
          template: { sub: { allow: ['ro.>'] } },
        },
      ],
    });
    const jwt = encodeUser(scoped, f.user.getPublicKey(), {
      issuer_account: f.acc.getPublicKey(),
      pub: { allow: ['>'] },
    });
    const r = authenticateUserJwt(
      { jwt, nonce, sig: signNonce(f.user.getSeed(), nonce) },
      trustOf(f.opJwt, accJwt),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.permissions, { subscribe: { allow: ['ro.>'] } });
  });

  it('rejects unknown issuers, untrusted operators, revoked and expired users, bad signatures', () => {
    const f = fixture();
    const sig = signNonce(f.user.getSeed(), nonce);
    const trust = trustOf(f.opJwt, f.accJwt);
    const other = createAccount();
    const strangerJwt = encodeUser(other, f.user.getPublicKey(), { issuer_account: f.acc.getPublicKey() });
    assert.match(reason(authenticateUserJwt({ jwt: strangerJwt, nonce, sig }, trust)), /issuer is not known/);

    const rogueOp = createOperator();
    const rogueAcc = encodeAccount(rogueOp, f.acc.getPublicKey());
    assert.match(
      reason(authenticateUserJwt({ jwt: f.userJwt, nonce, sig }, trustOf(f.opJwt, rogueAcc))),
      /trusted operator/,
    );

    const iat = decodeUserClaims(f.userJwt).iat;
    const revoking = encodeAccount(f.op, f.acc.getPublicKey(), {
      revocations: { [f.user.getPublicKey()]: iat },
    });
    assert.match(
      reason(authenticateUserJwt({ jwt: f.userJwt, nonce, sig }, trustOf(f.opJwt, revoking))),
      /revoked/,
    );

    const expired = encodeUser(f.acc, f.user.getPublicKey(), {}, { exp: 1000 });
    assert.match(reason(authenticateUserJwt({ jwt: expired, nonce, sig }, trust)), /expired/);

    assert.match(
      reason(
        authenticateUserJwt({ jwt: f.userJwt, nonce, sig: signNonce(createUser().getSeed(), nonce) }, trust),
      ),
      /signature/,
    );
    assert.match(reason(authenticateUserJwt({ jwt: f.userJwt, nonce }, trust)), /signature missing/);
    assert.match(
      reason(authenticateUserJwt({ jwt: f.userJwt, nonce, sig }, { ...trust, operators: [] })),
      /no trusted/,
    );
  });

  it('lets bearer tokens in without a signature and enforces connection types', () => {
    const f = fixture();
    const trust = trustOf(f.opJwt, f.accJwt);
    const bearer = encodeUser(f.acc, f.user.getPublicKey(), { bearer_token: true });
    assert.ok(authenticateUserJwt({ jwt: bearer }, trust).ok);
    const wsOnly = encodeUser(f.acc, f.user.getPublicKey(), {
      bearer_token: true,
      allowed_connection_types: ['WEBSOCKET'],
    });
    assert.match(reason(authenticateUserJwt({ jwt: wsOnly }, trust)), /connection type STANDARD/);
    assert.ok(authenticateUserJwt({ jwt: wsOnly, connectionType: 'WEBSOCKET' }, trust).ok);
  });
});

function reason(r: ReturnType<typeof authenticateUserJwt>): string {
  assert.equal(r.ok, false);
  return r.ok ? '' : r.reason;
}

describe('interop with nats-server 2.9.10 in operator mode', { skip: skipWithoutNats }, () => {
  it('accepts Tern-signed operator, account and user JWTs (creds and jwtAuthenticator)', async () => {
    const op = createOperator();
    const opSk = createOperator();
    const sys = createAccount();
    const a = createAccount();
    const aSk = createAccount();
    const b = createAccount();
    const u1 = createUser();
    const u2 = createUser();
    const u3 = createUser();
    const revoked = createUser();
    const opJwt = encodeOperator(op, {
      signing_keys: [opSk.getPublicKey()],
      system_account: sys.getPublicKey(),
    });
    const sysJwt = encodeAccount(op, sys.getPublicKey(), {}, { name: 'SYS' });
    const aJwt = encodeAccount(
      opSk,
      a.getPublicKey(),
      {
        signing_keys: [aSk.getPublicKey()],
        exports: [{ subject: 'feed.>', type: 'stream' }],
        limits: unlimitedJetStream(),
        revocations: { [revoked.getPublicKey()]: Math.floor(Date.now() / 1000) + 60 },
      },
      { name: 'A' },
    );
    const bJwt = encodeAccount(
      op,
      b.getPublicKey(),
      { imports: [{ subject: 'feed.>', account: a.getPublicKey(), type: 'stream', local_subject: 'in.>' }] },
      { name: 'B' },
    );
    const u1Jwt = encodeUser(
      a,
      u1.getPublicKey(),
      { pub: { allow: ['feed.>', '_INBOX.>'] } },
      { name: 'u1' },
    );
    const u2Jwt = encodeUser(aSk, u2.getPublicKey(), { issuer_account: a.getPublicKey() }, { name: 'u2' });
    const u3Jwt = encodeUser(b, u3.getPublicKey(), {}, { name: 'u3' });
    const nats = await startNats(
      (dir) => `operator: ${opJwt}
system_account: ${sys.getPublicKey()}
jetstream { store_dir: "${dir}/js" }
resolver: MEMORY
resolver_preload: {
  ${sys.getPublicKey()}: ${sysJwt}
  ${a.getPublicKey()}: ${aJwt}
  ${b.getPublicKey()}: ${bJwt}
}`,
    );
    const conns: NatsConnection[] = [];
    try {
      const creds = (jwt: string, kp: KeyPair) =>
        credsAuthenticator(new TextEncoder().encode(formatCreds(jwt, kp.getSeed())));
      const c1 = await connect({ port: nats.port, authenticator: creds(u1Jwt, u1) });
      conns.push(c1);
      const c2 = await connect({ port: nats.port, authenticator: jwtAuthenticator(u2Jwt, u2.getSeed()) });
      conns.push(c2);
      const c3 = await connect({ port: nats.port, authenticator: creds(u3Jwt, u3) });
      conns.push(c3);
      const sameAccount = c2.subscribe('feed.x', { max: 1 });
      const imported = c3.subscribe('in.x', { max: 1 });
      let leaked = 0;
      const isolated = c3.subscribe('feed.x', {
        callback: () => {
          leaked++;
        },
      });
      await c2.flush();
      await c3.flush();
      c1.publish('feed.x', 'hello');
      for await (const m of sameAccount) assert.equal(m.string(), 'hello');
      for await (const m of imported) assert.equal(m.subject, 'in.x');
      await c1.flush();
      await c3.flush();
      assert.equal(leaked, 0, 'account B must not see A’s subject directly');
      isolated.unsubscribe();

      // Tern's verdicts on a revoked user and a wrong-key signature match nats-server's.
      const trust = trustOf(opJwt, aJwt);
      const revokedJwt = encodeUser(a, revoked.getPublicKey());
      const wrongKey = createUser();
      for (const [jwt, kp] of [
        [revokedJwt, revoked],
        [u1Jwt, wrongKey],
      ] as const) {
        assert.equal(
          authenticateUserJwt({ jwt, nonce: 'n', sig: signNonce(kp.getSeed(), 'n') }, trust).ok,
          false,
        );
        await assert.rejects(
          connect({ port: nats.port, authenticator: jwtAuthenticator(jwt, kp.getSeed()), reconnect: false }),
          /Authorization Violation/i,
        );
      }
    } finally {
      for (const c of conns) await c.close().catch(() => {});
      await nats.stop();
    }
  });
});
