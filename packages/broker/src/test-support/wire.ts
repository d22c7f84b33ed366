import { connect, type Socket } from 'node:net';

/** A raw protocol connection for wire-level tests: write bytes, wait for bytes. */
export class Wire {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  private readonly closedP: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    this.closedP = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  static async open(port: number, host = '127.0.0.1'): Promise<Wire> {
    const s = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    return new Wire(s);
  }

  /** Opens a connection and consumes the INFO line; returns it parsed. */
  static async handshake(
    port: number,
    connectJson?: object,
  ): Promise<{ wire: Wire; info: Record<string, unknown> }> {
    const w = await Wire.open(port);
    const line = await w.readLine();
    if (!line.startsWith('INFO ')) throw new Error(`expected INFO, got ${line}`);
    const info = JSON.parse(line.slice(5)) as Record<string, unknown>;
    if (connectJson) w.send(`CONNECT ${JSON.stringify(connectJson)}\r\n`);
    return { wire: w, info };
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Everything received and not yet consumed, as latin1. */
  peek(): string {
    return this.buf.toString('latin1');
  }

  /** Consumes and returns everything received so far. */
  take(): string {
    const s = this.peek();
    this.buf = Buffer.alloc(0);
    return s;
  }

  async readLine(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i >= 0) {
        const line = this.buf.toString('latin1', 0, i);
        this.buf = this.buf.subarray(i + 2);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; pending: ${JSON.stringify(this.peek())}`);
      await this.next();
    }
  }

  /** Waits until the received data contains `s`; consumes through it and returns what was consumed. */
  async until(s: string): Promise<string> {
    for (;;) {
      const i = this.peek().indexOf(s);
      if (i >= 0) {
        const out = this.buf.toString('latin1', 0, i + s.length);
        this.buf = this.buf.subarray(i + s.length);
        return out;
      }
      if (this.closed)
        throw new Error(`closed before ${JSON.stringify(s)}; got ${JSON.stringify(this.peek())}`);
      await this.next();
    }
  }

  /**
   * Sends PING and returns everything the server sent before the matching PONG, minus server PINGs.
   * A barrier: the server processes a connection's input in order.
   */
  async sync(): Promise<string> {
    this.send('PING\r\n');
    const got = await this.until('PONG\r\n');
    return stripServerPings(got.slice(0, -'PONG\r\n'.length));
  }

  /** Resolves once the server closed the connection; returns what arrived before the close. */
  async closedByServer(): Promise<string> {
    await this.closedP;
    return stripServerPings(this.take());
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Removes server-initiated `PING\r\n` frames (they arrive on a timer) from a transcript. */
export function stripServerPings(s: string): string {
  return s.replace(/(^|\r\n)PING\r\n/g, '$1');
}
