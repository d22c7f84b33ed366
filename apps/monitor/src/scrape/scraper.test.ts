import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startServer } from '@tern/broker';
import { freePort, startNatsServer } from '../test-support/nats.js';
import { Scraper, type VarzSample } from './scraper.js';

// The same behaviour against Debian's nats-server and Tern's broker.
const servers = [
  {
    name: 'nats-server',
    start: async () => {
      const s = await startNatsServer();
      return { monitorUrl: s.monitorUrl, stop: s.stop };
    },
  },
  {
    name: 'tern broker',
    start: async () => {
      const s = await startServer({ host: '127.0.0.1', port: -1, httpPort: -1 });
      return { monitorUrl: `http://127.0.0.1:${s.httpPort}`, stop: () => s.close() };
    },
  },
];

for (const kind of servers) {
  test(`scrapes /varz of ${kind.name}, emits samples, and marks it down with the reason once stopped`, async () => {
    const server = await kind.start();
    const scraper = new Scraper({ intervalMs: 60_000, timeoutMs: 1000 });
    try {
      const samples: VarzSample[] = [];
      scraper.on('sample', (s) => samples.push(s));
      scraper.setTarget({ id: 't', name: 'x', monitorUrls: [server.monitorUrl], embedded: false });
      assert.equal(scraper.summaries()[0]?.status, 'unknown');
      await scraper.scrapeNow('t');
      const [up] = scraper.summaries();
      assert.equal(up?.status, 'up');
      assert.ok(up?.version && up.serverId);
      assert.equal(typeof up?.connections, 'number');
      assert.equal(samples.length, 1);
      assert.equal(samples[0]?.varz.server_id, up?.serverId);

      await server.stop();
      await scraper.scrapeNow('t');
      const [down] = scraper.summaries();
      assert.equal(down?.status, 'down');
      assert.equal(down?.error, 'connection refused');
      assert.equal(down?.version, up?.version, 'last known numbers are kept');
      assert.equal(scraper.states()[0]?.failures, 1);
    } finally {
      await scraper.stop();
      await server.stop();
    }
  });
}

