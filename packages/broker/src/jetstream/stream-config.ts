import { isValidSubject } from '../router/subject.js';
import { type ApiError, Errors } from './errors.js';
import { subjectsCollide } from './util.js';

export type Retention = 'limits' | 'interest' | 'workqueue';
export type Storage = 'file' | 'memory';
export type Discard = 'old' | 'new';

export interface StreamSource {
  name: string;
  opt_start_seq?: number;
  opt_start_time?: string;
  filter_subject?: string;
  external?: { api: string; deliver?: string };
}

export interface RePublish {
  src?: string;
  dest: string;
  headers_only?: boolean;
}

/** A stream's configuration after defaults, with nats-server's JSON field names. */
export interface StreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: Retention;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  max_age: number;
  max_msgs_per_subject: number;
  max_msg_size: number;
  discard: Discard;
  storage: Storage;
  num_replicas: number;
  no_ack?: boolean;
  template_owner?: string;
  duplicate_window: number;
  placement?: { cluster?: string; tags?: string[] };
  mirror?: StreamSource;
  sources?: StreamSource[];
  republish?: RePublish;
  allow_direct: boolean;
  mirror_direct: boolean;
  discard_new_per_subject?: boolean;
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
  metadata?: Record<string, string>;
}

const TWO_MINUTES_NS = 120_000_000_000;
export const JS_API_PREFIX = '$JS.API.>';

type Obj = Record<string, unknown>;

/** Reads typed fields like Go's json.Unmarshal: a wrong type is "invalid JSON". */
export class Fields {
  constructor(private readonly o: Obj) {}
  num(k: string, def = 0): number {
    const v = this.o[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw Errors.invalidJson();
    return v;
  }
  int(k: string, def = 0): number {
    const v = this.num(k, def);
    if (!Number.isInteger(v)) throw Errors.invalidJson();
    return v;
  }
  str(k: string): string | undefined {
    const v = this.o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw Errors.invalidJson();
    return v;
  }
  bool(k: string): boolean {
    const v = this.o[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw Errors.invalidJson();
    return v;
  }
  strs(k: string): string[] | undefined {
    const v = this.o[k];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw Errors.invalidJson();
    return v as string[];
  }
  nums(k: string): number[] | undefined {
    const v = this.o[k];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'number')) throw Errors.invalidJson();
    return v as number[];
  }
  obj(k: string): Obj | undefined {
    const v = this.o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw Errors.invalidJson();
    return v as Obj;
  }
  objs(k: string): Obj[] | undefined {
    const v = this.o[k];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'object' || s === null || Array.isArray(s)))
      throw Errors.invalidJson();
    return v as Obj[];
  }
  enumOf<T extends string>(k: string, allowed: readonly T[], def: T): T {
    const v = this.str(k);
    if (v === undefined || v === '') return def;
    if (!(allowed as readonly string[]).includes(v)) throw Errors.invalidJson();
    return v as T;
  }
  stringMap(k: string): Record<string, string> | undefined {
    const o = this.obj(k);
    if (!o) return undefined;
    for (const v of Object.values(o)) if (typeof v !== 'string') throw Errors.invalidJson();
    return o as Record<string, string>;
  }
}

/** Parses a request body to an object; an empty body is `{}` when `allowEmpty`. */
export function parseBody(data: Uint8Array, allowEmpty: boolean): Obj {
  if (data.length === 0) {
    if (allowEmpty) return {};
    throw Errors.invalidJson();
  }
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw Errors.invalidJson();
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw Errors.invalidJson();
  return v as Obj;
}

/** Stream and consumer names: no whitespace, '.', '*', '>' or path separators. */
export function isValidName(n: string): boolean {
  return n.length > 0 && !/[\s.*>/\\]/.test(n);
}

function parseSource(o: Obj): StreamSource {
  const f = new Fields(o);
  const s: StreamSource = { name: f.str('name') ?? '' };
  const seq = f.int('opt_start_seq');
  if (seq) s.opt_start_seq = seq;
  const t = f.str('opt_start_time');
  if (t) s.opt_start_time = t;
  const fs = f.str('filter_subject');
  if (fs) s.filter_subject = fs;
  const ext = f.obj('external');
  if (ext) {
    const ef = new Fields(ext);
    s.external = { api: ef.str('api') ?? '' };
    const d = ef.str('deliver');
    if (d) s.external.deliver = d;
  }
  return s;
}

/**
 * Parses and validates a stream config and fills in nats-server's defaults (stream.go checkStreamCfg).
 * Throws ApiError.
 */
