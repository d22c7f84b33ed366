import { isLiteral, isValidSubject } from '../router/subject.js';
import { type ApiError, Errors } from './errors.js';
import type { StreamConfig } from './stream-config.js';
import { Fields, isValidName } from './stream-config.js';
import { parseTime, subjectIsSubset, subjectsCollide, versionAtLeast } from './util.js';

export type DeliverPolicy =
  | 'all'
  | 'last'
  | 'new'
  | 'by_start_sequence'
  | 'by_start_time'
  | 'last_per_subject';
export type AckPolicy = 'none' | 'all' | 'explicit';
export type ReplayPolicy = 'instant' | 'original';

/** A consumer's configuration after defaults, with nats-server's JSON field names. */
export interface ConsumerConfig {
  durable_name?: string;
  name?: string;
  description?: string;
  deliver_policy: DeliverPolicy;
  opt_start_seq?: number;
  opt_start_time?: string;
  ack_policy: AckPolicy;
  ack_wait?: number;
  max_deliver?: number;
  backoff?: number[];
  filter_subject?: string;
  filter_subjects?: string[];
  replay_policy: ReplayPolicy;
  rate_limit_bps?: number;
  sample_freq?: string;
  max_waiting?: number;
  max_ack_pending?: number;
  idle_heartbeat?: number;
  flow_control?: boolean;
  headers_only?: boolean;
  max_batch?: number;
  max_expires?: number;
  max_bytes?: number;
  deliver_subject?: string;
  deliver_group?: string;
  inactive_threshold?: number;
  num_replicas: number;
  mem_storage?: boolean;
  direct?: boolean;
  metadata?: Record<string, string>;
}

const DEFAULT_ACK_WAIT = 30_000_000_000;
const DEFAULT_MAX_WAITING = 512;
const DEFAULT_MAX_ACK_PENDING = 1000;
const DEFAULT_INACTIVE_THRESHOLD = 5_000_000_000;

const POLICY_TEXT: Record<DeliverPolicy, string> = {
  all: 'deliver all',
  last: 'deliver last',
  new: 'deliver new',
  by_start_sequence: 'deliver by start sequence',
  by_start_time: 'deliver by start time',
  last_per_subject: 'deliver last per subject',
};

/** Parses a consumer config body (types only; defaults and checks come in `finishConsumerConfig`). */
export function parseConsumerConfig(raw: Record<string, unknown>): ConsumerConfig {
  const f = new Fields(raw);
  const c: ConsumerConfig = {
    deliver_policy: f.enumOf(
      'deliver_policy',
      ['all', 'last', 'new', 'by_start_sequence', 'by_start_time', 'last_per_subject'] as const,
      'all',
    ),
    ack_policy: f.enumOf('ack_policy', ['none', 'all', 'explicit'] as const, 'none'),
    replay_policy: f.enumOf('replay_policy', ['instant', 'original'] as const, 'instant'),
    num_replicas: f.int('num_replicas'),
  };
  const setStr = (k: keyof ConsumerConfig) => {
    const v = f.str(k);
    if (v) (c as unknown as Record<string, unknown>)[k] = v;
  };
  const setInt = (k: keyof ConsumerConfig) => {
    const v = f.int(k);
    if (v) (c as unknown as Record<string, unknown>)[k] = v;
  };
  const setBool = (k: keyof ConsumerConfig) => {
    if (f.bool(k)) (c as unknown as Record<string, unknown>)[k] = true;
  };
  setStr('durable_name');
  setStr('name');
  setStr('description');
  setInt('opt_start_seq');
  setStr('opt_start_time');
  setInt('ack_wait');
  setInt('max_deliver');
  const backoff = f.nums('backoff');
  if (backoff && backoff.length > 0) c.backoff = backoff;
  setStr('filter_subject');
  const fss = f.strs('filter_subjects');
  if (fss && fss.length > 0) c.filter_subjects = fss;
  setInt('rate_limit_bps');
  setStr('sample_freq');
  setInt('max_waiting');
  setInt('max_ack_pending');
  setInt('idle_heartbeat');
  setBool('flow_control');
  setBool('headers_only');
  setInt('max_batch');
  setInt('max_expires');
  setInt('max_bytes');
  setStr('deliver_subject');
  setStr('deliver_group');
  setInt('inactive_threshold');
  setBool('mem_storage');
  setBool('direct');
  const md = f.stringMap('metadata');
  if (md && Object.keys(md).length > 0) c.metadata = md;
  if (c.opt_start_time !== undefined && parseTime(c.opt_start_time) === undefined) throw Errors.invalidJson();
  return c;
}

