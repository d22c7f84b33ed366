// Administration: JetStream streams/consumers/KV/object stores, users, API tokens, audit export,
// retention and rollback, configuration as code.
//
// Conventions
// - NATS configs use the server's own JSON field names (snake_case, durations in nanoseconds), as the
//   `nats` CLI and the official clients do, so a config can be copied to and from them unchanged.
// - Every change has two endpoints: `POST <path>/preview` (a dry run: nothing changes, returns a
//   `ChangePreview`) and `POST <path>/apply` (returns a `ChangeResult`). Both take the same body.
// - Destructive changes (`ChangePreview.destructive`) need `confirm` equal to `ChangePreview.confirmText`
//   (the object's name) in the apply body, else 400 CONFIRMATION_REQUIRED.
// - NATS rejections come back as ApiError code `NATS_ERROR` with `details: NatsErrorDetails`; the message
//   is plain words plus the server's `err_code`.
//
// Routes (J = /api/targets/:targetId/jetstream; roles: V viewer, O operator, A admin)
//   GET  J/capabilities                                   V JetStreamCapabilities
//   GET  J/streams · J/streams/:stream                    V StreamsListResponse · StreamDetail
//   GET  J/streams/:stream/consumers[/:consumer]          V ConsumersListResponse · ConsumerDetail
//   POST J/streams/:stream/{create,update}/{preview,apply}           O StreamChangeRequest
//   POST J/streams/:stream/{delete,seal}/{preview,apply}             O ConfirmRequest
//   POST J/streams/:stream/purge/{preview,apply}                     O StreamPurgeRequest
//   POST J/streams/:stream/consumers/:consumer/{create,update}/...   O ConsumerChangeRequest
//   POST J/streams/:stream/consumers/:consumer/delete/...            O ConfirmRequest
//   POST J/streams/:stream/consumers/:consumer/{pause,resume}/...    O ConsumerPauseRequest · {}
//   GET  J/kv · J/kv/:bucket · J/kv/:bucket/keys?filter&limit · J/kv/:bucket/keys/:key (history)   V
//   POST J/kv/:bucket/{create,update}/...  O KvBucketChangeRequest;  J/kv/:bucket/delete/...  O ConfirmRequest
//   POST J/kv/:bucket/keys/:key/put/...    O KvPutRequest;  J/kv/:bucket/keys/:key/{delete,purge}/...  O ConfirmRequest
//   GET  J/objects · J/objects/:bucket · J/objects/:bucket/objects/:name/download   V
//   POST J/objects/:bucket/delete/... · J/objects/:bucket/objects/:name/delete/...  O ConfirmRequest
//   GET  /api/targets/:targetId/advisories/status          V AdvisoryStatus
//   GET  /api/users · POST /api/users · PATCH /api/users/:id · POST /api/users/:id/password · DELETE /api/users/:id   A
//   GET  /api/tokens · POST /api/tokens · DELETE /api/tokens/:id   V (own tokens; admins see all)
//   GET  /api/audit?AuditSearchQuery · /api/audit/:id · /api/audit/verify (AuditVerifyDetail) · /api/audit/export   V
//   GET  /api/audit/settings V · PUT /api/audit/settings A · POST /api/audit/prune A
//   POST /api/audit/:id/rollback/{preview,apply}           O ConfirmRequest → RollbackPreview · RollbackResult
//   GET  /api/config-as-code/:targetId/export?format=json|yaml   V
//   POST /api/config-as-code/:targetId/import/preview V · /import/apply O · /drift V   ConfigImportRequest
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { AuditRecord, AuditResponse, AuditSource } from './audit.js';
import { Role } from './auth.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Nanoseconds (NATS wire format for durations). */
const Nanos = Type.Integer({ minimum: 0, description: 'nanoseconds' });
const Name = Type.String({ minLength: 1, maxLength: 255 });
/** A union of string literals that keeps the literal types. */
const Lits = <const T extends readonly string[]>(
  values: T,
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> } & TSchema[]> =>
  Type.Union(values.map((v) => Type.Literal(v))) as never;

