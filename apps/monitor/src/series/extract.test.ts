import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  type AccstatzBody,
  type ConnzBody,
  extractObservations,
  type JszBody,
  type Observation,
  parseTime,
  type RoutezBody,
  type ServerSnapshot,
  type SubszBody,
  type VarzBody,
} from './extract.js';

// Real bodies from nats-server 2.9.10 (/work/shared/reference/monitor-2.9.10).
const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`./fixtures/nats-server-2.9.10/${name}.json`, import.meta.url), 'utf8'),
  ) as T;

const SERVER = 'NABAHQ3EJ3X53AXFNMZLBDT7DW5MYIK3SCVGZQGRRRSUEZ52BYD65HDY';
const real = (): ServerSnapshot => ({
  varz: fixture<VarzBody>('varz'),
  connz: fixture<ConnzBody>('connz'),
  subsz: fixture<SubszBody>('subsz'),
  routez: fixture<RoutezBody>('routez'),
  jsz: fixture<JszBody>('jsz_streams_1_consumers_1_config_1'),
  accstatz: fixture<AccstatzBody>('accstatz'),
});

const find = (obs: Observation[], kind: string, id: string, metric: string) =>
  obs.find((o) => o.kind === kind && o.id === id && o.metric === metric);
const value = (obs: Observation[], kind: string, id: string, metric: string) =>
  find(obs, kind, id, metric)?.value;

