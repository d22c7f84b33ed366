import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pubPermissionViolation, replyPermissionViolation, subPermissionViolation } from './errors.js';
import { PermissionChecker } from './permissions.js';

describe('PermissionChecker: publish', () => {
  it('allows everything without lists', () => {
    const c = new PermissionChecker({});
    assert.ok(c.canPublish('any.thing'));
    assert.ok(c.canSubscribe('>'));
  });

  it('enforces allow lists with wildcards, and deny wins over allow', () => {
    for (const cacheSize of [128, 0]) {
      const c = new PermissionChecker(
        { publish: { allow: ['orders.>', 'ping'], deny: ['orders.secret.*'] } },
        { cacheSize },
      );
      for (let round = 0; round < 2; round++) {
        assert.ok(c.canPublish('orders.new'));
        assert.ok(c.canPublish('ping'));
        assert.ok(!c.canPublish('pong'));
        assert.ok(!c.canPublish('orders.secret.x'));
        assert.ok(c.canPublish('orders.secret.x.y'));
      }
    }
  });

  it('deny-only lists allow the rest', () => {
    const c = new PermissionChecker({ publish: { deny: ['$SYS.>'] } });
    assert.ok(c.canPublish('foo'));
    assert.ok(!c.canPublish('$SYS.REQ.x'));
  });

  it('keeps its cache bounded', () => {
    const c = new PermissionChecker({ publish: { allow: ['a.*'] } }, { cacheSize: 8 });
    for (let i = 0; i < 1000; i++) assert.equal(c.canPublish(`a.${i}`), true);
    assert.ok((c as unknown as { pubCache: Map<string, boolean> }).pubCache.size <= 8);
  });
});

describe('PermissionChecker: subscribe', () => {
  it('checks subscription subjects literally against the lists', () => {
    const c = new PermissionChecker({ subscribe: { allow: ['foo.>', 'bar.baz'], deny: ['foo.private'] } });
    assert.ok(c.canSubscribe('foo.x'));
    assert.ok(c.canSubscribe('foo.*'));
    assert.ok(c.canSubscribe('foo.>'));
    assert.ok(!c.canSubscribe('bar.*'));
    assert.ok(!c.canSubscribe('foo.private'));
    assert.ok(c.canSubscribe('bar.baz'));
  });

  it('supports queue-group entries "subject queue" in allow and deny', () => {
    const c = new PermissionChecker({
      subscribe: { allow: ['jobs.> workers', 'jobs.> v1.*', 'open.>'], deny: ['open.x spies'] },
    });
    assert.ok(c.canSubscribe('jobs.a', 'workers'));
    assert.ok(c.canSubscribe('jobs.a', 'v1.blue'));
    assert.ok(!c.canSubscribe('jobs.a', 'others'));
    assert.ok(!c.canSubscribe('jobs.a'), 'plain subscription needs a plain entry');
    assert.ok(c.canSubscribe('open.x'));
    assert.ok(c.canSubscribe('open.x', 'friends'));
    assert.ok(!c.canSubscribe('open.x', 'spies'));
  });

  it('filters delivery for wildcard subscriptions that reach into the deny list', () => {
    const c = new PermissionChecker({ subscribe: { deny: ['secret.>'] } });
    assert.ok(c.canSubscribe('>'));
    assert.ok(c.needsDeliveryFilter('>'));
    assert.ok(!c.needsDeliveryFilter('public.>'));
    assert.ok(!c.needsDeliveryFilter('secret.x'), 'literal subjects are checked at SUB time');
    assert.ok(c.canDeliver('public.x'));
    assert.ok(!c.canDeliver('secret.x'));
  });
});

describe('PermissionChecker: allow_responses', () => {
  it('defaults to one response within two minutes, and locks publish down to responses', () => {
    let now = 0;
    const c = new PermissionChecker(
      { subscribe: { allow: ['svc'] }, response: { maxMsgs: 0, expiresMs: 0 } },
      { now: () => now },
    );
    assert.deepEqual(c.permissions.response, { maxMsgs: 1, expiresMs: 120_000 });
    assert.ok(c.tracksResponses);
    assert.ok(!c.canPublish('_INBOX.abc'));
    c.recordReply('_INBOX.abc');
    assert.ok(c.canPublish('_INBOX.abc'));
    assert.ok(!c.canPublish('_INBOX.abc'), 'max 1');
    c.recordReply('_INBOX.def');
    now = 120_001;
    assert.ok(!c.canPublish('_INBOX.def'), 'expired');
    assert.ok(!c.canPublish('other'));
  });

  it('respects max and expires', () => {
    let now = 1000;
    const c = new PermissionChecker({ response: { maxMsgs: 3, expiresMs: 50 } }, { now: () => now });
    c.recordReply('r');
    assert.ok(c.canPublish('r'));
    assert.ok(c.canPublish('r'));
    assert.ok(c.canPublish('r'));
    assert.ok(!c.canPublish('r'));
    c.recordReply('s');
    now += 50;
    assert.ok(c.canPublish('s'));
    now += 1;
    assert.ok(!c.canPublish('s'));
  });

  it('treats negative limits as unlimited', () => {
    let now = 0;
    const c = new PermissionChecker({ response: { maxMsgs: -1, expiresMs: -1 } }, { now: () => now });
    c.recordReply('r');
    now = 1e9;
    for (let i = 0; i < 100; i++) assert.ok(c.canPublish('r'));
  });

  it('does not track replies the client may publish to anyway, and bounds the grants', () => {
    const c = new PermissionChecker(
      { publish: { allow: ['_INBOX.>'] }, response: { maxMsgs: 1, expiresMs: 1000 } },
      { maxReplies: 10 },
    );
    c.recordReply('_INBOX.x');
    assert.equal(c.pendingReplies, 0);
    for (let i = 0; i < 100; i++) c.recordReply(`reply.${i}`);
    assert.ok(c.pendingReplies <= 10);
    assert.ok(c.canPublish('reply.99'));
    assert.ok(!c.canPublish('reply.0'));
  });

  it('ignores recordReply without response permissions', () => {
    const c = new PermissionChecker({ publish: { allow: ['a'] } });
    c.recordReply('r');
    assert.ok(!c.canPublish('r'));
  });
});

describe('permission error texts', () => {
  it('match nats-server client.go', () => {
    assert.equal(pubPermissionViolation('foo.bar'), 'Permissions Violation for Publish to "foo.bar"');
    assert.equal(subPermissionViolation('foo.>'), 'Permissions Violation for Subscription to "foo.>"');
    assert.equal(
      subPermissionViolation('foo.>', 'q1'),
      'Permissions Violation for Subscription to "foo.>" using queue "q1"',
    );
    assert.equal(
      replyPermissionViolation('$GNR.x'),
      'Permissions Violation for Publish with Reply of "$GNR.x"',
    );
  });
});