// ---------------------------------------------------------------- errors

/** `details` of an ApiError with code NATS_ERROR. */
export const NatsErrorDetails = Type.Object({
  /** HTTP-like status the server put in the API error (e.g. 400, 404, 500). */
  status: Type.Integer(),
  /** The server's JetStream error code (e.g. 10058 stream name already in use). */
  errCode: Type.Integer(),
  /** The server's own description. */
  description: Type.String(),
});
export type NatsErrorDetails = Static<typeof NatsErrorDetails>;

// ---------------------------------------------------------------- params

export const AdminTargetParams = Type.Object({ targetId: Type.String({ minLength: 1 }) });
export type AdminTargetParams = Static<typeof AdminTargetParams>;
export const AdminStreamParams = Type.Object({ targetId: Type.String({ minLength: 1 }), stream: Name });
export type AdminStreamParams = Static<typeof AdminStreamParams>;
export const AdminConsumerParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  stream: Name,
  consumer: Name,
});
export type AdminConsumerParams = Static<typeof AdminConsumerParams>;
export const BucketParams = Type.Object({ targetId: Type.String({ minLength: 1 }), bucket: Name });
export type BucketParams = Static<typeof BucketParams>;
/** `key` is URL-encoded in the path (KV keys may contain `/`). */
export const KvKeyParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  bucket: Name,
  key: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type KvKeyParams = Static<typeof KvKeyParams>;
/** `name` is URL-encoded in the path (object names may contain `/`). */
export const ObjectParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  bucket: Name,
  name: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type ObjectParams = Static<typeof ObjectParams>;

// ---------------------------------------------------------------- JetStream configs

const Open = { additionalProperties: true } as const;

export const StreamSource = Type.Object(
  {
    name: Name,
    opt_start_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    opt_start_time: Type.Optional(Type.String()),
    filter_subject: Type.Optional(Type.String()),
    external: Type.Optional(Type.Object({ api: Type.String(), deliver: Type.Optional(Type.String()) })),
  },
  Open,
);
export type StreamSource = Static<typeof StreamSource>;

/** A stream's configuration (JetStream `StreamConfig`); unknown fields are passed through to the server. */
export const StreamConfig = Type.Object(
  {
    name: Name,
    description: Type.Optional(Type.String()),
    subjects: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    retention: Type.Optional(
      Type.Union([Type.Literal('limits'), Type.Literal('interest'), Type.Literal('workqueue')]),
    ),
    max_consumers: Type.Optional(Type.Integer({ minimum: -1 })),
    max_msgs: Type.Optional(Type.Integer({ minimum: -1 })),
    max_bytes: Type.Optional(Type.Integer({ minimum: -1 })),
    max_age: Type.Optional(Nanos),
    max_msgs_per_subject: Type.Optional(Type.Integer({ minimum: -1 })),
    max_msg_size: Type.Optional(Type.Integer({ minimum: -1 })),
    discard: Type.Optional(Type.Union([Type.Literal('old'), Type.Literal('new')])),
    discard_new_per_subject: Type.Optional(Type.Boolean()),
    storage: Type.Optional(Type.Union([Type.Literal('file'), Type.Literal('memory')])),
    num_replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    no_ack: Type.Optional(Type.Boolean()),
    duplicate_window: Type.Optional(Nanos),
    sealed: Type.Optional(Type.Boolean()),
    deny_delete: Type.Optional(Type.Boolean()),
    deny_purge: Type.Optional(Type.Boolean()),
    allow_rollup_hdrs: Type.Optional(Type.Boolean()),
    allow_direct: Type.Optional(Type.Boolean()),
    mirror_direct: Type.Optional(Type.Boolean()),
    mirror: Type.Optional(StreamSource),
    sources: Type.Optional(Type.Array(StreamSource)),
    republish: Type.Optional(
      Type.Object(
        {
          src: Type.Optional(Type.String()),
          dest: Type.String(),
          headers_only: Type.Optional(Type.Boolean()),
        },
        Open,
      ),
    ),
    placement: Type.Optional(
      Type.Object(
        { cluster: Type.Optional(Type.String()), tags: Type.Optional(Type.Array(Type.String())) },
        Open,
      ),
    ),
    compression: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('s2')])),
    first_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  Open,
);
export type StreamConfig = Static<typeof StreamConfig>;

