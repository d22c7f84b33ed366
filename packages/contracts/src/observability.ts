// Observability API: what the monitor derives from scraping /varz, /connz, /subsz, /jsz, /routez,
// /healthz (and /accstatz) of every monitored server. Rates are per second and `null` while unknown
// (first scrape, right after a counter reset, or a server that is down).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ServerStatus } from './servers.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Rate = Nullable(Type.Number({ minimum: 0, description: 'per second; null while unknown' }));
const Time = Type.String({ format: 'date-time' });
const Paging = {
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
};
const Order = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);

/** Per-second traffic rates, in and out, messages and bytes. */
export const Throughput = Type.Object({
  inMsgs: Rate,
  outMsgs: Rate,
  inBytes: Rate,
  outBytes: Rate,
});
export type Throughput = Static<typeof Throughput>;

/** Why a server needs attention. */
export const HealthProblem = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  monitorUrl: Type.String(),
  serverName: Type.Optional(Type.String()),
  /** `down` (scrape failed), `unhealthy` (/healthz not ok), `slow-consumers`, `partial` (some endpoints failed). */
  kind: Type.Union([
    Type.Literal('down'),
    Type.Literal('unhealthy'),
    Type.Literal('slow-consumers'),
    Type.Literal('partial'),
  ]),
  reason: Type.String(),
});
export type HealthProblem = Static<typeof HealthProblem>;

export const OverallHealth = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('down'),
  Type.Literal('unknown'),
]);
export type OverallHealth = Static<typeof OverallHealth>;

/** Sums over servers (connections, subscriptions) and over deduplicated streams/consumers. */
export const Totals = Type.Object({
  targets: Type.Integer(),
  servers: Type.Integer(),
  serversUp: Type.Integer(),
  serversDown: Type.Integer(),
  connections: Type.Integer(),
  subscriptions: Type.Integer(),
  slowConsumers: Type.Integer(),
  accounts: Type.Integer(),
  streams: Type.Integer(),
  consumers: Type.Integer(),
  /** Messages and bytes stored in all streams. */
  streamMessages: Type.Number(),
  streamBytes: Type.Number(),
  /** Consumers with outstanding (pending + ack-pending) messages. */
  laggingConsumers: Type.Integer(),
});
export type Totals = Static<typeof Totals>;

/** One target (a server or a cluster) on the overview. */
export const TargetOverview = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  embedded: Type.Boolean(),
  health: OverallHealth,
  servers: Type.Integer(),
  serversUp: Type.Integer(),
  clusterName: Type.Optional(Type.String()),
  connections: Type.Integer(),
  subscriptions: Type.Integer(),
  streams: Type.Integer(),
  consumers: Type.Integer(),
  throughput: Throughput,
});
export type TargetOverview = Static<typeof TargetOverview>;

/** `GET /api/overview`. Chart history: `GET /api/series?target=*&entity=server:*&metric=in_msgs_rate`. */
export const OverviewResponse = Type.Object({
  generatedAt: Time,
  health: OverallHealth,
  problems: Type.Array(HealthProblem),
  totals: Totals,
  throughput: Throughput,
  targets: Type.Array(TargetOverview),
});
export type OverviewResponse = Static<typeof OverviewResponse>;

// ---------------------------------------------------------------- servers

export const TargetIdParams = Type.Object({ targetId: Type.String({ minLength: 1 }) });
export type TargetIdParams = Static<typeof TargetIdParams>;

/** One route of a server to a cluster peer (from /routez). */
export const RouteInfo = Type.Object({
  rid: Type.Integer(),
  remoteId: Type.String(),
  remoteName: Type.Optional(Type.String()),
  ip: Type.String(),
  port: Type.Integer(),
  didSolicit: Type.Optional(Type.Boolean()),
  rtt: Type.Optional(Type.String()),
  inMsgs: Type.Number(),
  outMsgs: Type.Number(),
  inBytes: Type.Number(),
  outBytes: Type.Number(),
  pendingSize: Type.Number(),
  subscriptions: Type.Integer(),
});
export type RouteInfo = Static<typeof RouteInfo>;

