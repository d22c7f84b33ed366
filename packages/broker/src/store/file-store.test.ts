import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runStoreConformance } from './conformance.js';
import { FileStore, type FileStoreOptions, fileStoreMsgSize } from './file-store.js';
import { UNLIMITED } from './indexed-store.js';
import type { StoreLimits } from './types.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-fs-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => path.join(root, `s${++n}`);

runStoreConformance(
  'FileStore',
  (limits) => FileStore.open(freshDir(), limits, { fsync: 'never', blockSize: 4096 }),
  { msgSize: fileStoreMsgSize },
);
runStoreConformance(
  'FileStore (batched writes, tiny cache)',
  (limits) => FileStore.open(freshDir(), limits, { fsync: 'never', batchWrites: true, cacheSize: 2 }),
  { msgSize: fileStoreMsgSize },
);

const enc = (s: string): Buffer => Buffer.from(s);
const HDR = enc('NATS/1.0\r\nA: b\r\n\r\n');

function lim(over: Partial<StoreLimits> = {}): StoreLimits {
  return { ...UNLIMITED, ...over };
}

async function open(dir: string, over: Partial<StoreLimits> = {}, opts: FileStoreOptions = {}) {
  const warnings: string[] = [];
  const s = await FileStore.open(dir, lim(over), {
    fsync: 'never',
    blockSize: 4096,
    onWarning: (w) => warnings.push(w),
    ...opts,
  });
  return { s, warnings };
}

function snapshot(s: FileStore) {
  const st = s.state();
  const msgs = [];
  for (let m = s.next(0); m !== undefined; m = s.next(m.seq + 1)) {
    msgs.push({
      seq: m.seq,
      subject: m.subject,
      headers: m.headers === undefined ? undefined : Buffer.from(m.headers).toString(),
      data: Buffer.from(m.data).toString(),
      time: m.time,
    });
  }
  return { st, msgs, subjects: [...s.subjects()].sort() };
}

function filesContain(dir: string, needle: string): boolean {
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  return walk(dir).some((f) => fs.readFileSync(f).includes(needle));
}

const lastBlock = (dir: string): string => {
  const names = fs.readdirSync(path.join(dir, 'blk')).sort();
  return path.join(dir, 'blk', names.at(-1)!);
};

