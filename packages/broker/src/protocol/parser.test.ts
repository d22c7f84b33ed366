import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser, type ProtocolError, type ProtocolSink } from './parser.js';

type Event = (string | number)[];

class Recorder implements ProtocolSink {
  events: Event[] = [];
  onConnect(json: string) {
    this.events.push(['CONNECT', json]);
  }
  onPub(subject: string, reply: string, hdr: number, data: Buffer, start: number, end: number) {
    this.events.push(['PUB', subject, reply, hdr, data.toString('latin1', start, end)]);
  }
  onSub(subject: string, queue: string, sid: string) {
    this.events.push(['SUB', subject, queue, sid]);
  }
  onUnsub(sid: string, max: number) {
    this.events.push(['UNSUB', sid, max]);
  }
  onPing() {
    this.events.push(['PING']);
  }
  onPong() {
    this.events.push(['PONG']);
  }
  onInfo(json: string) {
    this.events.push(['INFO', json]);
  }
  onOk() {
    this.events.push(['+OK']);
  }
  onErr(text: string) {
    this.events.push(['-ERR', text]);
  }
  onProtocolError(err: ProtocolError) {
    this.events.push(['ERROR', err.kind]);
  }
}

const LIMITS = { maxControlLine: 4096, maxPayload: 1024 };

interface Fixture {
  name: string;
  input: string;
  events: Event[];
  headers?: boolean;
}

const big = 'x'.repeat(1000);
const FIXTURES: Fixture[] = [
  { name: 'ping pong', input: 'PING\r\nPONG\r\n', events: [['PING'], ['PONG']] },
  { name: 'lower case verbs', input: 'ping\r\npong\r\n', events: [['PING'], ['PONG']] },
  { name: 'ping with junk after', input: 'PINGX\r\n', events: [['PING']] },
  { name: 'bare LF', input: 'PING\nSUB a 1\n', events: [['PING'], ['SUB', 'a', '', '1']] },
  {
    name: 'connect',
    input: 'CONNECT {"verbose":false}\r\n',
    events: [['CONNECT', '{"verbose":false}']],
  },
  { name: 'connect without space', input: 'CONNECT{}\r\n', events: [['CONNECT', '{}']] },
  { name: 'pub', input: 'PUB foo 5\r\nhello\r\n', events: [['PUB', 'foo', '', -1, 'hello']] },
  {
    name: 'pub with reply',
    input: 'PUB foo bar 5\r\nhello\r\n',
    events: [['PUB', 'foo', 'bar', -1, 'hello']],
  },
  {
    name: 'pub with tabs and runs',
    input: 'pub\tfoo \t bar  2\r\nhi\r\n',
    events: [['PUB', 'foo', 'bar', -1, 'hi']],
  },
  {
    name: 'pub with a CR inside the line',
    input: 'PUB a\rb 1\r\nx\r\n',
    events: [['PUB', 'a\rb', '', -1, 'x']],
  },
  { name: 'empty payload', input: 'PUB foo 0\r\n\r\n', events: [['PUB', 'foo', '', -1, '']] },
  {
    name: 'payload containing CRLF and verbs',
    input: 'PUB foo 12\r\nPING\r\nPONG\r\n\r\n',
    events: [['PUB', 'foo', '', -1, 'PING\r\nPONG\r\n']],
  },
  { name: 'max size payload', input: `PUB a 1000\r\n${big}\r\n`, events: [['PUB', 'a', '', -1, big]] },
  {
    name: 'hpub',
    input: 'HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n',
    events: [['PUB', 'foo', '', 12, 'NATS/1.0\r\n\r\nhi']],
    headers: true,
  },
  {
    name: 'hpub with reply',
    input: 'HPUB foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n',
    events: [['PUB', 'foo', 'r', 12, 'NATS/1.0\r\n\r\n']],
    headers: true,
  },
  {
    name: 'hpub without headers support',
    input: 'HPUB foo 12 12\r\n',
    events: [['ERROR', 'headers_unsupported']],
  },
  { name: 'sub', input: 'SUB foo 1\r\n', events: [['SUB', 'foo', '', '1']] },
  { name: 'sub queue', input: 'SUB foo q 22\r\n', events: [['SUB', 'foo', 'q', '22']] },
  {
    name: 'unsub',
    input: 'UNSUB 1\r\nUNSUB 2 5\r\n',
    events: [
      ['UNSUB', '1', 0],
      ['UNSUB', '2', 5],
    ],
  },
  { name: 'unsub bad max', input: 'UNSUB 1 x\r\n', events: [['UNSUB', '1', 0]] },
  { name: 'info from client', input: 'INFO {}\r\n', events: [['INFO', '{}']] },
  { name: '+OK and -ERR', input: "+OK\r\n-ERR 'x'\r\n", events: [['+OK'], ['-ERR', "'x'"]] },
  { name: 'unknown verb', input: 'FOO bar\r\n', events: [['ERROR', 'unknown_op']] },
  { name: 'empty line', input: '\r\n', events: [['ERROR', 'unknown_op']] },
  { name: 'verb without space', input: 'PUB\r\n', events: [['ERROR', 'unknown_op']] },
  { name: 'route verb from client', input: 'RMSG a b 1\r\n', events: [['ERROR', 'unknown_op']] },
  { name: 'pub missing size', input: 'PUB foo\r\n', events: [['ERROR', 'bad_args']] },
  { name: 'pub negative size', input: 'PUB foo -1\r\n', events: [['ERROR', 'bad_args']] },
  { name: 'pub too many args', input: 'PUB a b c 1\r\n', events: [['ERROR', 'bad_args']] },
  { name: 'sub too few args', input: 'SUB foo\r\n', events: [['ERROR', 'bad_args']] },
  { name: 'max payload', input: 'PUB foo 1025\r\n', events: [['ERROR', 'max_payload']] },
  { name: 'bad payload trailer', input: 'PUB foo 2\r\nhiXX', events: [['ERROR', 'unknown_op']] },
  {
    name: 'control line too long',
    input: `SUB ${'a'.repeat(4100)} 1\r\n`,
    events: [['ERROR', 'max_control_line']],
  },
  {
    name: 'events stop after an error',
    input: 'PING\r\nFOO\r\nPING\r\n',
    events: [['PING'], ['ERROR', 'unknown_op']],
  },
];