/** A server in full: the summary plus rates, health, JetStream usage and routes. */
export const ServerDetail = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  monitorUrl: Type.String(),
  /** Added by peer discovery rather than configured on the target. */
  discovered: Type.Boolean(),
  status: ServerStatus,
  error: Type.Optional(Type.String()),
  /** Endpoints other than /varz that failed on the last scrape, with the reason. */
  partialErrors: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() })),
  /** `ok`, or /healthz's error text; absent when /healthz could not be read. */
  healthz: Type.Optional(Type.String()),
  lastScrape: Type.Optional(Time),
  serverId: Type.Optional(Type.String()),
  serverName: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  host: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer()),
  clusterName: Type.Optional(Type.String()),
  uptime: Type.Optional(Type.String()),
  start: Type.Optional(Time),
  cpu: Type.Optional(Type.Number()),
  mem: Type.Optional(Type.Number()),
  connections: Type.Optional(Type.Integer()),
  totalConnections: Type.Optional(Type.Number()),
  subscriptions: Type.Optional(Type.Integer()),
  slowConsumers: Type.Optional(Type.Number()),
  inMsgs: Type.Optional(Type.Number()),
  outMsgs: Type.Optional(Type.Number()),
  inBytes: Type.Optional(Type.Number()),
  outBytes: Type.Optional(Type.Number()),
  throughput: Throughput,
  connectUrls: Type.Array(Type.String()),
  jetstream: Type.Optional(
    Type.Object({
      memory: Type.Number(),
      storage: Type.Number(),
      streams: Type.Integer(),
      consumers: Type.Integer(),
      messages: Type.Number(),
      bytes: Type.Number(),
      apiTotal: Type.Number(),
      apiErrors: Type.Number(),
    }),
  ),
  routes: Type.Array(RouteInfo),
});
export type ServerDetail = Static<typeof ServerDetail>;

/** `GET /api/servers/:targetId`: every server of a target, configured and discovered. */
export const ServerDetailResponse = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  health: OverallHealth,
  servers: Type.Array(ServerDetail),
});
export type ServerDetailResponse = Static<typeof ServerDetailResponse>;

// ---------------------------------------------------------------- topology

/** A cluster member, known by scraping it or only from a peer's /routez. */
export const ClusterMember = Type.Object({
  serverId: Type.String(),
  serverName: Type.Optional(Type.String()),
  /** `unmonitored`: seen in a peer's routes, but the monitor has no monitoring URL for it. */
  status: Type.Union([ServerStatus, Type.Literal('unmonitored')]),
  monitorUrl: Type.Optional(Type.String()),
  discovered: Type.Boolean(),
  clientUrls: Type.Array(Type.String()),
  error: Type.Optional(Type.String()),
});
export type ClusterMember = Static<typeof ClusterMember>;

/** A route between two members (one entry per direction reported). */
export const ClusterLink = Type.Object({
  from: Type.String({ description: 'server id reporting the route' }),
  to: Type.String({ description: 'server id of the peer' }),
  rtt: Type.Optional(Type.String()),
  inMsgs: Type.Number(),
  outMsgs: Type.Number(),
  pendingSize: Type.Number(),
});
export type ClusterLink = Static<typeof ClusterLink>;

export const ClusterTopology = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  /** The NATS cluster name; absent for a standalone server. */
  name: Type.Optional(Type.String()),
  members: Type.Array(ClusterMember),
  links: Type.Array(ClusterLink),
});
export type ClusterTopology = Static<typeof ClusterTopology>;

/** `GET /api/topology`. */
export const TopologyResponse = Type.Object({ clusters: Type.Array(ClusterTopology) });
export type TopologyResponse = Static<typeof TopologyResponse>;

// ---------------------------------------------------------------- connections

export const ConnectionSort = Type.Union(
  [
    'cid',
    'start',
    'subs',
    'pending',
    'msgs_to',
    'msgs_from',
    'bytes_to',
    'bytes_from',
    'last',
    'idle',
    'uptime',
    'rtt',
    'name',
  ].map((s) => Type.Literal(s)),
);
export type ConnectionSort = Static<typeof ConnectionSort>;

/** `GET /api/connections` query: like /connz, across every monitored server. */
export const ConnectionsQuery = Type.Object({
  target: Type.Optional(Type.String()),
  server: Type.Optional(Type.String({ description: 'server id' })),
  account: Type.Optional(Type.String()),
  /** Case-insensitive substring of name, ip, lang, user or account. */
  search: Type.Optional(Type.String({ maxLength: 200 })),
  /** Exact subject of one of the connection's subscriptions. */
  subject: Type.Optional(Type.String({ maxLength: 1000 })),
  sort: Type.Optional(ConnectionSort),
  order: Type.Optional(Order),
  ...Paging,
});
export type ConnectionsQuery = Static<typeof ConnectionsQuery>;

