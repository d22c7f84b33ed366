// The consumer form: JetStream ConsumerConfig as editable text, mapped to and from the server's JSON.

import { isValidSubject, type JsonObject, NAME_PATTERN, splitWords } from './streamForm';
import {
  formatBytesInput,
  formatDurationNs,
  formatLimit,
  parseBytes,
  parseDuration,
  parseLimit,
} from './units';

export type ConsumerKind = 'pull' | 'push';
export type DeliverPolicy =
  | 'all'
  | 'last'
  | 'new'
  | 'by_start_sequence'
  | 'by_start_time'
  | 'last_per_subject';
export type AckPolicy = 'explicit' | 'all' | 'none';
export type ReplayPolicy = 'instant' | 'original';

export interface ConsumerFormValues {
  kind: ConsumerKind;
  name: string;
  description: string;
  filterSubjects: string;
  deliverPolicy: DeliverPolicy;
  optStartSeq: string;
  optStartTime: string;
  ackPolicy: AckPolicy;
  ackWait: string;
  maxDeliver: string;
  backoff: string;
  replayPolicy: ReplayPolicy;
  maxAckPending: string;
  inactiveThreshold: string;
  replicas: string;
  memStorage: boolean;
  headersOnly: boolean;
  sampleFreq: string;
  // pull only
  maxWaiting: string;
  maxBatch: string;
  maxExpires: string;
  maxBytes: string;
  // push only
  deliverSubject: string;
  deliverGroup: string;
  flowControl: boolean;
  idleHeartbeat: string;
  rateLimitBps: string;
}

export type ConsumerFormErrors = Partial<Record<keyof ConsumerFormValues, string>>;

export const emptyConsumerForm: ConsumerFormValues = {
  kind: 'pull',
  name: '',
  description: '',
  filterSubjects: '',
  deliverPolicy: 'all',
  optStartSeq: '',
  optStartTime: '',
  ackPolicy: 'explicit',
  ackWait: '30s',
  maxDeliver: '',
  backoff: '',
  replayPolicy: 'instant',
  maxAckPending: '1000',
  inactiveThreshold: '',
  replicas: '0',
  memStorage: false,
  headersOnly: false,
  sampleFreq: '',
  maxWaiting: '512',
  maxBatch: '',
  maxExpires: '',
  maxBytes: '',
  deliverSubject: '',
  deliverGroup: '',
  flowControl: false,
  idleHeartbeat: '',
  rateLimitBps: '',
};

/** Fields nats-server refuses to change on an existing consumer. */
export const IMMUTABLE_CONSUMER_FIELDS: ReadonlyArray<keyof ConsumerFormValues> = [
  'kind',
  'name',
  'deliverPolicy',
  'optStartSeq',
  'optStartTime',
  'ackPolicy',
  'replayPolicy',
  'memStorage',
  'deliverGroup',
  'flowControl',
  'idleHeartbeat',
];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const DELIVER: readonly DeliverPolicy[] = [
  'all',
  'last',
  'new',
  'by_start_sequence',
  'by_start_time',
  'last_per_subject',
];

