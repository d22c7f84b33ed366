import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import type {
  AccountChangePreview,
  AccountChangeResult,
  AuditResponse,
  OperatorsResponse,
  Target,
  TargetAccountsResponse,
} from '@tern/contracts';
import { type Database, openDatabase } from '@tern/db';
import type { FastifyInstance } from 'fastify';
import { type Client, login, testApp } from '../test-support/app.js';
import { startNatsServer, type TestNats, ternServerCommand, waitFor } from '../test-support/nats.js';
import { configSnippet } from './claims.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A server started from the monitor's generated operator-mode config file. */
interface OperatorServer {
  name: string;
  start(configFile: string): Promise<TestNats>;
}

const SERVERS: OperatorServer[] = [
  { name: 'nats-server 2.9.10', start: (file) => startNatsServer({ args: ['-c', file] }) },
  {
    name: "Tern's broker",
    start: (file) => startNatsServer({ command: ternServerCommand(), args: ['-c', file] }),
  },
];

for (const server of SERVERS) operatorModeSuite(server);

function operatorModeSuite(server: OperatorServer): void {
  describe(`accounts on ${server.name} in operator mode (full resolver)`, () => {
    let db: Database;
    let app: FastifyInstance;
    let admin: Client;
    let viewer: Client;
    let nats: TestNats;
    let dir: string;
    let targetId: string;
    let operatorId: string;

    const post = async <T>(url: string, payload: unknown, who: Client = admin, status = 200): Promise<T> => {
      const res = await app.inject({
        method: 'POST',
        url,
        payload: payload as object,
        headers: who.headers(true),
      });
      assert.equal(res.statusCode, status, res.body);
      return res.json<T>();
    };
    const get = async (url: string, who: Client = admin): Promise<{ status: number; body: string }> => {
      const res = await app.inject({ method: 'GET', url, headers: who.headers() });
      return { status: res.statusCode, body: res.body };
    };
    /** Connects as `user` of `account` with the `.creds` the monitor hands out. */
    const connectAs = async (account: string, user: string): Promise<NatsConnection> => {
      const creds = await get(`/api/targets/${targetId}/accounts/${account}/users/${user}/creds`);
      assert.equal(creds.status, 200, creds.body);
      return connect({ servers: nats.natsUrl, authenticator: credsAuthenticator(enc.encode(creds.body)) });
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tern-accounts-'));
      db = await openDatabase({ dataDir: 'memory://' });
      ({ app } = await testApp(db));
      admin = await login(app, 'admin');
      viewer = await login(app, 'viewer');

      // The monitor creates the operator; the server is started from the config it generates.
      const created = await post<AccountChangeResult>('/api/operator/create/apply', { name: 'TestOp' });
      operatorId = (created.after as { id: string }).id;
      const config = await get(`/api/operator/${operatorId}/server-config`);
      assert.equal(config.status, 200);
      assert.match(config.body, /type: full/);
      const file = join(dir, 'server.conf');
      await writeFile(file, config.body.replace('"./jwt"', JSON.stringify(join(dir, 'jwt'))));
      nats = await server.start(file);

      const sysCreds = await get(`/api/operator/${operatorId}/system-creds`);
      assert.equal(sysCreds.status, 200);
      assert.match(sysCreds.body, /BEGIN USER NKEY SEED/);
      const target = await post<Target>(
        '/api/targets',
        {
          name: 'op-mode',
          natsUrls: [nats.natsUrl],
          monitorUrls: [nats.monitorUrl],
          credentials: { creds: sysCreds.body },
        },
        admin,
        201,
      );
      targetId = target.id;
    });

    after(async () => {
      await app?.close();
      await nats?.stop();
      await db?.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('a file-configured view until an operator is bound, then operator mode', async () => {
      const before = JSON.parse(
        (await get(`/api/targets/${targetId}/accounts`)).body,
      ) as TargetAccountsResponse;
      assert.equal(before.mode, 'config');
      assert.ok(
        before.configured.some((a) => a.system),
        'the server reports its system account',
      );

      const preview = await post<AccountChangePreview>(`/api/targets/${targetId}/accounts/operator/preview`, {
        operatorId,
      });
      assert.equal(preview.action, 'accounts.bind');
      await post(`/api/targets/${targetId}/accounts/operator/apply`, { operatorId });
      const view = JSON.parse(
        (await get(`/api/targets/${targetId}/accounts`)).body,
      ) as TargetAccountsResponse;
      assert.equal(view.mode, 'operator');
      assert.equal(view.operator?.name, 'TestOp');
      assert.deepEqual(
        view.accounts.map((a) => [a.name, a.system]),
        [['SYS', true]],
      );
      const ops = JSON.parse((await get('/api/operator', viewer)).body) as OperatorsResponse;
      assert.deepEqual(ops.operators[0]?.targetIds, [targetId]);
    });

    test('viewers may not create accounts or read credentials', async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/targets/${targetId}/accounts/APP/create/apply`,
        payload: { spec: {} },
        headers: viewer.headers(true),
      });
      assert.equal(res.statusCode, 403);
      assert.equal((await get(`/api/operator/${operatorId}/system-creds`, viewer)).status, 403);
    });

    test('create an account and a user; the user connects with the downloaded creds and publishes', async () => {
      const spec = {
        limits: { connections: 10, subscriptions: 100 },
        exports: [{ subject: 'app.events.>', type: 'stream' }],
      };
      const preview = await post<AccountChangePreview>(
        `/api/targets/${targetId}/accounts/APP/create/preview`,
        {
          spec,
        },
      );
      assert.equal(preview.before, null);
      assert.equal(preview.destructive, false);
      assert.equal((preview.after as { limits: { connections: number } }).limits.connections, 10);
      // A dry run changes nothing.
      let view = JSON.parse((await get(`/api/targets/${targetId}/accounts`)).body) as TargetAccountsResponse;
      assert.ok(!view.accounts.some((a) => a.name === 'APP'));

      const applied = await post<AccountChangeResult>(`/api/targets/${targetId}/accounts/APP/create/apply`, {
        spec,
      });
      assert.equal(applied.action, 'account.create');
      const appKey = (applied.after as { publicKey: string }).publicKey;
      assert.match(appKey, /^A[A-Z2-7]{55}$/);

      // The server's resolver has the account now.
      await waitFor(async () => {
        const accountz = await fetch(`${nats.monitorUrl}/accountz`).then(
          (r) => r.json() as Promise<{ accounts: string[] }>,
        );
        const jwtz = await fetch(`${nats.monitorUrl}/accountz?acc=${appKey}`).then((r) => r.text());
        return accountz.accounts.includes(appKey) || jwtz.includes(appKey) ? true : undefined;
      }, 'the account on the server');

      await post(`/api/targets/${targetId}/accounts/APP/users/alice/create/apply`, {
        spec: { permissions: { pub: { allow: ['app.>'] }, sub: { allow: ['app.>', '_INBOX.>'] } } },
      });
      const creds = await get(`/api/targets/${targetId}/accounts/APP/users/alice/creds`);
      assert.equal(creds.status, 200);
      assert.match(creds.body, /BEGIN NATS USER JWT/);

      const nc = await connect({
        servers: nats.natsUrl,
        authenticator: credsAuthenticator(enc.encode(creds.body)),
      });
      try {
        const sub = nc.subscribe('app.events.hello', { max: 1 });
        const got = (async () => {
          for await (const m of sub) return dec.decode(m.data);
          return undefined;
        })();
        nc.publish('app.events.hello', 'hi from alice');
        await nc.flush();
        const text = await Promise.race([got, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
        assert.equal(text, 'hi from alice');
      } finally {
        await nc.close();
      }

      view = JSON.parse((await get(`/api/targets/${targetId}/accounts`)).body) as TargetAccountsResponse;
      const app1 = view.accounts.find((a) => a.name === 'APP');
      assert.deepEqual(
        app1?.users.map((u) => [u.name, u.revoked]),
        [['alice', false]],
      );
      assert.equal(app1?.limits.connections, 10);

      const audit = JSON.parse((await get('/api/audit?limit=50')).body) as AuditResponse;
      const actions = audit.records.map((r) => `${r.action} ${r.objectId} ${r.result}`);
      for (const a of [
        'account.create APP ok',
        'account.user.create APP/alice ok',
        'account.user.creds.download APP/alice ok',
      ]) {
        assert.ok(actions.includes(a), `audit has "${a}": ${actions.join(', ')}`);
      }
    });

    test('imports between accounts, and a failed plan is audited', async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/targets/${targetId}/accounts/OTHER/create/apply`,
        payload: { spec: { imports: [{ account: 'NOPE', subject: 'x', type: 'stream' }] } },
        headers: admin.headers(true),
      });
      assert.equal(res.statusCode, 400);
      await post(`/api/targets/${targetId}/accounts/OTHER/create/apply`, {
        spec: { imports: [{ account: 'APP', subject: 'app.events.>', type: 'stream' }] },
      });
      const view = JSON.parse(
        (await get(`/api/targets/${targetId}/accounts`)).body,
      ) as TargetAccountsResponse;
      assert.equal(view.accounts.find((a) => a.name === 'OTHER')?.spec.imports?.[0]?.account, 'APP');

      // A user of OTHER receives what alice publishes on the imported subjects, and nothing else of APP's.
      await post(`/api/targets/${targetId}/accounts/OTHER/users/carol/create/apply`, { spec: {} });
      const carol = await connectAs('OTHER', 'carol');
      const alice = await connectAs('APP', 'alice');
      try {
        const seen: string[] = [];
        carol.subscribe('app.>', {
          callback: (_e, m) => {
            seen.push(`${m.subject} ${dec.decode(m.data)}`);
          },
        });
        await carol.flush();
        alice.publish('app.private', 'not exported');
        alice.publish('app.events.shared', 'to importers');
        await alice.flush();
        await waitFor(async () => (seen.length > 0 ? true : undefined), 'the imported message');
        await carol.flush();
        assert.deepEqual(seen, ['app.events.shared to importers']);
      } finally {
        await carol.close();
        await alice.close();
      }
      const audit = JSON.parse((await get('/api/audit?limit=50')).body) as AuditResponse;
      assert.ok(
        audit.records.some(
          (r) => r.action === 'account.create' && r.objectId === 'OTHER' && r.result === 'error',
        ),
      );
    });

    test('changing the permissions of a user re-signs its JWT', async () => {
      const preview = await post<AccountChangePreview>(
        `/api/targets/${targetId}/accounts/APP/users/alice/update/preview`,
        {
          spec: { permissions: { pub: { allow: ['app.only.>'] } } },
        },
      );
      assert.ok(preview.diff.some((d) => d.path.startsWith('permissions')));
      await post(`/api/targets/${targetId}/accounts/APP/users/alice/update/apply`, {
        spec: { permissions: { pub: { allow: ['app.only.>'] } } },
      });
      const creds = (await get(`/api/targets/${targetId}/accounts/APP/users/alice/creds`)).body;
      const nc = await connect({
        servers: nats.natsUrl,
        authenticator: credsAuthenticator(enc.encode(creds)),
      });
      try {
        const sub = nc.subscribe('app.only.ok', { max: 1 });
        nc.publish('app.only.ok', 'allowed');
        const [first] = await Promise.all([sub[Symbol.asyncIterator]().next(), nc.flush()]);
        assert.equal(first.done ? undefined : dec.decode(first.value.data), 'allowed');
        // Publishing outside the new permissions is refused by the server.
        const refused = new Promise<string>((resolve) => {
          void (async () => {
            for await (const s of nc.status()) if (s.type === 'error') return resolve(String(s.error));
          })();
        });
        nc.publish('app.events.x', 'nope');
        await nc.flush();
        const reason = await Promise.race([
          refused,
          new Promise<string>((r) => setTimeout(() => r('none'), 5000)),
        ]);
        assert.match(reason, /[Pp]ermissions [Vv]iolation/);
      } finally {
        await nc.close();
      }
    });

    test('revoking a user needs confirmation, drops its live connection and locks its creds out', async () => {
      await post(`/api/targets/${targetId}/accounts/APP/users/bob/create/apply`, { spec: {} });
      const creds = (await get(`/api/targets/${targetId}/accounts/APP/users/bob/creds`)).body;
      const live = await connect({
        servers: nats.natsUrl,
        authenticator: credsAuthenticator(enc.encode(creds)),
        reconnect: false,
      });
      const liveClosed = live.closed().then((err) => String(err));

      const preview = await post<AccountChangePreview>(
        `/api/targets/${targetId}/accounts/APP/users/bob/revoke/preview`,
        {},
      );
      assert.equal(preview.destructive, true);
      assert.equal(preview.confirmText, 'bob');
      const refused = await app.inject({
        method: 'POST',
        url: `/api/targets/${targetId}/accounts/APP/users/bob/revoke/apply`,
        payload: {},
        headers: admin.headers(true),
      });
      assert.equal(refused.statusCode, 400);
      await post(`/api/targets/${targetId}/accounts/APP/users/bob/revoke/apply`, { confirm: 'bob' });

      // The server drops bob's live connection and refuses new ones.
      const dropped = await Promise.race([
        liveClosed,
        new Promise<string>((r) => setTimeout(() => r('still connected'), 5000)),
      ]);
      await live.close();
      assert.match(dropped, /User Authentication Revoked/);
      const refusedWith = await waitFor(async () => {
        try {
          const again = await connect({
            servers: nats.natsUrl,
            authenticator: credsAuthenticator(enc.encode(creds)),
            reconnect: false,
            timeout: 2000,
          });
          await again.close();
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      }, 'the revoked user to be refused');
      assert.match(refusedWith, /Authorization Violation/);
      assert.equal((await get(`/api/targets/${targetId}/accounts/APP/users/bob/creds`)).status, 400);
      const view = JSON.parse(
        (await get(`/api/targets/${targetId}/accounts`)).body,
      ) as TargetAccountsResponse;
      assert.deepEqual(
        view.accounts.find((a) => a.name === 'APP')?.users.map((u) => [u.name, u.revoked]),
        [
          ['alice', false],
          ['bob', true],
        ],
      );

      const audit = JSON.parse((await get('/api/audit?limit=50')).body) as AuditResponse;
      const actions = audit.records.map((r) => `${r.action} ${r.objectId} ${r.result}`);
      for (const a of ['account.user.update APP/alice ok', 'account.user.revoke APP/bob ok']) {
        assert.ok(actions.includes(a), `audit has "${a}": ${actions.join(', ')}`);
      }
    });
  });
}

