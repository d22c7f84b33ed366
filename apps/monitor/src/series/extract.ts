// Turns raw nats-server monitoring bodies into flat observations. Field names follow nats-server
// 2.9 (`server/monitor.go`); everything is optional because Tern's broker and older servers omit
// parts, and a missing field yields no observation rather than a zero.

/** What an observation describes. */
export type EntityKind = 'server' | 'account' | 'stream' | 'consumer';

/** A counter only grows until its `epoch` changes (a restart or a re-creation); a gauge goes up and down. */
export type MetricType = 'counter' | 'gauge';

/** One reading of one metric of one entity. */
export interface Observation {
  kind: EntityKind;
  /** `<serverId>`, `<account>`, `<account>/<stream>` or `<account>/<stream>/<consumer>`. */
  id: string;
  metric: string;
  type: MetricType;
  value: number;
  /** Counters: changes whenever the counter restarts from zero (server start time, creation time). */
  epoch?: string;
  /**
   * Counters combined from several servers (see `AccountTotals`) carry their per-second rate, computed
   * per server; null when some server has none for this interval.
   */
  rate?: number | null;
}

/** The `/varz` fields read here. */
export interface VarzBody {
  server_id: string;
  server_name?: string;
  start?: string;
  now?: string;
  mem?: number;
  cpu?: number;
  connections?: number;
  total_connections?: number;
  subscriptions?: number;
  slow_consumers?: number;
  in_msgs?: number;
  out_msgs?: number;
  in_bytes?: number;
  out_bytes?: number;
  routes?: number;
  jetstream?: { stats?: { memory?: number; storage?: number } };
}

/** The `/connz` fields read here (only the totals; connections are listed by the routes, not charted). */
export interface ConnzBody {
  server_id?: string;
  num_connections?: number;
  total?: number;
}

/** The `/subsz` fields read here. */
export interface SubszBody {
  num_subscriptions?: number;
  num_cache?: number;
}

/** The `/routez` fields read here. */
export interface RoutezBody {
  server_id?: string;
  num_routes?: number;
}

/** One entry of `/accstatz` (nats-server `AccountStat`); `sent` is what the server sent to the account's clients. */
export interface AccountStatBody {
  acc: string;
  conns?: number;
  leafnodes?: number;
  total_conns?: number;
  num_subscriptions?: number;
  sent?: { msgs?: number; bytes?: number };
  received?: { msgs?: number; bytes?: number };
  slow_consumers?: number;
}

/** The `/accstatz` body. */
export interface AccstatzBody {
  server_id?: string;
  account_statz?: AccountStatBody[] | null;
}

/** A consumer's sequence pair (`delivered` or `ack_floor`); `last_active` is absent until first use. */
export interface SequenceInfoBody {
  consumer_seq?: number;
  stream_seq?: number;
  last_active?: string;
}

/** One `consumer_detail` entry of `/jsz?consumers=1`. */
export interface ConsumerBody {
  stream_name?: string;
  name: string;
  created?: string;
  delivered?: SequenceInfoBody;
  ack_floor?: SequenceInfoBody;
  num_ack_pending?: number;
  num_redelivered?: number;
  num_waiting?: number;
  num_pending?: number;
  cluster?: { leader?: string };
}

/** One `stream_detail` entry of `/jsz?streams=1`. */
export interface StreamBody {
  name: string;
  created?: string;
  cluster?: { leader?: string };
  state?: {
    messages?: number;
    bytes?: number;
    first_seq?: number;
    first_ts?: string;
    last_seq?: number;
    last_ts?: string;
    consumer_count?: number;
    num_subjects?: number;
  };
  consumer_detail?: ConsumerBody[] | null;
}

/** One `account_details` entry of `/jsz?accounts=1`. */
export interface JszAccountBody {
  name: string;
  id?: string;
  memory?: number;
  storage?: number;
  api?: { total?: number; errors?: number };
  stream_detail?: StreamBody[] | null;
}

/** The `/jsz?accounts=1&streams=1&consumers=1` fields read here. */
export interface JszBody {
  server_id?: string;
  memory?: number;
  storage?: number;
  streams?: number;
  consumers?: number;
  messages?: number;
  bytes?: number;
  api?: { total?: number; errors?: number };
  account_details?: JszAccountBody[] | null;
}

/** Everything one scrape of one server returned; only `varz` is required. */
export interface ServerSnapshot {
  varz: VarzBody;
  connz?: ConnzBody;
  subsz?: SubszBody;
  routez?: RoutezBody;
  jsz?: JszBody;
  accstatz?: AccstatzBody;
}

export interface ExtractOptions {
  /**
   * Replicated streams and consumers are reported by every server holding a replica. By default only
   * the leader's report is kept (a report without cluster info counts as the leader's), so each stream
   * is one series no matter how many servers are scraped.
   */
  leaderOnly?: boolean;
}

/** The series id of a stream. */
export const streamId = (account: string, stream: string): string => `${account}/${stream}`;

/** The series id of a consumer. */
export const consumerId = (account: string, stream: string, consumer: string): string =>
  `${account}/${stream}/${consumer}`;

/**
 * Flattens one server's monitoring bodies into observations. Account traffic from `/accstatz` is
 * per server: `SeriesStore.ingestServer` combines the servers of a cluster (`AccountTotals`).
 */