export const StreamState = Type.Object(
  {
    messages: Type.Number(),
    bytes: Type.Number(),
    first_seq: Type.Number(),
    last_seq: Type.Number(),
    consumer_count: Type.Number(),
    num_subjects: Type.Optional(Type.Number()),
  },
  Open,
);
export type StreamState = Static<typeof StreamState>;

export const StreamDetail = Type.Object({
  config: StreamConfig,
  state: StreamState,
  created: Type.String(),
});
export type StreamDetail = Static<typeof StreamDetail>;

export const StreamsListResponse = Type.Object({ streams: Type.Array(StreamDetail) });
export type StreamsListResponse = Static<typeof StreamsListResponse>;

/** A consumer's configuration (JetStream `ConsumerConfig`); push consumers have `deliver_subject`. */
export const ConsumerConfig = Type.Object(
  {
    durable_name: Type.Optional(Name),
    name: Type.Optional(Name),
    description: Type.Optional(Type.String()),
    deliver_policy: Type.Optional(
      Lits(['all', 'last', 'new', 'by_start_sequence', 'by_start_time', 'last_per_subject'] as const),
    ),
    opt_start_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    opt_start_time: Type.Optional(Type.String()),
    ack_policy: Type.Optional(Lits(['none', 'all', 'explicit'] as const)),
    ack_wait: Type.Optional(Nanos),
    max_deliver: Type.Optional(Type.Integer({ minimum: -1 })),
    backoff: Type.Optional(Type.Array(Nanos)),
    filter_subject: Type.Optional(Type.String()),
    /** Needs nats-server 2.10+. */
    filter_subjects: Type.Optional(Type.Array(Type.String())),
    replay_policy: Type.Optional(Type.Union([Type.Literal('instant'), Type.Literal('original')])),
    rate_limit_bps: Type.Optional(Type.Integer({ minimum: 0 })),
    sample_freq: Type.Optional(Type.String()),
    max_waiting: Type.Optional(Type.Integer({ minimum: 0 })),
    max_ack_pending: Type.Optional(Type.Integer({ minimum: -1 })),
    idle_heartbeat: Type.Optional(Nanos),
    flow_control: Type.Optional(Type.Boolean()),
    headers_only: Type.Optional(Type.Boolean()),
    max_batch: Type.Optional(Type.Integer({ minimum: 0 })),
    max_expires: Type.Optional(Nanos),
    max_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    inactive_threshold: Type.Optional(Nanos),
    num_replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
    mem_storage: Type.Optional(Type.Boolean()),
    /** Push consumers only. */
    deliver_subject: Type.Optional(Type.String()),
    deliver_group: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** RFC 3339; needs nats-server 2.11+. */
    pause_until: Type.Optional(Type.String()),
  },
  Open,
);
export type ConsumerConfig = Static<typeof ConsumerConfig>;

export const ConsumerDetail = Type.Object({
  stream: Type.String(),
  name: Type.String(),
  config: ConsumerConfig,
  created: Type.String(),
  /** `deliver_subject` is set. */
  push: Type.Boolean(),
  paused: Type.Boolean(),
  pauseUntil: Nullable(Type.String()),
  numPending: Type.Number(),
  numAckPending: Type.Number(),
  numRedelivered: Type.Number(),
  numWaiting: Type.Number(),
  delivered: Type.Object({ consumer_seq: Type.Number(), stream_seq: Type.Number() }, Open),
  ackFloor: Type.Object({ consumer_seq: Type.Number(), stream_seq: Type.Number() }, Open),
});
export type ConsumerDetail = Static<typeof ConsumerDetail>;

