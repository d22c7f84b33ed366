import { type Static, Type } from '@sinclair/typebox';

const Seq = Type.Integer({ minimum: 0 });
const Subject = Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\s]+$' });
const Time = Type.String({ format: 'date-time' });

/** One header line; a key may repeat, and the order of the lines is kept. */
export const MessageHeader = Type.Tuple([
  Type.String({ maxLength: 1024 }),
  Type.String({ maxLength: 65536 }),
]);
export type MessageHeader = Static<typeof MessageHeader>;

export const MessagesTargetParams = Type.Object({ targetId: Type.String({ minLength: 1 }) });
export type MessagesTargetParams = Static<typeof MessagesTargetParams>;

export const MessagesStreamParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  stream: Type.String({ minLength: 1, maxLength: 256 }),
});
export type MessagesStreamParams = Static<typeof MessagesStreamParams>;

export const MessageParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  stream: Type.String({ minLength: 1, maxLength: 256 }),
  seq: Type.Integer({ minimum: 1 }),
});
export type MessageParams = Static<typeof MessageParams>;

/** A stream as the message browser needs it. */
export const MessageStream = Type.Object({
  name: Type.String(),
  subjects: Type.Array(Type.String()),
  retention: Type.String(),
  messages: Type.Integer(),
  bytes: Type.Integer(),
  firstSeq: Seq,
  lastSeq: Seq,
  firstTime: Type.Union([Time, Type.Null()]),
  lastTime: Type.Union([Time, Type.Null()]),
  consumers: Type.Integer(),
});
export type MessageStream = Static<typeof MessageStream>;

export const MessageStreamsResponse = Type.Object({ streams: Type.Array(MessageStream) });
export type MessageStreamsResponse = Static<typeof MessageStreamsResponse>;

/**
 * A page of the browser. Without `seq` or `time` the page ends at the stream's last message;
 * `time` jumps to the first message stored at or after it.
 */
