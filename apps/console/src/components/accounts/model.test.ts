import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountUsage, TargetAccountsResponse } from '@tern/contracts';
import { parseLimit, parseSubjects, toAccountRows, toGraph, toPermission, usagePercent } from './model';

const usage = (account: string, connections: number): AccountUsage =>
  ({
    targetId: 't',
    targetName: 't',
    account,
    connections,
    leafnodes: 0,
    subscriptions: 2,
    throughput: { msgsInRate: null, msgsOutRate: null, bytesInRate: null, bytesOutRate: null },
    slowConsumers: 0,
    jetstream: { memory: 0, storage: 512, streams: 1, consumers: 0 },
  }) as unknown as AccountUsage;

const limits = {
  connections: 5,
  leafnodes: -1,
  subscriptions: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  memStorage: -1,
  diskStorage: 1024,
  streams: -1,
  consumers: -1,
};

test('operator mode: managed accounts joined with usage by public key, imports by name', () => {
  const view: TargetAccountsResponse = {
    targetId: 't',
    mode: 'operator',
    operator: null,
    configured: [],
    configuredError: null,
    accounts: [
      {
        name: 'APP',
        publicKey: 'AAPP',
        system: false,
        spec: { exports: [{ subject: 'e.>', type: 'stream' }] },
        limits,
        users: [],
        updatedAt: '',
      },
      {
        name: 'OTHER',
        publicKey: 'AOTH',
        system: false,
        spec: { imports: [{ account: 'AAPP', subject: 'e.>', type: 'stream' }] },
        limits,
        users: [],
        updatedAt: '',
      },
    ],
  };
  const rows = toAccountRows(view, [usage('AAPP', 3)]);
  assert.equal(rows[0]?.connections, 3);
  assert.equal(rows[1]?.connections, null);
  assert.equal(rows[1]?.imports[0]?.account, 'APP');
  const g = toGraph(rows);
  assert.deepEqual(g.edges, [{ from: 'APP', to: 'OTHER', subject: 'e.>', type: 'stream' }]);
  assert.equal(g.nodes.length, 2);
});

test('config mode: server accounts and usage-only accounts, the lone system account left off the graph', () => {
  const view: TargetAccountsResponse = {
    targetId: 't',
    mode: 'config',
    operator: null,
    accounts: [],
    configuredError: null,
    configured: [
      { name: '$SYS', system: true, jetstream: false, exports: [], imports: [] },
      {
        name: 'A',
        system: false,
        jetstream: true,
        exports: [{ subject: 'x', type: 'service' }],
        imports: [],
      },
    ],
  };
  const rows = toAccountRows(view, [usage('$G', 1)]);
  assert.deepEqual(
    rows.map((r) => r.name),
    ['$G', '$SYS', 'A'],
  );
  assert.deepEqual(
    toGraph(rows).nodes.map((n) => n.name),
    ['$G', 'A'],
  );
});

test('form helpers', () => {
  assert.deepEqual(parseSubjects(' a.>, b  c '), ['a.>', 'b', 'c']);
  assert.equal(parseLimit(''), -1);
  assert.equal(parseLimit('12'), 12);
  assert.equal(parseLimit('1.5'), undefined);
  assert.deepEqual(toPermission('a', ''), { allow: ['a'] });
  assert.equal(toPermission(' ', ''), undefined);
  assert.equal(usagePercent(512, 1024), 50);
  assert.equal(usagePercent(5, -1), null);
});
