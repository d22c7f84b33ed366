// The `$JS.API.>` request handlers (jetstream_api.go). MSG.NEXT and DIRECT.GET are not here: they are
// subscriptions owned by each consumer and stream, so a missing one answers 503 no responders.
import { isValidSubject } from '../router/subject.js';
import type { JsClientInfo } from './bus.js';
import { Consumer } from './consumer.js';
import {
  type ConsumerConfig,
  checkConsumerUpdate,
  consumerFilters,
  finishConsumerConfig,
  parseConsumerConfig,
} from './consumer-config.js';
import { ApiError, Errors } from './errors.js';
import type { JetStream, JsAccountLimits } from './jetstream.js';
import { Stream } from './stream.js';
import {
  checkStreamUpdate,
  Fields,
  normalizeStreamConfig,
  parseBody,
  type StreamConfig,
  streamConfigJson,
  subjectsOverlap,
} from './stream-config.js';
import { goJson, nowNs, randomName, rfc3339, subjectsCollide, utf8 } from './util.js';

/** The API subjects served by the shared handler. */
export const API_SUBJECTS = [
  '$JS.API.INFO',
  '$JS.API.STREAM.>',
  '$JS.API.CONSUMER.CREATE.>',
  '$JS.API.CONSUMER.DURABLE.CREATE.>',
  '$JS.API.CONSUMER.INFO.>',
  '$JS.API.CONSUMER.DELETE.>',
  '$JS.API.CONSUMER.NAMES.>',
  '$JS.API.CONSUMER.LIST.>',
];

const T = (x: string) => `io.nats.jetstream.api.v1.${x}`;
const NAMES_LIMIT = 1024;
const LIST_LIMIT = 256;

type Obj = Record<string, unknown>;

interface Ctx {
  js: JetStream;
  account: string;
  subject: string;
  tokens: string[];
  data: Uint8Array;
}

/** Fields that follow `error` on a failed response of some types (Go's embedded structs). */
const ERROR_TAILS: Record<string, Obj> = {
  stream_info_response: { total: 0, offset: 0, limit: 0 },
  consumer_names_response: { total: 0, offset: 0, limit: 0, consumers: [] },
  stream_names_response: { total: 0, offset: 0, limit: 0, streams: [] },
  stream_purge_response: { purged: 0 },
};

/** Dispatches one API request and replies. */
export async function handleApi(
  js: JetStream,
  subject: string,
  reply: string | undefined,
  data: Uint8Array,
  client: JsClientInfo | undefined,
  account = client?.account ?? '$G',
): Promise<void> {
  const tokens = subject.split('.');
  const ctx: Ctx = { js, account, subject, tokens, data };
  const route = routeOf(tokens);
  if (!route) return; // nats-server ignores unknown API subjects
  const [type, fn] = route;
  if (!js.enabled.has(account)) {
    // nats-server answers every API request of an account without JetStream this way (lists as null).
    const tail = Object.fromEntries(
      Object.entries(ERROR_TAILS[type] ?? {}).map(([k, v]) => [k, Array.isArray(v) ? null : v]),
    );
    const body = { type: T(type), error: Errors.notEnabledForAccount().toJSON(), ...tail };
    if (reply) js.busFor(account).publish(reply, undefined, undefined, utf8(goJson(body)));
    return;
  }
  let body: Obj;
  let failed = false;
  try {
    body = { type: T(type), ...(await fn(ctx)) };
  } catch (e) {
    failed = true;
    const err = e instanceof ApiError ? e : Errors.streamCreate(String((e as Error)?.message ?? e));
    if (!(e instanceof ApiError)) js.log('error', `jetstream api ${subject}: ${(e as Error)?.stack ?? e}`);
    body = { type: T(type), error: err.toJSON(), ...(ERROR_TAILS[type] ?? {}) };
  }
  const acc = js.account(account);
  js.apiTotal++;
  acc.apiTotal++;
  if (failed) {
    js.apiErrors++;
    acc.apiErrors++;
  }
  const text = goJson(body);
  if (reply) js.busFor(account).publish(reply, undefined, undefined, utf8(text));
  js.apiAudit(subject, data, text, client, account);
}