export function extractObservations(snap: ServerSnapshot, opts: ExtractOptions = {}): Observation[] {
  const out: Observation[] = [];
  const v = snap.varz;
  const serverId = v.server_id;
  const serverName = v.server_name ?? serverId;
  const epoch = v.start ?? '';
  const put = (
    kind: EntityKind,
    id: string,
    metric: string,
    type: MetricType,
    value: unknown,
    ep?: string,
  ): void => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    out.push(
      type === 'counter'
        ? { kind, id, metric, type, value, epoch: ep ?? '' }
        : { kind, id, metric, type, value },
    );
  };

  for (const m of [
    'in_msgs',
    'out_msgs',
    'in_bytes',
    'out_bytes',
    'slow_consumers',
    'total_connections',
  ] as const) {
    put('server', serverId, m, 'counter', v[m], epoch);
  }
  put('server', serverId, 'connections', 'gauge', v.connections ?? snap.connz?.num_connections);
  put('server', serverId, 'subscriptions', 'gauge', v.subscriptions ?? snap.subsz?.num_subscriptions);
  put('server', serverId, 'routes', 'gauge', snap.routez?.num_routes ?? v.routes);
  put('server', serverId, 'mem', 'gauge', v.mem);
  put('server', serverId, 'cpu', 'gauge', v.cpu);
  put('server', serverId, 'js_memory', 'gauge', snap.jsz?.memory ?? v.jetstream?.stats?.memory);
  put('server', serverId, 'js_storage', 'gauge', snap.jsz?.storage ?? v.jetstream?.stats?.storage);
  put('server', serverId, 'js_api_total', 'counter', snap.jsz?.api?.total, epoch);
  put('server', serverId, 'js_api_errors', 'counter', snap.jsz?.api?.errors, epoch);

  for (const a of snap.accstatz?.account_statz ?? []) {
    put('account', a.acc, 'connections', 'gauge', a.conns);
    put('account', a.acc, 'leafnodes', 'gauge', a.leafnodes);
    put('account', a.acc, 'subscriptions', 'gauge', a.num_subscriptions);
    put('account', a.acc, 'in_msgs', 'counter', a.received?.msgs, epoch);
    put('account', a.acc, 'in_bytes', 'counter', a.received?.bytes, epoch);
    put('account', a.acc, 'out_msgs', 'counter', a.sent?.msgs, epoch);
    put('account', a.acc, 'out_bytes', 'counter', a.sent?.bytes, epoch);
    put('account', a.acc, 'slow_consumers', 'counter', a.slow_consumers, epoch);
  }

  const leaderOnly = opts.leaderOnly ?? true;
  const isLeader = (c: { leader?: string } | undefined): boolean =>
    !leaderOnly || c?.leader === undefined || c.leader === serverName || c.leader === serverId;
  for (const acc of snap.jsz?.account_details ?? []) {
    const account = acc.name;
    // JetStream usage per account is tracked cluster-wide by nats-server, so every server agrees.
    put('account', account, 'js_memory', 'gauge', acc.memory);
    put('account', account, 'js_storage', 'gauge', acc.storage);
    for (const s of acc.stream_detail ?? []) {
      const streamLeader = isLeader(s.cluster);
      const sid = streamId(account, s.name);
      const st = s.state ?? {};
      const sEpoch = s.created ?? '';
      const sput = (metric: string, type: MetricType, value: unknown, ep?: string): void => {
        if (streamLeader) put('stream', sid, metric, type, value, ep);
      };
      sput('messages', 'gauge', st.messages);
      sput('bytes', 'gauge', st.bytes);
      sput('first_seq', 'counter', st.first_seq, sEpoch);
      sput('last_seq', 'counter', st.last_seq, sEpoch);
      sput('consumer_count', 'gauge', st.consumer_count);
      sput('num_subjects', 'gauge', st.num_subjects);
      // An empty stream reports first_ts as Go's zero time; it is not a message time.
      sput('first_ts', 'gauge', st.messages ? parseTime(st.first_ts) : undefined);
      sput('last_ts', 'gauge', parseTime(st.last_ts));
      for (const c of s.consumer_detail ?? []) {
        // A consumer's leader can differ from its stream's; without its own cluster info, follow the stream.
        if (c.cluster ? !isLeader(c.cluster) : !streamLeader) continue;
        const cid = consumerId(account, s.name, c.name);
        const cEpoch = c.created ?? '';
        put('consumer', cid, 'num_pending', 'gauge', c.num_pending);
        put('consumer', cid, 'num_ack_pending', 'gauge', c.num_ack_pending);
        put('consumer', cid, 'num_redelivered', 'gauge', c.num_redelivered);
        put('consumer', cid, 'num_waiting', 'gauge', c.num_waiting);
        put('consumer', cid, 'delivered_stream_seq', 'counter', c.delivered?.stream_seq, cEpoch);
        put('consumer', cid, 'delivered_consumer_seq', 'counter', c.delivered?.consumer_seq, cEpoch);
        put('consumer', cid, 'ack_floor_stream_seq', 'counter', c.ack_floor?.stream_seq, cEpoch);
        put('consumer', cid, 'delivered_last_active', 'gauge', parseTime(c.delivered?.last_active));
        put('consumer', cid, 'ack_floor_last_active', 'gauge', parseTime(c.ack_floor?.last_active));
      }
    }
  }
  return out;
}

/** Milliseconds since the epoch, or undefined for absent, unparseable or Go zero (`0001-01-01…`) times. */
export function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