export const ConsumersListResponse = Type.Object({ consumers: Type.Array(ConsumerDetail) });
export type ConsumersListResponse = Static<typeof ConsumersListResponse>;

/** What the target's server can do, so the UI can hide what it would refuse. */
export const JetStreamCapabilities = Type.Object({
  serverVersion: Type.String(),
  /** True for Tern's own broker. */
  tern: Type.Boolean(),
  jetstream: Type.Boolean(),
  /** Consumer pause/resume (nats-server 2.11+). */
  consumerPause: Type.Boolean(),
  /** `filter_subjects`, stream `metadata`, `compression`, `subject_transform` (2.10+). */
  v210: Type.Boolean(),
});
export type JetStreamCapabilities = Static<typeof JetStreamCapabilities>;

// ---------------------------------------------------------------- KV and object stores

/** A KV bucket's settings (the `@nats-io/kv` options, durations in milliseconds). */
export const KvBucketConfig = Type.Object({
  bucket: Type.String({ minLength: 1, maxLength: 200, pattern: '^[-\\w]+$' }),
  description: Type.Optional(Type.String()),
  /** Values kept per key, 1..64. */
  history: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  /** Entry lifetime in ms; 0 = forever. */
  ttl: Type.Optional(Type.Integer({ minimum: 0 })),
  max_bytes: Type.Optional(Type.Integer({ minimum: -1 })),
  max_value_size: Type.Optional(Type.Integer({ minimum: -1 })),
  storage: Type.Optional(Type.Union([Type.Literal('file'), Type.Literal('memory')])),
  replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
});
export type KvBucketConfig = Static<typeof KvBucketConfig>;

export const KvBucketSummary = Type.Object({
  config: KvBucketConfig,
  /** Live keys' values, including history. */
  values: Type.Number(),
  bytes: Type.Number(),
  stream: Type.String(),
});
export type KvBucketSummary = Static<typeof KvBucketSummary>;
export const KvBucketsResponse = Type.Object({ buckets: Type.Array(KvBucketSummary) });
export type KvBucketsResponse = Static<typeof KvBucketsResponse>;

export const KvOperation = Type.Union([Type.Literal('PUT'), Type.Literal('DEL'), Type.Literal('PURGE')]);
export type KvOperation = Static<typeof KvOperation>;

export const KvEntry = Type.Object({
  key: Type.String(),
  revision: Type.Number(),
  created: Type.String(),
  operation: KvOperation,
  length: Type.Integer(),
  /** utf8 when the value is valid UTF-8, else base64. */
  encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
  value: Type.String(),
});
export type KvEntry = Static<typeof KvEntry>;

export const KvKeysQuery = Type.Object({
  /** Subject-style filter, e.g. `orders.>`; default all keys. */
  filter: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
});
export type KvKeysQuery = Static<typeof KvKeysQuery>;
/** The latest entry of each live key (deleted keys omitted), sorted by key. */
export const KvKeysResponse = Type.Object({ keys: Type.Array(KvEntry), truncated: Type.Boolean() });
export type KvKeysResponse = Static<typeof KvKeysResponse>;
/** A key's history, oldest first. */
export const KvHistoryResponse = Type.Object({ key: Type.String(), history: Type.Array(KvEntry) });
export type KvHistoryResponse = Static<typeof KvHistoryResponse>;

export const ObjectStoreSummary = Type.Object({
  bucket: Type.String(),
  description: Type.Optional(Type.String()),
  size: Type.Number(),
  storage: Type.String(),
  sealed: Type.Boolean(),
  stream: Type.String(),
});
export type ObjectStoreSummary = Static<typeof ObjectStoreSummary>;
export const ObjectStoresResponse = Type.Object({ buckets: Type.Array(ObjectStoreSummary) });
export type ObjectStoresResponse = Static<typeof ObjectStoresResponse>;

