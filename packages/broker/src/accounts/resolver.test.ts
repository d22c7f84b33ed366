import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { ConfigError } from '../config/errors.js';
import { parseConfig } from '../config/parse.js';
import { AccountRegistry } from './account.js';
import {
  type AccountNats,
  decodeOperatorClaims,
  encodeAccount,
  encodeJwt,
  encodeOperator,
  encodeUser,
  formatCreds,
  signNonce,
} from './jwt.js';
import {
  type AccountResolver,
  claimsListReply,
  claimsUpdateReply,
  DirResolver,
  extractJwt,
  handleClaimsLookup,
  handleClaimsUpdate,
  MemoryResolver,
  OperatorMode,
  parseClaimsSubject,
  parseOperatorConfig,
  preloadAccounts,
  type ServerInfo,
} from './resolver.js';
import { natsAcceptsConfig, skipWithoutNats, startNats, tempDir } from './testing.js';

const SERVER: ServerInfo = {
  name: 'S1',
  host: '127.0.0.1',
  id: 'NXXX',
  ver: '2.9.10',
  seq: 1,
  jetstream: false,
  time: 't',
};

function keys() {
  const op = createOperator();
  const sys = createAccount();
  const opJwt = encodeOperator(op, { system_account: sys.getPublicKey() });
  return { op, sys, opJwt, operators: [decodeOperatorClaims(opJwt)] };
}

describe('resolvers', () => {
  it('DirResolver stores <pubkey>.jwt files and lists them', () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = new DirResolver(join(dir, 'jwt'));
      const a = createAccount().getPublicKey();
      assert.equal(r.fetch(a), undefined);
      r.store(a, 'eyJ.x.y');
      assert.equal(readFileSync(join(dir, 'jwt', `${a}.jwt`), 'utf8'), 'eyJ.x.y');
      assert.deepEqual(r.list(), [a]);
      assert.equal(new DirResolver(join(dir, 'jwt')).fetch(a), 'eyJ.x.y', 'survives a restart');
      assert.throws(() => r.store('../evil', 'x'), /invalid account key/);
      assert.equal(r.fetch('../evil'), undefined);
      assert.ok(r.delete(a));
      assert.equal(existsSync(join(dir, 'jwt', `${a}.jwt`)), false);
    } finally {
      cleanup();
    }
  });
});

