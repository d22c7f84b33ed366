// The behaviour every StreamStore must show, run against each implementation by its own test file.
// Semantics follow nats-server's memstore/filestore (limits, purge, pending, first/last sequences).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UNLIMITED } from './indexed-store.js';
import { subjectMatches } from './subject-match.js';
import { type StoredMessage, StoreError, type StoreLimits, type StreamStore } from './types.js';

export interface ConformanceOptions {
  /** The store's accounted size of one message (differs between memory and file, as in nats-server). */
  msgSize(slen: number, hlen: number, dlen: number): number;
}

/** Opens a fresh, empty store. Stores are closed (and may be destroyed) by the suite. */
export type StoreFactory = (limits: StoreLimits) => Promise<StreamStore>;

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const str = (u: Uint8Array | undefined): string | undefined =>
  u === undefined ? undefined : Buffer.from(u).toString();
const HDR = b('NATS/1.0\r\nX: 1\r\n\r\n');

function limits(over: Partial<StoreLimits> = {}): StoreLimits {
  return { ...UNLIMITED, ...over };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return undefined;
}

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Registers the shared behaviour suite for one store implementation. */
export function runStoreConformance(name: string, factory: StoreFactory, opts: ConformanceOptions): void {
  const size = (subject: string, hdr: Uint8Array | undefined, data: Uint8Array): number =>
    opts.msgSize(Buffer.byteLength(subject), hdr?.length ?? 0, data.length);

  async function withStore(
    over: Partial<StoreLimits>,
    fn: (s: StreamStore) => void | Promise<void>,
  ): Promise<void> {
    const s = await factory(limits(over));
    try {
      await fn(s);
    } finally {
      await s.destroy();
    }
  }

  describe(`${name}: StreamStore conformance`, () => {
    test('append assigns sequences and get returns what was stored', () =>
      withStore({}, (s) => {
        const a = s.append('foo', undefined, b('one'), 100n);
        const c = s.append('bar', HDR, b('two'), 200n);
        assert.deepEqual(a, { seq: 1, time: 100n });
        assert.deepEqual(c, { seq: 2, time: 200n });
        const m1 = s.get(1)!;
        assert.equal(m1.subject, 'foo');
        assert.equal(m1.headers, undefined);
        assert.equal(str(m1.data), 'one');
        assert.equal(m1.time, 100n);
        const m2 = s.get(2)!;
        assert.equal(m2.seq, 2);
        assert.equal(str(m2.headers), str(HDR));
        assert.equal(str(m2.data), 'two');
        assert.equal(s.get(3), undefined);
        assert.equal(s.get(0), undefined);
        const t = s.append('foo', undefined, new Uint8Array(0));
        assert.ok(t.time > 0n);
        assert.equal(s.get(3)!.data.length, 0);
      }));

    test('appended buffers are copied', () =>
      withStore({}, (s) => {
        const data = b('abc');
        s.append('foo', undefined, data);
        data[0] = 120;
        assert.equal(str(s.get(1)!.data), 'abc');
      }));

    test('state reports counts, nats-server byte sizes and first/last', () =>
      withStore({}, (s) => {
        assert.deepEqual(s.state(), {
          messages: 0,
          bytes: 0,
          firstSeq: 0,
          firstTime: 0n,
          lastSeq: 0,
          lastTime: 0n,
          numDeleted: 0,
          numSubjects: 0,
        });
        s.append('foo', undefined, b('hello'), 10n);
        s.append('foo.bar', HDR, b('world!'), 20n);
        s.append('foo', undefined, b(''), 30n);
        const st = s.state();
        assert.equal(st.messages, 3);
        assert.equal(
          st.bytes,
          size('foo', undefined, b('hello')) +
            size('foo.bar', HDR, b('world!')) +
            size('foo', undefined, b('')),
        );
        assert.equal(st.firstSeq, 1);
        assert.equal(st.firstTime, 10n);
        assert.equal(st.lastSeq, 3);
        assert.equal(st.lastTime, 30n);
        assert.equal(st.numSubjects, 2);
        assert.equal(st.numDeleted, 0);
      }));

    test('remove: interior deletes, first advances, empty store keeps lastSeq', () =>
      withStore({}, (s) => {
        for (let i = 1; i <= 5; i++) s.append(`s.${i}`, undefined, b(`m${i}`), BigInt(i));
        assert.equal(s.remove(3), true);
        assert.equal(s.remove(3), false);
        assert.equal(s.remove(99), false);
        assert.equal(s.get(3), undefined);
        let st = s.state();
        assert.equal(st.messages, 4);
        assert.equal(st.numDeleted, 1);
        assert.equal(st.numSubjects, 4);
        assert.equal(s.remove(1), true);
        assert.equal(s.remove(2, true), true);
        st = s.state();
        assert.equal(st.firstSeq, 4);
        assert.equal(st.firstTime, 4n);
        assert.equal(st.numDeleted, 0);
        s.remove(5);
        s.remove(4);
        st = s.state();
        assert.equal(st.messages, 0);
        assert.equal(st.bytes, 0);
        assert.equal(st.firstSeq, 6);
        assert.equal(st.lastSeq, 5);
        assert.equal(st.firstTime, 0n);
        assert.equal(st.numSubjects, 0);
        assert.equal(s.append('x', undefined, b('')).seq, 6);
        assert.equal(s.state().firstSeq, 6);
      }));

    test('next and last with literal, wildcard and empty filters', () =>
      withStore({}, (s) => {
        const subs = ['a.1', 'b.1', 'a.2', 'a.1', 'c.x.y', 'b.2'];
        for (const sub of subs) s.append(sub, undefined, b(sub));
        assert.equal(s.next(1)!.seq, 1);
        assert.equal(s.next(0, '')!.seq, 1);
        assert.equal(s.next(2, '>')!.seq, 2);
        assert.equal(s.next(2, 'a.1')!.seq, 4);
        assert.equal(s.next(5, 'a.1'), undefined);
        assert.equal(s.next(1, 'a.*')!.seq, 1);
        assert.equal(s.next(2, 'a.*')!.seq, 3);
        assert.equal(s.next(5, 'a.*'), undefined);
        assert.equal(s.next(1, 'c.>')!.seq, 5);
        assert.equal(s.next(1, '*.2')!.seq, 3);
        assert.equal(s.next(4, '*.2')!.seq, 6);
        assert.equal(s.next(1, 'nope'), undefined);
        assert.equal(s.next(7), undefined);
        s.remove(3);
        assert.equal(s.next(2, 'a.*')!.seq, 4);
        assert.equal(s.next(3)!.seq, 4);
        assert.equal(s.last('a.1')!.seq, 4);
        assert.equal(s.last('a.*')!.seq, 4);
        assert.equal(s.last('>')!.seq, 6);
        assert.equal(s.last('')!.seq, 6);
        assert.equal(s.last('*.*.*')!.seq, 5);
        assert.equal(s.last('zzz'), undefined);
        s.remove(6);
        assert.equal(s.last('>')!.seq, 5);
        assert.equal(s.last('b.*')!.seq, 2);
      }));

    test('subjects counts per subject with filters', () =>
      withStore({}, (s) => {
        for (const sub of ['a.1', 'a.1', 'a.2', 'b.1', 'a.x.y']) s.append(sub, undefined, b(''));
        assert.deepEqual(
          s.subjects(),
          new Map([
            ['a.1', 2],
            ['a.2', 1],
            ['b.1', 1],
            ['a.x.y', 1],
          ]),
        );
        assert.deepEqual(
          s.subjects('a.*'),
          new Map([
            ['a.1', 2],
            ['a.2', 1],
          ]),
        );
        assert.deepEqual(
          s.subjects('a.>'),
          new Map([
            ['a.1', 2],
            ['a.2', 1],
            ['a.x.y', 1],
          ]),
        );
        assert.deepEqual(s.subjects('b.1'), new Map([['b.1', 1]]));
        assert.deepEqual(s.subjects('c'), new Map());
        s.remove(4);
        assert.equal(s.subjects().has('b.1'), false);
      }));

    test('numPending with filters, deletes and last-per-subject', () =>
      withStore({}, (s) => {
        // seq: 1 a.1, 2 a.2, 3 b.1, 4 a.1, 5 a.2, 6 b.1, 7 a.1
        for (const sub of ['a.1', 'a.2', 'b.1', 'a.1', 'a.2', 'b.1', 'a.1']) s.append(sub, undefined, b(''));
        assert.equal(s.numPending(0), 7);
        assert.equal(s.numPending(1), 7);
        assert.equal(s.numPending(5), 3);
        assert.equal(s.numPending(8), 0);
        assert.equal(s.numPending(1, 'a.1'), 3);
        assert.equal(s.numPending(2, 'a.1'), 2);
        assert.equal(s.numPending(5, 'a.1'), 1);
        assert.equal(s.numPending(1, 'a.*'), 5);
        assert.equal(s.numPending(3, 'a.*'), 3);
        assert.equal(s.numPending(3, '*.1'), 4);
        assert.equal(s.numPending(1, '>', true), 3);
        assert.equal(s.numPending(6, '>', true), 2);
        assert.equal(s.numPending(1, 'a.*', true), 2);
        assert.equal(s.numPending(6, 'a.*', true), 1);
        assert.equal(s.numPending(1, 'b.1', true), 1);
        s.remove(4);
        s.remove(1);
        assert.equal(s.numPending(0), 5);
        assert.equal(s.numPending(3), 4);
        assert.equal(s.numPending(1, 'a.1'), 1);
        assert.equal(s.numPending(2, 'a.*'), 3);
      }));

    test('max_msgs with discard old drops the oldest', () =>
      withStore({ maxMsgs: 3 }, (s) => {
        for (let i = 0; i < 5; i++) s.append('foo', undefined, b(`${i}`));
        const st = s.state();
        assert.equal(st.messages, 3);
        assert.equal(st.firstSeq, 3);
        assert.equal(st.lastSeq, 5);
        assert.equal(s.get(2), undefined);
      }));

    test('max_msgs with discard new refuses', () =>
      withStore({ maxMsgs: 2, discard: 'new' }, (s) => {
        s.append('foo', undefined, b('1'));
        s.append('foo', undefined, b('2'));
        assert.equal(
          codeOf(() => s.append('foo', undefined, b('3'))),
          'MAX_MSGS',
        );
        assert.equal(s.state().lastSeq, 2);
        assert.equal(s.state().messages, 2);
      }));

    test('max_bytes with discard old and new', async () => {
      const one = size('foo', undefined, b('0123456789'));
      await withStore({ maxBytes: one * 3 }, (s) => {
        for (let i = 0; i < 5; i++) s.append('foo', undefined, b('0123456789'));
        assert.equal(s.state().messages, 3);
        assert.equal(s.state().bytes, one * 3);
        assert.equal(s.state().firstSeq, 3);
      });
      // nats-server refuses once the stream would reach max_bytes.
      await withStore({ maxBytes: one * 3, discard: 'new' }, (s) => {
        s.append('foo', undefined, b('0123456789'));
        s.append('foo', undefined, b('0123456789'));
        assert.equal(
          codeOf(() => s.append('foo', undefined, b('0123456789'))),
          'MAX_BYTES',
        );
        assert.equal(s.state().messages, 2);
      });
    });

    test('max_msg_size refuses oversized messages (headers count)', () =>
      withStore({ maxMsgSize: 10 }, (s) => {
        s.append('foo', undefined, b('0123456789'));
        assert.equal(
          codeOf(() => s.append('foo', undefined, b('0123456789a'))),
          'MAX_MSG_SIZE',
        );
        assert.equal(
          codeOf(() => s.append('foo', HDR, b('x'))),
          'MAX_MSG_SIZE',
        );
        assert.equal(s.state().messages, 1);
      }));

    test('max_msgs_per_subject drops the subject’s oldest', () =>
      withStore({ maxMsgsPerSubject: 2 }, (s) => {
        for (const sub of ['k.a', 'k.b', 'k.a', 'k.a', 'k.b', 'k.a']) s.append(sub, undefined, b(sub));
        assert.deepEqual(
          s.subjects(),
          new Map([
            ['k.a', 2],
            ['k.b', 2],
          ]),
        );
        assert.deepEqual(
          [1, 2, 3, 4, 5, 6].map((q) => s.get(q)?.seq),
          [undefined, 2, undefined, 4, 5, 6],
        );
        assert.equal(s.state().firstSeq, 2);
        assert.equal(s.numPending(0, 'k.a'), 2);
        assert.equal(s.next(0, 'k.a')!.seq, 4);
      }));

    test('discard new: per subject refuses only with discardNewPerSubject', async () => {
      await withStore({ maxMsgsPerSubject: 1, discard: 'new', discardNewPerSubject: true }, (s) => {
        s.append('k', undefined, b('1'));
        assert.equal(
          codeOf(() => s.append('k', undefined, b('2'))),
          'MAX_MSGS_PER_SUBJECT',
        );
        s.append('j', undefined, b('1'));
        assert.equal(s.state().messages, 2);
      });
      await withStore({ maxMsgsPerSubject: 1, discard: 'new', maxMsgs: 2 }, (s) => {
        s.append('k', undefined, b('1'));
        s.append('j', undefined, b('1'));
        // At max_msgs, but replacing k's only message is allowed.
        s.append('k', undefined, b('2'));
        assert.equal(str(s.last('k')!.data), '2');
        assert.equal(s.state().messages, 2);
        assert.equal(
          codeOf(() => s.append('z', undefined, b('1'))),
          'MAX_MSGS',
        );
      });
    });

    test('expire removes messages older than max age', () =>
      withStore({ maxAgeNs: 1000n }, (s) => {
        s.append('a', undefined, b(''), 1000n);
        s.append('a', undefined, b(''), 1500n);
        s.append('a', undefined, b(''), 2600n);
        assert.equal(s.expire(2000n), 1);
        assert.equal(s.expire(2000n), 0);
        assert.equal(s.expire(2600n), 1);
        const st = s.state();
        assert.equal(st.firstSeq, 3);
        assert.equal(st.firstTime, 2600n);
        assert.equal(s.expire(10_000n), 1);
        assert.equal(s.state().messages, 0);
        assert.equal(s.state().firstSeq, 4);
      }));

    test('expire is a no-op without max age', () =>
      withStore({}, (s) => {
        s.append('a', undefined, b(''), 1n);
        assert.equal(s.expire(10n ** 30n), 0);
      }));

    test('purge all keeps the sequence going', () =>
      withStore({}, (s) => {
        for (let i = 0; i < 10; i++) s.append(`x.${i % 3}`, undefined, b('d'));
        assert.equal(s.purge(), 10);
        const st = s.state();
        assert.equal(st.messages, 0);
        assert.equal(st.bytes, 0);
        assert.equal(st.firstSeq, 11);
        assert.equal(st.lastSeq, 10);
        assert.equal(st.numSubjects, 0);
        assert.equal(s.get(5), undefined);
        assert.equal(s.next(0), undefined);
        assert.equal(s.append('x.1', undefined, b('n')).seq, 11);
        assert.equal(s.state().firstSeq, 11);
        assert.equal(s.purge({}), 1);
      }));

    test('purge up to a sequence, and past the end', () =>
      withStore({}, (s) => {
        for (let i = 0; i < 10; i++) s.append('x', undefined, b('d'));
        assert.equal(s.purge({ upToSeq: 4 }), 3);
        assert.equal(s.state().firstSeq, 4);
        assert.equal(s.state().messages, 7);
        assert.equal(s.purge({ upToSeq: 2 }), 0);
        assert.equal(s.purge({ upToSeq: 100 }), 7);
        assert.equal(s.state().firstSeq, 100);
        assert.equal(s.state().lastSeq, 99);
        assert.equal(s.append('x', undefined, b('d')).seq, 100);
      }));

    test('purge keeping the newest', () =>
      withStore({}, (s) => {
        for (let i = 0; i < 10; i++) s.append('x', undefined, b('d'));
        assert.equal(s.purge({ keep: 20 }), 0);
        assert.equal(s.purge({ keep: 3 }), 7);
        assert.equal(s.state().firstSeq, 8);
        assert.equal(s.state().messages, 3);
      }));

    test('purge by subject filter, with keep and with a sequence', () =>
      withStore({}, (s) => {
        // 1 a.1 2 b.1 3 a.2 4 a.1 5 b.1 6 a.1 7 a.2
        for (const sub of ['a.1', 'b.1', 'a.2', 'a.1', 'b.1', 'a.1', 'a.2']) s.append(sub, undefined, b(''));
        assert.equal(s.purge({ filter: 'a.1', keep: 1 }), 2);
        assert.deepEqual(s.subjects('a.1'), new Map([['a.1', 1]]));
        assert.equal(s.last('a.1')!.seq, 6);
        assert.equal(s.purge({ filter: 'a.*', upToSeq: 7 }), 2);
        assert.deepEqual(s.subjects('a.*'), new Map([['a.2', 1]]));
        assert.equal(s.purge({ filter: 'b.1' }), 2);
        assert.equal(s.state().messages, 1);
        assert.equal(s.state().firstSeq, 7);
        assert.equal(s.purge({ filter: 'zzz' }), 0);
        assert.equal(s.purge({ filter: '>', keep: 1 }), 0);
      }));

    test('updateLimits enforces lowered limits', () =>
      withStore({}, (s) => {
        for (const sub of ['a', 'a', 'a', 'b', 'b', 'c']) s.append(sub, undefined, b(''));
        s.updateLimits(limits({ maxMsgsPerSubject: 1 }));
        assert.deepEqual(
          s.subjects(),
          new Map([
            ['a', 1],
            ['b', 1],
            ['c', 1],
          ]),
        );
        s.updateLimits(limits({ maxMsgs: 2 }));
        assert.equal(s.state().messages, 2);
        assert.equal(s.state().firstSeq, 5);
        s.updateLimits(limits({ maxMsgs: 1, discard: 'new' }));
        assert.equal(s.state().messages, 2);
        assert.equal(
          codeOf(() => s.append('z', undefined, b(''))),
          'MAX_MSGS',
        );
      }));

    test('consumer state save, load, overwrite and remove', () =>
      withStore({}, (s) => {
        s.saveConsumerState('c1', b('one'));
        s.saveConsumerState('c2', b('two'));
        s.saveConsumerState('c1', b('uno'));
        let m = s.loadConsumerStates();
        assert.equal(m.size, 2);
        assert.equal(str(m.get('c1')), 'uno');
        s.removeConsumerState('c2');
        s.removeConsumerState('missing');
        m = s.loadConsumerStates();
        assert.deepEqual([...m.keys()], ['c1']);
      }));

    test('a closed store refuses operations', async () => {
      const s = await factory(limits());
      s.append('a', undefined, b(''));
      await s.flush();
      await s.close();
      assert.equal(
        codeOf(() => s.append('a', undefined, b(''))),
        'CLOSED',
      );
      assert.equal(
        codeOf(() => s.get(1)),
        'CLOSED',
      );
    });

    test('matches a reference model under random operations', async () => {
      const rand = rng(42);
      const subjects = ['a.x', 'a.y', 'b.x', 'b.y.z', 'c', 'a.x.q'];
      const filters = ['', '>', 'a.*', 'a.>', '*.x', 'c', 'b.y.z', 'nope', '*.*', 'a.x'];
      await withStore({}, (s) => {
        const model = new Map<number, string>();
        let last = 0;
        const live = (): number[] => [...model.keys()].sort((x, y) => x - y);
        for (let round = 0; round < 3000; round++) {
          const r = rand();
          if (r < 0.6) {
            const sub = subjects[Math.floor(rand() * subjects.length)]!;
            const { seq } = s.append(sub, undefined, b(`${round}`));
            assert.equal(seq, last + 1);
            last = seq;
            model.set(seq, sub);
          } else if (r < 0.85) {
            const seq = 1 + Math.floor(rand() * last);
            assert.equal(s.remove(seq), model.delete(seq));
          } else if (r < 0.88) {
            const f = filters[Math.floor(rand() * filters.length)]!;
            const keep = rand() < 0.5 ? Math.floor(rand() * 5) : 0;
            const want = live().filter((q) => subjectMatches(f, model.get(q)!));
            const drop = keep > 0 ? (keep >= want.length ? [] : want.slice(0, want.length - keep)) : want;
            if (f === '' || f === '>') continue;
            assert.equal(s.purge({ filter: f, keep }), drop.length);
            for (const q of drop) model.delete(q);
          }
          if (round % 50 !== 0) continue;
          const seqs = live();
          const st = s.state();
          assert.equal(st.messages, model.size);
          assert.equal(st.lastSeq, last);
          assert.equal(st.firstSeq, seqs[0] ?? (last === 0 ? 0 : last + 1));
          assert.equal(st.numSubjects, new Set(model.values()).size);
          for (const f of filters) {
            const from = 1 + Math.floor(rand() * (last + 1));
            const match = seqs.filter((q) => q >= from && subjectMatches(f, model.get(q)!));
            assert.equal(s.next(from, f)?.seq, match[0], `next(${from}, ${f})`);
            assert.equal(s.numPending(from, f), match.length, `numPending(${from}, ${f})`);
            const lastOf = new Map<string, number>();
            for (const q of seqs) if (subjectMatches(f, model.get(q)!)) lastOf.set(model.get(q)!, q);
            const lps = [...lastOf.values()].filter((q) => q >= from).length;
            assert.equal(s.numPending(from, f, true), lps, `numPending(${from}, ${f}, last)`);
            const all = seqs.filter((q) => subjectMatches(f, model.get(q)!));
            const lm: StoredMessage | undefined = s.last(f);
            assert.equal(lm?.seq, all.at(-1), `last(${f})`);
            const counts = new Map<string, number>();
            for (const q of all) counts.set(model.get(q)!, (counts.get(model.get(q)!) ?? 0) + 1);
            assert.deepEqual(
              new Map([...s.subjects(f)].sort()),
              new Map([...counts].sort()),
              `subjects(${f})`,
            );
          }
        }
      });
    });

    test('skipTo leaves the skipped sequences unused, empty or not', () =>
      withStore({}, (s) => {
        s.skipTo(4);
        assert.deepEqual([s.state().firstSeq, s.state().lastSeq, s.state().messages], [5, 4, 0]);
        assert.equal(s.append('a', undefined, b('5')).seq, 5);
        s.skipTo(9);
        s.skipTo(7);
        assert.equal(s.append('a', undefined, b('10')).seq, 10);
        assert.deepEqual([s.state().firstSeq, s.state().lastSeq, s.state().messages], [5, 10, 2]);
        assert.equal(s.get(7), undefined);
        assert.equal(s.next(6)?.seq, 10);
        assert.equal(s.numPending(6), 1);
      }));

    test('many messages: growth, limits and pending stay consistent', () =>
      withStore({ maxMsgs: 5000 }, (s) => {
        for (let i = 0; i < 20_000; i++) s.append(`k.${i % 100}`, undefined, b(`${i}`));
        const st = s.state();
        assert.equal(st.messages, 5000);
        assert.equal(st.firstSeq, 15_001);
        assert.equal(str(s.get(15_001)!.data), '15000');
        assert.equal(s.numPending(0, 'k.7'), 50);
        assert.equal(s.numPending(19_000, 'k.*'), 1001);
        assert.equal(s.last('k.99')!.seq, 20_000);
      }));
  });
}
