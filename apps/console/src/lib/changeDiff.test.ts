import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiClientError } from '@/api/client';
import { formatDiffValue } from './changeDiff';
import { describeError } from './natsError';
import { canOperate, isAdmin } from './roles';

test('diff values: JSON text, durations also in words, long values cut', () => {
  assert.equal(formatDiffValue(undefined), '—');
  assert.equal(formatDiffValue('a'), '"a"');
  assert.equal(formatDiffValue(['x', 'y']), '["x","y"]');
  assert.equal(formatDiffValue(3600e9, 'max_age'), '3600000000000 (1h)');
  assert.equal(formatDiffValue(3600e9, 'max_msgs'), '3600000000000');
  assert.equal(formatDiffValue('x'.repeat(500)).length, 200);
});

test('NATS refusals keep the server err_code', () => {
  const err = new ApiClientError(
    'NATS_ERROR',
    'stream name already in use with a different configuration',
    400,
    {
      status: 400,
      errCode: 10058,
      description: 'stream name already in use with a different configuration',
    },
  );
  const info = describeError(err);
  assert.equal(info.natsErrCode, 10058);
  assert.equal(info.code, 'NATS_ERROR');
  assert.equal(info.natsDescription, null);
  assert.equal(
    describeError(new ApiClientError('FORBIDDEN', '', 403)).message,
    'Your role does not allow this change.',
  );
  assert.equal(describeError('x').message, 'Something went wrong.');
});

test('roles', () => {
  assert.ok(canOperate('operator') && canOperate('admin') && !canOperate('viewer') && !canOperate(null));
  assert.ok(isAdmin('admin') && !isAdmin('operator'));
});
