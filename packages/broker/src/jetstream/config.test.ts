// Unit tests of stream/consumer config normalisation and the small helpers (no server needed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConsumerUpdate, finishConsumerConfig, parseConsumerConfig } from './consumer-config.js';
import { ApiError } from './errors.js';
import { checkStreamUpdate, normalizeStreamConfig } from './stream-config.js';
import {
  appendHeaders,
  buildHeaders,
  goDurationString,
  goJson,
  parseGoDuration,
  parseHeaders,
  parseTime,
  rfc3339,
  str,
  subjectIsSubset,
  subjectsCollide,
  versionAtLeast,
} from './util.js';

function apiError(fn: () => unknown): { code: number; err_code: number; description: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${e}`);
    return e.toJSON();
  }
  assert.fail('expected an error');
}

describe('stream config', () => {
  it('fills nats-server defaults', () => {
    const c = normalizeStreamConfig({ name: 'A' }, true);
    assert.equal(
      goJson(c),
      goJson({
        name: 'A',
        retention: 'limits',
        max_consumers: -1,
        max_msgs: -1,
        max_bytes: -1,
        max_age: 0,
        max_msgs_per_subject: -1,
        max_msg_size: -1,
        discard: 'old',
        storage: 'file',
        num_replicas: 1,
        duplicate_window: 120000000000,
        allow_direct: false,
        mirror_direct: false,
        sealed: false,
        deny_delete: false,
        deny_purge: false,
        allow_rollup_hdrs: false,
        subjects: ['A'],
      }),
    );
  });

  it('derives the duplicate window from a short max_age', () => {
    assert.equal(normalizeStreamConfig({ name: 'A', max_age: 5e9 }).duplicate_window, 5e9);
  });

  it('rejects what nats-server rejects, with its codes', () => {
    assert.deepEqual(
      apiError(() => normalizeStreamConfig({ name: 'A', subjects: ['a', 'a'] })),
      {
        code: 500,
        err_code: 10052,
        description: 'duplicate subjects detected',
      },
    );
    assert.equal(apiError(() => normalizeStreamConfig({ name: 'A', retention: 'x' })).err_code, 10025);
    assert.equal(apiError(() => normalizeStreamConfig({ name: 'A', max_msgs: '1' })).err_code, 10025);
    assert.equal(apiError(() => normalizeStreamConfig({ name: 'A', num_replicas: 3 })).err_code, 10074);
    assert.equal(
      apiError(() => normalizeStreamConfig({ name: 'A', subjects: ['a.*', 'a.b'] })).description,
      'subject "a.*" overlaps with "a.b"',
    );
    assert.equal(
      apiError(() => normalizeStreamConfig({ name: 'A', sealed: true }, true)).description,
      'stream configuration for create can not be sealed',
    );
  });

  it('seals: no age limit, discard new, no deletes or purges', () => {
    const c = normalizeStreamConfig({ name: 'A', sealed: true, max_age: 1e9 });
    assert.deepEqual([c.max_age, c.discard, c.deny_delete, c.deny_purge], [0, 'new', true, true]);
  });

  it('update rules', () => {
    const a = normalizeStreamConfig({ name: 'A' });
    assert.equal(
      checkStreamUpdate(a, normalizeStreamConfig({ name: 'A', storage: 'memory' }))?.description,
      'stream configuration update can not change storage type',
    );
    assert.equal(checkStreamUpdate(a, normalizeStreamConfig({ name: 'A', max_msgs: 5 })), undefined);
  });
});

describe('consumer config', () => {
  const stream = normalizeStreamConfig({ name: 'S', subjects: ['s.>'] });
  it('defaults: pull explicit', () => {
    const c = finishConsumerConfig(
      parseConsumerConfig({ durable_name: 'D', ack_policy: 'explicit' }),
      stream,
      [],
    );
    assert.deepEqual(
      [c.ack_wait, c.max_deliver, c.max_waiting, c.max_ack_pending, c.inactive_threshold],
      [30e9, -1, 512, 1000, undefined],
    );
  });
  it('defaults: ephemeral push, ack none', () => {
    const c = finishConsumerConfig(parseConsumerConfig({ deliver_subject: 'd' }), stream, []);
    assert.deepEqual(
      [c.ack_policy, c.ack_wait, c.max_waiting, c.max_ack_pending, c.inactive_threshold],
      ['none', undefined, undefined, undefined, 5e9],
    );
  });
  it('ack_wait follows the first backoff', () => {
    const c = finishConsumerConfig(
      parseConsumerConfig({ durable_name: 'D', ack_policy: 'explicit', backoff: [1e8, 2e8], max_deliver: 3 }),
      stream,
      [],
    );
    assert.equal(c.ack_wait, 1e8);
  });
  it('rejects invalid combinations', () => {
    const f = (cfg: Record<string, unknown>) =>
      apiError(() => finishConsumerConfig(parseConsumerConfig(cfg), stream, [])).err_code;
    assert.equal(f({ idle_heartbeat: 1e9 }), 10088);
    assert.equal(f({ deliver_subject: 'd', flow_control: true }), 10108);
    assert.equal(f({ deliver_subject: 'd', max_waiting: 3 }), 10080);
    assert.equal(f({ deliver_subject: 's.x' }), 10081);
    assert.equal(f({ deliver_subject: 'd.*' }), 10079);
    assert.equal(f({ filter_subject: 'x' }), 10093);
    assert.equal(f({ opt_start_seq: 3 }), 10094);
    assert.equal(f({ backoff: [1e9] }), 10116);
    assert.equal(f({ filter_subject: 's.a', filter_subjects: ['s.b'] }), 10136);
    assert.equal(f({ filter_subjects: ['s.*', 's.a'] }), 10138);
  });
  it('update rules', () => {
    const a = finishConsumerConfig(parseConsumerConfig({ durable_name: 'D' }), stream, []);
    const b = finishConsumerConfig(
      parseConsumerConfig({ durable_name: 'D', deliver_policy: 'new' }),
      stream,
      [],
    );
    assert.equal(checkConsumerUpdate(a, b)?.description, 'deliver policy can not be updated');
  });
});

describe('helpers', () => {
  it('formats times like Go RFC3339Nano', () => {
    assert.equal(rfc3339(0n), '0001-01-01T00:00:00Z');
    assert.equal(rfc3339(1795680071815407234n), '2026-11-26T08:01:11.815407234Z');
    assert.equal(rfc3339(1795680095003177120n), '2026-11-26T08:01:35.00317712Z');
    assert.equal(rfc3339(1795680095000000000n), '2026-11-26T08:01:35Z');
    assert.equal(parseTime('2026-11-26T08:01:11.815407234Z'), 1795680071815407234n);
    assert.equal(parseTime('2026-11-26T09:01:11.8+01:00'), 1795680071800000000n);
  });
  it('escapes JSON like Go', () => {
    assert.equal(goJson({ s: 'a.>&<' }), '{"s":"a.\\u003e\\u0026\\u003c"}');
  });
  it('parses and builds header blocks', () => {
    const h = parseHeaders(buildHeaders([['Nats-Pending-Messages', '3']], '408 Request Timeout'));
    assert.deepEqual(h, {
      code: 408,
      description: 'Request Timeout',
      fields: [['Nats-Pending-Messages', '3']],
    });
    assert.equal(
      str(appendHeaders(buildHeaders([['A', 'b']]), [['Nats-Stream', 'S']])),
      'NATS/1.0\r\nA: b\r\nNats-Stream: S\r\n\r\n',
    );
  });
  it('durations', () => {
    assert.equal(parseGoDuration('1m30s'), 90_000_000_000n);
    assert.equal(parseGoDuration('250ms'), 250_000_000n);
    assert.equal(parseGoDuration('x'), undefined);
    assert.equal(goDurationString(5e9), '5s');
    assert.equal(goDurationString(90e9), '1m30s');
  });
  it('subject relations', () => {
    assert.ok(subjectsCollide('a.*', 'a.b'));
    assert.ok(subjectsCollide('a.>', 'a.b.c'));
    assert.ok(!subjectsCollide('a.>', 'a'));
    assert.ok(!subjectsCollide('a.b', 'a.c'));
    assert.ok(subjectIsSubset('a.b', 'a.*'));
    assert.ok(subjectIsSubset('a.b.c', 'a.>'));
    assert.ok(!subjectIsSubset('a.*', 'a.b'));
    assert.ok(versionAtLeast('2.10.1', '2.10.0'));
    assert.ok(!versionAtLeast('2.9.10', '2.10.0'));
  });
});