export const ConnectionInfo = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  serverId: Type.String(),
  serverName: Type.Optional(Type.String()),
  cid: Type.Integer(),
  kind: Type.Optional(Type.String()),
  ip: Type.String(),
  port: Type.Integer(),
  start: Type.Optional(Time),
  lastActivity: Type.Optional(Time),
  rtt: Type.Optional(Type.String()),
  uptime: Type.Optional(Type.String()),
  idle: Type.Optional(Type.String()),
  pendingBytes: Type.Number(),
  inMsgs: Type.Number(),
  outMsgs: Type.Number(),
  inBytes: Type.Number(),
  outBytes: Type.Number(),
  /** Messages per second from the client / to the client, since the previous scrape. */
  inMsgsRate: Rate,
  outMsgsRate: Rate,
  subscriptions: Type.Integer(),
  subjects: Type.Array(Type.String()),
  name: Type.Optional(Type.String()),
  lang: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  account: Type.Optional(Type.String()),
  user: Type.Optional(Type.String()),
  tlsVersion: Type.Optional(Type.String()),
});
export type ConnectionInfo = Static<typeof ConnectionInfo>;

export const ConnectionsResponse = Type.Object({
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
  /** Servers with more connections than the monitor fetches per scrape (CONNZ_LIMIT): lists are partial. */
  truncated: Type.Array(
    Type.Object({ serverId: Type.String(), total: Type.Integer(), fetched: Type.Integer() }),
  ),
  connections: Type.Array(ConnectionInfo),
});
export type ConnectionsResponse = Static<typeof ConnectionsResponse>;

// ---------------------------------------------------------------- subjects

export const SubjectsQuery = Type.Object({
  target: Type.Optional(Type.String()),
  account: Type.Optional(Type.String()),
  /** Only nodes at or under this subject prefix (tokens, e.g. `orders.eu`). */
  prefix: Type.Optional(Type.String({ maxLength: 1000 })),
  /** Depth below the prefix to return (default all). */
  depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
});
export type SubjectsQuery = Static<typeof SubjectsQuery>;

/**
 * One node of the subject tree, flattened (parents before children). `subject` is the full path to
 * the node; `*` and `>` are nodes of their own. Counts include only this exact subject; `total*`
 * fields include the whole subtree.
 */
export const SubjectNode = Type.Object({
  subject: Type.String(),
  token: Type.String(),
  parent: Nullable(Type.String()),
  depth: Type.Integer(),
  children: Type.Integer(),
  subscriptions: Type.Integer(),
  queueGroups: Type.Array(Type.String()),
  streams: Type.Array(
    Type.Object({ targetId: Type.String(), account: Type.String(), stream: Type.String() }),
  ),
  /** Messages delivered per second to this subject's subscriptions (from /subsz), where known. */
  msgsRate: Rate,
  totalSubscriptions: Type.Integer(),
  totalMsgsRate: Rate,
});
export type SubjectNode = Static<typeof SubjectNode>;

export const SubjectsResponse = Type.Object({
  nodes: Type.Array(SubjectNode),
  /** Servers whose subscription list was cut at SUBSZ_LIMIT. */
  truncated: Type.Boolean(),
});
export type SubjectsResponse = Static<typeof SubjectsResponse>;

// ---------------------------------------------------------------- accounts

export const AccountUsage = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  account: Type.String(),
  connections: Type.Integer(),
  leafnodes: Type.Integer(),
  subscriptions: Type.Integer(),
  throughput: Throughput,
  slowConsumers: Type.Number(),
  jetstream: Type.Optional(
    Type.Object({
      memory: Type.Number(),
      storage: Type.Number(),
      streams: Type.Integer(),
      consumers: Type.Integer(),
    }),
  ),
});
export type AccountUsage = Static<typeof AccountUsage>;

export const AccountsResponse = Type.Object({ accounts: Type.Array(AccountUsage) });
export type AccountsResponse = Static<typeof AccountsResponse>;

// ---------------------------------------------------------------- streams and consumers

export const StreamsQuery = Type.Object({
  target: Type.Optional(Type.String()),
  account: Type.Optional(Type.String()),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  sort: Type.Optional(
    Type.Union(
      ['name', 'messages', 'bytes', 'msgs_rate', 'consumers', 'last_ts'].map((s) => Type.Literal(s)),
    ),
  ),
  order: Type.Optional(Order),
  ...Paging,
});
export type StreamsQuery = Static<typeof StreamsQuery>;

