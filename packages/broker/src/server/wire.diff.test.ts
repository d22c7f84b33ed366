import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runScript, type WireScript } from '../test-support/scripts.js';
import { type RunningServer, startNatsServer, startTern } from '../test-support/servers.js';
import { Wire } from '../test-support/wire.js';

const C = (o: object) => `CONNECT ${JSON.stringify(o)}\r\n`;
const quiet = C({ verbose: false, pedantic: false, headers: true, no_responders: true });

/** Scenarios from the reference transcript plus every error path of the client protocol. */
const SCRIPTS: WireScript[] = [
  {
    name: 'reference transcript: verbose core session',
    steps: [
      [0, C({ verbose: true, pedantic: false, headers: true, no_responders: true })],
      [0, 'SUB foo 1\r\nSUB foo.* q1 2\r\nSUB foo.> 3\r\n'],
      [0, 'PUB foo 5\r\nhello\r\n'],
      [0, 'PUB foo.bar reply.subj 5\r\nhello\r\n'],
      [0, 'HPUB foo.bar 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n'],
      [0, 'HPUB foo.bar 31 36\r\nNATS/1.0\r\nA: b\r\nA: c\r\nBB: 1\r\n\r\nhello\r\n'],
      [0, 'HPUB foo.bar 12 12\r\nNATS/1.0\r\n\r\n\r\n'],
      [0, 'UNSUB 1\r\nUNSUB 3 1\r\nPUB foo.x 2\r\nhi\r\nPUB foo.y 2\r\nhi\r\nPUB foo 0\r\n\r\n'],
    ],
    expect: {
      0:
        '+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\nMSG foo 1 5\r\nhello\r\n' +
        '+OK\r\nMSG foo.bar 3 reply.subj 5\r\nhello\r\nMSG foo.bar 2 reply.subj 5\r\nhello\r\n' +
        '+OK\r\nHMSG foo.bar 3 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\nHMSG foo.bar 2 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n' +
        '+OK\r\nHMSG foo.bar 3 31 36\r\nNATS/1.0\r\nA: b\r\nA: c\r\nBB: 1\r\n\r\nhello\r\nHMSG foo.bar 2 31 36\r\nNATS/1.0\r\nA: b\r\nA: c\r\nBB: 1\r\n\r\nhello\r\n' +
        '+OK\r\nHMSG foo.bar 3 12 12\r\nNATS/1.0\r\n\r\n\r\nHMSG foo.bar 2 12 12\r\nNATS/1.0\r\n\r\n\r\n' +
        '+OK\r\n+OK\r\n+OK\r\nMSG foo.x 2 2\r\nhi\r\n+OK\r\nMSG foo.y 2 2\r\nhi\r\n+OK\r\n',
    },
  },
  {
    name: 'no responders: 503 on the requester subscription',
    steps: [[0, `${quiet}SUB _INBOX.abc 1\r\nPUB nobody.home _INBOX.abc 2\r\nhi\r\n`]],
    expect: { 0: 'HMSG _INBOX.abc 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n' },
  },
  {
    name: 'no responders off: nothing',
    steps: [
      [
        0,
        `${C({ verbose: false, headers: true })}SUB _INBOX.abc 1\r\nPUB nobody.home _INBOX.abc 2\r\nhi\r\n`,
      ],
    ],
    expect: { 0: '' },
  },
  {
    name: 'no responders: no 503 when someone else answers',
    steps: [
      [1, `${quiet}SUB svc 1\r\n`],
      [0, `${quiet}SUB _INBOX.abc 1\r\nPUB svc _INBOX.abc 2\r\nhi\r\n`],
    ],
    expect: { 0: '', 1: 'MSG svc 1 _INBOX.abc 2\r\nhi\r\n' },
  },
  {
    name: 'HPUB without headers support closes silently',
    steps: [[0, `${C({ verbose: false, headers: false })}HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n`]],
    closes: [0],
    expect: { 0: '' },
  },
  {
    name: 'unknown op',
    steps: [[0, `${quiet}FOO bar\r\n`]],
    closes: [0],
    expect: { 0: "-ERR 'Unknown Protocol Operation'\r\n" },
  },
  {
    name: 'empty line',
    steps: [[0, '\r\n']],
    closes: [0],
    expect: { 0: "-ERR 'Unknown Protocol Operation'\r\n" },
  },
  {
    name: 'verb without space',
    steps: [[0, 'PUB\r\n']],
    closes: [0],
    expect: { 0: "-ERR 'Unknown Protocol Operation'\r\n" },
  },
  {
    name: 'route verb from a client',
    steps: [[0, 'RS+ foo\r\n']],
    closes: [0],
    expect: { 0: "-ERR 'Unknown Protocol Operation'\r\n" },
  },
  { name: 'PUB missing size closes silently', steps: [[0, 'PUB foo\r\n']], closes: [0], expect: { 0: '' } },
  { name: 'PUB bad size closes silently', steps: [[0, 'PUB foo x\r\n']], closes: [0], expect: { 0: '' } },
  { name: 'SUB missing sid closes silently', steps: [[0, 'SUB foo\r\n']], closes: [0], expect: { 0: '' } },
  { name: 'UNSUB without args closes silently', steps: [[0, 'UNSUB \r\n']], closes: [0], expect: { 0: '' } },
  {
    name: 'payload without CRLF',
    steps: [[0, 'PUB foo 2\r\nhiXX']],
    closes: [0],
    expect: { 0: "-ERR 'Unknown Protocol Operation'\r\n" },
  },
  {
    name: 'max payload',
    steps: [[0, `${quiet}PUB foo 2000000\r\n`]],
    closes: [0],
    expect: { 0: "-ERR 'Maximum Payload Violation'\r\n" },
  },
  {
    name: 'max payload from config',
    cfg: { maxPayload: 100 },
    steps: [[0, `${quiet}PUB foo 100\r\n${'x'.repeat(100)}\r\nPUB foo 101\r\n`]],
    closes: [0],
    expect: { 0: "-ERR 'Maximum Payload Violation'\r\n" },
  },
  {
    name: 'max control line',
    steps: [[0, `SUB ${'a'.repeat(4200)} 1\r\n`]],
    closes: [0],
    expect: { 0: "-ERR 'maximum control line exceeded'\r\n" },
  },
  {
    name: 'max control line from config',
    cfg: { maxControlLine: 64 },
    steps: [[0, `SUB ${'a'.repeat(40)} 1\r\nSUB ${'b'.repeat(70)} 2\r\n`]],
    closes: [0],
    // Before CONNECT the defaults (verbose) apply.
    expect: { 0: "+OK\r\n-ERR 'maximum control line exceeded'\r\n" },
  },
  {
    name: 'pedantic wildcard publish is reported but routed',
    steps: [[0, `${C({ verbose: true, pedantic: true })}SUB foo.> 1\r\nPUB foo.* 2\r\nhi\r\n`]],
    expect: { 0: "+OK\r\n+OK\r\n-ERR 'Invalid Publish Subject'\r\n+OK\r\nMSG foo.* 1 2\r\nhi\r\n" },
  },
  {
    name: 'invalid subscription subjects, verbose and not',
    steps: [
      [
        0,
        `${C({ verbose: true })}SUB foo..bar 1\r\nSUB foo. 2\r\nSUB .foo 3\r\nSUB foo.>.bar 4\r\nSUB foo*.bar 5\r\nSUB > 6\r\n`,
      ],
      [1, `${C({ verbose: false, pedantic: false })}SUB foo..bar 1\r\n`],
    ],
    expect: {
      0: "+OK\r\n-ERR 'Invalid Subject'\r\n-ERR 'Invalid Subject'\r\n-ERR 'Invalid Subject'\r\n-ERR 'Invalid Subject'\r\n+OK\r\n+OK\r\n",
      1: "-ERR 'Invalid Subject'\r\n",
    },
  },
  {
    name: 'duplicate sid is a no-op',
    steps: [[0, `${C({ verbose: true })}SUB foo 1\r\nSUB foo 1\r\nPUB foo 1\r\nx\r\n`]],
    expect: { 0: '+OK\r\n+OK\r\n+OK\r\n+OK\r\nMSG foo 1 1\r\nx\r\n' },
  },
  {
    name: 'case-insensitive verbs and tabs',
    steps: [[0, 'connect {"verbose":true}\r\nsub\tfoo\t9\r\npub foo 2\r\nhi\r\nping\r\n']],
    // The script's own PING is answered by the PONG the barrier waits for.
    expect: { 0: '+OK\r\n+OK\r\n+OK\r\nMSG foo 9 2\r\nhi\r\n' },
  },
  {
    name: 'PING with trailing bytes, CONNECT without space, bare LF',
    steps: [[0, 'CONNECT{"verbose":false}\nPINGX\r\nSUB foo 1\nPUB foo 1\nx\r\n']],
    expect: { 0: 'MSG foo 1 1\r\nx\r\n' },
  },
  {
    name: 'CONNECT defaults: verbose when omitted',
    steps: [[0, 'CONNECT {}\r\nSUB foo 1\r\n']],
    expect: { 0: '+OK\r\n+OK\r\n' },
  },
  {
    name: 'bad CONNECT JSON closes silently',
    steps: [[0, 'CONNECT {bad json}\r\n']],
    closes: [0],
    expect: { 0: '' },
  },
  {
    name: 'CONNECT with a wrongly typed field closes',
    steps: [[0, 'CONNECT {"verbose":"yes"}\r\n']],
    closes: [0],
    expect: { 0: '' },
  },
  { name: 'CONNECT null is accepted', steps: [[0, 'CONNECT null\r\n']], expect: { 0: '+OK\r\n' } },
  {
    name: 'invalid client protocol',
    steps: [[0, C({ protocol: 2 })]],
    closes: [0],
    expect: { 0: "-ERR 'invalid client protocol'\r\n" },
  },
  {
    name: 'no_responders requires headers',
    steps: [[0, C({ no_responders: true })]],
    closes: [0],
    expect: { 0: "-ERR 'no responders requires headers support'\r\n" },
  },
  { name: 'PUB before CONNECT', steps: [[0, 'PUB foo 2\r\nhi\r\n']], expect: { 0: '+OK\r\n' } },
  {
    name: 'auto-unsubscribe',
    steps: [
      [0, `${quiet}SUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\n`],
      [1, `${quiet}SUB foo 1\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nUNSUB 1 2\r\nPUB foo 1\r\nc\r\n`],
      [2, `${quiet}SUB foo 1\r\nUNSUB 1 x\r\nPUB foo 1\r\na\r\n`],
    ],
    expect: {
      0: 'MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\n',
      1: 'MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\n',
      2: '',
    },
  },
  {
    name: 'echo off skips own messages, plain and queue',
    steps: [
      [0, `${C({ verbose: false, echo: false })}SUB foo 1\r\nSUB foo q 2\r\nPUB foo 1\r\na\r\n`],
      [1, `${quiet}SUB foo 1\r\nPUB foo 1\r\nb\r\n`],
    ],
    expect: { 0: 'MSG foo 1 1\r\nb\r\nMSG foo 2 1\r\nb\r\n', 1: 'MSG foo 1 1\r\nb\r\n' },
  },
  {
    name: 'request-reply across connections',
    steps: [
      [1, `${quiet}SUB svc.* 1\r\n`],
      [0, `${quiet}SUB _INBOX.1 7\r\nPUB svc.echo _INBOX.1 4\r\nping\r\n`],
      [1, 'PUB _INBOX.1 4\r\npong\r\n'],
    ],
    expect: { 0: 'MSG _INBOX.1 7 4\r\npong\r\n', 1: 'MSG svc.echo 1 _INBOX.1 4\r\nping\r\n' },
  },
  {
    name: 'binary and latin1 subject bytes round-trip',
    steps: [[0, `${quiet}SUB caf\u00e9.\u00ff 1\r\nPUB caf\u00e9.\u00ff 3\r\n\u0000\u00ff\r\r\n`]],
    expect: { 0: 'MSG caf\u00e9.\u00ff 1 3\r\n\u0000\u00ff\r\r\n' },
  },
  {
    name: 'maximum subscriptions',
    cfg: { maxSubscriptions: 2 },
    steps: [[0, `${C({ verbose: true })}SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPUB c 1\r\nx\r\n`]],
    expect: { 0: "+OK\r\n+OK\r\n+OK\r\n-ERR 'maximum subscriptions exceeded'\r\n+OK\r\n" },
  },
  {
    name: 'auth: user/password',
    cfg: { user: 'alice', password: 's3cret' },
    steps: [
      [0, C({ verbose: true, user: 'alice', pass: 's3cret' })],
      [1, C({ verbose: true, user: 'alice', pass: 'wrong' })],
    ],
    closes: [1],
    expect: { 0: '+OK\r\n', 1: "-ERR 'Authorization Violation'\r\n" },
  },
  {
    name: 'auth: token',
    cfg: { token: 'tok' },
    steps: [
      [0, C({ verbose: true, auth_token: 'tok' })],
      [1, C({ verbose: true })],
    ],
    closes: [1],
    expect: { 0: '+OK\r\n', 1: "-ERR 'Authorization Violation'\r\n" },
  },
  ...['PING\r\n', 'PONG\r\n', '+OK\r\n', 'INFO {}\r\n', 'PUB a 1\r\nx\r\n'].map(
    (frame): WireScript => ({
      name: `auth: ${frame.split(' ')[0]!.trim()} before CONNECT`,
      cfg: { token: 'tok' },
      steps: [[0, frame]],
      closes: [0],
      expect: { 0: "-ERR 'Authorization Violation'\r\n" },
    }),
  ),
  {
    name: 'auth: any verb before CONNECT',
    cfg: { token: 'tok' },
    steps: [[0, 'SUB foo 1\r\n']],
    closes: [0],
    expect: { 0: "-ERR 'Authorization Violation'\r\n" },
  },
];