export function consumerConfigToForm(c: JsonObject): ConsumerFormValues {
  const filters = Array.isArray(c.filter_subjects)
    ? c.filter_subjects.map(String)
    : str(c.filter_subject)
      ? [str(c.filter_subject)]
      : [];
  const dur = (v: unknown) => (num(v) ? formatDurationNs(num(v)) : '');
  return {
    kind: str(c.deliver_subject) ? 'push' : 'pull',
    name: str(c.durable_name) || str(c.name),
    description: str(c.description),
    filterSubjects: filters.join(', '),
    deliverPolicy: DELIVER.includes(c.deliver_policy as DeliverPolicy)
      ? (c.deliver_policy as DeliverPolicy)
      : 'all',
    optStartSeq: num(c.opt_start_seq) ? String(c.opt_start_seq) : '',
    optStartTime: str(c.opt_start_time),
    ackPolicy: c.ack_policy === 'all' || c.ack_policy === 'none' ? c.ack_policy : 'explicit',
    ackWait: dur(c.ack_wait),
    maxDeliver: formatLimit(num(c.max_deliver)),
    backoff: Array.isArray(c.backoff) ? c.backoff.map((b) => formatDurationNs(Number(b))).join(', ') : '',
    replayPolicy: c.replay_policy === 'original' ? 'original' : 'instant',
    maxAckPending: formatLimit(num(c.max_ack_pending)),
    inactiveThreshold: dur(c.inactive_threshold),
    replicas: String(num(c.num_replicas) ?? 0),
    memStorage: c.mem_storage === true,
    headersOnly: c.headers_only === true,
    sampleFreq: str(c.sample_freq),
    maxWaiting: num(c.max_waiting) ? String(c.max_waiting) : '',
    maxBatch: num(c.max_batch) ? String(c.max_batch) : '',
    maxExpires: dur(c.max_expires),
    maxBytes: num(c.max_bytes) ? formatBytesInput(num(c.max_bytes)) : '',
    deliverSubject: str(c.deliver_subject),
    deliverGroup: str(c.deliver_group),
    flowControl: c.flow_control === true,
    idleHeartbeat: dur(c.idle_heartbeat),
    rateLimitBps: num(c.rate_limit_bps) ? String(c.rate_limit_bps) : '',
  };
}

export function validateConsumerForm(v: ConsumerFormValues, base?: JsonObject): ConsumerFormErrors {
  const e: ConsumerFormErrors = {};
  const name = v.name.trim();
  if (!name) e.name = 'A durable consumer needs a name.';
  else if (!NAME_PATTERN.test(name)) e.name = 'No spaces, dots, *, > or slashes.';
  const bad = splitWords(v.filterSubjects).find((s) => !isValidSubject(s));
  if (bad) e.filterSubjects = `“${bad}” is not a valid subject.`;
  if (v.deliverPolicy === 'by_start_sequence' && !/^[1-9]\d*$/.test(v.optStartSeq.trim())) {
    e.optStartSeq = 'The sequence to start at.';
  }
  if (v.deliverPolicy === 'by_start_time' && Number.isNaN(Date.parse(v.optStartTime.trim()))) {
    e.optStartTime = 'A date and time, e.g. 2026-11-26T09:00:00Z.';
  }
  for (const key of ['ackWait', 'inactiveThreshold', 'maxExpires', 'idleHeartbeat'] as const) {
    if (parseDuration(v[key]) === undefined) e[key] = 'A duration such as 30s or 5m.';
  }
  if (splitWords(v.backoff).some((b) => parseDuration(b) === undefined))
    e.backoff = 'Durations, e.g. 1s, 5s, 30s.';
  else if (splitWords(v.backoff).length > 0) {
    const maxDeliver = parseLimit(v.maxDeliver);
    if (maxDeliver !== undefined && maxDeliver !== -1 && maxDeliver <= splitWords(v.backoff).length) {
      e.backoff = 'Max deliveries must be larger than the number of backoff steps.';
    }
  }
  if (parseLimit(v.maxDeliver) === undefined) e.maxDeliver = 'A whole number, or empty for unlimited.';
  if (parseLimit(v.maxAckPending) === undefined) e.maxAckPending = 'A whole number, or empty for unlimited.';
  if (!/^\d$/.test(v.replicas.trim()) || Number(v.replicas) > 5) e.replicas = '0 (as the stream) to 5.';
  if (v.sampleFreq.trim() && !/^(100|[1-9]?\d)%?$/.test(v.sampleFreq.trim()))
    e.sampleFreq = 'A percentage, 0–100.';
  for (const key of ['maxWaiting', 'maxBatch', 'rateLimitBps'] as const) {
    if (v[key].trim() && !/^\d+$/.test(v[key].trim())) e[key] = 'A whole number.';
  }
  if (v.maxBytes.trim() && parseBytes(v.maxBytes) === undefined) e.maxBytes = 'A size such as 1MiB.';
  if (v.kind === 'push') {
    if (
      !isValidSubject(v.deliverSubject.trim()) ||
      v.deliverSubject.includes('*') ||
      v.deliverSubject.includes('>')
    ) {
      e.deliverSubject = 'A push consumer needs a subject to deliver to, without wildcards.';
    }
    if (v.flowControl && !v.idleHeartbeat.trim()) e.idleHeartbeat = 'Flow control needs an idle heartbeat.';
    if (v.deliverGroup.trim() && v.flowControl) e.flowControl = 'Queue groups cannot use flow control.';
  }
  if (v.ackPolicy === 'none' && v.kind === 'pull') e.ackPolicy = 'Pull consumers need an ack policy.';
  if (base) {
    const current = consumerConfigToForm(base);
    for (const key of IMMUTABLE_CONSUMER_FIELDS) {
      if (String(v[key]).trim() !== String(current[key]).trim())
        e[key] = 'Cannot be changed on an existing consumer.';
    }
  }
  return e;
}