export const StreamSummary = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  account: Type.String(),
  name: Type.String(),
  created: Type.Optional(Time),
  subjects: Type.Array(Type.String()),
  storage: Type.Optional(Type.String()),
  retention: Type.Optional(Type.String()),
  replicas: Type.Optional(Type.Integer()),
  /** The server name leading the stream (clustered), or the one reporting it. */
  leader: Type.Optional(Type.String()),
  messages: Type.Number(),
  bytes: Type.Number(),
  firstSeq: Type.Number(),
  lastSeq: Type.Number(),
  firstTs: Type.Optional(Time),
  lastTs: Type.Optional(Time),
  numSubjects: Type.Optional(Type.Integer()),
  consumerCount: Type.Integer(),
  /** Messages stored per second (rate of last_seq). */
  msgsRate: Rate,
});
export type StreamSummary = Static<typeof StreamSummary>;

export const StreamsResponse = Type.Object({
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
  streams: Type.Array(StreamSummary),
});
export type StreamsResponse = Static<typeof StreamsResponse>;

export const StreamRefParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  account: Type.String({ minLength: 1 }),
  stream: Type.String({ minLength: 1 }),
});
export type StreamRefParams = Static<typeof StreamRefParams>;

/** A consumer's lag as counts and time; see apps/monitor/src/series/lag.ts for the method. */
export const ConsumerLag = Type.Object({
  /** num_pending + num_ack_pending. */
  outstanding: Type.Number(),
  /** Acks per second over the recent window. */
  consumeRate: Rate,
  /** Estimated seconds to drain at consumeRate: 0 when caught up, null when not consuming. */
  drainSeconds: Nullable(Type.Number()),
  /** Age of the oldest unacknowledged message, seconds. */
  oldestUnackedAgeSeconds: Nullable(Type.Number()),
  ageMethod: Type.String({
    description: 'none-outstanding | exact | first-ts | interpolated | ack-floor-idle | unknown',
  }),
});
export type ConsumerLag = Static<typeof ConsumerLag>;

export const ConsumerSummary = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  account: Type.String(),
  stream: Type.String(),
  name: Type.String(),
  durable: Type.Boolean(),
  created: Type.Optional(Time),
  ackPolicy: Type.Optional(Type.String()),
  deliverPolicy: Type.Optional(Type.String()),
  filterSubject: Type.Optional(Type.String()),
  /** Push consumers have a deliver subject; pull consumers do not. */
  deliverSubject: Type.Optional(Type.String()),
  leader: Type.Optional(Type.String()),
  numPending: Type.Number(),
  numAckPending: Type.Number(),
  numRedelivered: Type.Number(),
  numWaiting: Type.Number(),
  deliveredStreamSeq: Type.Number(),
  ackFloorStreamSeq: Type.Number(),
  lastActive: Type.Optional(Time),
  lag: ConsumerLag,
});
export type ConsumerSummary = Static<typeof ConsumerSummary>;

export const ConsumersQuery = Type.Object({
  target: Type.Optional(Type.String()),
  account: Type.Optional(Type.String()),
  stream: Type.Optional(Type.String()),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  /** Default `lag`: outstanding messages, then drain time, descending. */
  sort: Type.Optional(
    Type.Union(
      ['lag', 'drain', 'age', 'pending', 'ack_pending', 'redelivered', 'name'].map((s) => Type.Literal(s)),
    ),
  ),
  order: Type.Optional(Order),
  ...Paging,
});
export type ConsumersQuery = Static<typeof ConsumersQuery>;

export const ConsumersResponse = Type.Object({
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
  consumers: Type.Array(ConsumerSummary),
});
export type ConsumersResponse = Static<typeof ConsumersResponse>;

export const ConsumerRefParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  account: Type.String({ minLength: 1 }),
  stream: Type.String({ minLength: 1 }),
  consumer: Type.String({ minLength: 1 }),
});
export type ConsumerRefParams = Static<typeof ConsumerRefParams>;

// ---------------------------------------------------------------- series

/** One chart point: the mean over its step, with the extremes seen in it. `t` is ms since the epoch. */
export const SeriesPoint = Type.Object({
  t: Type.Number(),
  v: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
});
export type SeriesPoint = Static<typeof SeriesPoint>;

/** A short recent history embedded in detail responses (last hour, raw resolution). */
export const SeriesData = Type.Object({
  metric: Type.String(),
  resolution: Type.Union([Type.Literal('raw'), Type.Literal('rollup')]),
  stepMs: Type.Number(),
  points: Type.Array(SeriesPoint),
});
export type SeriesData = Static<typeof SeriesData>;