type Handler = (c: Ctx) => Promise<Obj> | Obj;

function routeOf(t: string[]): [string, Handler] | undefined {
  // t[0..1] = $JS API
  const n = t.length;
  if (n === 3 && t[2] === 'INFO') return ['account_info_response', accountInfo];
  if (t[2] === 'STREAM') {
    const op = t[3];
    if (op === 'CREATE' && n === 5) return ['stream_create_response', streamCreate];
    if (op === 'UPDATE' && n === 5) return ['stream_update_response', streamUpdate];
    if (op === 'DELETE' && n === 5) return ['stream_delete_response', streamDelete];
    if (op === 'INFO' && n === 5) return ['stream_info_response', streamInfo];
    if (op === 'NAMES' && n === 4) return ['stream_names_response', streamNames];
    if (op === 'LIST' && n === 4) return ['stream_list_response', streamList];
    if (op === 'PURGE' && n === 5) return ['stream_purge_response', streamPurge];
    if (op === 'MSG' && t[4] === 'GET' && n === 6) return ['stream_msg_get_response', msgGet];
    if (op === 'MSG' && t[4] === 'DELETE' && n === 6) return ['stream_msg_delete_response', msgDelete];
    return undefined;
  }
  if (t[2] === 'CONSUMER') {
    const op = t[3];
    if (op === 'CREATE' && n >= 5) return ['consumer_create_response', consumerCreate];
    if (op === 'DURABLE' && t[4] === 'CREATE' && n === 7) return ['consumer_create_response', consumerCreate];
    if (op === 'INFO' && n === 6) return ['consumer_info_response', consumerInfo];
    if (op === 'DELETE' && n === 6) return ['consumer_delete_response', consumerDelete];
    if (op === 'NAMES' && n === 5) return ['consumer_names_response', consumerNames];
    if (op === 'LIST' && n === 5) return ['consumer_list_response', consumerList];
  }
  return undefined;
}

const tok = (c: Ctx, i: number): string => c.tokens[i] ?? '';

function findStream(c: Ctx, name: string): Stream {
  const s = c.js.account(c.account).streams.get(name);
  if (!s) throw Errors.streamNotFound();
  return s;
}

function accountInfo(c: Ctx): Obj {
  let memory = 0;
  let storage = 0;
  let consumers = 0;
  const acc = c.js.account(c.account);
  for (const s of acc.streams.values()) {
    const b = s.store.state().bytes;
    if (s.config.storage === 'memory') memory += b;
    else storage += b;
    consumers += s.consumers.size;
  }
  return {
    memory,
    storage,
    streams: acc.streams.size,
    consumers,
    limits: accountLimitsJson(c.js.limitsOf(c.account)),
    // The counters include this request, as nats-server's do.
    api: { total: acc.apiTotal + 1, errors: acc.apiErrors },
  };
}

// ---- streams ----

function streamConfigFromRequest(c: Ctx): StreamConfig {
  const name = tok(c, 4);
  const raw = parseBody(c.data, false);
  if (raw.name === undefined || raw.name === '') raw.name = name;
  if (raw.name !== name) throw Errors.streamMismatch();
  return normalizeStreamConfig(raw, true);
}

function checkOverlap(c: Ctx, cfg: StreamConfig): void {
  for (const s of c.js.account(c.account).streams.values()) {
    if (s.name === cfg.name) continue;
    if (subjectsOverlap(s.config.subjects ?? [], cfg.subjects ?? [])) throw Errors.streamSubjectOverlap();
  }
}

