// The stream form: every JetStream StreamConfig field as text the user edits, mapped to and from the
// server's own JSON (snake_case, nanoseconds, -1 for unlimited). Fields the form does not model are kept.

import {
  formatBytesInput,
  formatDurationNs,
  formatLimit,
  parseBytes,
  parseDuration,
  parseLimit,
} from './units';

/** A stream config in the JetStream API's JSON shape. */
export type JsonObject = Record<string, unknown>;

export type Retention = 'limits' | 'interest' | 'workqueue';
export type Storage = 'file' | 'memory';
export type Discard = 'old' | 'new';
export type Compression = 'none' | 's2';

export interface StreamFormValues {
  name: string;
  description: string;
  subjects: string;
  storage: Storage;
  retention: Retention;
  discard: Discard;
  discardNewPerSubject: boolean;
  replicas: string;
  maxConsumers: string;
  maxMsgs: string;
  maxBytes: string;
  maxAge: string;
  maxMsgsPerSubject: string;
  maxMsgSize: string;
  duplicateWindow: string;
  noAck: boolean;
  denyDelete: boolean;
  denyPurge: boolean;
  allowRollup: boolean;
  allowDirect: boolean;
  mirrorDirect: boolean;
  sealed: boolean;
  compression: Compression;
  firstSeq: string;
  placementCluster: string;
  placementTags: string;
  mirror: string;
  sources: string;
  republishSrc: string;
  republishDest: string;
  republishHeadersOnly: boolean;
  transformSrc: string;
  transformDest: string;
  consumerInactiveThreshold: string;
  consumerMaxAckPending: string;
  allowMsgTtl: boolean;
  metadata: string;
}

export type StreamFormErrors = Partial<Record<keyof StreamFormValues | 'json', string>>;

export const emptyStreamForm: StreamFormValues = {
  name: '',
  description: '',
  subjects: '',
  storage: 'file',
  retention: 'limits',
  discard: 'old',
  discardNewPerSubject: false,
  replicas: '1',
  maxConsumers: '',
  maxMsgs: '',
  maxBytes: '',
  maxAge: '',
  maxMsgsPerSubject: '',
  maxMsgSize: '',
  duplicateWindow: '2m',
  noAck: false,
  denyDelete: false,
  denyPurge: false,
  allowRollup: false,
  allowDirect: false,
  mirrorDirect: false,
  sealed: false,
  compression: 'none',
  firstSeq: '',
  placementCluster: '',
  placementTags: '',
  mirror: '',
  sources: '',
  republishSrc: '',
  republishDest: '',
  republishHeadersOnly: false,
  transformSrc: '',
  transformDest: '',
  consumerInactiveThreshold: '',
  consumerMaxAckPending: '',
  allowMsgTtl: false,
  metadata: '',
};

/** Stream and consumer names: no whitespace, dots, wildcards or path separators (nats-server `isValidName`). */
export const NAME_PATTERN = /^[^\s.*>/\\]+$/;
export const NAME_MAX = 255;

/** Fields nats-server refuses to change on an existing stream. */
export const IMMUTABLE_STREAM_FIELDS: ReadonlyArray<keyof StreamFormValues> = [
  'name',
  'storage',
  'mirror',
  'firstSeq',
];