/** Form values as a ConsumerConfig on top of `base`. Call only when validation found nothing. */
export function consumerFormToConfig(v: ConsumerFormValues, base: JsonObject = {}): JsonObject {
  const out: JsonObject = { ...base };
  const set = (key: string, value: unknown, isDefault: boolean) => {
    if (isDefault && !(key in base)) delete out[key];
    else out[key] = value;
  };
  out.durable_name = v.name.trim();
  set('name', v.name.trim(), !('name' in base));
  set('description', v.description.trim(), !v.description.trim());
  const filters = splitWords(v.filterSubjects);
  delete out.filter_subject;
  delete out.filter_subjects;
  if (filters.length === 1) out.filter_subject = filters[0];
  else if (filters.length > 1) out.filter_subjects = filters;
  else if ('filter_subject' in base) out.filter_subject = '';
  out.deliver_policy = v.deliverPolicy;
  if (v.deliverPolicy === 'by_start_sequence') out.opt_start_seq = Number(v.optStartSeq);
  else delete out.opt_start_seq;
  if (v.deliverPolicy === 'by_start_time') out.opt_start_time = new Date(v.optStartTime.trim()).toISOString();
  else delete out.opt_start_time;
  out.ack_policy = v.ackPolicy;
  out.ack_wait = parseDuration(v.ackWait) || 30e9;
  out.max_deliver = parseLimit(v.maxDeliver) ?? -1;
  const backoff = splitWords(v.backoff).map((b) => parseDuration(b) ?? 0);
  set('backoff', backoff, backoff.length === 0);
  out.replay_policy = v.replayPolicy;
  out.max_ack_pending = parseLimit(v.maxAckPending) ?? -1;
  const inactive = parseDuration(v.inactiveThreshold) ?? 0;
  set('inactive_threshold', inactive, inactive === 0);
  out.num_replicas = Number(v.replicas);
  set('mem_storage', v.memStorage, !v.memStorage);
  set('headers_only', v.headersOnly, !v.headersOnly);
  const sample = v.sampleFreq.trim();
  set('sample_freq', sample && !sample.endsWith('%') ? `${sample}%` : sample, !sample);
  if (v.kind === 'pull') {
    for (const key of [
      'deliver_subject',
      'deliver_group',
      'flow_control',
      'idle_heartbeat',
      'rate_limit_bps',
    ]) {
      delete out[key];
    }
    set('max_waiting', Number(v.maxWaiting.trim() || 0), !v.maxWaiting.trim());
    set('max_batch', Number(v.maxBatch.trim() || 0), !v.maxBatch.trim());
    set('max_expires', parseDuration(v.maxExpires) ?? 0, !parseDuration(v.maxExpires));
    set('max_bytes', parseBytes(v.maxBytes) ?? 0, !v.maxBytes.trim());
  } else {
    for (const key of ['max_waiting', 'max_batch', 'max_expires', 'max_bytes']) delete out[key];
    out.deliver_subject = v.deliverSubject.trim();
    set('deliver_group', v.deliverGroup.trim(), !v.deliverGroup.trim());
    set('flow_control', v.flowControl, !v.flowControl);
    set('idle_heartbeat', parseDuration(v.idleHeartbeat) ?? 0, !parseDuration(v.idleHeartbeat));
    set('rate_limit_bps', Number(v.rateLimitBps.trim() || 0), !v.rateLimitBps.trim());
  }
  return out;
}