export const MessageBrowseQuery = Type.Object({
  seq: Type.Optional(Type.Integer({ minimum: 1 })),
  time: Type.Optional(Time),
  direction: Type.Union([Type.Literal('forward'), Type.Literal('backward')], { default: 'backward' }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  /** Subject filter, wildcards allowed. */
  subject: Type.Optional(Subject),
});
export type MessageBrowseQuery = Static<typeof MessageBrowseQuery>;

export const PayloadKind = Type.Union([Type.Literal('json'), Type.Literal('text'), Type.Literal('binary')]);
export type PayloadKind = Static<typeof PayloadKind>;

/** One row of the browser: the payload's start as text, for display and in-window search. */
export const MessageSummary = Type.Object({
  seq: Seq,
  subject: Type.String(),
  time: Time,
  size: Type.Integer(),
  headerCount: Type.Integer(),
  kind: PayloadKind,
  preview: Type.String(),
});
export type MessageSummary = Static<typeof MessageSummary>;

export const MessageBrowseResponse = Type.Object({
  stream: Type.String(),
  /** Ascending by sequence. */
  messages: Type.Array(MessageSummary),
  /** Pass as `seq` with `direction=backward` for the older page; null at the start of the stream. */
  olderSeq: Type.Union([Seq, Type.Null()]),
  /** Pass as `seq` with `direction=forward` for the newer page; null at the end of the stream. */
  newerSeq: Type.Union([Seq, Type.Null()]),
  firstSeq: Seq,
  lastSeq: Seq,
});
export type MessageBrowseResponse = Static<typeof MessageBrowseResponse>;

export const MessageDetailQuery = Type.Object({
  /** Payload bytes returned inline (the whole payload is at `…/:seq/payload`). */
  maxBytes: Type.Integer({ minimum: 0, maximum: 8 * 1024 * 1024, default: 256 * 1024 }),
});
export type MessageDetailQuery = Static<typeof MessageDetailQuery>;

export const MessageDetail = Type.Object({
  stream: Type.String(),
  seq: Seq,
  subject: Type.String(),
  time: Time,
  size: Type.Integer(),
  headers: Type.Array(MessageHeader),
  payloadSize: Type.Integer(),
  /** Base64 of the first `maxBytes` of the payload. */
  payload: Type.String(),
  truncated: Type.Boolean(),
  kind: PayloadKind,
});
export type MessageDetail = Static<typeof MessageDetail>;

export const DeleteMessageQuery = Type.Object({
  /** Overwrite the stored bytes, not only mark the message deleted. */
  erase: Type.Boolean({ default: false }),
});
export type DeleteMessageQuery = Static<typeof DeleteMessageQuery>;

export const MessagePurgeRequest = Type.Object({
  /** Only messages on this subject (wildcards allowed). */
  filter: Type.Optional(Subject),
  /** Purge messages below this sequence. */
  seq: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Keep this many newest messages. */
  keep: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type MessagePurgeRequest = Static<typeof MessagePurgeRequest>;

export const MessagePurgeResponse = Type.Object({ purged: Type.Integer() });
export type MessagePurgeResponse = Static<typeof MessagePurgeResponse>;

export const PublishRequest = Type.Object({
  subject: Subject,
  headers: Type.Array(MessageHeader, { default: [], maxItems: 256 }),
  payload: Type.String({ default: '', maxLength: 8 * 1024 * 1024 }),
  encoding: Type.Union([Type.Literal('text'), Type.Literal('base64')], { default: 'text' }),
  /** `request` waits for one reply. */
  mode: Type.Union([Type.Literal('publish'), Type.Literal('request')], { default: 'publish' }),
  timeoutMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 2000 }),
});
export type PublishRequest = Static<typeof PublishRequest>;

export const PublishResponse = Type.Object({
  outcome: Type.Union([
    Type.Literal('published'),
    Type.Literal('reply'),
    Type.Literal('no_responders'),
    Type.Literal('timeout'),
  ]),
  latencyMs: Type.Number(),
  reply: Type.Optional(
    Type.Object({
      subject: Type.String(),
      headers: Type.Array(MessageHeader),
      payload: Type.String({ description: 'base64' }),
      kind: PayloadKind,
    }),
  ),
});
export type PublishResponse = Static<typeof PublishResponse>;

export const MessageTailQuery = Type.Object({ subject: Subject });
export type MessageTailQuery = Static<typeof MessageTailQuery>;

/** One Server-Sent Event `data:` of the live tail. `dropped` counts messages not sent since the last event. */
export const MessageTailEvent = Type.Object({
  subject: Type.String(),
  reply: Type.Optional(Type.String()),
  time: Time,
  size: Type.Integer(),
  headers: Type.Array(MessageHeader),
  kind: PayloadKind,
  preview: Type.String(),
  dropped: Type.Integer(),
});
export type MessageTailEvent = Static<typeof MessageTailEvent>;

/** A selection of stored messages: a sequence and/or time range and a subject filter. */
export const MessageRangeQuery = Type.Object({
  fromSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  toSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  startTime: Type.Optional(Time),
  endTime: Type.Optional(Time),
  subject: Type.Optional(Subject),
});
export type MessageRangeQuery = Static<typeof MessageRangeQuery>;

/** One line of an export file (JSON Lines). */
export const MessageExportRecord = Type.Object({
  subject: Type.String(),
  headers: Type.Array(MessageHeader),
  /** base64 */
  payload: Type.String(),
  seq: Type.Optional(Seq),
  time: Type.Optional(Time),
  stream: Type.Optional(Type.String()),
});
export type MessageExportRecord = Static<typeof MessageExportRecord>;

export const MessageRangeCountResponse = Type.Object({
  fromSeq: Seq,
  toSeq: Seq,
  /** Messages in the selection; an upper bound when `exact` is false. */
  count: Type.Integer(),
  exact: Type.Boolean(),
  bytes: Type.Integer({ description: 'estimate' }),
});
export type MessageRangeCountResponse = Static<typeof MessageRangeCountResponse>;

export const MessageImportRequest = Type.Object({
  /** The export file's text (JSON Lines). */
  data: Type.String({ maxLength: 64 * 1024 * 1024 }),
  /** Publish every record to this subject instead of its own. */
  subject: Type.Optional(Subject),
  /** Publish through JetStream and require this stream to store each message (acks count duplicates). */
  stream: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  /** Add `Nats-Msg-Id` (from the original stream and sequence) where a record has none. */
  dedupe: Type.Boolean({ default: true }),
  /** Parse and show what would be published; publish nothing. */
  preview: Type.Boolean({ default: false }),
});
export type MessageImportRequest = Static<typeof MessageImportRequest>;

export const MessageImportSample = Type.Object({
  line: Type.Integer(),
  subject: Type.String(),
  size: Type.Integer(),
  msgId: Type.Union([Type.String(), Type.Null()]),
  preview: Type.String(),
});

export const MessageImportResponse = Type.Object({
  records: Type.Integer(),
  published: Type.Integer(),
  duplicates: Type.Integer(),
  invalidLines: Type.Array(Type.Integer()),
  sample: Type.Array(MessageImportSample),
  error: Type.Optional(Type.String()),
});
export type MessageImportResponse = Static<typeof MessageImportResponse>;

/** What to replay and how. Time bounds are resolved to sequences when the job is created. */
export const ReplayRequest = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  stream: Type.String({ minLength: 1, maxLength: 256 }),
  fromSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  toSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  startTime: Type.Optional(Time),
  endTime: Type.Optional(Time),
  subject: Type.Optional(Subject),
  /** Remap subjects matching `remapFrom` (e.g. `orders.>`) to `remapTo` (e.g. `orders.retry.>`). */
  remapFrom: Type.Optional(Subject),
  remapTo: Type.Optional(Subject),
  /** Messages per second; 0 means unlimited. */
  ratePerSec: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 100 }),
  addMsgId: Type.Boolean({ default: true }),
  dryRun: Type.Boolean({ default: false }),
  /** Keep the stream's gaps between messages (still capped by the rate limit). */
  originalPace: Type.Boolean({ default: false }),
});
export type ReplayRequest = Static<typeof ReplayRequest>;

