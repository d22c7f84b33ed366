import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYaml, toYaml, YamlError } from './yaml.js';

const doc = {
  apiVersion: 'tern.dev/v1',
  streams: [
    {
      config: {
        name: 'ORDERS',
        subjects: ['orders.>', 'weird: "quoted" #not-a-comment'],
        max_age: 86_400_000_000_000,
        sealed: false,
        description: '',
        metadata: { 'with space': 'yes', nested: { deep: [1, [2, 3], {}] } },
        mirror: null,
      },
      consumers: [],
    },
  ],
  kv: [{ bucket: 'cfg', history: 5 }],
  multi: 'line one\nline two',
  unicode: 'žluťoučký 🚀',
};

test('YAML round trip of everything the emitter produces', () => {
  const text = toYaml(doc);
  assert.deepEqual(parseYaml(text), doc);
  assert.match(text, /^apiVersion: "tern\.dev\/v1"$/m);
  assert.match(text, /^ {2}- config:$/m);
});

test('hand-written YAML: plain scalars, comments, sequences at key indentation, flow lists', () => {
  const text = [
    '# a config',
    '---',
    'streams:',
    '- config:',
    '    name: ORDERS   # trailing comment',
    "    description: 'it''s'",
    '    subjects: [a.*, b.>]',
    '    max_msgs: -1',
    '    no_ack: true',
    '    storage: ~',
    '  consumers:',
    '    - durable_name: w',
    '      ack_wait: 30000000000',
  ].join('\n');
  assert.deepEqual(parseYaml(text), {
    streams: [
      {
        config: {
          name: 'ORDERS',
          description: "it's",
          subjects: ['a.*', 'b.>'],
          max_msgs: -1,
          no_ack: true,
          storage: null,
        },
        consumers: [{ durable_name: 'w', ack_wait: 30_000_000_000 }],
      },
    ],
  });
});

test('YAML errors name the line', () => {
  assert.throws(
    () => parseYaml('a: 1\n   b: 2'),
    (e: unknown) => e instanceof YamlError && e.line === 2,
  );
  assert.throws(() => parseYaml('a: &anchor 1'), YamlError);
  assert.throws(() => parseYaml('a: 1\na: 2'), /duplicate key/);
});