describe('extractObservations on nats-server 2.9.10 bodies', () => {
  const obs = extractObservations(real());

  test('server counters carry the server start time as their epoch', () => {
    const inMsgs = find(obs, 'server', SERVER, 'in_msgs');
    assert.deepEqual(inMsgs, {
      kind: 'server',
      id: SERVER,
      metric: 'in_msgs',
      type: 'counter',
      value: 14164,
      epoch: '2026-11-26T07:59:23.03801949Z',
    });
    assert.equal(value(obs, 'server', SERVER, 'out_msgs'), 1986);
    assert.equal(value(obs, 'server', SERVER, 'in_bytes'), 114692708);
    assert.equal(value(obs, 'server', SERVER, 'out_bytes'), 14650597);
    assert.equal(find(obs, 'server', SERVER, 'slow_consumers')?.type, 'counter');
    assert.equal(value(obs, 'server', SERVER, 'total_connections'), 34);
    assert.equal(value(obs, 'server', SERVER, 'js_api_total'), 74);
    assert.equal(value(obs, 'server', SERVER, 'js_api_errors'), 16);
  });

  test('server gauges', () => {
    assert.equal(value(obs, 'server', SERVER, 'connections'), 0);
    assert.equal(value(obs, 'server', SERVER, 'subscriptions'), 64);
    assert.equal(value(obs, 'server', SERVER, 'mem'), 57462784);
    assert.equal(value(obs, 'server', SERVER, 'cpu'), 0);
    assert.equal(value(obs, 'server', SERVER, 'routes'), 0);
    assert.equal(value(obs, 'server', SERVER, 'js_memory'), 16424120);
    assert.equal(value(obs, 'server', SERVER, 'js_storage'), 0);
    for (const o of obs.filter((o) => o.type === 'gauge')) assert.equal(o.epoch, undefined);
  });

  test('account JetStream usage', () => {
    assert.equal(value(obs, 'account', '$G', 'js_memory'), 16424120);
    assert.equal(value(obs, 'account', '$G', 'js_storage'), 0);
  });

  test('streams: state, sequences as counters of their creation epoch, message times', () => {
    assert.equal(value(obs, 'stream', '$G/FC', 'messages'), 2000);
    assert.equal(value(obs, 'stream', '$G/FC', 'bytes'), 16424000);
    assert.equal(value(obs, 'stream', '$G/FC', 'consumer_count'), 1);
    assert.deepEqual(find(obs, 'stream', '$G/FC', 'last_seq'), {
      kind: 'stream',
      id: '$G/FC',
      metric: 'last_seq',
      type: 'counter',
      value: 2000,
      epoch: '2026-11-26T08:02:47.677203816Z',
    });
    assert.equal(value(obs, 'stream', '$G/FC', 'first_seq'), 1);
    assert.equal(value(obs, 'stream', '$G/FC', 'first_ts'), Date.parse('2026-11-26T08:02:48.085Z'));
    assert.equal(value(obs, 'stream', '$G/FC', 'last_ts'), Date.parse('2026-11-26T08:02:48.121Z'));
    assert.equal(value(obs, 'stream', '$G/ACKS', 'messages'), 5);
  });

  test("an empty stream has no first message time (Go's zero time is not a time)", () => {
    assert.equal(value(obs, 'stream', '$G/PROBE', 'messages'), 0);
    assert.equal(value(obs, 'stream', '$G/PROBE', 'first_seq'), 4);
    assert.equal(value(obs, 'stream', '$G/PROBE', 'last_seq'), 3);
    assert.equal(find(obs, 'stream', '$G/PROBE', 'first_ts'), undefined);
    assert.equal(value(obs, 'stream', '$G/PROBE', 'last_ts'), Date.parse('2026-11-26T08:01:12.649Z'));
    // PROBE has no num_subjects in the body: nothing, not a zero.
    assert.equal(find(obs, 'stream', '$G/PROBE', 'num_subjects'), undefined);
  });

  test('consumers: pending counts, sequences and last-active times', () => {
    const p1 = '$G/ACKS/P1';
    assert.equal(value(obs, 'consumer', p1, 'num_pending'), 1);
    assert.equal(value(obs, 'consumer', p1, 'num_ack_pending'), 2);
    assert.equal(value(obs, 'consumer', p1, 'num_redelivered'), 1);
    assert.equal(value(obs, 'consumer', p1, 'num_waiting'), 0);
    assert.equal(value(obs, 'consumer', p1, 'delivered_stream_seq'), 4);
    assert.equal(value(obs, 'consumer', p1, 'delivered_consumer_seq'), 5);
    assert.equal(value(obs, 'consumer', p1, 'ack_floor_stream_seq'), 1);
    assert.equal(find(obs, 'consumer', p1, 'ack_floor_stream_seq')?.epoch, '2026-11-26T08:01:31.462410872Z');
    assert.equal(value(obs, 'consumer', p1, 'delivered_last_active'), Date.parse('2026-11-26T08:01:33.997Z'));
    assert.equal(value(obs, 'consumer', p1, 'ack_floor_last_active'), Date.parse('2026-11-26T08:01:34.299Z'));
    assert.equal(value(obs, 'consumer', '$G/FC/FCC', 'num_pending'), 1363);
    assert.equal(value(obs, 'consumer', '$G/FC/FCC', 'ack_floor_stream_seq'), 637);
    // FCC (AckNone, push) has no ack_floor.last_active in the body.
    assert.equal(find(obs, 'consumer', '$G/FC/FCC', 'ack_floor_last_active'), undefined);
    assert.equal(value(obs, 'consumer', '$G/PROBE/C1', 'num_pending'), 0);
  });

  test('every observation is finite and typed, with no duplicate keys', () => {
    const keys = new Set<string>();
    for (const o of obs) {
      assert.ok(Number.isFinite(o.value), `${o.id} ${o.metric}`);
      assert.ok(o.type === 'counter' ? typeof o.epoch === 'string' : o.epoch === undefined);
      const k = `${o.kind}|${o.id}|${o.metric}`;
      assert.ok(!keys.has(k), `duplicate ${k}`);
      keys.add(k);
    }
    assert.equal(obs.filter((o) => o.kind === 'stream' && o.metric === 'messages').length, 3);
    assert.equal(obs.filter((o) => o.kind === 'consumer' && o.metric === 'num_pending').length, 3);
  });

  test('plain /jsz (no details) and /varz alone still give server metrics', () => {
    const only = extractObservations({ varz: fixture<VarzBody>('varz'), jsz: fixture<JszBody>('jsz') });
    assert.equal(value(only, 'server', SERVER, 'in_msgs'), 14164);
    assert.equal(only.filter((o) => o.kind !== 'server').length, 0);
    const minimal = extractObservations({ varz: { server_id: 'S' } });
    assert.deepEqual(minimal, []);
  });
});