function checkResources(c: Ctx, cfg: StreamConfig): void {
  const lim = c.js.limitsOf(c.account);
  const mem = cfg.storage === 'memory';
  // nats-server (jsAccount checks before Account.checkLimits), in its order.
  if (lim.maxBytesRequired && cfg.max_bytes <= 0) throw Errors.streamMaxBytesRequired();
  const maxStreamBytes = mem ? lim.memoryMaxStreamBytes : lim.storeMaxStreamBytes;
  if (maxStreamBytes > 0 && cfg.max_bytes > maxStreamBytes) throw Errors.streamMaxStreamBytesExceeded();
  if (cfg.max_consumers > 0 && lim.maxConsumers > 0 && cfg.max_consumers > lim.maxConsumers)
    throw Errors.maximumConsumersLimit();
  // nats-server (jsAccount.checkLimits): the account's limit, then what the server has left.
  const accLimit = mem ? lim.maxMemory : lim.maxStore;
  if (accLimit >= 0) {
    let reserved = 0;
    for (const s of c.js.account(c.account).streams.values()) {
      if (s.name === cfg.name || s.config.storage !== cfg.storage) continue;
      if (s.config.max_bytes > 0) reserved += s.config.max_bytes;
    }
    // An unlimited stream reserves one byte, as in nats-server (checkBytesLimits).
    if (reserved + Math.max(cfg.max_bytes, 1) > accLimit)
      throw mem ? Errors.memoryResourcesExceeded() : Errors.storageResourcesExceeded();
  }
  if (cfg.max_bytes <= 0) return;
  const limit = mem ? c.js.maxMemory : c.js.maxStore;
  if (cfg.max_bytes > limit) throw mem ? Errors.memoryResourcesExceeded() : Errors.storageResourcesExceeded();
}

/** `limits` of an account info response (-1: unlimited). */
function accountLimitsJson(l: JsAccountLimits): Obj {
  return {
    max_memory: l.maxMemory,
    max_storage: l.maxStore,
    max_streams: l.maxStreams,
    max_consumers: l.maxConsumers,
    max_ack_pending: l.maxAckPending,
    memory_max_stream_bytes: l.memoryMaxStreamBytes,
    storage_max_stream_bytes: l.storeMaxStreamBytes,
    max_bytes_required: l.maxBytesRequired,
  };
}

const sameConfig = (a: StreamConfig, b: StreamConfig) =>
  goJson(streamConfigJson(a)) === goJson(streamConfigJson(b));

async function streamCreate(c: Ctx): Promise<Obj> {
  const cfg = streamConfigFromRequest(c);
  const acc = c.js.account(c.account);
  const existing = acc.streams.get(cfg.name);
  if (existing) {
    if (!sameConfig(existing.config, cfg)) throw Errors.streamNameExist();
    return { ...existing.info(), did_create: true };
  }
  const lim = c.js.limitsOf(c.account);
  if (lim.maxStreams > 0 && acc.streams.size >= lim.maxStreams) throw Errors.maximumStreamsLimit();
  checkOverlap(c, cfg);
  checkResources(c, cfg);
  for (const src of [...(cfg.sources ?? []), ...(cfg.mirror ? [cfg.mirror] : [])]) {
    if (!src.name) throw Errors.streamInvalidConfig('sourced stream name is invalid');
  }
  const store = await c.js.openStore(c.account, cfg);
  // Another create may have finished while the store opened.
  if (acc.streams.has(cfg.name)) {
    await store.close();
    throw Errors.streamNameExist();
  }
  const stream = new Stream(c.js, c.account, cfg, nowNs(), store);
  acc.streams.set(cfg.name, stream);
  c.js.saveMeta(stream);
  stream.start();
  streamAdvisory(c, 'CREATED', cfg.name, 'create');
  // Mirror/source status is not part of the create response: they start afterwards.
  const { mirror: _m, sources: _s, ...info } = stream.info();
  return { ...info, did_create: true };
}

