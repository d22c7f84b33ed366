import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUser } from '@nats-io/nkeys';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../test-support/nats.js';
import { natsAuthOptions } from './nats-auth.js';

test('a target with an NKey seed, a token or user/password connects with the official client', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tern-nkey-'));
  const user = createUser();
  const nkey = user.getPublicKey();
  const seed = new TextDecoder().decode(user.getSeed());
  const conf = join(dir, 'nats.conf');
  await writeFile(
    conf,
    `authorization { users = [ { nkey: "${nkey}" }, { user: "alice", password: "s3cret-pass" } ] }\n`,
  );
  const nats = await startNatsServer({ args: ['-c', conf] });
  try {
    for (const creds of [{ nkeySeed: seed }, { user: 'alice', pass: 's3cret-pass' }]) {
      const nc = await connect({ servers: nats.natsUrl, timeout: 2000, ...natsAuthOptions(creds) });
      await nc.flush();
      await nc.close();
    }
    await assert.rejects(
      connect({ servers: nats.natsUrl, timeout: 2000, maxReconnectAttempts: 0, ...natsAuthOptions({}) }),
      /Authorization|AUTHORIZATION|auth/i,
    );
    const other = new TextDecoder().decode(createUser().getSeed());
    await assert.rejects(
      connect({
        servers: nats.natsUrl,
        timeout: 2000,
        maxReconnectAttempts: 0,
        ...natsAuthOptions({ nkeySeed: other }),
      }),
      /Authorization|AUTHORIZATION|auth/i,
    );
  } finally {
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('credentials map to client options', () => {
  assert.deepEqual(natsAuthOptions(undefined), {});
  assert.deepEqual(natsAuthOptions({ token: 't0k' }), { token: 't0k' });
  assert.deepEqual(natsAuthOptions({ user: 'u' }), { user: 'u', pass: '' });
  const creds = natsAuthOptions({
    creds: '-----BEGIN NATS USER JWT-----\nx\n------END NATS USER JWT------\n',
  });
  assert.equal(Array.isArray(creds.authenticator) && creds.authenticator.length, 1);
});
