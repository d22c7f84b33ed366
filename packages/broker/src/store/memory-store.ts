// The memory store: messages live in the shared seq-indexed columns (see indexed-store.ts), their
// payloads in a parallel array. Byte accounting follows nats-server's memStoreMsgSize.

import { IndexedStore } from './indexed-store.js';
import type { StoredMessage, StoreLimits } from './types.js';

/** nats-server's memstore record size: subject + headers + data + 16 (seq and timestamp). */
export function memStoreMsgSize(slen: number, hlen: number, dlen: number): number {
  return slen + hlen + dlen + 16;
}

/** A `StreamStore` held entirely in memory. */
export class MemoryStore extends IndexedStore<StoredMessage> {
  private consumers = new Map<string, Uint8Array>();

  constructor(limits: StoreLimits) {
    super(limits);
  }

  protected msgSize(slen: number, hlen: number, dlen: number): number {
    return memStoreMsgSize(slen, hlen, dlen);
  }

  protected persist(
    seq: number,
    idx: number,
    subject: string,
    headers: Uint8Array | undefined,
    data: Uint8Array,
    time: bigint,
  ): void {
    // Copy: callers hand us views into socket buffers that get reused.
    const hlen = headers === undefined ? 0 : headers.length;
    const buf = Buffer.allocUnsafe(hlen + data.length);
    if (headers !== undefined) buf.set(headers, 0);
    buf.set(data, hlen);
    const msg: StoredMessage = {
      seq,
      subject,
      headers: headers === undefined ? undefined : buf.subarray(0, hlen),
      data: buf.subarray(hlen),
      time,
    };
    const payload = this.payload;
    while (payload.length < idx) payload.push(undefined);
    payload[idx] = msg;
  }

  protected load(_seq: number, idx: number): StoredMessage | undefined {
    return this.payload[idx];
  }

  protected onRemove(): void {}
  protected onClearAll(): void {}
  protected commitRemovals(): void {}

  saveConsumerState(consumer: string, state: Uint8Array): void {
    this.checkOpen();
    this.consumers.set(consumer, Uint8Array.from(state));
  }

  loadConsumerStates(): Map<string, Uint8Array> {
    this.checkOpen();
    return new Map(this.consumers);
  }

  removeConsumerState(consumer: string): void {
    this.checkOpen();
    this.consumers.delete(consumer);
  }

  commitWrites(): void {}

  async flush(): Promise<void> {
    this.checkOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async destroy(): Promise<void> {
    this.indexClearAll(this.lastSeq + 1);
    this.consumers.clear();
    this.closed = true;
  }
}