for (const sublistCache of [true, false])
  describe(`wire-level differential: tern (match cache ${sublistCache ? 'on' : 'off'}) vs nats-server`, {
    timeout: 60_000,
  }, () => {
    const cache = new Map<string, { tern: RunningServer; nats: RunningServer }>();
    const servers = async (script: WireScript) => {
      const key = JSON.stringify(script.cfg ?? {});
      let s = cache.get(key);
      if (!s) {
        const [tern, nats] = await Promise.all([
          startTern(script.cfg, { sublistCache }),
          startNatsServer(script.cfg),
        ]);
        s = { tern, nats };
        cache.set(key, s);
      }
      return s;
    };
    after(async () => {
      for (const s of cache.values()) await Promise.all([s.tern.stop(), s.nats.stop()]);
    });

    for (const script of SCRIPTS) {
      it(script.name, async () => {
        const { tern, nats } = await servers(script);
        const [t, n] = await Promise.all([runScript(tern, script), runScript(nats, script)]);
        assert.deepEqual(t, n, 'tern differs from nats-server');
        if (script.expect)
          for (const [i, want] of Object.entries(script.expect)) assert.equal(n.out[Number(i)], want);
        for (const i of script.closes ?? []) assert.equal(t.closed[i], true);
      });
    }

    if (sublistCache)
      describe('INFO', () => {
        let tern: RunningServer;
        let nats: RunningServer;
        before(async () => {
          [tern, nats] = await Promise.all([startTern(), startNatsServer()]);
        });
        after(async () => {
          await Promise.all([tern.stop(), nats.stop()]);
        });
        it('has the same fields in the same order', async () => {
          const a = await Wire.handshake(tern.port);
          const b = await Wire.handshake(nats.port);
          a.wire.close();
          b.wire.close();
          // nats-server 2.9.10 from Debian does not enable JetStream unless asked.
          assert.deepEqual(Object.keys(a.info), Object.keys(b.info));
          for (const k of ['version', 'proto', 'headers', 'max_payload', 'host', 'client_ip']) {
            assert.deepEqual(a.info[k], b.info[k], k);
          }
          assert.equal(a.info.port, tern.port);
          assert.match(String(a.info.server_id), /^N[A-Z2-7]{55}$/);
        });
        it('advertises auth_required and ends with " \\r\\n"', async () => {
          const t = await startTern({ token: 'x' });
          const w = await Wire.open(t.port);
          const line = await w.until('\r\n');
          w.close();
          await t.stop();
          assert.match(line, /^INFO \{.*\} \r\n$/);
          assert.equal(JSON.parse(line.slice(5)).auth_required, true);
        });
      });
  });