describe('handleClaimsUpdate', () => {
  const run = (
    resolver: AccountResolver,
    operators: ReturnType<typeof keys>['operators'],
    jwt: string,
    id?: string,
  ) => handleClaimsUpdate({ resolver, operators }, jwt, id);

  it('stores a valid update and answers with nats-server’s shape', () => {
    const k = keys();
    const r = new MemoryResolver();
    const acc = createAccount().getPublicKey();
    const jwt = encodeAccount(k.op, acc);
    const res = run(r, k.operators, jwt);
    assert.deepEqual(
      { ok: res.ok, code: res.code, message: res.message, changed: res.changed },
      {
        ok: true,
        code: 200,
        message: 'jwt updated',
        changed: true,
      },
    );
    assert.equal(r.fetch(acc), jwt);
    assert.equal(
      claimsUpdateReply(res, SERVER),
      `{"data":{"account":"${acc}","code":200,"message":"jwt updated"},"server":${JSON.stringify(SERVER)}}`,
    );
  });

  it('rejects garbage, mismatched subjects, invalid claims, untrusted issuers', () => {
    const k = keys();
    const r = new MemoryResolver();
    const acc = createAccount().getPublicKey();
    const garbage = run(r, k.operators, 'garbage');
    assert.equal(garbage.description, 'jwt update resulted in error - expected 3 chunks');
    assert.equal(garbage.account, 'n/a');
    const other = createAccount().getPublicKey();
    assert.equal(
      run(r, k.operators, encodeAccount(k.op, acc), other).description,
      'jwt update resulted in error - subject does not match jwt content',
    );
    const noLimits = encodeJwt<AccountNats>(
      { sub: acc, nats: { type: 'account', exports: [{ subject: 'x', type: 'stream' }] } },
      k.op,
    );
    assert.equal(
      run(r, k.operators, noLimits).description,
      'jwt validation failed - validation errors: [the account contains more exports than allowed by the operator]',
    );
    assert.equal(
      run(r, k.operators, encodeAccount(createOperator(), acc)).description,
      'jwt update resulted in error - not trusted',
    );
    const reply = JSON.parse(claimsUpdateReply(garbage, SERVER));
    assert.deepEqual(Object.keys(reply), ['error', 'server']);
    assert.deepEqual(reply.error, {
      account: 'n/a',
      code: 500,
      description: 'jwt update resulted in error - expected 3 chunks',
    });
    assert.deepEqual(r.list(), []);
  });

  it('keeps a newer JWT when an older one arrives', () => {
    const k = keys();
    const r = new MemoryResolver();
    const acc = createAccount().getPublicKey();
    const newer = encodeAccount(k.op, acc, {}, { iat: 2000 });
    const older = encodeAccount(k.op, acc, {}, { iat: 1000 });
    assert.ok(run(r, k.operators, newer).changed);
    const res = run(r, k.operators, older);
    assert.equal(res.ok, true);
    assert.equal(res.changed, false);
    assert.equal(r.fetch(acc), newer);
  });

  it('honours strict signing key usage and operator signing keys', () => {
    const op = createOperator();
    const sk = createOperator();
    const operators = [
      decodeOperatorClaims(
        encodeOperator(op, { signing_keys: [sk.getPublicKey()], strict_signing_key_usage: true }),
      ),
    ];
    const acc = createAccount().getPublicKey();
    const r = new MemoryResolver();
    assert.equal(
      run(r, operators, encodeAccount(op, acc)).description,
      'jwt update resulted in error - operator requires issuer to be a signing key',
    );
    assert.ok(run(r, operators, encodeAccount(sk, acc)).ok);
  });

  it('skips updates of unknown accounts for MEMORY resolvers, like nats-server', () => {
    const k = keys();
    const acc = createAccount().getPublicKey();
    const res = handleClaimsUpdate(
      { resolver: new MemoryResolver(), operators: k.operators, isAccountLoaded: () => false },
      encodeAccount(k.op, acc),
      acc,
    );
    assert.equal(res.message, 'jwt update skipped');
  });

  it('answers lookups and lists from a full resolver only', () => {
    const { dir, cleanup } = tempDir();
    try {
      const k = keys();
      const full = new DirResolver(dir);
      const acc = createAccount().getPublicKey();
      const jwt = encodeAccount(k.op, acc);
      run(full, k.operators, jwt);
      assert.equal(handleClaimsLookup(full, acc), jwt);
      assert.equal(handleClaimsLookup(full, createAccount().getPublicKey()), undefined);
      const mem = new MemoryResolver();
      mem.store(acc, jwt);
      assert.equal(handleClaimsLookup(mem, acc), undefined);
      assert.deepEqual(JSON.parse(claimsListReply(full, SERVER)).data, [acc]);
    } finally {
      cleanup();
    }
  });

  it('parses claims subjects', () => {
    assert.deepEqual(parseClaimsSubject('$SYS.REQ.CLAIMS.UPDATE'), { op: 'update' });
    assert.deepEqual(parseClaimsSubject('$SYS.REQ.ACCOUNT.AX.CLAIMS.UPDATE'), {
      op: 'update',
      account: 'AX',
    });
    assert.deepEqual(parseClaimsSubject('$SYS.ACCOUNT.AX.CLAIM.UPDATE'), { op: 'update', account: 'AX' });
    assert.deepEqual(parseClaimsSubject('$SYS.REQ.ACCOUNT.AX.CLAIMS.LOOKUP'), {
      op: 'lookup',
      account: 'AX',
    });
    assert.deepEqual(parseClaimsSubject('$SYS.REQ.CLAIMS.LIST'), { op: 'list' });
    assert.equal(parseClaimsSubject('$SYS.REQ.ACCOUNT.AX.CONNZ'), undefined);
  });
});

describe('operator mode configuration', () => {
  it('reads an inline operator, resolver and preload, and the system account from the operator', () => {
    const k = keys();
    const acc = createAccount().getPublicKey();
    const accJwt = encodeAccount(k.op, acc);
    const cfg = parseOperatorConfig(
      parseConfig(`operator: ${k.opJwt}\nresolver: MEMORY\nresolver_preload: { ${acc}: ${accJwt} }\n`),
    );
    assert.ok(cfg);
    assert.equal(cfg.systemAccount, k.sys.getPublicKey());
    assert.deepEqual(cfg.resolver, { type: 'memory' });
    assert.deepEqual(cfg.preload, { [acc]: accJwt });
    const r = new MemoryResolver();
    assert.deepEqual(
      preloadAccounts(cfg, r).map((c) => c.sub),
      [acc],
    );
  });

  it('reads the operator from a decorated file and a full resolver relative to the config', () => {
    const { dir, cleanup } = tempDir();
    try {
      const k = keys();
      writeFileSync(
        join(dir, 'op.jwt'),
        `-----BEGIN NATS OPERATOR JWT-----\n${k.opJwt}\n------END NATS OPERATOR JWT------\n`,
      );
      const cfg = parseOperatorConfig(
        parseConfig(
          'operator: op.jwt\nsystem_account: AOTHER\nresolver: { type: full, dir: "./jwt", allow_delete: true, interval: "2m" }\n',
        ),
        { baseDir: dir },
      );
      assert.equal(cfg?.operators[0]?.sub, k.op.getPublicKey());
      assert.equal(cfg?.systemAccount, 'AOTHER');
      assert.deepEqual(cfg?.resolver, {
        type: 'full',
        dir: join(dir, 'jwt'),
        allowDelete: true,
        intervalMs: 120_000,
      });
      assert.equal(extractJwt(`  ${k.opJwt}\n`), k.opJwt);
    } finally {
      cleanup();
    }
  });

  it('is undefined without an operator', () => {
    assert.equal(parseOperatorConfig(parseConfig('port: 4222\n')), undefined);
  });
});

