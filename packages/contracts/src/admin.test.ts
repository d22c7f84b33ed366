import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import {
  AuditExportQuery,
  ConfigDocument,
  CreateUserRequest,
  ObjectKind,
  StreamChangeRequest,
  TargetCredentials,
} from './index.js';

test('StreamChangeRequest keeps unknown NATS fields and rejects wrong enums', () => {
  const body = { config: { name: 'S', subjects: ['a.>'], retention: 'limits', future_field: 1 } };
  assert.equal(Value.Check(StreamChangeRequest, body), true);
  assert.equal(Value.Check(StreamChangeRequest, { config: { name: 'S', retention: 'forever' } }), false);
});

test('ConfigDocument defaults empty lists and requires its apiVersion', () => {
  const doc = Value.Default(ConfigDocument, { apiVersion: 'tern.dev/v1', kind: 'JetStreamConfig' });
  assert.equal(Value.Check(ConfigDocument, doc), true);
  assert.equal(Value.Check(ConfigDocument, { ...(doc as object), apiVersion: 'v0' }), false);
});

test('AuditExportQuery is one flat object (query strings cannot be intersections)', () => {
  assert.equal(AuditExportQuery.type, 'object');
  assert.ok('format' in AuditExportQuery.properties && 'from' in AuditExportQuery.properties);
});

test('CreateUserRequest refuses short passwords', () => {
  assert.equal(Value.Check(CreateUserRequest, { username: 'bob', role: 'viewer', password: 'short' }), false);
  assert.equal(Value.Check(CreateUserRequest, { username: 'bob', role: 'operator' }), true);
});

test('ObjectKind names the operator-mode objects the accounts pages change', () => {
  for (const k of ['stream', 'consumer', 'operator', 'account', 'user', 'account-binding']) {
    assert.equal(Value.Check(ObjectKind, k), true, k);
  }
  assert.equal(Value.Check(ObjectKind, 'target'), false);
});

test('TargetCredentials carries an NKey seed or the contents of a .creds file', () => {
  assert.equal(Value.Check(TargetCredentials, { nkeySeed: 'SUAxyz' }), true);
  assert.equal(Value.Check(TargetCredentials, { creds: '-----BEGIN NATS USER JWT-----' }), true);
});
