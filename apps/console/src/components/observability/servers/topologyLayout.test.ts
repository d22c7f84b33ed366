import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterMember } from '@tern/contracts';
import { edgesOf, LABEL_MARGIN, layoutMembers, memberLabel } from './topologyLayout';

const member = (serverId: string, serverName?: string): ClusterMember => ({
  serverId,
  serverName,
  status: 'up',
  discovered: false,
  clientUrls: [],
});

test('layoutMembers centres a single server and spreads several on a circle', () => {
  const [only] = layoutMembers([member('A')], 400);
  assert.deepEqual(
    [only?.x, only?.y],
    [200 + LABEL_MARGIN, 186],
    'centred, raised to leave room for the label',
  );
  const three = layoutMembers([member('C', 'n3'), member('A', 'n1'), member('B', 'n2')], 400);
  assert.deepEqual(
    three.map((p) => p.member.serverName),
    ['n1', 'n2', 'n3'],
  );
  assert.equal(Math.round(three[0]!.x), 200 + LABEL_MARGIN, 'first at the top');
  assert.ok(three[0]!.y < 200);
});

test('edgesOf folds both directions into one edge and ignores unknown peers', () => {
  const members = [member('A'), member('B'), member('C')];
  const link = (from: string, to: string) => ({ from, to, inMsgs: 0, outMsgs: 0, pendingSize: 0 });
  const edges = edgesOf([link('A', 'B'), link('B', 'A'), link('A', 'C'), link('A', 'Z')], members);
  assert.equal(edges.length, 2);
  const ab = edges.find((e) => e.a === 'A' && e.b === 'B');
  assert.equal(ab?.both, true);
  const ac = edges.find((e) => e.b === 'C');
  assert.equal(ac?.both, false);
});

test('memberLabel prefers the name and shortens ids', () => {
  assert.equal(memberLabel({ serverId: 'NABC', serverName: 'n1' }), 'n1');
  assert.equal(memberLabel({ serverId: 'N'.repeat(56) }), `${'N'.repeat(17)}…`);
});
