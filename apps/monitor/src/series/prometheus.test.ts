import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { extractObservations, type JszBody, type VarzBody } from './extract.js';
import { escapeLabel, formatValue, renderPrometheus } from './prometheus.js';
import { SeriesStore } from './store.js';

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`./fixtures/nats-server-2.9.10/${name}.json`, import.meta.url), 'utf8'),
  ) as T;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text format: every line is HELP, TYPE or a sample of the current family. */
function parse(text: string): { help: Map<string, string>; type: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith('\n'), 'ends with a line feed');
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  let family = '';
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      assert.ok(!help.has(m[1]!), `one HELP per family: ${m[1]}`);
      help.set(m[1]!, m[2]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      family = m[1]!;
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(line);
    if (m) {
      assert.equal(m[1], family, 'TYPE follows its HELP');
      type.set(m[1]!, m[2]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    assert.ok(m, `sample line: ${line}`);
    assert.equal(m[1], family, `sample ${m[1]} belongs to the family above it`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let lm: RegExpExecArray | null;
    let consumed = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: a scanner loop
    while ((lm = re.exec(m[2]!))) {
      labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = re.lastIndex;
    }
    assert.equal(consumed, m[2]!.length, `labels parse fully: ${m[2]}`);
    const v = m[3] === '+Inf' ? Number.POSITIVE_INFINITY : m[3] === 'NaN' ? Number.NaN : Number(m[3]);
    assert.ok(!Number.isNaN(v) || m[3] === 'NaN', `value ${m[3]}`);
    samples.push({ name: m[1]!, labels, value: v });
  }
  return { help, type, samples };
}

test('the reference server renders as valid exposition text with the real numbers', () => {
  const store = new SeriesStore();
  const jsz = fixture<JszBody & { now: string }>('jsz_streams_1_consumers_1_config_1');
  const now = Date.parse(jsz.now);
  store.ingest('t1', now, extractObservations({ varz: fixture<VarzBody>('varz'), jsz }));
  const text = renderPrometheus({
    latest: store.latest(),
    lags: store.lags(),
    targetNames: new Map([['t1', 'prod "east"']]),
    serverNames: new Map([['NABAHQ3EJ3X53AXFNMZLBDT7DW5MYIK3SCVGZQGRRRSUEZ52BYD65HDY', 'n1']]),
  });
  const { help, type, samples } = parse(text);
  const one = (name: string, labels: Record<string, string>) => {
    const found = samples.filter(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)}`);
    return found[0]!;
  };
  const server = one('tern_server_in_msgs_total', {});
  assert.deepEqual(server.labels, {
    target: 't1',
    target_name: 'prod "east"',
    server_id: 'NABAHQ3EJ3X53AXFNMZLBDT7DW5MYIK3SCVGZQGRRRSUEZ52BYD65HDY',
    server_name: 'n1',
  });
  assert.equal(server.value, 14164);
  assert.equal(type.get('tern_server_in_msgs_total'), 'counter');
  assert.equal(type.get('tern_server_connections'), 'gauge');
  assert.ok(help.get('tern_server_in_msgs_total'));
  assert.equal(one('tern_stream_messages', { account: '$G', stream: 'FC' }).value, 2000);
  assert.equal(
    one('tern_stream_last_timestamp_seconds', { stream: 'FC' }).value,
    Date.parse('2026-11-26T08:02:48.121Z') / 1000,
  );
  const c = { account: '$G', stream: 'ACKS', consumer: 'P1' };
  assert.equal(one('tern_consumer_num_pending', c).value, 1);
  assert.equal(one('tern_consumer_num_ack_pending', c).value, 2);
  assert.equal(one('tern_consumer_num_redelivered', c).value, 1);
  // One scrape gives no consume rate yet: the drain time is +Inf, the age is known from the stream.
  assert.equal(one('tern_consumer_lag_drain_seconds', c).value, Number.POSITIVE_INFINITY);
  assert.equal(one('tern_consumer_lag_drain_seconds', { consumer: 'C1' }).value, 0);
  assert.ok(Math.abs(one('tern_consumer_lag_oldest_unacked_age_seconds', c).value - 87.98) < 0.05);
  // Families are sorted and each name appears once.
  const names = [...help.keys()];
  assert.deepEqual(names, [...names].sort());
});

test('label values are escaped and read back unchanged', () => {
  const nasty = 'a\\b"c\nd';
  const text = renderPrometheus({
    latest: [
      {
        target: nasty,
        kind: 'stream',
        id: `acc/${'S'}`,
        metric: 'messages',
        type: 'gauge',
        t: 0,
        value: 1.5,
      },
    ],
  });
  assert.match(text, /target="a\\\\b\\"c\\nd"/);
  const { samples } = parse(text);
  assert.deepEqual(samples, [
    { name: 'tern_stream_messages', labels: { target: nasty, account: 'acc', stream: 'S' }, value: 1.5 },
  ]);
  assert.equal(escapeLabel('plain'), 'plain');
});

test('values, unknown metrics and an empty store', () => {
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(formatValue(Number.NEGATIVE_INFINITY), '-Inf');
  assert.equal(formatValue(Number.NaN), 'NaN');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(renderPrometheus({ latest: [] }), '');
  assert.equal(
    renderPrometheus({
      latest: [{ target: 't', kind: 'server', id: 'S', metric: 'nope', type: 'gauge', t: 0, value: 1 }],
    }),
    '',
  );
});
