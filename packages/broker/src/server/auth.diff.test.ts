import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { type RunningServer, startNatsConf, startTernConf } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';

// bcrypt of "s3cret" (cost 4 keeps the test fast; nats-server accepts any cost).
const BCRYPT = '$2b$04$0NBb4O5pjenKUMJsMJrq3uLvsl4x/Ov2GcDE/ZXdwVxtp8Oe.2xbC';
const nkeyUser = createUser();
const NKEY = nkeyUser.getPublicKey();
const SEED = new TextDecoder().decode(nkeyUser.getSeed());

const CONF = `
authorization {
  users = [
    { user: admin, password: "${BCRYPT}" }
    { user: limited, password: pw, permissions: {
        publish: { allow: ["orders.>", "_INBOX.>"], deny: ["orders.secret"] }
        subscribe: { allow: ["updates.>", "_INBOX.>"], deny: ["updates.private"] }
    } }
    { user: svc, password: pw, permissions: { subscribe: ["svc.>"], allow_responses: true } }
    { user: guest, password: guest, permissions: { publish: { deny: [">"] } } }
    { nkey: ${NKEY}, permissions: { publish: ["nk.>"] } }
  ]
}
no_auth_user: guest
`;

const C = (o: object) => `CONNECT ${JSON.stringify({ verbose: true, pedantic: false, ...o })}\r\n`;

/** Runs `fn` against both servers and asserts identical transcripts. */
async function both(
  servers: { tern: RunningServer; nats: RunningServer },
  fn: (s: RunningServer) => Promise<string[]>,
): Promise<string[]> {
  const [t, n] = await Promise.all([fn(servers.tern), fn(servers.nats)]);
  assert.deepEqual(t, n, 'tern differs from nats-server');
  return n;
}