describe('config snippets for file-configured servers', () => {
  test('users, exports, imports and JetStream limits', () => {
    const text = configSnippet({
      account: 'ORDERS',
      spec: {
        limits: { memStorage: 1024, diskStorage: 2048, streams: 3, consumers: 4 },
        exports: [{ subject: 'orders.>', type: 'stream' }],
        imports: [{ account: 'BILLING', subject: 'bill.req', type: 'service', localSubject: 'billing' }],
      },
      users: [{ user: 'app', permissions: { pub: { allow: ['orders.>'] } } }],
    });
    assert.match(text, /"ORDERS": \{/);
    assert.match(text, /\{ stream: "orders.>" \}/);
    assert.match(text, /\{ service: \{ account: "BILLING", subject: "bill.req" \}, to: "billing" \}/);
    assert.match(text, /max_streams: 3/);
    assert.match(text, /publish: \{ allow: \["orders.>"\] \}/);
  });
});

describe('a file-configured nats-server: read-only view and snippet', () => {
  let db: Database;
  let app: FastifyInstance;
  let viewer: Client;
  let admin: Client;
  let nats: TestNats;
  let dir: string;
  let targetId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tern-accounts-file-'));
    const file = join(dir, 'server.conf');
    await writeFile(
      file,
      `accounts {
  A: { users: [{ user: a, password: a }], exports: [{ stream: "foo.>" }, { service: "svc" }] }
  B: { users: [{ user: b, password: b }], imports: [{ stream: { account: A, subject: "foo.>" } }, { service: { account: A, subject: "svc" }, to: "a.svc" }] }
}
`,
    );
    nats = await startNatsServer({ args: ['-c', file] });
    db = await openDatabase({ dataDir: 'memory://' });
    ({ app } = await testApp(db));
    admin = await login(app, 'admin');
    viewer = await login(app, 'viewer');
    const res = await app.inject({
      method: 'POST',
      url: '/api/targets',
      payload: { name: 'by-file', natsUrls: [nats.natsUrl], monitorUrls: [nats.monitorUrl] },
      headers: admin.headers(true),
    });
    assert.equal(res.statusCode, 201, res.body);
    targetId = res.json<Target>().id;
  });

  after(async () => {
    await app?.close();
    await nats?.stop();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('accounts with exports and imports as the server reports them, without the system imports', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/targets/${targetId}/accounts`,
      headers: viewer.headers(),
    });
    assert.equal(res.statusCode, 200);
    const view = res.json<TargetAccountsResponse>();
    assert.equal(view.mode, 'config');
    assert.deepEqual(view.accounts, []);
    const b = view.configured.find((a) => a.name === 'B');
    assert.deepEqual(b?.imports.map((i) => [i.account, i.type, i.subject, i.localSubject]).sort(), [
      ['A', 'service', 'svc', 'a.svc'],
      ['A', 'stream', 'foo.>', 'foo.>'],
    ]);
    assert.deepEqual(
      view.configured
        .find((a) => a.name === 'A')
        ?.exports.map((e) => e.subject)
        .sort(),
      ['foo.>', 'svc'],
    );
  });

  test('changes are refused with a plain reason; a viewer may generate a config snippet', async () => {
    const refused = await app.inject({
      method: 'POST',
      url: `/api/targets/${targetId}/accounts/C/create/preview`,
      payload: { spec: {} },
      headers: admin.headers(true),
    });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json<{ error: { code: string } }>().error.code, 'ACCOUNTS_NOT_MANAGED');
    const snippet = await app.inject({
      method: 'POST',
      url: `/api/targets/${targetId}/accounts/snippet`,
      payload: { account: 'C', spec: { imports: [{ account: 'A', subject: 'foo.>', type: 'stream' }] } },
      headers: viewer.headers(true),
    });
    assert.equal(snippet.statusCode, 200, snippet.body);
    assert.match(snippet.json<{ snippet: string }>().snippet, /stream: \{ account: "A", subject: "foo.>" \}/);
  });
});