describe('replicated streams in a cluster', () => {
  const jsz = (leader: string, consumerLeader?: string): JszBody => ({
    account_details: [
      {
        name: 'A',
        stream_detail: [
          {
            name: 'ORDERS',
            cluster: { leader },
            state: { messages: 10, last_seq: 10 },
            consumer_detail: [
              {
                name: 'C',
                num_pending: 3,
                ...(consumerLeader ? { cluster: { leader: consumerLeader } } : {}),
              },
            ],
          },
        ],
      },
    ],
  });
  const snap = (name: string, j: JszBody): ServerSnapshot => ({
    varz: { server_id: `id-${name}`, server_name: name },
    jsz: j,
  });

  test("only the leader's report is kept, matched by server name", () => {
    const onLeader = extractObservations(snap('n1', jsz('n1')));
    const onFollower = extractObservations(snap('n2', jsz('n1')));
    assert.equal(value(onLeader, 'stream', 'A/ORDERS', 'messages'), 10);
    assert.equal(value(onLeader, 'consumer', 'A/ORDERS/C', 'num_pending'), 3);
    assert.equal(onFollower.filter((o) => o.kind === 'stream' || o.kind === 'consumer').length, 0);
  });

  test("a consumer follows its own leader when it reports one, else its stream's", () => {
    const onN2 = extractObservations(snap('n2', jsz('n1', 'n2')));
    assert.equal(find(onN2, 'stream', 'A/ORDERS', 'messages'), undefined);
    assert.equal(value(onN2, 'consumer', 'A/ORDERS/C', 'num_pending'), 3);
  });

  test('leaderOnly: false keeps every replica', () => {
    const all = extractObservations(snap('n2', jsz('n1')), { leaderOnly: false });
    assert.equal(value(all, 'stream', 'A/ORDERS', 'messages'), 10);
  });

  test('a stream without a leader (no quorum) is skipped', () => {
    const none = extractObservations(snap('n1', jsz('')));
    assert.equal(find(none, 'stream', 'A/ORDERS', 'messages'), undefined);
  });
});

describe('account traffic', () => {
  // nats-server 2.9 `AccountStat`; the reference body has no active accounts, so this one is made up.
  const accstatz = (msgsIn: number, conns: number): AccstatzBody => ({
    account_statz: [
      {
        acc: 'A',
        conns,
        leafnodes: 0,
        total_conns: conns,
        num_subscriptions: 4,
        sent: { msgs: 5, bytes: 50 },
        received: { msgs: msgsIn, bytes: msgsIn * 10 },
        slow_consumers: 0,
      },
    ],
  });

  test('accstatz maps received to in and sent to out', () => {
    const obs = extractObservations({ varz: { server_id: 'S', start: 's0' }, accstatz: accstatz(7, 2) });
    assert.equal(value(obs, 'account', 'A', 'in_msgs'), 7);
    assert.equal(value(obs, 'account', 'A', 'in_bytes'), 70);
    assert.equal(value(obs, 'account', 'A', 'out_msgs'), 5);
    assert.equal(value(obs, 'account', 'A', 'connections'), 2);
    assert.equal(value(obs, 'account', 'A', 'subscriptions'), 4);
    assert.equal(find(obs, 'account', 'A', 'in_msgs')?.epoch, 's0');
  });
});

test('parseTime', () => {
  assert.equal(parseTime('0001-01-01T00:00:00Z'), undefined);
  assert.equal(parseTime(undefined), undefined);
  assert.equal(parseTime('garbage'), undefined);
  assert.equal(parseTime('2026-11-26T08:02:48.085830136Z'), Date.parse('2026-11-26T08:02:48.085Z'));
});