describe('authentication and authorization: tern vs nats-server', { timeout: 60_000 }, () => {
  let servers: { tern: RunningServer; nats: RunningServer };
  before(async () => {
    const [tern, nats] = await Promise.all([startTernConf(CONF), startNatsConf(CONF)]);
    servers = { tern, nats };
  });
  after(async () => {
    await Promise.all([servers.tern.stop(), servers.nats.stop()]);
  });

  it('checks bcrypt passwords', async () => {
    const out = await both(servers, async (s) => {
      const ok = (await Wire.handshake(s.port, { verbose: true, user: 'admin', pass: 's3cret' })).wire;
      const bad = (await Wire.handshake(s.port, { verbose: true, user: 'admin', pass: 'nope' })).wire;
      const r = [await ok.sync(), await bad.closedByServer()];
      ok.close();
      return r;
    });
    assert.deepEqual(out, ['+OK\r\n', "-ERR 'Authorization Violation'\r\n"]);
  });

  it('enforces publish and subscribe allow/deny lists with nats-server texts', async () => {
    const out = await both(servers, async (s) => {
      const { wire } = await Wire.handshake(s.port);
      wire.send(C({ user: 'limited', pass: 'pw' }));
      const r: string[] = [await wire.sync()];
      for (const f of [
        'PUB orders.new 1\r\nx\r\n',
        'PUB orders.secret 1\r\nx\r\n',
        'PUB other 1\r\nx\r\n',
        'SUB updates.x 1\r\n',
        'SUB updates.private 2\r\n',
        'SUB other.x 3\r\n',
        'SUB updates.x q 4\r\n',
      ]) {
        wire.send(f);
        r.push(await wire.sync());
      }
      wire.close();
      return r;
    });
    assert.deepEqual(out, [
      '+OK\r\n',
      '+OK\r\n',
      '-ERR \'Permissions Violation for Publish to "orders.secret"\'\r\n',
      '-ERR \'Permissions Violation for Publish to "other"\'\r\n',
      '+OK\r\n',
      '-ERR \'Permissions Violation for Subscription to "updates.private"\'\r\n',
      '-ERR \'Permissions Violation for Subscription to "other.x"\'\r\n',
      '+OK\r\n',
    ]);
  });

  it('filters wildcard deliveries that hit a subscribe deny entry', async () => {
    const out = await both(servers, async (s) => {
      const { wire: sub } = await Wire.handshake(s.port);
      sub.send(`${C({ user: 'limited', pass: 'pw', verbose: false })}SUB updates.> 1\r\n`);
      await sub.sync();
      const { wire: pub } = await Wire.handshake(s.port);
      pub.send(
        `${C({ user: 'admin', pass: 's3cret', verbose: false })}PUB updates.private 1\r\na\r\nPUB updates.public 1\r\nb\r\n`,
      );
      await pub.sync();
      const r = [await sub.sync()];
      sub.close();
      pub.close();
      return r;
    });
    assert.deepEqual(out, ['MSG updates.public 1 1\r\nb\r\n']);
  });

  it('allows responses to received requests only (allow_responses)', async () => {
    const out = await both(servers, async (s) => {
      const { wire: svc } = await Wire.handshake(s.port);
      svc.send(`${C({ user: 'svc', pass: 'pw', verbose: false })}SUB svc.> 1\r\n`);
      await svc.sync();
      const { wire: req } = await Wire.handshake(s.port);
      req.send(
        `${C({ user: 'admin', pass: 's3cret', verbose: false })}SUB reply.1 9\r\nPUB svc.a reply.1 1\r\nq\r\n`,
      );
      await req.sync();
      const r = [await svc.sync()];
      svc.send('PUB reply.1 1\r\nA\r\n');
      r.push(await svc.sync());
      svc.send('PUB reply.1 1\r\nB\r\n');
      r.push(await svc.sync());
      svc.send('PUB other 1\r\nC\r\n');
      r.push(await svc.sync());
      r.push(await req.sync());
      svc.close();
      req.close();
      return r;
    });
    assert.deepEqual(out, [
      'MSG svc.a 1 reply.1 1\r\nq\r\n',
      '',
      '-ERR \'Permissions Violation for Publish to "reply.1"\'\r\n',
      '-ERR \'Permissions Violation for Publish to "other"\'\r\n',
      'MSG reply.1 9 1\r\nA\r\n',
    ]);
  });

  it('uses no_auth_user for a CONNECT without credentials', async () => {
    const out = await both(servers, async (s) => {
      const { wire } = await Wire.handshake(s.port);
      wire.send(`${C({})}PUB any 1\r\nx\r\n`);
      const r = [await wire.sync()];
      wire.close();
      return r;
    });
    assert.deepEqual(out, ['+OK\r\n-ERR \'Permissions Violation for Publish to "any"\'\r\n']);
  });

  it('verifies NKEY signatures of the INFO nonce', async () => {
    const out = await both(servers, async (s) => {
      const r: string[] = [];
      const { wire, info } = await Wire.handshake(s.port);
      assert.equal(typeof info.nonce, 'string');
      // With no_auth_user, nats-server does not advertise auth_required.
      assert.equal(info.auth_required, undefined);
      const sig = Buffer.from(
        fromSeed(new TextEncoder().encode(SEED)).sign(new TextEncoder().encode(String(info.nonce))),
      ).toString('base64url');
      wire.send(`${C({ nkey: NKEY, sig })}PUB nk.1 1\r\nx\r\nPUB other 1\r\nx\r\n`);
      r.push(await wire.sync());
      wire.close();
      const { wire: bad } = await Wire.handshake(s.port);
      bad.send(C({ nkey: NKEY, sig: Buffer.alloc(64).toString('base64url') }));
      r.push(await bad.closedByServer());
      return r;
    });
    assert.deepEqual(out, [
      '+OK\r\n+OK\r\n-ERR \'Permissions Violation for Publish to "other"\'\r\n',
      "-ERR 'Authorization Violation'\r\n",
    ]);
  });

  it('works through nats.js: nkey authenticator and permission errors', async () => {
    for (const s of [servers.tern, servers.nats]) {
      const nc = await connect({
        servers: s.url,
        authenticator: nkeyAuthenticator(new TextEncoder().encode(SEED)),
      });
      const errs: string[] = [];
      (async () => {
        for await (const st of nc.status()) if (st.type === 'error') errs.push(String(st.error));
      })();
      nc.publish('nk.ok', 'x');
      nc.publish('forbidden', 'x');
      await nc.flush();
      await nc.close();
      assert.ok(
        errs.some((e) => /permissions violation/i.test(e)),
        `${s.kind}: ${errs}`,
      );
    }
  });
});