export const ObjectSummary = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  size: Type.Number(),
  chunks: Type.Number(),
  mtime: Type.String(),
  digest: Type.String(),
});
export type ObjectSummary = Static<typeof ObjectSummary>;
export const ObjectsResponse = Type.Object({ objects: Type.Array(ObjectSummary) });
export type ObjectsResponse = Static<typeof ObjectsResponse>;
// Download: GET /api/targets/:targetId/jetstream/objects/:bucket/objects/:name/download
// → application/octet-stream with Content-Disposition.

// ---------------------------------------------------------------- change requests

/** Typed confirmation for destructive changes: the object's name. */
const Confirm = Type.Optional(Type.String({ maxLength: 1100 }));

/** `.../streams/:stream/create|update/{preview,apply}`; `config.name` must equal `:stream`. */
export const StreamChangeRequest = Type.Object({ config: StreamConfig, confirm: Confirm });
export type StreamChangeRequest = Static<typeof StreamChangeRequest>;
/** `.../streams/:stream/delete|seal/{preview,apply}`, `.../consumers/:consumer/delete/...`, bucket deletes. */
export const ConfirmRequest = Type.Object({ confirm: Confirm });
export type ConfirmRequest = Static<typeof ConfirmRequest>;
/** `.../streams/:stream/purge/{preview,apply}`: all (no options), by subject, keep the last N, or up to (excluding) seq. */
export const StreamPurgeRequest = Type.Object({
  filter: Type.Optional(Type.String({ minLength: 1 })),
  keep: Type.Optional(Type.Integer({ minimum: 0 })),
  seq: Type.Optional(Type.Integer({ minimum: 1 })),
  confirm: Confirm,
});
export type StreamPurgeRequest = Static<typeof StreamPurgeRequest>;
/** `.../consumers/:consumer/create|update/{preview,apply}`; the name (durable_name or name) must equal `:consumer`. */
export const ConsumerChangeRequest = Type.Object({ config: ConsumerConfig, confirm: Confirm });
export type ConsumerChangeRequest = Static<typeof ConsumerChangeRequest>;
/** `.../consumers/:consumer/pause/{preview,apply}`; `.../resume/...` takes `{}`. */
export const ConsumerPauseRequest = Type.Object({
  until: Type.String({ format: 'date-time' }),
  confirm: Confirm,
});
export type ConsumerPauseRequest = Static<typeof ConsumerPauseRequest>;
/** `.../kv/:bucket/create|update/{preview,apply}`; `config.bucket` must equal `:bucket`. */
export const KvBucketChangeRequest = Type.Object({ config: KvBucketConfig, confirm: Confirm });
export type KvBucketChangeRequest = Static<typeof KvBucketChangeRequest>;
/** `.../kv/:bucket/keys/:key/put/{preview,apply}`. */
export const KvPutRequest = Type.Object({
  value: Type.String({ maxLength: 1_048_576 }),
  encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')], { default: 'utf8' })),
  confirm: Confirm,
});
export type KvPutRequest = Static<typeof KvPutRequest>;
// `.../kv/:bucket/keys/:key/delete|purge/{preview,apply}` and `.../objects/:bucket/delete/...`,
// `.../objects/:bucket/objects/:name/delete/...` take ConfirmRequest.

export const DiffOp = Type.Union([Type.Literal('add'), Type.Literal('remove'), Type.Literal('change')]);
export type DiffOp = Static<typeof DiffOp>;
/** One changed leaf; `path` is dotted with array indexes, e.g. `subjects.1`, `mirror.name`. */
export const DiffEntry = Type.Object({
  path: Type.String(),
  op: DiffOp,
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
});
export type DiffEntry = Static<typeof DiffEntry>;

/** What a change acts on: JetStream objects, and the operator-mode JWTs the accounts pages manage. */
export const ObjectKind = Lits([
  'stream',
  'consumer',
  'kv',
  'kv-key',
  'object-store',
  'object',
  'operator',
  'account',
  'user',
  'account-binding',
] as const);
export type ObjectKind = Static<typeof ObjectKind>;

