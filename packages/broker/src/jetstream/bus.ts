/** Who sent a message into the broker, as JetStream needs it for advisories and accounting. */
export interface JsClientInfo {
  account: string;
  user?: string;
  cid?: number;
  host?: string;
  name?: string;
  lang?: string;
  version?: string;
}

/** Receives a message on an internal subscription. `headers` is the raw NATS header block. */
export type JsHandler = (
  subject: string,
  reply: string | undefined,
  headers: Uint8Array | undefined,
  payload: Uint8Array,
  client: JsClientInfo | undefined,
) => void;

/** The small slice of the broker JetStream runs on; `attach.ts` implements it over the server. */
export interface JsBus {
  /** Internal subscription (server-owned), optionally in a queue group. */
  subscribe(subject: string, handler: JsHandler, queue?: string): { unsubscribe(): void };
  /**
   * Publishes into the router as the server. `asSubject` overrides the subject receivers see while
   * routing still uses `subject` (push/pull deliveries: routed to the deliver subject or inbox,
   * shown with the stream message's own subject).
   */
  publish(
    subject: string,
    reply: string | undefined,
    headers: Uint8Array | undefined,
    payload: Uint8Array,
    asSubject?: string,
  ): void;
  /** Whether any subscription matches `subject`. */
  hasInterest(subject: string): boolean;
  /** Runs `fn` once, later in this tick, before the broker writes anything queued now to a connection. */
  beforeFlush(fn: () => void): void;
}