function streamAdvisory(c: Ctx, kind: string, name: string, action: string): void {
  c.js.advisory(
    `$JS.EVENT.ADVISORY.STREAM.${kind}.${name}`,
    {
      type: 'io.nats.jetstream.advisory.v1.stream_action',
      id: randomName(22),
      timestamp: rfc3339(nowNs()),
      stream: name,
      action,
    },
    c.account,
  );
}

function streamUpdate(c: Ctx): Obj {
  const raw = parseBody(c.data, false);
  const name = tok(c, 4);
  if (raw.name === undefined || raw.name === '') raw.name = name;
  if (raw.name !== name) throw Errors.streamMismatch();
  const stream = findStream(c, name);
  const cfg = normalizeStreamConfig(raw);
  const bad = checkStreamUpdate(stream.config, cfg);
  if (bad) throw bad;
  checkOverlap(c, cfg);
  checkResources(c, cfg);
  stream.update(cfg);
  c.js.saveMeta(stream);
  streamAdvisory(c, 'UPDATED', name, 'modify');
  return stream.info();
}

async function streamDelete(c: Ctx): Promise<Obj> {
  const name = tok(c, 4);
  const stream = findStream(c, name);
  const acc = c.js.account(c.account);
  for (const cname of [...stream.consumers.keys()]) c.js.deleteConsumer(c.account, stream, cname);
  acc.streams.delete(name);
  await stream.stop();
  await stream.store.destroy().catch(() => {});
  await c.js.removeStreamFiles(c.account, name);
  streamAdvisory(c, 'DELETED', name, 'delete');
  return { success: true };
}

function streamInfo(c: Ctx): Obj {
  const stream = findStream(c, tok(c, 4));
  const f = new Fields(parseBody(c.data, true));
  const subjectsFilter = f.str('subjects_filter');
  const deletedDetails = f.bool('deleted_details');
  const info = stream.info({ subjectsFilter, deletedDetails });
  const state = info.state as Obj;
  let total = 0;
  let limit = 0;
  const offset = f.int('offset');
  if (state.subjects) {
    const entries = Object.entries(state.subjects as Record<string, number>);
    total = entries.length;
    limit = 100_000;
    state.subjects = Object.fromEntries(entries.slice(offset, offset + limit));
  }
  return { total, offset: total ? offset : 0, limit, ...info };
}