/** A dry run: what would change. Nothing was changed. */
export const ChangePreview = Type.Object({
  /** e.g. `stream.create`, `stream.update`, `stream.purge`, `consumer.pause`, `kv.put`. */
  action: Type.String(),
  objectType: ObjectKind,
  /** `<stream>`, `<stream>/<consumer>`, `<bucket>`, `<bucket>/<key>`, `<bucket>/<object>`. */
  objectId: Type.String(),
  targetId: Type.String(),
  /** Current state (config, or for data actions a summary such as message counts); null when absent. */
  before: Type.Unknown(),
  /** Proposed state; null when the object goes away. */
  after: Type.Unknown(),
  diff: Type.Array(DiffEntry),
  destructive: Type.Boolean(),
  /** What `confirm` must be on apply; null when no confirmation is needed. */
  confirmText: Nullable(Type.String()),
  /** Plain-words notes, e.g. fields the server will not let you change. */
  warnings: Type.Array(Type.String()),
});
export type ChangePreview = Static<typeof ChangePreview>;

/** An applied change and the id of its audit record. */
export const ChangeResult = Type.Object({
  ok: Type.Literal(true),
  auditId: Type.String(),
  action: Type.String(),
  objectType: ObjectKind,
  objectId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  diff: Type.Array(DiffEntry),
});
export type ChangeResult = Static<typeof ChangeResult>;

// ---------------------------------------------------------------- users and API tokens

export const UserDto = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserDto = Static<typeof UserDto>;
export const UsersResponse = Type.Object({ users: Type.Array(UserDto) });
export type UsersResponse = Static<typeof UsersResponse>;

/** `POST /api/users` (admin). Without `password` one is generated and returned once. */
export const CreateUserRequest = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$' }),
  role: Role,
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 1000 })),
});
export type CreateUserRequest = Static<typeof CreateUserRequest>;
/** `PATCH /api/users/:id` (admin). */
export const UpdateUserRequest = Type.Object({ role: Role });
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;
/** `POST /api/users/:id/password` (admin). Without `password` one is generated. Ends the user's sessions. */
export const ResetPasswordRequest = Type.Object({
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 1000 })),
});
export type ResetPasswordRequest = Static<typeof ResetPasswordRequest>;
/** The user plus the password, shown only in this response when it was generated. */
export const UserWithPasswordResponse = Type.Object({ user: UserDto, password: Nullable(Type.String()) });
export type UserWithPasswordResponse = Static<typeof UserWithPasswordResponse>;
// `DELETE /api/users/:id` (admin, not yourself, never the last admin) → OkResponse.

export const ApiTokenDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The first characters of the secret, to recognise it (e.g. `tern_ab12`). */
  prefix: Type.String(),
  role: Role,
  userId: Type.String(),
  username: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type ApiTokenDto = Static<typeof ApiTokenDto>;
export const ApiTokensResponse = Type.Object({ tokens: Type.Array(ApiTokenDto) });
export type ApiTokensResponse = Static<typeof ApiTokensResponse>;
/**
 * `POST /api/tokens` (any role): a token acting as the caller, with at most the caller's role.
 * Use it as `Authorization: Bearer <secret>` (no cookie, no CSRF header needed).
 */
export const CreateApiTokenRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  role: Type.Optional(Role),
  /** Days until it expires; omitted = never. */
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});
export type CreateApiTokenRequest = Static<typeof CreateApiTokenRequest>;
/** The secret is returned only here, once; the database keeps its SHA-256. */
export const CreateApiTokenResponse = Type.Object({ token: ApiTokenDto, secret: Type.String() });
export type CreateApiTokenResponse = Static<typeof CreateApiTokenResponse>;
// `GET /api/tokens` lists your tokens (admins: everyone's); `DELETE /api/tokens/:id` revokes → OkResponse.

// ---------------------------------------------------------------- audit

