// A torn tail or a corrupted record in a stream's block file is detected on restart, logged, and
// recovered from: the server starts, the intact messages are served, publishing continues.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type Logger, startServer } from '../index.js';
import { removeDir } from './testing.js';

function captureLogger(lines: string[]): Logger {
  const push = (lvl: string) => (m: string) => {
    lines.push(`${lvl} ${m}`);
  };
  return {
    info: push('INF'),
    warn: push('WRN'),
    error: push('ERR'),
    fatal: push('FTL'),
    debug: () => {},
    trace: () => {},
    debugEnabled: false,
    traceEnabled: false,
  };
}

async function withServer<T>(storeDir: string, lines: string[], fn: (url: string) => Promise<T>): Promise<T> {
  const h = await startServer({
    host: '127.0.0.1',
    port: -1,
    jetstream: true,
    storeDir,
    logger: captureLogger(lines),
  });
  try {
    return await fn(`127.0.0.1:${h.port}`);
  } finally {
    await h.close();
  }
}

function blockFiles(storeDir: string): string[] {
  const dir = join(storeDir, '%24G', 'streams', 'TORN', 'msgs', 'blk');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.blk'))
    .sort()
    .map((f) => join(dir, f));
}

describe('jetstream file store recovery', () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'tern-torn-'));
  after(() => removeDir(storeDir));

  it('truncates a torn tail, skips a corrupt record, logs both, keeps serving', async () => {
    const lines: string[] = [];
    await withServer(storeDir, lines, async (url) => {
      const nc = await connect({ servers: url });
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      await jsm.streams.add({ name: 'TORN', subjects: ['torn'] });
      for (let i = 1; i <= 10; i++) await js.publish('torn', `message-${i}`);
      await nc.close();
    });
    const [blk] = blockFiles(storeDir).slice(-1);
    assert.ok(blk);
    // A torn write: half of a record at the end.
    const size = statSync(blk).size;
    appendFileSync(blk, readFileSync(blk).subarray(0, 20));
    lines.length = 0;
    await withServer(storeDir, lines, async (url) => {
      const nc = await connect({ servers: url });
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const si = await jsm.streams.info('TORN');
      assert.deepEqual([si.state.messages, si.state.last_seq], [10, 10]);
      assert.equal((await js.publish('torn', 'after')).seq, 11);
      await nc.close();
    });
    assert.ok(
      lines.some((l) => l.startsWith('WRN') && /TORN/.test(l)),
      `a warning names the stream:\n${lines.join('\n')}`,
    );
    assert.ok(statSync(blk).size >= size);

    // A flipped byte inside the first record: the record fails its checksum.
    const buf = readFileSync(blk);
    buf[40] = (buf[40] ?? 0) ^ 0xff;
    writeFileSync(blk, buf);
    lines.length = 0;
    await withServer(storeDir, lines, async (url) => {
      const nc = await connect({ servers: url });
      const jsm = await jetstreamManager(nc);
      const si = await jsm.streams.info('TORN');
      assert.ok(
        si.state.messages >= 9 && si.state.messages <= 11,
        `messages after corruption: ${si.state.messages}`,
      );
      assert.equal(si.state.last_seq, 11);
      await nc.close();
    });
    assert.ok(
      lines.some((l) => l.startsWith('WRN') && /TORN/.test(l)),
      `a warning names the stream:\n${lines.join('\n')}`,
    );
  });
});
