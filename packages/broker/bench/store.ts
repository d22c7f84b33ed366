// Store micro-benchmark: appends/s of 128-byte messages into the memory and file stores, then a
// sequential read and a reopen (recovery) of the file store. Bounded: N messages (default 1M).
// Usage: node --import tsx bench/store.ts [N]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStore, type FileStoreOptions } from '../src/store/file-store.js';
import { UNLIMITED } from '../src/store/indexed-store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { StreamStore } from '../src/store/types.js';

const N = Number(process.argv[2] ?? 1_000_000);
const payload = Buffer.alloc(128, 0x61);
const subjects = Array.from({ length: 16 }, (_, i) => `bench.orders.${i}`);

function rate(n: number, t0: bigint): number {
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function fill(s: StreamStore): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) s.append(subjects[i & 15]!, undefined, payload);
  return rate(N, t0);
}

function readAll(s: StreamStore): number {
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let q = 1; q <= N; q++) if (s.get(q) !== undefined) n++;
  if (n !== N) throw new Error(`read ${n} of ${N}`);
  return rate(N, t0);
}

const fmt = (x: number): string => `${Math.round(x).toLocaleString('en-US')}/s`;
const rows: [string, string][] = [];

const mem = new MemoryStore(UNLIMITED);
const memRate = fill(mem);
rows.push(['memory  append', fmt(memRate)]);
rows.push(['memory  get (sequential)', fmt(readAll(mem))]);
await mem.destroy();

const variants: [string, FileStoreOptions][] = [
  ['file    append (write per append, fsync interval)', { fsync: 'interval' }],
  ['file    append (batched per tick, fsync interval)', { fsync: 'interval', batchWrites: true }],
];
let fileRate = 0;
for (const [label, opts] of variants) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-bench-'));
  try {
    const s = await FileStore.open(dir, UNLIMITED, opts);
    const r = fill(s);
    fileRate ||= r;
    await s.flush();
    rows.push([label, fmt(r)]);
    if (opts.batchWrites) {
      await s.close();
      const t0 = process.hrtime.bigint();
      const re = await FileStore.open(dir, UNLIMITED, opts);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      rows.push([`file    reopen with ${N.toLocaleString('en-US')} messages`, `${Math.round(ms)} ms`]);
      rows.push(['file    get (sequential, cold cache)', fmt(readAll(re))]);
      await re.destroy();
    } else {
      await s.destroy();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${N.toLocaleString('en-US')} x 128 B, 16 subjects`);
for (const [k, v] of rows) console.log(`${k.padEnd(52)} ${v}`);
console.log(`file/memory append ratio (write per append): ${(fileRate / memRate).toFixed(2)}`);
