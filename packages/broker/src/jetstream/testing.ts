// Test helpers for the JetStream suites: both servers with JetStream on, and JSON normalisation so
// responses from Tern and nats-server compare equal when only times and random names differ.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startNatsServer, startTern } from '../test-support/servers.js';

export interface JsTarget {
  name: 'tern' | 'nats-server';
  /** nats-server version the target behaves as (Tern advertises 2.9.10 by default). */
  version: string;
  start(storeDir?: string): Promise<RunningServer & { storeDir: string }>;
}

function tmpStore(): string {
  return mkdtempSync(join(tmpdir(), 'tern-js-'));
}

export const JS_TARGETS: JsTarget[] = [
  {
    name: 'tern',
    version: '2.9.10',
    async start(storeDir = tmpStore()) {
      const s = await startTern({}, { jetstream: true, storeDir });
      return Object.assign(s, { storeDir });
    },
  },
  {
    name: 'nats-server',
    version: '2.9.10',
    async start(storeDir = tmpStore()) {
      const s = await startNatsServer({}, ['-js', '-sd', storeDir]);
      return Object.assign(s, { storeDir });
    },
  },
];

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const TIME_KEYS = new Set([
  'created',
  'ts',
  'first_ts',
  'last_ts',
  'last_active',
  'time',
  'timestamp',
  'id',
  'server',
]);

/** Replaces times, ids and 8-char ephemeral names so two servers' JSON can be compared. */
export function normalize(v: unknown, names: Map<string, string> = new Map()): unknown {
  if (Array.isArray(v)) return v.map((x) => normalize(x, names));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (TIME_KEYS.has(k) && typeof x === 'string' && x !== '0001-01-01T00:00:00Z') o[k] = '<t>';
      else o[k] = normalize(x, names);
    }
    return o;
  }
  if (typeof v === 'string' && /^[A-Za-z0-9]{8}$/.test(v) && /[a-z]/.test(v) && /[A-Z0-9]/.test(v)) {
    if (!names.has(v)) names.set(v, `<eph${names.size}>`);
    return names.get(v);
  }
  return v;
}