export function normalizeStreamConfig(raw: Obj, forCreate = false): StreamConfig {
  const f = new Fields(raw);
  const name = f.str('name') ?? '';
  const c: StreamConfig = {
    name,
    retention: f.enumOf('retention', ['limits', 'interest', 'workqueue'] as const, 'limits'),
    max_consumers: f.int('max_consumers'),
    max_msgs: f.int('max_msgs'),
    max_bytes: f.int('max_bytes'),
    max_age: f.int('max_age'),
    max_msgs_per_subject: f.int('max_msgs_per_subject'),
    max_msg_size: f.int('max_msg_size'),
    discard: f.enumOf('discard', ['old', 'new'] as const, 'old'),
    storage: f.enumOf('storage', ['file', 'memory'] as const, 'file'),
    num_replicas: f.int('num_replicas'),
    duplicate_window: f.int('duplicate_window'),
    allow_direct: f.bool('allow_direct'),
    mirror_direct: f.bool('mirror_direct'),
    sealed: f.bool('sealed'),
    deny_delete: f.bool('deny_delete'),
    deny_purge: f.bool('deny_purge'),
    allow_rollup_hdrs: f.bool('allow_rollup_hdrs'),
  };
  const description = f.str('description');
  if (description) c.description = description;
  const subjects = f.strs('subjects');
  if (subjects && subjects.length > 0) c.subjects = [...subjects];
  if (f.bool('no_ack')) c.no_ack = true;
  const tmpl = f.str('template_owner');
  if (tmpl) c.template_owner = tmpl;
  const placement = f.obj('placement');
  if (placement) {
    const pf = new Fields(placement);
    c.placement = {};
    const cl = pf.str('cluster');
    if (cl) c.placement.cluster = cl;
    const tags = pf.strs('tags');
    if (tags) c.placement.tags = tags;
  }
  const mirror = f.obj('mirror');
  if (mirror) c.mirror = parseSource(mirror);
  const sources = f.objs('sources');
  if (sources && sources.length > 0) c.sources = sources.map(parseSource);
  const rp = f.obj('republish');
  if (rp) {
    const rf = new Fields(rp);
    c.republish = { src: rf.str('src') ?? '', dest: rf.str('dest') ?? '' };
    if (!c.republish.src) delete c.republish.src;
    if (rf.bool('headers_only')) c.republish.headers_only = true;
  }
  if (f.bool('discard_new_per_subject')) c.discard_new_per_subject = true;
  const md = f.stringMap('metadata');
  if (md && Object.keys(md).length > 0) c.metadata = md;

  if (!isValidName(name)) {
    if (/[/\\]/.test(name)) throw Errors.streamNameContainsPathSeparators();
    throw Errors.streamInvalidConfig(
      name === '' ? 'stream name is required' : 'stream name can not contain whitespace, ".", "*", ">"',
    );
  }
  if (c.num_replicas < 0) throw Errors.replicasCountCannotBeNegative();
  if (c.num_replicas === 0) c.num_replicas = 1;
  if (c.num_replicas > 1) throw Errors.streamReplicasNotSupported();
  if (c.max_msgs === 0) c.max_msgs = -1;
  if (c.max_msgs_per_subject === 0) c.max_msgs_per_subject = -1;
  if (c.max_bytes === 0) c.max_bytes = -1;
  if (c.max_msg_size === 0) c.max_msg_size = -1;
  if (c.max_consumers === 0) c.max_consumers = -1;
  if (c.duplicate_window === 0 && !c.mirror) {
    c.duplicate_window = c.max_age !== 0 && c.max_age < TWO_MINUTES_NS ? c.max_age : TWO_MINUTES_NS;
  }
  if (c.duplicate_window < 0) throw Errors.streamInvalidConfig('duplicates window can not be negative');
  if (c.max_age > 0 && c.duplicate_window > c.max_age) {
    throw Errors.streamInvalidConfig('duplicates window can not be larger then max age');
  }
  if (c.max_age < 0) throw Errors.streamInvalidConfig('max age needs to be >= 0');
  if (c.discard_new_per_subject) {
    if (c.discard !== 'new')
      throw Errors.streamInvalidConfig('discard new per subject requires discard new policy to be set');
    if (c.max_msgs_per_subject <= 0)
      throw Errors.streamInvalidConfig('discard new per subject requires max msgs per subject > 0');
  }
  if (c.sealed && forCreate)
    throw Errors.streamInvalidConfig('stream configuration for create can not be sealed');
  if (c.sealed) {
    c.max_age = 0;
    c.discard = 'new';
    c.deny_delete = true;
    c.deny_purge = true;
    c.allow_rollup_hdrs = false;
  }
  if (c.mirror) {
    if (c.subjects) throw Errors.mirrorWithSubjects();
    if (c.sources) throw Errors.mirrorWithSources();
  }
  if (!c.subjects && !c.mirror && !c.sources) c.subjects = [name];
  if (c.subjects) {
    const seen = new Set<string>();
    for (const s of c.subjects) {
      if (!isValidSubject(s)) throw Errors.streamInvalidConfig('invalid subject');
      if (seen.has(s)) throw Errors.streamInvalidConfig('duplicate subjects detected');
      seen.add(s);
      if (subjectsCollide(s, '$JS.API.>'))
        throw Errors.streamInvalidConfig('subjects overlap with jetstream api');
    }
    for (let i = 0; i < c.subjects.length; i++) {
      for (let j = i + 1; j < c.subjects.length; j++) {
        if (subjectsCollide(c.subjects[i] as string, c.subjects[j] as string)) {
          throw Errors.streamInvalidConfig(
            `subject ${JSON.stringify(c.subjects[i])} overlaps with ${JSON.stringify(c.subjects[j])}`,
          );
        }
      }
    }
  }
  if (c.republish) {
    if (!isValidSubject(c.republish.dest) || !c.republish.dest) {
      throw Errors.streamInvalidConfig('stream configuration for republish destination is invalid');
    }
    for (const s of c.subjects ?? []) {
      if (subjectsCollide(s, c.republish.dest)) {
        throw Errors.streamInvalidConfig('stream configuration for republish destination forms a cycle');
      }
    }
    if (c.republish.src && !isValidSubject(c.republish.src)) {
      throw Errors.streamInvalidConfig('stream configuration for republish source is invalid');
    }
  }
  return c;
}