describe('a server that never answers', () => {
  let hang: Server;
  let hangUrl: string;
  before(async () => {
    hang = createServer(() => {
      // never respond
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;
  });
  after(async () => {
    hang.closeAllConnections();
    await new Promise((resolve) => hang.close(resolve));
  });

  test('times out with a reason and does not hold up other targets', async () => {
    const nats = await startNatsServer();
    const scraper = new Scraper({ intervalMs: 60_000, timeoutMs: 300 });
    try {
      scraper.setTarget({ id: 'hang', name: 'hang', monitorUrls: [hangUrl], embedded: false });
      scraper.setTarget({ id: 'ok', name: 'ok', monitorUrls: [nats.monitorUrl], embedded: false });
      const hanging = scraper.scrapeNow('hang');
      await scraper.scrapeNow('ok');
      assert.equal(scraper.summaries().find((s) => s.targetId === 'ok')?.status, 'up');
      assert.equal(
        scraper.summaries().find((s) => s.targetId === 'hang')?.status,
        'unknown',
        'still in flight',
      );
      await hanging;
      const h = scraper.summaries().find((s) => s.targetId === 'hang');
      assert.equal(h?.status, 'down');
      assert.equal(h?.error, 'no answer within 300 ms');
    } finally {
      await scraper.stop();
      await nats.stop();
    }
  });

  test('a non-NATS HTTP server is reported as such', async () => {
    const other = createServer((_req, res) => res.end('<html></html>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const scraper = new Scraper({ intervalMs: 60_000, timeoutMs: 1000 });
    try {
      scraper.setTarget({
        id: 'x',
        name: 'x',
        monitorUrls: [
          `http://127.0.0.1:${(other.address() as { port: number }).port}`,
          `http://127.0.0.1:${await freePort()}`,
        ],
        embedded: false,
      });
      await scraper.scrapeNow();
      const [html, refused] = scraper.summaries();
      assert.equal(html?.status, 'down');
      assert.match(html?.error ?? '', /not JSON/);
      assert.equal(refused?.error, 'connection refused');
    } finally {
      await scraper.stop();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

test('/jsz is fetched every jszEveryMs and carried over in between, marked as not fresh', async () => {
  const nats = await startNatsServer({ args: ['-js'] });
  const scraper = new Scraper({ intervalMs: 60_000, timeoutMs: 2000, jszEveryMs: 600_000 });
  try {
    const samples: VarzSample[] = [];
    scraper.on('sample', (s) => samples.push(s));
    scraper.setTarget({ id: 't', name: 'x', monitorUrls: [nats.monitorUrl], embedded: false });
    await scraper.scrapeNow('t');
    await scraper.scrapeNow('t');
    assert.deepEqual(
      samples.map((s) => s.jszFresh),
      [true, false],
    );
    assert.ok(samples[1]?.snapshot.jsz, 'the last /jsz is carried over');
    assert.equal(samples[1]?.snapshot.jsz, samples[0]?.snapshot.jsz);
    assert.ok(samples[1]?.snapshot.connz, 'everything else is fetched every time');
  } finally {
    await scraper.stop();
    await nats.stop();
  }
});

test('/jsz of a server with many streams and consumers is fetched less often unless jszEveryMs is set', async () => {
  // A monitoring endpoint reporting 3 streams and 4 consumers; everything but /varz and /jsz is missing.
  const fake = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/varz') res.end(JSON.stringify({ server_id: 'S' }));
    else if (path === '/jsz') res.end(JSON.stringify({ streams: 3, consumers: 4, account_details: [] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  const fresh = async (opts: { jszEntitiesPerScrape: number; jszEveryMs?: number }) => {
    // Scrapes 120 ms apart at a 100 ms interval: /jsz is due each time unless the server is big.
    const scraper = new Scraper({ intervalMs: 100, timeoutMs: 2000, ...opts });
    const seen: boolean[] = [];
    scraper.on('sample', (s) => seen.push(s.jszFresh));
    scraper.setTarget({ id: 't', name: 'x', monitorUrls: [url], embedded: false });
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 120));
      await scraper.scrapeNow('t');
    }
    await scraper.stop();
    return seen;
  };
  try {
    assert.deepEqual(await fresh({ jszEntitiesPerScrape: 10 }), [true, true, true]);
    // 7 streams and consumers at 1 per scrape: one /jsz every 7 intervals.
    assert.deepEqual(await fresh({ jszEntitiesPerScrape: 1 }), [true, false, false]);
    assert.deepEqual(await fresh({ jszEntitiesPerScrape: 1, jszEveryMs: 100 }), [true, true, true]);
  } finally {
    await new Promise((r) => fake.close(r));
  }
});

test('/subsz of a server with many subscriptions is fetched less often and carried over in between', async () => {
  // A monitoring endpoint listing 50 subscriptions; everything but /varz and /subsz is missing.
  const subs = Array.from({ length: 50 }, (_, i) => ({
    account: '$G',
    subject: `s.${i}`,
    sid: `${i}`,
    msgs: i,
  }));
  const fake = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/varz') res.end(JSON.stringify({ server_id: 'S' }));
    else if (path === '/subsz') res.end(JSON.stringify({ num_subscriptions: 50, subscriptions_list: subs }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  const scrape = async (subszEntriesPerScrape: number) => {
    // Scrapes 120 ms apart at a 100 ms interval: /subsz is due each time unless the server is big.
    const scraper = new Scraper({ intervalMs: 100, timeoutMs: 2000, subszEntriesPerScrape });
    const samples: VarzSample[] = [];
    scraper.on('sample', (s) => samples.push(s));
    scraper.setTarget({ id: 't', name: 'x', monitorUrls: [url], embedded: false });
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 120));
      await scraper.scrapeNow('t');
    }
    await scraper.stop();
    return samples;
  };
  try {
    const small = await scrape(100);
    assert.deepEqual(
      small.map((s) => s.subszFresh),
      [true, true, true],
    );
    // 50 subscriptions at 1 per scrape: one /subsz every 50 intervals.
    const big = await scrape(1);
    assert.deepEqual(
      big.map((s) => s.subszFresh),
      [true, false, false],
    );
    assert.equal(big[2]?.snapshot.subsz, big[0]?.snapshot.subsz, 'the last /subsz is carried over');
    assert.equal(big[2]?.snapshot.subsz?.subscriptions_list?.length, 50);
  } finally {
    await new Promise((r) => fake.close(r));
  }
});