export const ReplaySample = Type.Object({
  seq: Seq,
  subject: Type.String(),
  targetSubject: Type.String(),
  time: Time,
  size: Type.Integer(),
  preview: Type.String(),
});
export type ReplaySample = Static<typeof ReplaySample>;

export const ReplayPreviewResponse = Type.Object({
  fromSeq: Seq,
  toSeq: Seq,
  count: Type.Integer(),
  exact: Type.Boolean(),
  sample: Type.Array(ReplaySample),
});
export type ReplayPreviewResponse = Static<typeof ReplayPreviewResponse>;

export const ReplayStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('paused'),
  Type.Literal('cancelled'),
  Type.Literal('completed'),
  Type.Literal('failed'),
]);
export type ReplayStatus = Static<typeof ReplayStatus>;

export const ReplayJob = Type.Object({
  id: Type.String(),
  targetId: Type.String(),
  stream: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  fromSeq: Seq,
  toSeq: Seq,
  remapFrom: Type.Union([Type.String(), Type.Null()]),
  remapTo: Type.Union([Type.String(), Type.Null()]),
  ratePerSec: Type.Integer(),
  addMsgId: Type.Boolean(),
  dryRun: Type.Boolean(),
  originalPace: Type.Boolean(),
  status: ReplayStatus,
  /** Messages selected (an upper bound until the job ends). */
  total: Type.Integer(),
  done: Type.Integer(),
  /** Last source sequence published. */
  cursorSeq: Seq,
  /** Messages per second over the last few seconds, while running. */
  rate: Type.Number(),
  etaSeconds: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Time,
  updatedAt: Time,
  finishedAt: Type.Union([Time, Type.Null()]),
});
export type ReplayJob = Static<typeof ReplayJob>;

export const ReplayJobsResponse = Type.Object({ jobs: Type.Array(ReplayJob) });
export type ReplayJobsResponse = Static<typeof ReplayJobsResponse>;

export const ReplayAction = Type.Object({
  id: Type.String({ minLength: 1 }),
  action: Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('cancel')]),
});
export type ReplayAction = Static<typeof ReplayAction>;