/** The subjects a consumer selects ([] = everything). */
export function consumerFilters(c: ConsumerConfig): string[] {
  if (c.filter_subjects && c.filter_subjects.length > 0) return c.filter_subjects;
  if (c.filter_subject && c.filter_subject !== '>') return [c.filter_subject];
  return [];
}

/** Validates against the stream and fills defaults (consumer.go setConsumerConfigDefaults/checkConsumerCfg). */
export function finishConsumerConfig(
  c: ConsumerConfig,
  stream: StreamConfig,
  others: ConsumerConfig[],
  version = '2.9.10',
): ConsumerConfig {
  const isPull = !c.deliver_subject;
  if (c.durable_name && !isValidName(c.durable_name)) {
    if (/[/\\]/.test(c.durable_name)) throw Errors.consumerNameContainsPathSeparators();
    throw Errors.consumerBadDurableName();
  }
  if (c.name && !isValidName(c.name)) {
    if (/[/\\]/.test(c.name)) throw Errors.consumerNameContainsPathSeparators();
    throw Errors.consumerBadDurableName();
  }
  if (c.description && c.description.length > 4096) throw Errors.consumerDescriptionTooLong(4096);
  if (c.num_replicas < 0) throw Errors.replicasCountCannotBeNegative();
  if (c.backoff && c.backoff.length > 0 && (c.max_deliver ?? 0) <= c.backoff.length) {
    throw Errors.consumerMaxDeliverBackoff();
  }
  if (c.max_waiting !== undefined && c.max_waiting < 0) throw Errors.consumerMaxWaitingNegative();
  if (c.max_batch !== undefined && c.max_batch < 0) throw Errors.consumerMaxRequestBatchNegative();
  if (c.max_expires !== undefined && c.max_expires !== 0 && c.max_expires < 1_000_000)
    throw Errors.consumerMaxRequestExpiresTooSmall();

  if (isPull) {
    if (c.idle_heartbeat) throw Errors.consumerHBRequiresPush();
    if (c.flow_control) throw Errors.consumerFCRequiresPush();
    if (c.rate_limit_bps) throw Errors.consumerPullWithRateLimit();
  } else {
    if (c.max_waiting) throw Errors.consumerPushMaxWaiting();
    if (c.idle_heartbeat && c.idle_heartbeat < 100_000_000) throw Errors.consumerSmallHeartbeat();
    if (c.flow_control && !c.idle_heartbeat) throw Errors.consumerWithFlowControlNeedsHeartbeats();
    const ds = c.deliver_subject as string;
    if (!isValidSubject(ds)) throw Errors.consumerInvalidDeliverSubject();
    if (!isLiteral(ds)) throw Errors.consumerDeliverToWildcards();
    for (const s of stream.subjects ?? []) if (subjectsCollide(s, ds)) throw Errors.consumerDeliverCycle();
  }

  if (c.filter_subject && c.filter_subjects) throw Errors.consumerDuplicateFilterSubjects();
  const filters = consumerFilters(c);
  for (const fs of c.filter_subjects ?? []) if (!fs) throw Errors.consumerEmptyFilter();
  for (let i = 0; i < filters.length; i++) {
    for (let j = i + 1; j < filters.length; j++) {
      if (subjectsCollide(filters[i] as string, filters[j] as string))
        throw Errors.consumerOverlappingSubjectFilters();
    }
  }
  if (stream.subjects && !stream.mirror && !stream.sources) {
    for (const fs of filters) {
      if (!isValidSubject(fs)) throw Errors.consumerFilterNotSubset();
      if (!stream.subjects.some((s) => subjectIsSubset(fs, s))) throw Errors.consumerFilterNotSubset();
    }
  }

  const policy = POLICY_TEXT[c.deliver_policy];
  switch (c.deliver_policy) {
    case 'by_start_sequence':
      if (!c.opt_start_seq) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional start sequence is not set`,
        );
      }
      if (c.opt_start_time) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional start time is also set`,
        );
      }
      break;
    case 'by_start_time':
      if (!c.opt_start_time) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional start time is not set`,
        );
      }
      if (c.opt_start_seq) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional start sequence is also set`,
        );
      }
      break;
    default:
      // 2.10 lifted this restriction.
      if (
        c.deliver_policy === 'last_per_subject' &&
        filters.length === 0 &&
        !versionAtLeast(version, '2.10.0')
      ) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional filter subject is not set`,
        );
      }
      if (c.opt_start_seq) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional start sequence is also set`,
        );
      }
      if (c.opt_start_time) {
        throw Errors.consumerInvalidPolicy(
          `consumer delivery policy is ${policy}, but optional start time is also set`,
        );
      }
  }

  if (stream.retention === 'workqueue') {
    if (c.ack_policy !== 'explicit') {
      throw isPull ? Errors.consumerPullRequiresAck() : Errors.consumerWQRequiresExplicitAck();
    }
    if (c.deliver_policy !== 'all') throw Errors.consumerWQConsumerNotDeliverAll();
    if (others.length > 0) {
      if (filters.length === 0) throw Errors.consumerWQMultipleUnfiltered();
      for (const o of others) {
        const theirs = consumerFilters(o);
        if (theirs.length === 0) throw Errors.consumerWQConsumerNotUnique();
        for (const a of filters)
          for (const b of theirs) if (subjectsCollide(a, b)) throw Errors.consumerWQConsumerNotUnique();
      }
    }
  }

  // Defaults.
  if (c.ack_policy !== 'none' && !c.ack_wait) c.ack_wait = c.backoff?.[0] ?? DEFAULT_ACK_WAIT;
  if (!c.max_deliver) c.max_deliver = -1;
  if (isPull && !c.max_waiting) c.max_waiting = DEFAULT_MAX_WAITING;
  if (c.ack_policy !== 'none' && !c.max_ack_pending) c.max_ack_pending = DEFAULT_MAX_ACK_PENDING;
  if (!c.durable_name && !c.inactive_threshold) c.inactive_threshold = DEFAULT_INACTIVE_THRESHOLD;
  return c;
}

