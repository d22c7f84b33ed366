import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { expect, test } from '@playwright/test';
import { AccountsPage } from '../pages/accounts.js';
import { AdminPage } from '../pages/admin.js';
import { ConsolePage } from '../pages/console.js';
import { type NatsServerProcess, startNatsServer } from '../support/nats-server.js';

// An operator created in the console, a nats-server 2.9.10 of our own started in operator mode from the
// configuration the console offers, then an account and a user created through the UI.
const OPERATOR = 'E2EOP';
const TARGET = 'op-e2e';
const ACCOUNT = 'ORDERS';
const USER = 'app';

let nats: NatsServerProcess | null = null;
let dir = '';

test.describe.configure({ mode: 'serial' });

test.afterAll(async () => {
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('create an account and a user from the console, see them in the audit log, connect with the creds', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const consolePage = new ConsolePage(page);
  const accounts = new AccountsPage(page);
  const admin = new AdminPage(page);
  await consolePage.signIn();

  // Any target will do to start with: it is configured by file, so the page offers operator setup.
  await page.getByTestId('nav-accounts').click();
  await expect(page.getByTestId('accounts-view')).toBeVisible();
  await expect(page.getByTestId('accounts-mode-config')).toBeVisible();
  await accounts.createOperator(OPERATOR);
  const config = await accounts.downloadText(
    accounts.operator(OPERATOR).getByRole('link', { name: 'Server config' }),
  );
  expect(config).toContain('type: full');

  dir = mkdtempSync(join(tmpdir(), 'tern-e2e-accounts-'));
  const file = join(dir, 'server.conf');
  writeFileSync(file, config.replace('"./jwt"', JSON.stringify(join(dir, 'jwt'))));
  nats = await startNatsServer({ name: TARGET, configFile: file });
  const { natsUrl, monitorUrl } = nats;

  await page.getByTestId('nav-servers').click();
  await consolePage.addTarget(TARGET, monitorUrl, natsUrl);
  await expect(consolePage.serverRow(TARGET)).toBeVisible();
  const targetId = await admin.targetId(TARGET);

  await accounts.open(targetId);
  await accounts.operator(OPERATOR).getByTestId('operator-bind').click();
  await accounts.applyChange();
  await expect(page.getByTestId('accounts-mode-operator')).toBeVisible();

  await accounts.createAccount(ACCOUNT, { maxConnections: 10, exportSubject: 'orders.>' });
  await expect(accounts.accountRow(ACCOUNT)).toContainText('/ 10');
  await accounts.createUser(ACCOUNT, USER);
  const creds = await accounts.downloadText(accounts.userRow(USER).getByTestId('user-creds'));
  expect(creds).toContain('BEGIN NATS USER JWT');

  // The downloaded credentials work: publish and receive a message in the new account.
  const nc = await connect({
    servers: natsUrl,
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
  });
  try {
    const sub = nc.subscribe('orders.created', { max: 1 });
    const received = (async () => {
      for await (const m of sub) return new TextDecoder().decode(m.data);
      return null;
    })();
    nc.publish('orders.created', 'order 1');
    await nc.flush();
    expect(await received).toBe('order 1');
  } finally {
    await nc.close();
  }

  // Both changes, and the credentials download, are in the audit history.
  await consolePage.openAudit();
  await expect(admin.auditRow('account.create').first()).toBeVisible();
  await expect(admin.auditRow('account.user.create').first()).toBeVisible();
  await expect(admin.auditRow('account.user.creds.download').first()).toBeVisible();
  await expect(admin.auditRow('account.create').first()).toContainText(ACCOUNT);
});