/** `GET /api/audit` and `GET /api/audit/export` filters (all optional, combined with AND). */
export const AuditSearchQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  action: Type.Optional(Type.String()),
  actor: Type.Optional(Type.String()),
  objectType: Type.Optional(Type.String()),
  /** Exact object id, e.g. `ORDERS` or `ORDERS/worker`. */
  objectId: Type.Optional(Type.String()),
  /** Case-insensitive substring of the object id. */
  object: Type.Optional(Type.String()),
  targetId: Type.Optional(Type.String()),
  source: Type.Optional(AuditSource),
  result: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('error')])),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;

/** `GET /api/audit?AuditSearchQuery` answers with the existing AuditResponse (newest first, paged by `nextBefore`). */
export const AuditSearchResponse = AuditResponse;
export type AuditSearchResponse = AuditResponse;

/** `GET /api/audit/export?format=csv|json&...AuditSearchQuery` (oldest first, no paging, up to 100k rows). */
export const AuditExportQuery = Type.Composite([
  Type.Omit(AuditSearchQuery, ['limit', 'before']),
  Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'json' }) }),
]);
export type AuditExportQuery = Static<typeof AuditExportQuery>;
/** JSON export body. CSV columns: id,time,actor,role,sourceIp,source,action,objectType,objectId,targetId,result,error,requestId,before,after,prevHash,hash. */
export const AuditExportJson = Type.Object({
  exportedAt: Type.String(),
  records: Type.Array(Type.Composite([AuditRecord, Type.Object({ prevHash: Type.String() })])),
});
export type AuditExportJson = Static<typeof AuditExportJson>;

/** `GET /api/audit/settings` (viewer), `PUT /api/audit/settings` (admin). */
export const AuditSettings = Type.Object({
  /** Records older than this many days are pruned (hourly and on `POST /api/audit/prune`); null = keep forever. */
  retentionDays: Nullable(Type.Integer({ minimum: 1, maximum: 36500 })),
});
export type AuditSettings = Static<typeof AuditSettings>;
/** `POST /api/audit/prune` (admin). */
export const AuditPruneResponse = Type.Object({
  deleted: Type.Integer(),
  oldestRetainedId: Nullable(Type.String()),
});
export type AuditPruneResponse = Static<typeof AuditPruneResponse>;

/**
 * `GET /api/audit/verify`: after pruning, the chain is verified from the oldest retained record's prevHash
 * (`anchorHash`), which the monitor remembers when it prunes.
 */
export const AuditVerifyDetail = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenId: Nullable(Type.String()),
  anchorHash: Type.Optional(Type.String()),
  /** Why the first broken record fails: `hash` (its content was altered) or `link` (its prevHash does not match). */
  reason: Type.Optional(Type.Union([Type.Literal('hash'), Type.Literal('link')])),
});
export type AuditVerifyDetail = Static<typeof AuditVerifyDetail>;

/**
 * `POST /api/audit/:id/rollback/preview` and `/apply` (operator): re-applies the record's before-state
 * through the normal change path (a create is undone by a delete, a delete by a create, an update by
 * the previous config). The apply is audited like any change, with `rollbackOf` = the record's id.
 * Body: ConfirmRequest (needed when the rollback deletes something).
 */
export const RollbackPreview = Type.Composite([ChangePreview, Type.Object({ rollbackOf: Type.String() })]);
export type RollbackPreview = Static<typeof RollbackPreview>;
export const RollbackResult = Type.Composite([ChangeResult, Type.Object({ rollbackOf: Type.String() })]);
export type RollbackResult = Static<typeof RollbackResult>;

// ---------------------------------------------------------------- configuration as code

export const ConfigFormat = Type.Union([Type.Literal('json'), Type.Literal('yaml')]);
export type ConfigFormat = Static<typeof ConfigFormat>;

/** One stream with its durable consumers. */
export const ConfigDocStream = Type.Object({
  config: StreamConfig,
  consumers: Type.Array(ConsumerConfig, { default: [] }),
});
export type ConfigDocStream = Static<typeof ConfigDocStream>;

