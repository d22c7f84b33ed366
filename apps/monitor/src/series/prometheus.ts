// Prometheus text exposition format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/
import type { EntityKind } from './extract.js';
import type { ConsumerLag, LatestValue } from './store.js';

/** The content type to serve `renderPrometheus` output with. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  /** Multiplies the value (timestamps are kept in ms, exposed in seconds). */
  scale?: number;
}

const f = (name: string, type: Family['type'], help: string, scale?: number): Family =>
  scale === undefined ? { name, type, help } : { name, type, help, scale };

/** Every exported observation, by `<kind>:<metric>`; anything else is not exported. */
const FAMILIES: Record<string, Family> = {
  'server:in_msgs': f('tern_server_in_msgs_total', 'counter', 'Messages received by the server.'),
  'server:out_msgs': f('tern_server_out_msgs_total', 'counter', 'Messages sent by the server.'),
  'server:in_bytes': f('tern_server_in_bytes_total', 'counter', 'Payload bytes received by the server.'),
  'server:out_bytes': f('tern_server_out_bytes_total', 'counter', 'Payload bytes sent by the server.'),
  'server:slow_consumers': f(
    'tern_server_slow_consumers_total',
    'counter',
    'Clients cut off as slow consumers.',
  ),
  'server:total_connections': f(
    'tern_server_connections_total',
    'counter',
    'Connections accepted since start.',
  ),
  'server:connections': f('tern_server_connections', 'gauge', 'Open client connections.'),
  'server:subscriptions': f('tern_server_subscriptions', 'gauge', 'Subscriptions in the server.'),
  'server:routes': f('tern_server_routes', 'gauge', 'Cluster routes.'),
  'server:mem': f('tern_server_mem_bytes', 'gauge', 'Resident memory of the server process.'),
  'server:cpu': f('tern_server_cpu_percent', 'gauge', 'CPU use of the server process, percent of one core.'),
  'server:js_memory': f('tern_server_jetstream_memory_bytes', 'gauge', 'JetStream memory storage used.'),
  'server:js_storage': f('tern_server_jetstream_storage_bytes', 'gauge', 'JetStream file storage used.'),
  'server:js_api_total': f('tern_server_jetstream_api_requests_total', 'counter', 'JetStream API requests.'),
  'server:js_api_errors': f('tern_server_jetstream_api_errors_total', 'counter', 'JetStream API errors.'),
  'account:connections': f('tern_account_connections', 'gauge', 'Open client connections of the account.'),
  'account:leafnodes': f('tern_account_leafnodes', 'gauge', 'Leaf node connections of the account.'),
  'account:subscriptions': f('tern_account_subscriptions', 'gauge', 'Subscriptions of the account.'),
  'account:in_msgs': f('tern_account_in_msgs_total', 'counter', 'Messages received from the account.'),
  'account:in_bytes': f('tern_account_in_bytes_total', 'counter', 'Bytes received from the account.'),
  'account:out_msgs': f('tern_account_out_msgs_total', 'counter', 'Messages sent to the account.'),
  'account:out_bytes': f('tern_account_out_bytes_total', 'counter', 'Bytes sent to the account.'),
  'account:slow_consumers': f(
    'tern_account_slow_consumers_total',
    'counter',
    'Slow consumers of the account.',
  ),
  'account:js_memory': f('tern_account_jetstream_memory_bytes', 'gauge', 'JetStream memory storage used.'),
  'account:js_storage': f('tern_account_jetstream_storage_bytes', 'gauge', 'JetStream file storage used.'),
  'stream:messages': f('tern_stream_messages', 'gauge', 'Messages stored in the stream.'),
  'stream:bytes': f('tern_stream_bytes', 'gauge', 'Bytes stored in the stream.'),
  'stream:first_seq': f('tern_stream_first_seq', 'gauge', 'Sequence of the oldest stored message.'),
  'stream:last_seq': f('tern_stream_last_seq', 'gauge', 'Sequence of the newest message.'),
  'stream:consumer_count': f('tern_stream_consumers', 'gauge', 'Consumers of the stream.'),
  'stream:num_subjects': f('tern_stream_subjects', 'gauge', 'Distinct subjects in the stream.'),
  'stream:first_ts': f(
    'tern_stream_first_timestamp_seconds',
    'gauge',
    'Time of the oldest stored message.',
    1e-3,
  ),
  'stream:last_ts': f('tern_stream_last_timestamp_seconds', 'gauge', 'Time of the newest message.', 1e-3),
  'consumer:num_pending': f(
    'tern_consumer_num_pending',
    'gauge',
    'Messages not yet delivered to the consumer.',
  ),
  'consumer:num_ack_pending': f(
    'tern_consumer_num_ack_pending',
    'gauge',
    'Delivered messages awaiting an ack.',
  ),
  'consumer:num_redelivered': f(
    'tern_consumer_num_redelivered',
    'gauge',
    'Messages redelivered and not yet acked.',
  ),
  'consumer:num_waiting': f('tern_consumer_num_waiting', 'gauge', 'Pull requests waiting.'),
  'consumer:delivered_stream_seq': f(
    'tern_consumer_delivered_stream_seq',
    'gauge',
    'Last delivered stream sequence.',
  ),
  'consumer:delivered_consumer_seq': f(
    'tern_consumer_delivered_consumer_seq',
    'gauge',
    'Last delivered consumer sequence (counts redeliveries).',
  ),
  'consumer:ack_floor_stream_seq': f(
    'tern_consumer_ack_floor_stream_seq',
    'gauge',
    'Stream sequence of the ack floor.',
  ),
  'consumer:delivered_last_active': f(
    'tern_consumer_delivered_last_active_timestamp_seconds',
    'gauge',
    'Time of the last delivery.',
    1e-3,
  ),
  'consumer:ack_floor_last_active': f(
    'tern_consumer_ack_floor_last_active_timestamp_seconds',
    'gauge',
    'Time the ack floor last moved.',
    1e-3,
  ),
};

