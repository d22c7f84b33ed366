import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { CreateTargetRequest } from '@tern/contracts';
import {
  emptyTargetForm,
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