/** Splits a list typed with commas, spaces or newlines. */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Whether `s` is a valid NATS subject, wildcards allowed: non-empty tokens, `>` only last. */
export function isValidSubject(s: string): boolean {
  if (s === '' || /\s/.test(s)) return false;
  const tokens = s.split('.');
  return tokens.every(
    (t, i) =>
      t !== '' && (t === '>' ? i === tokens.length - 1 : !t.includes('>')) && (t === '*' || !t.includes('*')),
  );
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const obj = (v: unknown): JsonObject | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A config from the server (or the JSON editor) as form values. */
export function configToForm(c: JsonObject): StreamFormValues {
  const placement = obj(c.placement);
  const republish = obj(c.republish);
  const transform = obj(c.subject_transform);
  const limits = obj(c.consumer_limits);
  const meta = obj(c.metadata);
  return {
    name: str(c.name),
    description: str(c.description),
    subjects: arr(c.subjects).map(String).join(', '),
    storage: c.storage === 'memory' ? 'memory' : 'file',
    retention: c.retention === 'interest' || c.retention === 'workqueue' ? c.retention : 'limits',
    discard: c.discard === 'new' ? 'new' : 'old',
    discardNewPerSubject: c.discard_new_per_subject === true,
    replicas: String(num(c.num_replicas) ?? 1),
    maxConsumers: formatLimit(num(c.max_consumers)),
    maxMsgs: formatLimit(num(c.max_msgs)),
    maxBytes: formatBytesInput(num(c.max_bytes)),
    maxAge: num(c.max_age) ? formatDurationNs(num(c.max_age)) : '',
    maxMsgsPerSubject: formatLimit(num(c.max_msgs_per_subject)),
    maxMsgSize: formatBytesInput(num(c.max_msg_size)),
    duplicateWindow: c.duplicate_window === undefined ? '' : formatDurationNs(num(c.duplicate_window)),
    noAck: c.no_ack === true,
    denyDelete: c.deny_delete === true,
    denyPurge: c.deny_purge === true,
    allowRollup: c.allow_rollup_hdrs === true,
    allowDirect: c.allow_direct === true,
    mirrorDirect: c.mirror_direct === true,
    sealed: c.sealed === true,
    compression: c.compression === 's2' ? 's2' : 'none',
    firstSeq: num(c.first_seq) ? String(c.first_seq) : '',
    placementCluster: str(placement?.cluster),
    placementTags: arr(placement?.tags).map(String).join(', '),
    mirror: str(obj(c.mirror)?.name),
    sources: arr(c.sources)
      .map((s) => str(obj(s)?.name))
      .filter(Boolean)
      .join(', '),
    republishSrc: str(republish?.src),
    republishDest: str(republish?.dest),
    republishHeadersOnly: republish?.headers_only === true,
    transformSrc: str(transform?.src),
    transformDest: str(transform?.dest),
    consumerInactiveThreshold: num(limits?.inactive_threshold)
      ? formatDurationNs(num(limits?.inactive_threshold))
      : '',
    consumerMaxAckPending: num(limits?.max_ack_pending) ? String(limits?.max_ack_pending) : '',
    allowMsgTtl: c.allow_msg_ttl === true,
    metadata: meta
      ? Object.entries(meta)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join('\n')
      : '',
  };
}

/** `key=value` lines into an object; lines without `=` are reported. */
export function parseMetadata(text: string): { value: Record<string, string>; bad: string | null } {
  const value: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { value, bad: line };
    value[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { value, bad: null };
}

/** Inline validation, field by field. On edit, `base` is the current config and immutable fields are checked. */
export function validateStreamForm(v: StreamFormValues, base?: JsonObject): StreamFormErrors {
  const e: StreamFormErrors = {};
  const name = v.name.trim();
  if (!name) e.name = 'A stream needs a name.';
  else if (name.length > NAME_MAX) e.name = `At most ${NAME_MAX} characters.`;
  else if (!NAME_PATTERN.test(name)) e.name = 'No spaces, dots, *, > or slashes.';

  const subjects = splitWords(v.subjects);
  const badSubject = subjects.find((s) => !isValidSubject(s));
  if (badSubject) e.subjects = `“${badSubject}” is not a valid subject.`;
  else if (new Set(subjects).size !== subjects.length) e.subjects = 'A subject is listed twice.';
  else if (v.mirror.trim() && subjects.length > 0) e.subjects = 'A mirror cannot have subjects of its own.';

  if (v.mirror.trim() && splitWords(v.sources).length > 0) e.sources = 'A mirror cannot also have sources.';
  if (v.mirror.trim() && !NAME_PATTERN.test(v.mirror.trim())) e.mirror = 'Not a valid stream name.';
  const badSource = splitWords(v.sources).find((s) => !NAME_PATTERN.test(s));
  if (badSource) e.sources = `“${badSource}” is not a valid stream name.`;

  const replicas = Number(v.replicas);
  if (!/^\d+$/.test(v.replicas.trim()) || replicas < 1 || replicas > 5) e.replicas = 'Between 1 and 5.';

  for (const key of ['maxConsumers', 'maxMsgs', 'maxMsgsPerSubject'] as const) {
    if (parseLimit(v[key]) === undefined) e[key] = 'A whole number, or empty for unlimited.';
  }
  for (const key of ['maxBytes', 'maxMsgSize'] as const) {
    if (parseBytes(v[key]) === undefined) e[key] = 'A size such as 512MiB or 1GB, or empty for unlimited.';
  }
  const maxAge = parseDuration(v.maxAge);
  if (maxAge === undefined) e.maxAge = 'A duration such as 24h, 7d or 90s, or empty to keep forever.';
  const dup = parseDuration(v.duplicateWindow);
  if (dup === undefined) e.duplicateWindow = 'A duration such as 2m.';
  else if (maxAge && dup > maxAge) e.duplicateWindow = 'Cannot be longer than the maximum age.';
  if (parseDuration(v.consumerInactiveThreshold) === undefined)
    e.consumerInactiveThreshold = 'A duration such as 5m.';
  if (v.consumerMaxAckPending.trim() && !/^\d+$/.test(v.consumerMaxAckPending.trim())) {
    e.consumerMaxAckPending = 'A whole number.';
  }
  if (v.firstSeq.trim() && !/^\d+$/.test(v.firstSeq.trim())) e.firstSeq = 'A whole number.';

  if (v.discardNewPerSubject && v.discard !== 'new') {
    e.discardNewPerSubject = 'Needs the “new” discard policy.';
  }
  if (v.discardNewPerSubject && parseLimit(v.maxMsgsPerSubject) === -1) {
    e.discardNewPerSubject = 'Needs a per-subject message limit.';
  }
  if (v.republishSrc.trim() || v.republishDest.trim()) {
    if (!isValidSubject(v.republishDest.trim())) e.republishDest = 'A subject to republish to.';
    if (v.republishSrc.trim() && !isValidSubject(v.republishSrc.trim()))
      e.republishSrc = 'Not a valid subject.';
  }
  if (v.transformDest.trim() && !isValidSubject(v.transformDest.trim()))
    e.transformDest = 'Not a valid subject.';
  if (v.transformSrc.trim() && !isValidSubject(v.transformSrc.trim()))
    e.transformSrc = 'Not a valid subject.';
  if (parseMetadata(v.metadata).bad !== null) e.metadata = 'One key=value per line.';

  if (!base && v.sealed) e.sealed = 'A new stream cannot be sealed.';
  if (base) {
    const current = configToForm(base);
    for (const key of IMMUTABLE_STREAM_FIELDS) {
      if (String(v[key]).trim() !== String(current[key]).trim())
        e[key] = 'Cannot be changed on an existing stream.';
    }
    if (current.sealed && !v.sealed) e.sealed = 'A sealed stream cannot be unsealed.';
  }
  return e;
}

/** Sets `key` to `value`, or leaves it out when it holds the default and `base` never had it. */
function put(out: JsonObject, base: JsonObject, key: string, value: unknown, isDefault: boolean): void {
  if (isDefault && !(key in base)) delete out[key];
  else out[key] = value;
}

/**
 * Form values as a StreamConfig, on top of `base` (the current config, or the JSON editor's document),
 * so fields the form does not show survive. Call only when `validateStreamForm` found nothing.
 */
export function formToConfig(v: StreamFormValues, base: JsonObject = {}): JsonObject {
  const out: JsonObject = { ...base };
  out.name = v.name.trim();
  put(out, base, 'description', v.description.trim(), v.description.trim() === '');
  const subjects = splitWords(v.subjects);
  put(out, base, 'subjects', subjects, subjects.length === 0);
  out.retention = v.retention;
  out.max_consumers = parseLimit(v.maxConsumers) ?? -1;
  out.max_msgs = parseLimit(v.maxMsgs) ?? -1;
  out.max_bytes = parseBytes(v.maxBytes) ?? -1;
  out.max_age = parseDuration(v.maxAge) ?? 0;
  out.max_msgs_per_subject = parseLimit(v.maxMsgsPerSubject) ?? -1;
  out.max_msg_size = parseBytes(v.maxMsgSize) ?? -1;
  out.discard = v.discard;
  put(out, base, 'discard_new_per_subject', v.discardNewPerSubject, !v.discardNewPerSubject);
  out.storage = v.storage;
  out.num_replicas = Number(v.replicas);
  put(out, base, 'no_ack', v.noAck, !v.noAck);
  out.duplicate_window = parseDuration(v.duplicateWindow) ?? 0;
  put(out, base, 'sealed', v.sealed, !v.sealed);
  put(out, base, 'deny_delete', v.denyDelete, !v.denyDelete);
  put(out, base, 'deny_purge', v.denyPurge, !v.denyPurge);
  put(out, base, 'allow_rollup_hdrs', v.allowRollup, !v.allowRollup);
  put(out, base, 'allow_direct', v.allowDirect, !v.allowDirect);
  put(out, base, 'mirror_direct', v.mirrorDirect, !v.mirrorDirect);
  put(out, base, 'compression', v.compression, v.compression === 'none');
  const firstSeq = Number(v.firstSeq.trim() || 0);
  put(out, base, 'first_seq', firstSeq, firstSeq === 0);
  put(out, base, 'allow_msg_ttl', v.allowMsgTtl, !v.allowMsgTtl);

  const tags = splitWords(v.placementTags);
  const cluster = v.placementCluster.trim();
  if (cluster || tags.length) {
    const { cluster: _c, tags: _t, ...rest } = obj(base.placement) ?? {};
    out.placement = { ...rest, ...(cluster ? { cluster } : {}), ...(tags.length ? { tags } : {}) };
  } else delete out.placement;

  const mirror = v.mirror.trim();
  const baseMirror = obj(base.mirror);
  if (mirror) out.mirror = baseMirror?.name === mirror ? baseMirror : { name: mirror };
  else delete out.mirror;

  const sources = splitWords(v.sources);
  const baseSources = arr(base.sources).map(obj).filter(Boolean) as JsonObject[];
  if (sources.length) out.sources = sources.map((n) => baseSources.find((s) => s.name === n) ?? { name: n });
  else delete out.sources;

  const rpSrc = v.republishSrc.trim();
  const rpDest = v.republishDest.trim();
  if (rpDest) {
    out.republish = {
      src: rpSrc || '>',
      dest: rpDest,
      ...(v.republishHeadersOnly ? { headers_only: true } : {}),
    };
  } else delete out.republish;

  const tSrc = v.transformSrc.trim();
  const tDest = v.transformDest.trim();
  if (tDest) out.subject_transform = { src: tSrc || '>', dest: tDest };
  else delete out.subject_transform;

  const inactive = parseDuration(v.consumerInactiveThreshold) ?? 0;
  const maxAckPending = Number(v.consumerMaxAckPending.trim() || 0);
  put(
    out,
    base,
    'consumer_limits',
    {
      ...(inactive ? { inactive_threshold: inactive } : {}),
      ...(maxAckPending ? { max_ack_pending: maxAckPending } : {}),
    },
    !inactive && !maxAckPending,
  );

  const meta = parseMetadata(v.metadata).value;
  put(out, base, 'metadata', meta, Object.keys(meta).length === 0);
  return out;
}

/** Parses the JSON editor's text; a config must be a JSON object. */
export function parseConfigJson(text: string): { value: JsonObject } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}` };
  }
  const o = obj(parsed);
  return o ? { value: o } : { error: 'The config must be a JSON object.' };
}