/** A target's JetStream configuration as one document. KV buckets' backing streams (`KV_*`) are listed under `kv`, not `streams`. */
export const ConfigDocument = Type.Object({
  apiVersion: Type.Literal('tern.dev/v1'),
  kind: Type.Literal('JetStreamConfig'),
  target: Type.Optional(Type.String()),
  exportedAt: Type.Optional(Type.String()),
  streams: Type.Array(ConfigDocStream, { default: [] }),
  kv: Type.Array(KvBucketConfig, { default: [] }),
});
export type ConfigDocument = Static<typeof ConfigDocument>;

/** `GET /api/config-as-code/:targetId/export?format=json|yaml` → the document as text (application/json or application/yaml). */
export const ConfigExportQuery = Type.Object({
  format: Type.Optional(ConfigFormat),
});
export type ConfigExportQuery = Static<typeof ConfigExportQuery>;

/**
 * `POST /api/config-as-code/:targetId/import/preview|apply` and `POST /api/config-as-code/:targetId/drift`.
 * `document` is the text; `format` defaults to auto-detection. With `prune`, objects missing from the
 * document are deleted (apply then needs `confirm` equal to the target's name).
 */
export const ConfigImportRequest = Type.Object({
  document: Type.String({ minLength: 2, maxLength: 5_000_000 }),
  format: Type.Optional(ConfigFormat),
  prune: Type.Optional(Type.Boolean({ default: false })),
  confirm: Confirm,
});
export type ConfigImportRequest = Static<typeof ConfigImportRequest>;

export const ConfigChangeOp = Lits(['create', 'update', 'delete', 'unchanged'] as const);
export type ConfigChangeOp = Static<typeof ConfigChangeOp>;

export const ConfigObjectChange = Type.Object({
  kind: Type.Union([Type.Literal('stream'), Type.Literal('consumer'), Type.Literal('kv')]),
  /** `<stream>`, `<stream>/<consumer>` or `<bucket>`. */
  name: Type.String(),
  op: ConfigChangeOp,
  before: Type.Unknown(),
  after: Type.Unknown(),
  diff: Type.Array(DiffEntry),
  warnings: Type.Array(Type.String()),
});
export type ConfigObjectChange = Static<typeof ConfigObjectChange>;

export const ConfigImportPreview = Type.Object({
  changes: Type.Array(ConfigObjectChange),
  summary: Type.Object({
    create: Type.Integer(),
    update: Type.Integer(),
    delete: Type.Integer(),
    unchanged: Type.Integer(),
  }),
  /** What `confirm` must be on apply; null when nothing is deleted. */
  confirmText: Nullable(Type.String()),
});
export type ConfigImportPreview = Static<typeof ConfigImportPreview>;

export const ConfigImportResult = Type.Object({
  results: Type.Array(
    Type.Object({
      kind: Type.String(),
      name: Type.String(),
      op: ConfigChangeOp,
      ok: Type.Boolean(),
      error: Nullable(Type.String()),
      auditId: Nullable(Type.String()),
    }),
  ),
  ok: Type.Boolean(),
});
export type ConfigImportResult = Static<typeof ConfigImportResult>;

/** Drift: `missing` = in the document, not on the server; `extra` = on the server only; `changed`; `same`. */
export const DriftReport = Type.Object({
  inSync: Type.Boolean(),
  items: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('stream'), Type.Literal('consumer'), Type.Literal('kv')]),
      name: Type.String(),
      status: Lits(['missing', 'extra', 'changed', 'same'] as const),
      diff: Type.Array(DiffEntry),
    }),
  ),
});
export type DriftReport = Static<typeof DriftReport>;

// ---------------------------------------------------------------- outside changes

/** `GET /api/targets/:targetId/advisories/status`: whether the monitor is listening for outside changes. */
export const AdvisoryStatus = Type.Object({
  targetId: Type.String(),
  connected: Type.Boolean(),
  error: Nullable(Type.String()),
  /** Outside changes recorded since the monitor started. */
  recorded: Type.Integer(),
});
export type AdvisoryStatus = Static<typeof AdvisoryStatus>;
