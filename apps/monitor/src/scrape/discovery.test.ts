import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guessMonitorUrls } from './discovery.js';
import type { EndpointState } from './scraper.js';

const state = (
  monitorUrl: string,
  varz: Record<string, unknown>,
  routes: { ip: string }[] = [],
): EndpointState =>
  ({
    target: { id: 't', name: 't', monitorUrls: [monitorUrl], embedded: false },
    monitorUrl,
    status: 'up',
    failures: 0,
    partialErrors: [],
    discovered: false,
    snapshot: {
      varz: { server_id: 'A', ...varz },
      routez: { routes: routes.map((r, i) => ({ rid: i, remote_id: `R${i}`, ...r })) },
    },
  }) as EndpointState;

test('peers on the same host keep the client-to-monitoring port offset', () => {
  const s = state('http://127.0.0.1:8222', {
    port: 4222,
    connect_urls: ['127.0.0.1:4222', '127.0.0.1:4223', 'localhost:4224'],
  });
  assert.deepEqual(guessMonitorUrls(s), ['http://127.0.0.1:8223', 'http://127.0.0.1:8224']);
});

test('peers on other hosts are guessed on the same monitoring port, from connect_urls and route addresses', () => {
  const s = state('https://nats-0.example:8222', { port: 4222, connect_urls: ['10.0.0.2:4222'] }, [
    { ip: '10.0.0.3' },
  ]);
  assert.deepEqual(guessMonitorUrls(s), ['https://10.0.0.2:8222', 'https://10.0.0.3:8222']);
});

test('nothing is guessed before a successful scrape or from garbage', () => {
  assert.deepEqual(guessMonitorUrls({ ...state('http://x:1', {}), snapshot: undefined }), []);
  assert.deepEqual(
    guessMonitorUrls(state('http://127.0.0.1:8222', { port: 4222, connect_urls: ['::not a url'] })),
    [],
  );
});
