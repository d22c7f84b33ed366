import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { CreateTargetRequest } from '@tern/contracts';
import {
  credsError,
  emptyTargetForm,
  nkeySeedError,
  splitList,
  TARGET_NAME_MAX,
  TARGET_NAME_PATTERN,
  toCreateTargetRequest,
  validateTargetForm,
} from './targetForm';

const valid = { ...emptyTargetForm, name: 'edge-1', monitorUrls: 'http://127.0.0.1:8222' };

test('the name rule matches the API contract', () => {
  assert.equal(CreateTargetRequest.properties.name.pattern, TARGET_NAME_PATTERN);
  assert.equal(CreateTargetRequest.properties.name.maxLength, TARGET_NAME_MAX);
});

test('splitList accepts commas, spaces and newlines', () => {
  assert.deepEqual(splitList(' a, b\nc  d,,'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitList(''), []);
});

test('a minimal target is valid and maps to a request the contract accepts', () => {
  assert.deepEqual(validateTargetForm(valid), {});
  const req = toCreateTargetRequest({ ...valid, natsUrls: 'nats://127.0.0.1:4222' });
  assert.deepEqual(req, {
    name: 'edge-1',
    monitorUrls: ['http://127.0.0.1:8222'],
    natsUrls: ['nats://127.0.0.1:4222'],
  });
  assert.equal(Value.Check(CreateTargetRequest, req), true);
});

test('each field reports its own error', () => {
  const e = validateTargetForm({
    ...emptyTargetForm,
    name: '-x',
    monitorUrls: 'nats://h:8222',
    natsUrls: 'http://h',
  });
  assert.match(e.name ?? '', /start with a letter/);
  assert.match(e.monitorUrls ?? '', /http\(s\)/);
  assert.match(e.natsUrls ?? '', /nats:\/\//);
  assert.match(validateTargetForm({ ...valid, monitorUrls: ' ' }).monitorUrls ?? '', /required/);
  assert.match(validateTargetForm({ ...valid, name: 'a\nb' }).name ?? '', /Letters/);
});

test('credentials are checked and sent only for the chosen mode', () => {
  assert.ok(validateTargetForm({ ...valid, auth: 'token' }).token);
  const up = validateTargetForm({ ...valid, auth: 'userpass', user: 'u' });
  assert.ok(up.pass && !up.user);
  assert.deepEqual(
    toCreateTargetRequest({ ...valid, auth: 'userpass', user: 'u', pass: 'p', token: 't' }).credentials,
    {
      user: 'u',
      pass: 'p',
    },
  );
  assert.equal(toCreateTargetRequest({ ...valid, token: 't' }).credentials, undefined);
  assert.equal(toCreateTargetRequest({ ...valid, skipValidation: true }).skipValidation, true);
});

const SEED = 'SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU';
const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVQUJDIn0.c2lnbmF0dXJl';
const CREDS = `-----BEGIN NATS USER JWT-----
${JWT}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.

-----BEGIN USER NKEY SEED-----
${SEED}
------END USER NKEY SEED------
`;

test('an NKey seed must be a user seed; errors never repeat it', () => {
  assert.equal(nkeySeedError(SEED), null);
  assert.equal(nkeySeedError(`  ${SEED}\n`), null);
  assert.match(nkeySeedError('') ?? '', /Paste/);
  const account = `SA${SEED.slice(2)}`;
  assert.match(nkeySeedError(account) ?? '', /starts with "SU"/);
  assert.match(nkeySeedError('SUab1!') ?? '', /A–Z/);
  assert.ok(!(nkeySeedError(account) ?? '').includes(account));
  const e = validateTargetForm({ ...valid, auth: 'nkey', nkeySeed: 'UABC' });
  assert.ok(e.nkeySeed && Object.keys(e).length === 1);
});

test('a .creds file must hold the user JWT and seed blocks', () => {
  assert.equal(credsError(CREDS), null);
  assert.equal(credsError(CREDS.replaceAll('\n', '\r\n')), null);
  assert.match(credsError('') ?? '', /Paste/);
  assert.match(
    credsError(CREDS.replace(/-----BEGIN NATS USER JWT[\s\S]*?END NATS USER JWT------/, '')) ?? '',
    /JWT/,
  );
  assert.match(
    credsError(CREDS.replace(/-----BEGIN USER NKEY SEED[\s\S]*?END USER NKEY SEED------/, '')) ?? '',
    /SEED/,
  );
  assert.match(credsError(CREDS.replace(SEED, `SA${SEED.slice(2)}`)) ?? '', /user seed/);
  assert.match(credsError(CREDS.replace(JWT, 'not a jwt')) ?? '', /does not hold a JWT/);
  for (const bad of [CREDS.replace(SEED, 'SA'), CREDS.replace(JWT, 'x')]) {
    const msg = credsError(bad) ?? '';
    assert.ok(!msg.includes(SEED) && !msg.includes(JWT), 'the secret is not echoed');
  }
  assert.ok(validateTargetForm({ ...valid, auth: 'creds', creds: 'junk' }).creds);
});

test('an NKey seed or .creds contents are sent only in their own mode, as the contract accepts', () => {
  const nkey = toCreateTargetRequest({
    ...valid,
    auth: 'nkey',
    nkeySeed: ` ${SEED} `,
    creds: CREDS,
    token: 't',
  });
  assert.deepEqual(nkey.credentials, { nkeySeed: SEED });
  assert.equal(Value.Check(CreateTargetRequest, nkey), true);
  const creds = toCreateTargetRequest({ ...valid, auth: 'creds', creds: CREDS, nkeySeed: SEED });
  assert.deepEqual(creds.credentials, { creds: CREDS });
  assert.equal(Value.Check(CreateTargetRequest, creds), true);
  assert.equal(toCreateTargetRequest({ ...valid, nkeySeed: SEED, creds: CREDS }).credentials, undefined);
});
