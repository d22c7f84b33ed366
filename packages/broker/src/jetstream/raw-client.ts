// A minimal JetStream load client over a raw socket, for the benchmark: pre-framed PUBs and a parser
// that only finds message boundaries. The official JavaScript client spends more CPU per message than
// either server, so with it the bench measures the client; this one leaves the server as the bottleneck
// (the role nats.go plays in nats-server's own benchmarks).
import { connect, type Socket } from 'node:net';

/** Calls `onMsg(subject, reply)` for every MSG/HMSG in the stream of bytes fed to it. */
class MsgScanner {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onMsg: (subject: string, reply: string) => void) {}

  feed(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      const eol = this.buf.indexOf('\r\n', pos);
      if (eol < 0) break;
      const line = this.buf.toString('latin1', pos, eol);
      if (line.startsWith('MSG ') || line.startsWith('HMSG ')) {
        const f = line.split(' ');
        const size = Number(f[f.length - 1]);
        const end = eol + 2 + size + 2;
        if (end > this.buf.length) break;
        // MSG subject sid [reply] size | HMSG subject sid [reply] hsize size
        const withReply = f.length === (f[0] === 'MSG' ? 5 : 6);
        this.onMsg(f[1] as string, withReply ? (f[3] as string) : '');
        pos = end;
      } else {
        if (line.startsWith('PING')) this.sock?.write('PONG\r\n');
        pos = eol + 2;
      }
    }
    this.buf = this.buf.subarray(pos);
  }

  sock: Socket | undefined;
}

/** A promise and the function that resolves it. */
function completion(): { finished: Promise<void>; done: () => void } {
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  return { finished, done };
}

async function open(port: number, onMsg: (subject: string, reply: string) => void): Promise<Socket> {
  const scanner = new MsgScanner(onMsg);
  const sock = connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  scanner.sock = sock;
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  sock.write('CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n');
  sock.on('data', (d: Buffer) => scanner.feed(d));
  return sock;
}

/** Publishes `n` messages to `subject` keeping `inflight` unacknowledged; resolves when all are acked. */
export async function rawAsyncPublish(
  port: number,
  subject: string,
  payload: Uint8Array,
  n: number,
  inflight: number,
): Promise<void> {
  let sent = 0;
  let acked = 0;
  const { finished, done } = completion();
  const frame = (i: number) =>
    Buffer.concat([
      Buffer.from(`PUB ${subject} _RAWACK.${i} ${payload.length}\r\n`),
      payload,
      Buffer.from('\r\n'),
    ]);
  const sock = await open(port, () => {
    acked++;
    if (acked === n) done();
    else if (sent < n) sock.write(frame(sent++));
  });
  sock.write('SUB _RAWACK.* 1\r\n');
  const first: Buffer[] = [];
  while (sent < Math.min(inflight, n)) first.push(frame(sent++));
  sock.write(Buffer.concat(first));
  await finished;
  sock.destroy();
}

/** Pulls `n` messages from `stream`/`consumer` in batches, acking each; resolves when all arrived. */
export async function rawPullConsume(
  port: number,
  stream: string,
  consumer: string,
  n: number,
  batch: number,
): Promise<void> {
  let got = 0;
  let inBatch = 0;
  const { finished, done } = completion();
  const req = JSON.stringify({ batch, expires: 2_000_000_000 });
  const pull = `PUB $JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer} _RAWPULL ${req.length}\r\n${req}\r\n`;
  let acks: string[] = [];
  const sock = await open(port, (_subject, reply) => {
    if (!reply.startsWith('$JS.ACK.')) {
      // A status (408 after expiry): ask again.
      inBatch = 0;
      sock.write(pull);
      return;
    }
    got++;
    inBatch++;
    acks.push(`PUB ${reply} 0\r\n\r\n`);
    if (got === n) {
      sock.write(acks.join(''));
      done();
      return;
    }
    if (inBatch === batch) {
      inBatch = 0;
      sock.write(acks.join('') + pull);
      acks = [];
    }
  });
  sock.write('SUB _RAWPULL 1\r\n');
  sock.write(pull);
  await finished;
  // Let the last acks reach the server before closing.
  await new Promise<void>((r) => sock.end(r));
}