function run(fx: Fixture, chunks: Buffer[]): Event[] {
  const r = new Recorder();
  const p = new Parser(r, LIMITS);
  p.headers = fx.headers ?? false;
  for (const c of chunks) {
    if (p.closed) break;
    p.parse(c);
  }
  return r.events;
}

/** Deterministic PRNG so a failing split can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parser fixtures', () => {
  for (const fx of FIXTURES) {
    const bytes = Buffer.from(fx.input, 'latin1');
    it(`${fx.name}: whole`, () => {
      assert.deepEqual(run(fx, [bytes]), fx.events);
    });
    it(`${fx.name}: byte by byte`, () => {
      const chunks = [...bytes].map((b) => Buffer.from([b]));
      assert.deepEqual(run(fx, chunks), fx.events);
    });
    it(`${fx.name}: random splits`, () => {
      const rnd = mulberry32(bytes.length * 7919 + 17);
      for (let round = 0; round < 25; round++) {
        const chunks: Buffer[] = [];
        let i = 0;
        while (i < bytes.length) {
          const n = 1 + Math.floor(rnd() * Math.min(64, bytes.length));
          chunks.push(bytes.subarray(i, i + n));
          i += n;
        }
        assert.deepEqual(run(fx, chunks), fx.events, `round ${round}`);
      }
    });
  }

  it('all fixtures concatenated (the non-failing ones) parse as one stream', () => {
    const ok = FIXTURES.filter((f) => !f.events.some((e) => e[0] === 'ERROR'));
    const fx: Fixture = {
      name: 'all',
      input: ok.map((f) => f.input).join(''),
      events: ok.flatMap((f) => f.events),
      headers: true,
    };
    const bytes = Buffer.from(fx.input, 'latin1');
    assert.deepEqual(run(fx, [bytes]), fx.events);
    const rnd = mulberry32(42);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(rnd() * 300);
      chunks.push(bytes.subarray(i, i + n));
      i += n;
    }
    assert.deepEqual(run(fx, chunks), fx.events);
  });

  it('a payload delivered in one read is a range of the read buffer, not a copy', () => {
    const bytes = Buffer.from('PUB foo 5\r\nhello\r\n');
    let seen: [Buffer, number, number] | undefined;
    const r = new Recorder();
    r.onPub = (_s, _r, _h, data, start, end) => {
      seen = [data, start, end];
    };
    new Parser(r, LIMITS).parse(bytes);
    assert.deepEqual(seen, [bytes, 11, 16]);
  });

  it('errors carry the parser state and a snippet', () => {
    let err: ProtocolError | undefined;
    const r = new Recorder();
    r.onProtocolError = (e) => {
      err = e;
    };
    new Parser(r, LIMITS).parse(Buffer.from('PUB foo 2\r\nhiXYZ'));
    assert.ok(err);
    assert.equal(err.state, 'MSG_END_R');
    assert.match(err.message, /XYZ/);
  });
});