export const StreamDetailResponse = Type.Object({
  stream: StreamSummary,
  /** The stream configuration as the server reports it (untrusted: render as text). */
  config: Type.Optional(Type.Unknown()),
  consumers: Type.Array(ConsumerSummary),
  series: Type.Array(SeriesData),
});
export type StreamDetailResponse = Static<typeof StreamDetailResponse>;

export const ConsumerDetailResponse = Type.Object({
  consumer: ConsumerSummary,
  config: Type.Optional(Type.Unknown()),
  series: Type.Array(SeriesData),
});
export type ConsumerDetailResponse = Static<typeof ConsumerDetailResponse>;

/**
 * Series names. Counters are charted as per-second rates named `<counter>_rate`; gauges by their
 * own name; consumers also get `lag_drain_seconds` and `lag_oldest_unacked_seconds`.
 * Entity `server:*` is the sum over a target's servers; target `*` is the sum over every target.
 */
export const SERIES_METRICS = {
  server: [
    'in_msgs_rate',
    'out_msgs_rate',
    'in_bytes_rate',
    'out_bytes_rate',
    'slow_consumers_rate',
    'total_connections_rate',
    'connections',
    'subscriptions',
    'routes',
    'mem',
    'cpu',
    'js_memory',
    'js_storage',
  ],
  account: [
    'in_msgs_rate',
    'out_msgs_rate',
    'in_bytes_rate',
    'out_bytes_rate',
    'connections',
    'subscriptions',
    'js_memory',
    'js_storage',
  ],
  stream: ['messages', 'bytes', 'last_seq_rate', 'first_seq_rate', 'consumer_count', 'num_subjects'],
  consumer: [
    'num_pending',
    'num_ack_pending',
    'num_redelivered',
    'num_waiting',
    'delivered_stream_seq_rate',
    'ack_floor_stream_seq_rate',
    'lag_drain_seconds',
    'lag_oldest_unacked_seconds',
  ],
} as const;

export const SeriesQuery = Type.Object({
  metric: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. in_msgs_rate, num_pending' }),
  /** A target id, or `*` for the sum over every target. */
  target: Type.String({ minLength: 1 }),
  /** `<kind>:<id>`: `server:<serverId>`, `server:*`, `account:<acc>`, `stream:<acc>/<stream>`, `consumer:<acc>/<stream>/<name>`. */
  entity: Type.String({ minLength: 3, maxLength: 2000, default: 'server:*' }),
  /** Milliseconds since the epoch or ISO time; default one hour ago. */
  from: Type.Optional(Type.String()),
  /** Default now. */
  to: Type.Optional(Type.String()),
  maxPoints: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
});
export type SeriesQuery = Static<typeof SeriesQuery>;

export const SeriesResponse = Type.Object({
  target: Type.String(),
  entity: Type.String(),
  metric: Type.String(),
  from: Type.Number(),
  to: Type.Number(),
  resolution: Type.Union([Type.Literal('raw'), Type.Literal('rollup')]),
  stepMs: Type.Number(),
  points: Type.Array(SeriesPoint),
});
export type SeriesResponse = Static<typeof SeriesResponse>;

// ---------------------------------------------------------------- live (SSE)

export const LiveQuery = Type.Object({
  /** Only samples of this target (or `*` aggregates). */
  target: Type.Optional(Type.String()),
  /** Comma-separated entity kinds (server, account, stream, consumer). */
  kinds: Type.Optional(Type.String()),
  /** Comma-separated metric names. */
  metrics: Type.Optional(Type.String()),
  /** Comma-separated `<kind>:<id>` entities. */
  entities: Type.Optional(Type.String()),
});
export type LiveQuery = Static<typeof LiveQuery>;

/** One new series point, as pushed by `GET /api/live` in `event: samples`. */
export const LiveSample = Type.Object({
  target: Type.String(),
  entity: Type.String({ description: '<kind>:<id>' }),
  metric: Type.String(),
  t: Type.Number(),
  v: Type.Number(),
});
export type LiveSample = Static<typeof LiveSample>;

/**
 * `event: samples` data. `dropped` > 0 means this client was too slow and missed points: refetch.
 * `event: status` data is a `LiveStatusEvent`. Lines starting with `:` are heartbeats.
 */
export const LiveSamplesEvent = Type.Object({ samples: Type.Array(LiveSample), dropped: Type.Integer() });
export type LiveSamplesEvent = Static<typeof LiveSamplesEvent>;

export const LiveStatusEvent = Type.Object({
  targetId: Type.String(),
  monitorUrl: Type.String(),
  status: ServerStatus,
  error: Type.Optional(Type.String()),
});
export type LiveStatusEvent = Static<typeof LiveStatusEvent>;
