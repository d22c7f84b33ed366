import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createObservatory, OBSERVABILITY_DEFAULTS } from '../routes/observability.js';
import type { SubDetail } from '../scrape/bodies.js';
import { type EndpointState, Scraper, type VarzSample } from '../scrape/scraper.js';
import { subscriptionKey } from './observatory.js';

test('subscription rates span two fetches of /subsz, not a fetch and its carried-over copy', async () => {
  const scraper = new Scraper({ intervalMs: 2000, timeoutMs: 1000 });
  const obs = createObservatory(scraper, undefined, OBSERVABILITY_DEFAULTS);
  const target = { id: 't', name: 't', monitorUrls: ['http://m'], embedded: false };
  const state = { target, monitorUrl: 'http://m' } as EndpointState;
  const varz = { server_id: 'S', start: '2026-01-01T00:00:00Z' };
  const sub = (msgs: number): SubDetail => ({ account: '$G', subject: 'a.b', sid: '1', cid: 7, msgs });
  const key = subscriptionKey(sub(0));
  const sample = (t: number, subs: SubDetail[], subszFresh: boolean): VarzSample => ({
    targetId: 't',
    monitorUrl: 'http://m',
    time: new Date(t),
    varz,
    snapshot: { varz, subsz: { num_subscriptions: 1, subscriptions_list: subs } },
    jszFresh: true,
    subszFresh,
    discovered: false,
  });
  try {
    const first = [sub(0)];
    obs.ingest(sample(0, first, true));
    obs.ingest(sample(2_000, first, false));
    assert.equal(obs.subscriptionRate(state, key), null, 'one fetch has no rate');
    // 100 messages over the 10 s between the two fetches.
    obs.ingest(sample(10_000, [sub(100)], true));
    assert.equal(obs.subscriptionRate(state, key), 10);
    obs.ingest(sample(12_000, [sub(100)], false));
    assert.equal(obs.subscriptionRate(state, key), 10);
  } finally {
    await obs.stop();
  }
});