const LAG_DRAIN = f(
  'tern_consumer_lag_drain_seconds',
  'gauge',
  'Estimated seconds to deliver and ack every outstanding message at the recent ack rate; +Inf when not consuming.',
);
const LAG_AGE = f(
  'tern_consumer_lag_oldest_unacked_age_seconds',
  'gauge',
  'Estimated age of the oldest message not yet acked (0 when caught up).',
);
const LAG_RATE = f('tern_consumer_ack_rate', 'gauge', 'Messages acked per second over the recent window.');

export interface PrometheusInput {
  latest: Iterable<LatestValue>;
  lags?: Iterable<ConsumerLag>;
  /** Display names for the `target` label's companion `target_name`. */
  targetNames?: ReadonlyMap<string, string>;
  /** Display names of servers, added as `server_name`. */
  serverNames?: ReadonlyMap<string, string>;
}

/** Escapes a label value: backslash, double quote and line feed (exposition format rule). */
export const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Escapes HELP text: backslash and line feed. */
export const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Formats a sample value; Go-style `+Inf`, `-Inf` and `NaN`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function entityLabels(kind: EntityKind, id: string, input: PrometheusInput): [string, string][] {
  if (kind === 'server') {
    const name = input.serverNames?.get(id);
    return name === undefined
      ? [['server_id', id]]
      : [
          ['server_id', id],
          ['server_name', name],
        ];
  }
  if (kind === 'account') return [['account', id]];
  // Stream and consumer names cannot contain "/", account names might: split from the right.
  const parts = id.split('/');
  if (kind === 'stream') {
    const stream = parts.pop()!;
    return [
      ['account', parts.join('/')],
      ['stream', stream],
    ];
  }
  const consumer = parts.pop()!;
  const stream = parts.pop()!;
  return [
    ['account', parts.join('/')],
    ['stream', stream],
    ['consumer', consumer],
  ];
}

/** Renders the latest readings and lag estimates as Prometheus text, one family per metric, sorted. */
export function renderPrometheus(input: PrometheusInput): string {
  const families = new Map<string, { family: Family; lines: string[] }>();
  const add = (family: Family, labels: [string, string][], value: number) => {
    let fam = families.get(family.name);
    if (!fam) {
      fam = { family, lines: [] };
      families.set(family.name, fam);
    }
    const l = labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
    fam.lines.push(`${family.name}{${l}} ${formatValue(value * (family.scale ?? 1))}`);
  };
  const base = (target: string): [string, string][] => {
    const name = input.targetNames?.get(target);
    return name === undefined
      ? [['target', target]]
      : [
          ['target', target],
          ['target_name', name],
        ];
  };
  for (const o of input.latest) {
    const family = FAMILIES[`${o.kind}:${o.metric}`];
    if (family) add(family, [...base(o.target), ...entityLabels(o.kind, o.id, input)], o.value);
  }
  for (const { target, id, lag } of input.lags ?? []) {
    const labels = [...base(target), ...entityLabels('consumer', id, input)];
    add(LAG_DRAIN, labels, lag.drainSeconds ?? Number.POSITIVE_INFINITY);
    if (lag.oldestUnackedAgeSeconds !== null) add(LAG_AGE, labels, lag.oldestUnackedAgeSeconds);
    if (lag.consumeRate !== null) add(LAG_RATE, labels, lag.consumeRate);
  }
  const out: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const { family, lines } = families.get(name)!;
    out.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`, ...lines.sort());
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