describe('FileStore: durability', () => {
  test('reopen recovers messages, headers, deletes, purges and subjects', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    for (let i = 0; i < 300; i++)
      s.append(`o.${i % 5}`, i % 3 === 0 ? HDR : undefined, enc(`m-${i}-${'x'.repeat(i % 40)}`));
    s.remove(10);
    s.remove(200);
    s.purge({ filter: 'o.4', keep: 3 });
    s.purge({ upToSeq: 5 });
    const before = snapshot(s);
    assert.ok(s.blockFiles().length > 1);
    await s.close();
    const { s: r, warnings } = await open(dir);
    assert.deepEqual(snapshot(r), before);
    assert.deepEqual(warnings, []);
    assert.equal(r.append('o.1', undefined, enc('next')).seq, 301);
    await r.close();
  });

  test('skipped sequences survive reopen, with and without a clean close', async () => {
    for (const clean of [true, false]) {
      const dir = freshDir();
      const { s } = await open(dir);
      s.append('a', undefined, enc('1'));
      s.skipTo(6);
      s.append('a', undefined, enc('7'));
      s.skipTo(9);
      const before = snapshot(s);
      if (clean) await s.close();
      else await s.flush();
      const { s: r } = await open(dir);
      assert.deepEqual(snapshot(r), before);
      assert.deepEqual([r.state().lastSeq, r.append('a', undefined, enc('10')).seq], [9, 10]);
      await r.close();
      if (!clean) await s.close();
    }
  });

  test('reopen without close: every returned append is there', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    for (let i = 0; i < 100; i++) s.append('a', undefined, enc(`${i}`));
    s.remove(50);
    const before = snapshot(s);
    // No flush, no close: the second instance reads what the first handed to the OS.
    const { s: r } = await open(dir);
    assert.deepEqual(snapshot(r), before);
    await r.close();
    await s.close();
  });

  test('removals implied by limits are derived again after a crash', async () => {
    const dir = freshDir();
    const { s } = await open(dir, { maxMsgs: 10, maxMsgsPerSubject: 2 });
    for (let i = 0; i < 100; i++) s.append(`k.${i % 4}`, undefined, enc(`${i}`));
    const before = snapshot(s);
    const { s: r } = await open(dir, { maxMsgs: 10, maxMsgsPerSubject: 2 });
    assert.deepEqual(snapshot(r), before);
    await r.close();
    await s.close();
  });

  test('tombstones survive reopen', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { blockSize: 1 << 20 });
    for (let i = 1; i <= 20; i++) s.append('t', undefined, enc(`${i}`));
    for (const q of [3, 7, 8, 20]) assert.equal(s.remove(q), true);
    await s.close();
    const { s: r } = await open(dir);
    for (const q of [3, 7, 8, 20]) assert.equal(r.get(q), undefined);
    const st = r.state();
    assert.equal(st.messages, 16);
    assert.equal(st.lastSeq, 20);
    assert.equal(st.numDeleted, 4);
    assert.equal(r.append('t', undefined, enc('21')).seq, 21);
    await r.close();
  });

  test('a torn tail is truncated and the intact prefix recovered', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { blockSize: 1 << 20 });
    for (let i = 1; i <= 50; i++) s.append('torn', undefined, enc(`message-${i}`));
    await s.close();
    const file = lastBlock(dir);
    const size = fs.statSync(file).size;
    // Cut the last record in half, then add garbage as a half-finished write would.
    fs.truncateSync(file, size - 10);
    fs.appendFileSync(file, Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7]));
    const { s: r, warnings } = await open(dir);
    const st = r.state();
    assert.equal(st.messages, 49);
    assert.equal(st.lastSeq, 49);
    assert.equal(Buffer.from(r.get(49)!.data).toString(), 'message-49');
    // The block is now shorter than the index snapshot says, so the blocks are scanned.
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^index snapshot .*0000000001\.blk.*; rebuilding the index from 1 block/);
    assert.match(warnings[1]!, /truncated/);
    assert.equal(r.append('torn', undefined, enc('again')).seq, 50);
    await r.close();
    const { s: r2, warnings: w2 } = await open(dir);
    assert.equal(Buffer.from(r2.get(50)!.data).toString(), 'again');
    assert.deepEqual(w2, []);
    await r2.close();
  });

  test('a corrupt record in the middle is skipped, not a reason to lose the rest', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { blockSize: 1 << 20 });
    for (let i = 1; i <= 10; i++) s.append('c', undefined, enc(`payload-${i}-abcdefgh`));
    await s.close();
    const file = lastBlock(dir);
    const buf = fs.readFileSync(file);
    const at = buf.indexOf('payload-5-');
    buf[at + 3] = buf[at + 3]! ^ 0xff;
    fs.writeFileSync(file, buf);
    const { s: r, warnings } = await open(dir);
    assert.equal(r.get(5), undefined);
    assert.equal(r.state().messages, 9);
    assert.equal(Buffer.from(r.get(10)!.data).toString(), 'payload-10-abcdefgh');
    assert.match(warnings.join('\n'), /corrupt/);
    await r.close();
  });

  test('erase overwrites the payload bytes on disk; plain remove does not', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { blockSize: 1 << 20 });
    s.append('e', HDR, enc('keep-me-around'));
    s.append('e.secret', enc('NATS/1.0\r\nS: hdr-secret\r\n\r\n'), enc('TOP-SECRET-PAYLOAD'));
    s.append('e', undefined, enc('removed-not-erased'));
    s.append('e', undefined, enc('last-one'));
    assert.equal(s.remove(2, true), true);
    assert.equal(s.remove(3), true);
    assert.equal(s.remove(4, true), true);
    await s.flush();
    assert.equal(filesContain(dir, 'TOP-SECRET-PAYLOAD'), false);
    assert.equal(filesContain(dir, 'hdr-secret'), false);
    assert.equal(filesContain(dir, 'e.secret'), false);
    assert.equal(filesContain(dir, 'last-one'), false);
    assert.equal(filesContain(dir, 'removed-not-erased'), true);
    await s.close();
    const { s: r, warnings } = await open(dir);
    assert.deepEqual(warnings, []);
    assert.equal(r.get(2), undefined);
    assert.equal(r.state().lastSeq, 4);
    assert.equal(r.state().messages, 1);
    assert.equal(Buffer.from(r.get(1)!.data).toString(), 'keep-me-around');
    assert.equal(r.append('e', undefined, enc('5')).seq, 5);
    await r.close();
  });

  test('consumer state survives reopen; a stray temp file is ignored', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    s.saveConsumerState('durable-1', enc('{"ack_floor":7}'));
    s.saveConsumerState('odd/name.with dots', enc('x'));
    s.saveConsumerState('gone', enc('y'));
    s.removeConsumerState('gone');
    await s.close();
    fs.writeFileSync(path.join(dir, 'consumers', 'durable-1.cs.tmp'), 'half-written');
    fs.writeFileSync(path.join(dir, 'consumers', 'broken.cs'), 'not a state file');
    const { s: r, warnings } = await open(dir);
    const states = r.loadConsumerStates();
    assert.deepEqual([...states.keys()].sort(), ['durable-1', 'odd/name.with dots']);
    assert.equal(Buffer.from(states.get('durable-1')!).toString(), '{"ack_floor":7}');
    assert.match(warnings.join(), /broken\.cs/);
    await r.close();
  });

  test('blocks roll over and are removed once nothing in them is alive', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { blockSize: 4096 });
    const body = 'b'.repeat(100);
    for (let i = 0; i < 400; i++) s.append(`r.${i % 3}`, undefined, enc(body));
    const blocks = s.blockFiles().length;
    assert.ok(blocks >= 10, `expected many blocks, got ${blocks}`);
    s.purge({ upToSeq: 300 });
    const after300 = s.blockFiles().length;
    assert.ok(after300 < blocks / 2, `purge should drop blocks (${blocks} -> ${after300})`);
    for (const f of s.blockFiles()) assert.ok(fs.existsSync(f));
    assert.equal(fs.readdirSync(path.join(dir, 'blk')).length, after300);
    s.purge();
    assert.equal(s.blockFiles().length, 1);
    assert.equal(fs.readdirSync(path.join(dir, 'blk')).length, 1);
    await s.close();
    const { s: r } = await open(dir);
    const st = r.state();
    assert.equal(st.messages, 0);
    assert.equal(st.lastSeq, 400);
    assert.equal(st.firstSeq, 401);
    assert.equal(r.append('r.0', undefined, enc('x')).seq, 401);
    await r.close();
  });

  test('max_msgs drains old blocks as it goes', async () => {
    const dir = freshDir();
    const { s } = await open(dir, { maxMsgs: 20 }, { blockSize: 4096 });
    for (let i = 0; i < 2000; i++) {
      s.append('w', undefined, enc('z'.repeat(100)));
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await s.flush();
    assert.ok(s.blockFiles().length <= 3, `blocks: ${s.blockFiles().length}`);
    await s.close();
    const { s: r } = await open(dir, { maxMsgs: 20 });
    assert.equal(r.state().messages, 20);
    assert.equal(r.state().firstSeq, 1981);
    await r.close();
  });

  test('fsync always: appends, removals and erase survive reopen', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { fsync: 'always' });
    for (let i = 1; i <= 30; i++) s.append(`f.${i % 2}`, undefined, enc(`v${i}`));
    s.remove(4);
    s.remove(5, true);
    s.saveConsumerState('c', enc('state'));
    const before = snapshot(s);
    const { s: r } = await open(dir);
    assert.deepEqual(snapshot(r), before);
    assert.equal(Buffer.from(r.loadConsumerStates().get('c')!).toString(), 'state');
    await r.close();
    await s.close();
  });

  for (const batch of [false, true]) {
    test(`SIGKILL mid-writes loses nothing acknowledged${batch ? ' after a flush (batched writes)' : ''}`, async () => {
      const dir = freshDir();
      const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
      const acked = new Map<number, string>();
      const deleted = new Set<number>();
      let flushedUpTo = 0;
      for (let round = 0; round < 3; round++) {
        const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, batch ? '1' : '0'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        let roundAcks = 0;
        await new Promise<void>((resolve) => {
          proc.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const lines = out.split('\n');
            out = lines.pop()!;
            for (const line of lines) {
              const [kind, v] = line.split(' ');
              const q = Number(v);
              if (kind === 'A') {
                acked.set(q, `payload-${String(q).padStart(8, '0')}`);
                roundAcks++;
              } else if (kind === 'D') deleted.add(q);
              else if (kind === 'F') flushedUpTo = Math.max(flushedUpTo, q);
            }
            if (roundAcks > 3000 + round * 1000) proc.kill('SIGKILL');
          });
          proc.on('exit', () => resolve());
        });
        const { s, warnings } = await open(dir, {}, { blockSize: 64 * 1024 });
        const st = s.state();
        let lastAck = 0;
        for (const q of acked.keys()) if (q > lastAck) lastAck = q;
        const mustHave = batch ? flushedUpTo : lastAck;
        assert.ok(st.lastSeq >= mustHave, `lastSeq ${st.lastSeq} < ${mustHave} after round ${round}`);
        // Sequences are never reused: the next child continues after what survived.
        for (const q of [...acked.keys()]) if (q > st.lastSeq) acked.delete(q);
        let removed = 0;
        for (let q = 1; q <= st.lastSeq; q++) {
          const m = s.get(q);
          if (deleted.has(q)) {
            assert.equal(m, undefined, `deleted ${q} came back after round ${round}`);
            removed++;
            continue;
          }
          // The child removes seq - 3 after every 11th append and reports it before its next append,
          // so a removal can be unreported only when no later append was reported.
          if ((q + 3) % 11 === 0 && m === undefined && q + 3 >= lastAck) {
            deleted.add(q);
            removed++;
            continue;
          }
          assert.ok(m, `message ${q} missing after round ${round}`);
          assert.equal(Buffer.from(m.data).toString(), `payload-${String(q).padStart(8, '0')}`);
        }
        assert.equal(removed, deleted.size);
        assert.equal(st.messages, st.lastSeq - removed);
        assert.ok(
          warnings.every((w) => /truncated|index snapshot is missing/.test(w)),
          warnings.join('\n'),
        );
        await s.close();
      }
    });
  }
});