describe('operator config: differential against nats-server -t', { skip: skipWithoutNats }, () => {
  const k = keys();
  const acc = createAccount().getPublicKey();
  const cases: Array<[string, boolean]> = [
    [`operator: ${k.opJwt}\nresolver: MEMORY`, true],
    [`operator: ${k.opJwt}\nresolver: MEM`, true],
    [`operator: ${k.opJwt}\nresolver: { type: full, dir: "/tmp/tern-never-created" }`, true],
    [
      `operator: ${k.opJwt}\nresolver: { type: cache, dir: "/tmp/tern-never-created", limit: 10, ttl: "2m" }`,
      true,
    ],
    [`operator: ${k.opJwt}\nresolver: URL(http://localhost:9090/jwt/v1/accounts/)`, true],
    [`operator: ${k.opJwt}\nresolver: { type: bogus }`, false],
    [`operator: ${k.opJwt}\nresolver: { dir: "/tmp/x" }`, false],
    [`operator: ${k.opJwt}\nresolver: BOGUS`, false],
    [`operator: ${k.opJwt}\nresolver: { type: full, dir: "/tmp/x", interval: "bad" }`, false],
    [`operator: ${k.opJwt}\nresolver: MEMORY\nresolver_preload: { ${acc}: "x" }`, false],
    [
      `operator: ${k.opJwt}\nresolver: MEMORY\nresolver_preload: { ${acc}: ${encodeAccount(k.op, acc)} }`,
      true,
    ],
    ['operator: /nonexistent/tern.jwt', false],
    ['operator: eyJhbGc', false],
  ];
  for (const [text, ok] of cases) {
    it(`${ok ? 'accepts' : 'rejects'} ${JSON.stringify(text.replace(/eyJ[\w.-]+/g, '<jwt>'))}`, () => {
      assert.equal(natsAcceptsConfig(text).ok, ok);
      if (ok) assert.doesNotThrow(() => parseOperatorConfig(parseConfig(text)));
      else assert.throws(() => parseOperatorConfig(parseConfig(text)), ConfigError);
    });
  }
});