/** What an update may change (consumer.go updateConfig / acceptableConfig). */
export function checkConsumerUpdate(old: ConsumerConfig, next: ConsumerConfig): ApiError | undefined {
  const fail = (m: string) => Errors.consumerCreate(m);
  if (old.deliver_policy !== next.deliver_policy) return fail('deliver policy can not be updated');
  if ((old.opt_start_seq ?? 0) !== (next.opt_start_seq ?? 0))
    return fail('start sequence can not be updated');
  if ((old.opt_start_time ?? '') !== (next.opt_start_time ?? ''))
    return fail('start time can not be updated');
  if (old.ack_policy !== next.ack_policy) return fail('ack policy can not be updated');
  if (old.replay_policy !== next.replay_policy) return fail('replay policy can not be updated');
  if ((old.idle_heartbeat ?? 0) !== (next.idle_heartbeat ?? 0)) return fail('heart beats can not be updated');
  if (!!old.flow_control !== !!next.flow_control) return fail('flow control can not be updated');
  if ((old.max_waiting ?? 0) !== (next.max_waiting ?? 0)) return fail('max waiting can not be updated');
  if (!old.deliver_subject !== !next.deliver_subject) {
    return fail(
      old.deliver_subject
        ? 'can not update push consumer to pull based'
        : 'can not update pull consumer to push based',
    );
  }
  return undefined;
}

/** The config in nats-server's field order, as JSON responses carry it. */
export function consumerConfigJson(c: ConsumerConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const put = (k: keyof ConsumerConfig, always = false) => {
    const v = c[k];
    if (always || (v !== undefined && v !== 0 && v !== '' && v !== false)) o[k] = v;
  };
  put('durable_name');
  put('name');
  put('description');
  put('deliver_policy', true);
  put('opt_start_seq');
  put('opt_start_time');
  put('ack_policy', true);
  put('ack_wait');
  put('max_deliver');
  put('backoff');
  put('filter_subject');
  put('filter_subjects');
  put('replay_policy', true);
  put('rate_limit_bps');
  put('sample_freq');
  put('max_waiting');
  put('max_ack_pending');
  put('idle_heartbeat');
  put('flow_control');
  put('headers_only');
  put('max_batch');
  put('max_expires');
  put('max_bytes');
  put('deliver_subject');
  put('deliver_group');
  put('inactive_threshold');
  put('num_replicas', true);
  put('mem_storage');
  put('direct');
  put('metadata');
  return o;
}