/** Everything a reader can observe, including per-subject and wildcard views. */
function fullState(s: FileStore) {
  const base = snapshot(s);
  const mid = Math.floor(base.st.lastSeq / 2);
  return {
    ...base,
    perSubject: base.subjects.map(([subject, count]) => ({
      subject,
      count,
      first: s.next(0, subject)?.seq,
      fromMid: s.next(mid, subject)?.seq,
      last: s.last(subject)?.seq,
      pendingMid: s.numPending(mid, subject),
    })),
    wildcard: {
      next: s.next(mid, 'o.*')?.seq,
      last: s.last('o.>')?.seq,
      pending: s.numPending(mid, 'o.*'),
      lastPerSubject: s.numPending(0, undefined, true),
    },
    blocks: s.blockFiles().map((f) => path.basename(f)),
  };
}

function workload(s: FileStore, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    s.append(`o.${i % 7}`, i % 3 === 0 ? HDR : undefined, enc(`m-${i}-${'y'.repeat(i % 50)}`));
  }
}

const snapFile = (dir: string): string => path.join(dir, 'index.snap');

describe('FileStore: index snapshot', () => {
  test('a restart from the snapshot sees exactly what a full scan sees', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    workload(s, 0, 600);
    s.remove(10);
    s.remove(250, true);
    s.remove(599);
    s.purge({ filter: 'o.4', keep: 5 });
    s.purge({ upToSeq: 100 });
    workload(s, 600, 700);
    const before = fullState(s);
    assert.ok(before.blocks.length > 5 && before.blocks[0] !== '0000000001.blk', before.blocks.join());
    await s.close();
    assert.ok(fs.existsSync(snapFile(dir)));

    const { s: fromSnap, warnings } = await open(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(fullState(fromSnap), before);
    await fromSnap.close();

    fs.rmSync(snapFile(dir));
    const { s: scanned, warnings: w2 } = await open(dir);
    assert.match(w2.join('\n'), /index snapshot is missing .*; rebuilding the index from \d+ block/);
    assert.deepEqual(fullState(scanned), before);
    assert.equal(scanned.append('o.1', undefined, enc('next')).seq, 701);
    await scanned.close();
  });

  test('after purging everything the sequence continues from the snapshot', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    workload(s, 0, 200);
    s.purge();
    await s.close();
    const { s: r, warnings } = await open(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(r.state(), { ...r.state(), messages: 0, firstSeq: 201, lastSeq: 200, numSubjects: 0 });
    assert.equal(r.append('o.1', undefined, enc('x')).seq, 201);
    await r.close();
  });

  test('a crash after the snapshot: appends, removals, erases and dropped blocks are replayed', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    workload(s, 0, 300);
    assert.equal(s.saveIndex(), true);
    workload(s, 300, 500);
    s.remove(320);
    s.remove(330, true);
    s.remove(100, true);
    s.purge({ filter: 'o.2' });
    s.purge({ upToSeq: 200 });
    const before = fullState(s);
    // No close: the second instance sees only the old snapshot and what the first wrote since.
    const { s: r, warnings } = await open(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(fullState(r), before);
    await r.close();
    await s.close();
  });

  test('a crash after the snapshot with max_msgs: blocks dropped since are accounted for', async () => {
    const dir = freshDir();
    const { s } = await open(dir, { maxMsgs: 150 });
    workload(s, 0, 300);
    await s.flush();
    assert.equal(s.saveIndex(), true);
    for (let i = 300; i < 900; i += 50) {
      workload(s, i, i + 50);
      await new Promise((r) => setImmediate(r));
    }
    await s.flush();
    const before = fullState(s);
    const { s: r, warnings } = await open(dir, { maxMsgs: 150 });
    assert.deepEqual(warnings, []);
    assert.deepEqual(fullState(r), before);
    await r.close();
    await s.close();
  });

  for (const fsync of ['never', 'interval'] as const) {
    test(`the timer writes a snapshot once enough was appended (fsync ${fsync})`, async () => {
      const dir = freshDir();
      const { s } = await open(dir, {}, { snapshotIntervalMs: 5, fsync });
      workload(s, 0, 300);
      for (let i = 0; i < 500 && !fs.existsSync(snapFile(dir)); i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.ok(fs.existsSync(snapFile(dir)));
      workload(s, 300, 320);
      const before = fullState(s);
      const { s: r, warnings } = await open(dir);
      assert.deepEqual(warnings, []);
      assert.deepEqual(fullState(r), before);
      await r.close();
      await s.close();
    });
  }

  test('an erase after the snapshot whose tombstone was lost still hides the message', async () => {
    const dir = freshDir();
    const { s } = await open(dir, {}, { blockSize: 1 << 20 });
    workload(s, 0, 20);
    assert.equal(s.saveIndex(), true);
    assert.equal(s.remove(5, true), true);
    // Cut the tombstone the removal appended: only the erased record in covered bytes remains.
    const f = lastBlock(dir);
    fs.truncateSync(f, fs.statSync(f).size - 40);
    const { s: r, warnings } = await open(dir);
    assert.deepEqual(warnings, []);
    assert.equal(r.get(5), undefined);
    const fromSnap = fullState(r);
    assert.equal(fromSnap.st.messages, 19);
    await r.close();
    fs.rmSync(snapFile(dir));
    const { s: scanned } = await open(dir);
    assert.deepEqual(fullState(scanned), fromSnap);
    await scanned.close();
    await s.close();
  });

  test('an older snapshot put back still yields the current state', async () => {
    const dir = freshDir();
    const { s } = await open(dir);
    workload(s, 0, 300);
    await s.close();
    const old = fs.readFileSync(snapFile(dir));
    const { s: s2 } = await open(dir);
    workload(s2, 300, 450);
    s2.remove(260, true);
    s2.purge({ upToSeq: 150 });
    const before = fullState(s2);
    await s2.close();
    fs.writeFileSync(snapFile(dir), old);
    const { s: r } = await open(dir);
    assert.deepEqual(fullState(r), before);
    await r.close();
  });

  const breakers: [string, RegExp, (dir: string, other: string) => void][] = [
    [
      'a corrupt snapshot',
      /fails its checksum/,
      (dir) => {
        const buf = fs.readFileSync(snapFile(dir));
        buf[buf.length - 100] = buf[buf.length - 100]! ^ 0x10;
        fs.writeFileSync(snapFile(dir), buf);
      },
    ],
    [
      'a truncated snapshot',
      /is \d+ bytes, expected \d+/,
      (dir) => fs.truncateSync(snapFile(dir), fs.statSync(snapFile(dir)).size - 8),
    ],
    [
      'a snapshot of another store',
      /does not match the first record/,
      (dir, other) => {
        fs.copyFileSync(snapFile(other), snapFile(dir));
      },
    ],
    [
      'a block shorter than the snapshot says',
      /covers \d+ bytes of \d+\.blk, which has \d+/,
      (dir) => {
        const f = lastBlock(dir);
        // Cut exactly the last (tombstone) record: the block is still whole, just shorter.
        fs.truncateSync(f, fs.statSync(f).size - 40);
      },
    ],
    [
      'a block the snapshot does not know',
      /does not know 0000000001\.blk/,
      (dir) => fs.copyFileSync(path.join(dir, 'first.copy'), path.join(dir, 'blk', '0000000001.blk')),
    ],
    [
      'a listed block gone while it held messages',
      /lists 0000000003\.blk, which is gone but held live messages/,
      (dir) => fs.rmSync(path.join(dir, 'blk', '0000000003.blk')),
    ],
    [
      'a covered block changed in place',
      /does not match 0000000003\.blk, written since: bad record at offset/,
      (dir) => {
        const f = path.join(dir, 'blk', '0000000003.blk');
        const buf = fs.readFileSync(f);
        const at = buf.indexOf('m-');
        buf[at] = buf[at]! ^ 0xff;
        fs.writeFileSync(f, buf);
      },
    ],
  ];
  for (const [name, why, breakIt] of breakers) {
    test(`${name}: warns, scans the blocks and recovers the same state`, async () => {
      const other = freshDir();
      const { s: o } = await open(other);
      workload(o, 0, 200);
      await o.close();

      const dir = freshDir();
      const { s } = await open(dir);
      workload(s, 0, 200);
      fs.copyFileSync(path.join(dir, 'blk', '0000000001.blk'), path.join(dir, 'first.copy'));
      s.purge({ upToSeq: 100 });
      s.remove(150);
      const before = fullState(s);
      await s.close();
      assert.ok(!fs.existsSync(path.join(dir, 'blk', '0000000001.blk')));
      breakIt(dir, other);
      // What a scan of the same (broken) blocks without any snapshot recovers.
      const copy = freshDir();
      fs.cpSync(dir, copy, { recursive: true });
      fs.rmSync(snapFile(copy));
      const { s: scan } = await open(copy);
      const scanned = fullState(scan);
      await scan.destroy();

      const { s: r, warnings } = await open(dir);
      assert.match(warnings[0] ?? '', /^index snapshot .*; rebuilding the index from \d+ block/);
      assert.match(warnings[0]!, why);
      const after = fullState(r);
      assert.deepEqual({ ...after, blocks: [] }, { ...scanned, blocks: [] });
      if (name.includes('changed in place')) {
        assert.match(warnings.join('\n'), /skipped a corrupt record/);
        assert.equal(after.st.messages, before.st.messages - 1);
      } else if (name.includes('shorter')) {
        // The cut tombstone: message 150 is back.
        assert.equal(after.st.messages, before.st.messages + 1);
      } else if (name.includes('gone')) {
        assert.ok(after.st.messages < before.st.messages);
      } else {
        assert.deepEqual(after, before);
      }
      await r.close();
      const { s: again, warnings: w2 } = await open(dir);
      assert.deepEqual(w2, []);
      assert.deepEqual(fullState(again), after);
      await again.close();
    });
  }
});
