// A small fan-out for Server-Sent Events. Publishing never waits for a subscriber: each one has a
// bounded queue, and when a slow subscriber's queue is full the oldest items are dropped and counted,
// so the client can tell it missed some and refetch.

/** What a subscriber receives: the items queued since its last read, and how many were dropped meanwhile. */
export interface LiveBatch<T> {
  items: T[];
  dropped: number;
}

export interface LiveHubOptions {
  /** Items queued per subscriber before the oldest are dropped (default 1,000). */
  maxQueue?: number;
  /** Subscribers at once; `subscribe` throws `LiveHubFullError` beyond it (default 1,000). */
  maxSubscribers?: number;
}

/** Raised by `subscribe` when the hub already has `maxSubscribers`. */
export class LiveHubFullError extends Error {
  override name = 'LiveHubFullError';
}

/** One subscriber: read with `next()` or `for await`; `close()` when the client goes away. */
export class LiveSubscription<T> implements AsyncIterable<LiveBatch<T>> {
  readonly #filter: ((item: T) => boolean) | undefined;
  readonly #maxQueue: number;
  readonly #onClose: () => void;
  #queue: T[] = [];
  #dropped = 0;
  #closed = false;
  #wake: ((batch: LiveBatch<T> | undefined) => void) | undefined;

  constructor(maxQueue: number, filter: ((item: T) => boolean) | undefined, onClose: () => void) {
    this.#maxQueue = Math.max(1, maxQueue);
    this.#filter = filter;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Items waiting to be read. */
  get queued(): number {
    return this.#queue.length;
  }

  /** @internal Called by the hub. */
  push(items: readonly T[]): void {
    if (this.#closed) return;
    for (const item of items) if (!this.#filter || this.#filter(item)) this.#queue.push(item);
    const over = this.#queue.length - this.#maxQueue;
    if (over > 0) {
      this.#queue.splice(0, over);
      this.#dropped += over;
    }
    if (this.#wake && this.#queue.length) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake(this.#take());
    }
  }

  #take(): LiveBatch<T> {
    const batch = { items: this.#queue, dropped: this.#dropped };
    this.#queue = [];
    this.#dropped = 0;
    return batch;
  }

  /** Resolves with everything queued (waiting for at least one item), or undefined once closed. */
  next(): Promise<LiveBatch<T> | undefined> {
    if (this.#queue.length) return Promise.resolve(this.#take());
    if (this.#closed) return Promise.resolve(undefined);
    if (this.#wake) return Promise.reject(new Error('LiveSubscription.next() is already pending'));
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Stops delivery; a pending `next()` resolves with undefined. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.(undefined);
    this.#onClose();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LiveBatch<T>> {
    try {
      for (let batch = await this.next(); batch; batch = await this.next()) yield batch;
    } finally {
      this.close();
    }
  }
}

/** Fans published items out to subscribers, each with its own bounded queue and optional filter. */
export class LiveHub<T> {
  readonly #subs = new Set<LiveSubscription<T>>();
  readonly #maxQueue: number;
  readonly #maxSubscribers: number;

  constructor(opts: LiveHubOptions = {}) {
    this.#maxQueue = opts.maxQueue ?? 1_000;
    this.#maxSubscribers = opts.maxSubscribers ?? 1_000;
  }

  get size(): number {
    return this.#subs.size;
  }

  subscribe(opts: { filter?: (item: T) => boolean; maxQueue?: number } = {}): LiveSubscription<T> {
    if (this.#subs.size >= this.#maxSubscribers) {
      throw new LiveHubFullError(`too many live subscribers (limit ${this.#maxSubscribers})`);
    }
    const sub: LiveSubscription<T> = new LiveSubscription<T>(
      opts.maxQueue ?? this.#maxQueue,
      opts.filter,
      () => this.#subs.delete(sub),
    );
    this.#subs.add(sub);
    return sub;
  }

  /** Queues items for every subscriber whose filter accepts them; never blocks. */
  publish(items: readonly T[]): void {
    if (!items.length) return;
    for (const sub of this.#subs) sub.push(items);
  }

  /** Closes every subscription (e.g. in the app's onClose). */
  close(): void {
    for (const sub of [...this.#subs]) sub.close();
  }
}
