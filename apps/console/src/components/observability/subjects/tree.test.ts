import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SubjectNode } from '@tern/contracts';
import { childrenByParent, initiallyExpanded } from './tree';

const node = (subject: string, extra: Partial<SubjectNode> = {}): SubjectNode => {
  const tokens = subject.split('.');
  return {
    subject,
    token: tokens[tokens.length - 1]!,
    parent: tokens.length > 1 ? tokens.slice(0, -1).join('.') : null,
    depth: tokens.length - 1,
    children: 0,
    subscriptions: 0,
    queueGroups: [],
    streams: [],
    msgsRate: null,
    totalSubscriptions: 0,
    totalMsgsRate: null,
    ...extra,
  };
};

test('childrenByParent groups by parent, busiest first, orphans as roots', () => {
  const nodes = [
    node('orders', { children: 2 }),
    node('orders.eu', { totalMsgsRate: 1 }),
    node('orders.us', { totalMsgsRate: 5 }),
    node('metrics.cpu'),
  ];
  const map = childrenByParent(nodes);
  assert.deepEqual(
    map.get('')?.map((n) => n.subject),
    ['metrics.cpu', 'orders'],
  );
  assert.deepEqual(
    map.get('orders')?.map((n) => n.subject),
    ['orders.us', 'orders.eu'],
  );
});

test('initiallyExpanded opens the top levels that have children', () => {
  const nodes = [node('a', { children: 1 }), node('a.b', { children: 1 }), node('a.b.c'), node('z')];
  assert.deepEqual([...initiallyExpanded(nodes)], ['a']);
  assert.deepEqual([...initiallyExpanded(nodes, 2)].sort(), ['a', 'a.b']);
});