describe('claims updates: differential against a nats-server full resolver', {
  skip: skipWithoutNats,
}, () => {
  it('gives the same data/error bodies for the same pushes, and serves lookups', async () => {
    const op = createOperator();
    const sys = createAccount();
    const su = createUser();
    const opJwt = encodeOperator(op, { system_account: sys.getPublicKey() });
    const sysJwt = encodeAccount(op, sys.getPublicKey(), {}, { name: 'SYS' });
    const suJwt = encodeUser(sys, su.getPublicKey());
    const nats = await startNats(
      (dir) => `operator: ${opJwt}
system_account: ${sys.getPublicKey()}
resolver: { type: full, dir: "${dir}/jwt" }
resolver_preload: { ${sys.getPublicKey()}: ${sysJwt} }`,
    );
    const { dir, cleanup } = tempDir();
    const nc = await connect({
      port: nats.port,
      authenticator: credsAuthenticator(new TextEncoder().encode(formatCreds(suJwt, su.getSeed()))),
    });
    try {
      const mine = new DirResolver(dir);
      mine.store(sys.getPublicKey(), sysJwt);
      const operators = [decodeOperatorClaims(opJwt)];
      const a = createAccount().getPublicKey();
      const aJwt = encodeAccount(op, a, { exports: [{ subject: 'x', type: 'stream' }] }, { name: 'A' });
      const noLimits = encodeJwt<AccountNats>(
        { sub: a, nats: { type: 'account', exports: [{ subject: 'x', type: 'stream' }] } },
        op,
      );
      const pushes: Array<[string, string]> = [
        ['$SYS.REQ.CLAIMS.UPDATE', aJwt],
        [`$SYS.REQ.ACCOUNT.${a}.CLAIMS.UPDATE`, aJwt],
        [`$SYS.REQ.ACCOUNT.${sys.getPublicKey()}.CLAIMS.UPDATE`, aJwt],
        ['$SYS.REQ.CLAIMS.UPDATE', 'garbage'],
        ['$SYS.REQ.CLAIMS.UPDATE', noLimits],
      ];
      for (const [subject, body] of pushes) {
        const theirs = JSON.parse((await nc.request(subject, body, { timeout: 5000 })).string());
        const parsed = parseClaimsSubject(subject);
        assert.ok(parsed?.op === 'update');
        const ours = JSON.parse(
          claimsUpdateReply(handleClaimsUpdate({ resolver: mine, operators }, body, parsed.account), SERVER),
        );
        assert.deepEqual(Object.keys(ours), Object.keys(theirs), subject);
        delete ours.server;
        delete theirs.server;
        assert.deepEqual(ours, theirs, `${subject} ${body.slice(0, 10)}`);
      }
      const looked = (
        await nc.request(`$SYS.REQ.ACCOUNT.${a}.CLAIMS.LOOKUP`, '', { timeout: 5000 })
      ).string();
      assert.equal(looked, aJwt);
      assert.equal(handleClaimsLookup(mine, a), looked);
      const list = JSON.parse((await nc.request('$SYS.REQ.CLAIMS.LIST', '', { timeout: 5000 })).string());
      assert.deepEqual(list.data.sort(), JSON.parse(claimsListReply(mine, SERVER)).data);
    } finally {
      await nc.close();
      await nats.stop();
      cleanup();
    }
  });
});

describe('OperatorMode', () => {
  it('preloads accounts, authenticates users, applies pushed updates and revocations', () => {
    const { dir, cleanup } = tempDir();
    try {
      const k = keys();
      const acc = createAccount();
      const user = createUser();
      const A = acc.getPublicKey();
      const sysJwt = encodeAccount(k.op, k.sys.getPublicKey());
      const cfg = parseOperatorConfig(
        parseConfig(
          `operator: ${k.opJwt}\nresolver: { type: full, dir: "${dir}" }\nresolver_preload: { ${k.sys.getPublicKey()}: ${sysJwt} }\n`,
        ),
      );
      assert.ok(cfg);
      const registry = new AccountRegistry({ systemAccount: cfg.systemAccount! });
      const mode = new OperatorMode(cfg, registry);
      assert.ok(registry.has(k.sys.getPublicKey()));
      const server = () => SERVER;

      const userJwt = encodeUser(acc, user.getPublicKey(), {}, { iat: 1000 });
      const login = () =>
        mode.authenticate({ jwt: userJwt, nonce: 'n', sig: signNonce(user.getSeed(), 'n'), now: 2000 });
      assert.equal(login().ok, false, 'account not pushed yet');

      const v1 = encodeAccount(k.op, A, {}, { iat: 1500 });
      const reply = JSON.parse(mode.handleClaimsRequest('$SYS.REQ.CLAIMS.UPDATE', v1, server)!);
      assert.equal(reply.data.message, 'jwt updated');
      const ok = login();
      assert.ok(ok.ok);
      assert.equal(ok.accountName, A);
      assert.ok(registry.has(A), 'loaded on first login');

      const v2 = encodeAccount(
        k.op,
        A,
        { exports: [{ subject: 'x.>', type: 'stream' }], revocations: { [user.getPublicKey()]: 1000 } },
        { iat: 1600 },
      );
      mode.handleClaimsRequest(`$SYS.REQ.ACCOUNT.${A}.CLAIMS.UPDATE`, v2, server);
      assert.deepEqual(registry.get(A)!.streamExports, [{ subject: 'x.>' }]);
      assert.equal(login().ok, false, 'revoked by the update');
      assert.equal(mode.handleClaimsRequest(`$SYS.REQ.ACCOUNT.${A}.CLAIMS.LOOKUP`, '', server), v2);
      assert.deepEqual(
        JSON.parse(mode.handleClaimsRequest('$SYS.REQ.CLAIMS.LIST', '', server)!).data.sort(),
        [A, k.sys.getPublicKey()].sort(),
      );
      assert.equal(mode.handleClaimsRequest('$SYS.REQ.SERVER.PING', '', server), undefined);
    } finally {
      cleanup();
    }
  });
});