/** Rules for replacing a stream's config (stream.go configUpdateCheck). */
export function checkStreamUpdate(old: StreamConfig, next: StreamConfig): ApiError | undefined {
  if (old.storage !== next.storage)
    return Errors.streamInvalidConfig('stream configuration update can not change storage type');
  if (old.retention !== next.retention) {
    return Errors.streamInvalidConfig('stream configuration update can not change retention policy');
  }
  if (old.sealed && !next.sealed)
    return Errors.streamInvalidConfig('stream configuration update can not unseal a sealed stream');
  if (old.deny_delete && !next.deny_delete) {
    return Errors.streamInvalidConfig('stream configuration update can not cancel deny message deletes');
  }
  if (old.deny_purge && !next.deny_purge)
    return Errors.streamInvalidConfig('stream configuration update can not cancel deny purge');
  if (JSON.stringify(old.mirror) !== JSON.stringify(next.mirror)) return Errors.mirrorNotUpdatable();
  if ((old.template_owner ?? '') !== (next.template_owner ?? '')) {
    return Errors.streamInvalidConfig('stream configuration update can not change template ownership');
  }
  return undefined;
}

/** The config in nats-server's field order, as JSON responses carry it. */
export function streamConfigJson(c: StreamConfig): Obj {
  const o: Obj = { name: c.name };
  if (c.description) o.description = c.description;
  if (c.subjects) o.subjects = c.subjects;
  o.retention = c.retention;
  o.max_consumers = c.max_consumers;
  o.max_msgs = c.max_msgs;
  o.max_bytes = c.max_bytes;
  o.max_age = c.max_age;
  o.max_msgs_per_subject = c.max_msgs_per_subject;
  o.max_msg_size = c.max_msg_size;
  o.discard = c.discard;
  o.storage = c.storage;
  o.num_replicas = c.num_replicas;
  if (c.no_ack) o.no_ack = true;
  if (c.template_owner) o.template_owner = c.template_owner;
  if (c.duplicate_window) o.duplicate_window = c.duplicate_window;
  if (c.placement) o.placement = c.placement;
  if (c.mirror) o.mirror = c.mirror;
  if (c.sources) o.sources = c.sources;
  if (c.republish) o.republish = c.republish;
  o.allow_direct = c.allow_direct;
  o.mirror_direct = c.mirror_direct;
  if (c.discard_new_per_subject) o.discard_new_per_subject = true;
  o.sealed = c.sealed;
  o.deny_delete = c.deny_delete;
  o.deny_purge = c.deny_purge;
  o.allow_rollup_hdrs = c.allow_rollup_hdrs;
  if (c.metadata) o.metadata = c.metadata;
  return o;
}

/** Whether two streams' subject sets can match a common subject. */
export function subjectsOverlap(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) for (const y of b) if (subjectsCollide(x, y)) return true;
  return false;
}
