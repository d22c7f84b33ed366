// The storage contract every JetStream stream sits on. A memory and a file implementation
// pass the same conformance suite (store/conformance.ts).

/** One stored message. `time` is nanoseconds since the Unix epoch. */
export interface StoredMessage {
  seq: number;
  subject: string;
  /** Raw NATS header block (`NATS/1.0\r\n...\r\n\r\n`), or undefined when the message had none. */
  headers: Uint8Array | undefined;
  data: Uint8Array;
  time: bigint;
}

/** Numbers nats-server reports as a stream's `state`. Times in ns since the epoch (0n when empty). */
export interface StoreState {
  messages: number;
  bytes: number;
  firstSeq: number;
  firstTime: bigint;
  lastSeq: number;
  lastTime: bigint;
  /** Sequences between firstSeq and lastSeq that were removed (interior deletes). */
  numDeleted: number;
  numSubjects: number;
}

/** Retention limits the store enforces itself on append (and on expire for maxAge). -1 = unlimited. */
export interface StoreLimits {
  maxMsgs: number;
  maxBytes: number;
  /** nanoseconds, 0 = unlimited */
  maxAgeNs: bigint;
  maxMsgsPerSubject: number;
  maxMsgSize: number;
  discard: 'old' | 'new';
  /** With discard new: apply the per-subject limit by refusing instead of dropping the oldest. */
  discardNewPerSubject: boolean;
}

export type StoreErrorCode =
  | 'MAX_MSGS'
  | 'MAX_BYTES'
  | 'MAX_MSGS_PER_SUBJECT'
  | 'MAX_MSG_SIZE'
  | 'CLOSED'
  | 'CORRUPT';

/** A typed failure of a store operation; `code` maps to a JetStream API error. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface PurgeRequest {
  /** Only messages whose subject matches this (wildcards allowed). */
  filter?: string;
  /** Remove messages with seq < upToSeq. */
  upToSeq?: number;
  /** Keep this many of the newest (matching) messages. */
  keep?: number;
}

export interface StreamStore {
  /** Appends; enforces limits (dropping oldest or throwing StoreError for discard new). */
  append(
    subject: string,
    headers: Uint8Array | undefined,
    data: Uint8Array,
    timeNs?: bigint,
  ): { seq: number; time: bigint };
  get(seq: number): StoredMessage | undefined;
  /** The first message with seq >= fromSeq whose subject matches `filter` (wildcards allowed; '' or '>' = any). */
  next(fromSeq: number, filter?: string): StoredMessage | undefined;
  /** The newest message whose subject matches `filter`. */
  last(filter: string): StoredMessage | undefined;
  /** Removes one message; `erase` overwrites its bytes on disk. Returns false when it did not exist. */
  remove(seq: number, erase?: boolean): boolean;
  /** Returns how many messages were removed. */
  purge(req?: PurgeRequest): number;
  /**
   * Moves the last sequence on to `seq` without storing anything; the sequences in between stay
   * unused (a mirror keeps its origin's sequences across the origin's deletes). No-op unless ahead.
   */
  skipTo(seq: number): void;
  state(): StoreState;
  /** Message count per subject, for subjects matching `filter`. */
  subjects(filter?: string): Map<string, number>;
  /** Messages with seq >= fromSeq matching filter; with lastPerSubject only the newest of each subject counts. */
  numPending(fromSeq: number, filter?: string, lastPerSubject?: boolean): number;
  updateLimits(limits: StoreLimits): void;
  /** Removes messages older than maxAge at `nowNs`; returns the count removed. */
  expire(nowNs: bigint): number;
  /** Persists a consumer's state blob (file store: durable across restarts). */
  saveConsumerState(consumer: string, state: Uint8Array): void;
  loadConsumerStates(): Map<string, Uint8Array>;
  removeConsumerState(consumer: string): void;
  /**
   * Hands appends buffered this tick to the OS, throwing if that fails (file store with batched
   * writes); after it returns, a killed process keeps them. A no-op for stores that write at once.
   */
  commitWrites(): void;
  /** Makes everything appended so far durable (fsync for the file store). */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Closes and deletes all data. */
  destroy(): Promise<void>;
}