function pagedStreams(c: Ctx): { total: number; offset: number; streams: Stream[] } {
  const f = new Fields(parseBody(c.data, true));
  const offset = Math.max(0, f.int('offset'));
  const subject = f.str('subject');
  let list = [...c.js.account(c.account).streams.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (subject) list = list.filter((s) => (s.config.subjects ?? []).some((x) => subjectsCollide(x, subject)));
  return { total: list.length, offset, streams: list };
}

function streamNames(c: Ctx): Obj {
  const p = pagedStreams(c);
  return {
    total: p.total,
    offset: p.offset,
    limit: NAMES_LIMIT,
    streams: p.streams.slice(p.offset, p.offset + NAMES_LIMIT).map((s) => s.name),
  };
}

function streamList(c: Ctx): Obj {
  const p = pagedStreams(c);
  return {
    total: p.total,
    offset: p.offset,
    limit: LIST_LIMIT,
    streams: p.streams.slice(p.offset, p.offset + LIST_LIMIT).map((s) => s.info()),
  };
}

function streamPurge(c: Ctx): Obj {
  const stream = findStream(c, tok(c, 4));
  const f = new Fields(parseBody(c.data, true));
  const filter = f.str('filter');
  const seq = f.int('seq');
  const keep = f.int('keep');
  if (stream.config.sealed) throw Errors.streamSealed();
  if (stream.config.deny_purge) throw Errors.streamPurgeFailed('stream purge not permitted');
  if (seq > 0 && keep > 0) throw Errors.badRequest();
  if (filter !== undefined && filter !== '' && !isValidSubject(filter)) throw Errors.badRequest();
  const purged = stream.store.purge({
    filter: filter || undefined,
    upToSeq: seq > 0 ? seq : undefined,
    keep: keep > 0 ? keep : undefined,
  });
  for (const cons of stream.consumers.values()) cons.onPurged();
  return { success: true, purged };
}

function msgGet(c: Ctx): Obj {
  const stream = findStream(c, tok(c, 5));
  if (c.data.length === 0) throw Errors.badRequest();
  const f = new Fields(parseBody(c.data, false));
  const seq = f.int('seq');
  const lbs = f.str('last_by_subj');
  const nbs = f.str('next_by_subj');
  if ((seq === 0 && !lbs && !nbs) || (lbs && (seq || nbs))) throw Errors.badRequest();
  const m = stream.lookup({ seq, last_by_subj: lbs, next_by_subj: nbs });
  if (!m) throw Errors.noMessageFound();
  const message: Obj = { subject: m.subject, seq: m.seq };
  if (m.headers && m.headers.length > 0) message.hdrs = Buffer.from(m.headers).toString('base64');
  if (m.data.length > 0) message.data = Buffer.from(m.data).toString('base64');
  message.time = rfc3339(m.time);
  return { message };
}

function msgDelete(c: Ctx): Obj {
  const stream = findStream(c, tok(c, 5));
  if (c.data.length === 0) throw Errors.badRequest();
  const f = new Fields(parseBody(c.data, false));
  const seq = f.int('seq');
  const noErase = f.bool('no_erase');
  if (stream.config.sealed) throw Errors.streamSealed();
  if (stream.config.deny_delete) throw Errors.streamMsgDeleteFailed('message delete not permitted');
  const st = stream.store.state();
  if (seq <= 0 || seq > st.lastSeq) throw Errors.streamMsgDeleteFailed('stream store EOF');
  if (!stream.store.remove(seq, !noErase)) throw Errors.sequenceNotFound(seq);
  for (const cons of stream.consumers.values()) cons.onPurged();
  return { success: true };
}

// ---- consumers ----

function consumerCreate(c: Ctx): Obj {
  const t = c.tokens;
  const legacyDurable = t[3] === 'DURABLE';
  const streamName = (legacyDurable ? t[5] : t[4]) ?? '';
  const nameInSubject = legacyDurable ? (t[6] ?? '') : t.length >= 6 ? (t[5] ?? '') : undefined;
  const filterInSubject = !legacyDurable && t.length > 6 ? t.slice(6).join('.') : undefined;
  const raw = parseBody(c.data, false);
  const f = new Fields(raw);
  const reqStream = f.str('stream_name');
  if (reqStream !== undefined && reqStream !== streamName) throw Errors.streamMismatch();
  const cfg = parseConsumerConfig(f.obj('config') ?? {});
  const stream = findStream(c, streamName);

  if (legacyDurable) {
    if (!cfg.durable_name) throw Errors.consumerDurableNameNotSet();
    if (cfg.durable_name !== nameInSubject) throw Errors.consumerDurableNameNotMatchSubject();
  } else if (nameInSubject === undefined) {
    if (cfg.durable_name) throw Errors.consumerEphemeralWithDurableName();
  } else {
    if (cfg.durable_name && cfg.durable_name !== nameInSubject)
      throw Errors.consumerDurableNameNotMatchSubject();
    if (cfg.name && cfg.name !== nameInSubject) throw Errors.consumerCreateDurableAndNameMismatch();
    cfg.name = nameInSubject;
    if (filterInSubject !== undefined) {
      if (cfg.filter_subjects && cfg.filter_subjects.length > 0)
        throw Errors.consumerMultipleFiltersNotAllowed();
      if (cfg.filter_subject && cfg.filter_subject !== filterInSubject)
        throw Errors.consumerCreateFilterSubjectMismatch();
      cfg.filter_subject = filterInSubject;
    }
  }
  if (cfg.durable_name && cfg.name && cfg.durable_name !== cfg.name)
    throw Errors.consumerCreateDurableAndNameMismatch();
  const name = cfg.durable_name ?? cfg.name ?? randomName(8);

  const others = [...stream.consumers.values()].filter((x) => x.name !== name).map((x) => x.config);
  const existing = stream.consumers.get(name);
  const final = finishConsumerConfig(cfg, stream.config, others, c.js.version);
  if (existing) {
    if (sameConsumerConfig(existing.config, final)) return existing.info();
    const bad = checkConsumerUpdate(existing.config, final);
    if (bad) throw bad;
    if (JSON.stringify(consumerFilters(existing.config)) !== JSON.stringify(consumerFilters(final))) {
      throw Errors.consumerCreate('filter subject can not be updated');
    }
    if (!existing.isPull && existing.config.deliver_subject !== final.deliver_subject) {
      // nats-server allows rebinding a push consumer's deliver subject
    }
    existing.updateConfig(final);
    consumerAdvisory(c, stream.name, name, 'modify');
    return existing.info();
  }
  if (stream.config.max_consumers > 0 && stream.consumers.size >= stream.config.max_consumers) {
    throw Errors.maximumConsumersLimit();
  }
  const maxConsumers = c.js.limitsOf(c.account).maxConsumers;
  if (maxConsumers > 0) {
    let n = 0;
    for (const s of c.js.account(c.account).streams.values()) n += s.consumers.size;
    if (n >= maxConsumers) throw Errors.maximumConsumersLimit();
  }
  const cons = new Consumer(stream, name, final, nowNs(), c.js.consumerHooks(c.account));
  stream.consumers.set(name, cons);
  cons.persistNow();
  consumerAdvisory(c, stream.name, name, 'create');
  const info = cons.info();
  cons.start();
  return info;
}

function sameConsumerConfig(a: ConsumerConfig, b: ConsumerConfig): boolean {
  return goJson(a) === goJson(b);
}

function consumerAdvisory(c: Ctx, stream: string, consumer: string, action: string): void {
  const kind = action === 'create' ? 'CREATED' : action === 'delete' ? 'DELETED' : 'UPDATED';
  c.js.advisory(
    `$JS.EVENT.ADVISORY.CONSUMER.${kind}.${stream}.${consumer}`,
    {
      type: 'io.nats.jetstream.advisory.v1.consumer_action',
      id: randomName(22),
      timestamp: rfc3339(nowNs()),
      stream,
      consumer,
      action,
    },
    c.account,
  );
}

function findConsumer(c: Ctx): Consumer {
  const stream = findStream(c, tok(c, 4));
  const cons = stream.consumers.get(tok(c, 5));
  if (!cons) throw Errors.consumerNotFound();
  return cons;
}

function consumerInfo(c: Ctx): Obj {
  return findConsumer(c).info();
}

function consumerDelete(c: Ctx): Obj {
  const cons = findConsumer(c);
  c.js.deleteConsumer(c.account, cons.stream, cons.name);
  return { success: true };
}

function pagedConsumers(c: Ctx): { total: number; offset: number; list: Consumer[] } {
  const stream = findStream(c, tok(c, 4));
  const f = new Fields(parseBody(c.data, true));
  const offset = Math.max(0, f.int('offset'));
  const list = [...stream.consumers.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return { total: list.length, offset, list };
}

function consumerNames(c: Ctx): Obj {
  const p = pagedConsumers(c);
  return {
    total: p.total,
    offset: p.offset,
    limit: NAMES_LIMIT,
    consumers: p.list.slice(p.offset, p.offset + NAMES_LIMIT).map((x) => x.name),
  };
}

function consumerList(c: Ctx): Obj {
  const p = pagedConsumers(c);
  return {
    total: p.total,
    offset: p.offset,
    limit: LIST_LIMIT,
    consumers: p.list.slice(p.offset, p.offset + LIST_LIMIT).map((x) => x.info()),
  };
}
