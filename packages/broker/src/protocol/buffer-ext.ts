// Node's Buffer has had fast per-encoding methods on its prototype for a long time, but @types/node does
// not declare them. They skip the encoding dispatch of `write`/`toString`, which matters on the hot path.
declare global {
  interface Buffer {
    latin1Write(s: string, offset: number, length?: number): number;
    latin1Slice(start: number, end: number): string;
  }
}

if (typeof Buffer.prototype.latin1Write !== 'function') {
  Buffer.prototype.latin1Write = function (this: Buffer, s: string, offset: number, length?: number) {
    return this.write(s, offset, length ?? this.length - offset, 'latin1');
  };
}
if (typeof Buffer.prototype.latin1Slice !== 'function') {
  Buffer.prototype.latin1Slice = function (this: Buffer, start: number, end: number) {
    return this.toString('latin1', start, end);
  };
}

export {};
