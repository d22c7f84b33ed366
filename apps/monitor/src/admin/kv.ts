import { Kvm, type KvEntry as NatsKvEntry } from '@nats-io/kv';
import type { KvBucketConfig, KvBucketSummary, KvEntry, StreamConfig } from '@tern/contracts';
import { jsApi } from '../nats/api.js';
import { AlreadyExists, BadChange, type Change, NotFoundObject } from './change.js';
import type { JetStreamAdmin } from './jetstream.js';

const NS_PER_MS = 1_000_000;
export const KV_PREFIX = 'KV_';

/** The KV view of a `KV_<bucket>` stream's config. */
export function kvConfigOf(stream: StreamConfig): KvBucketConfig {
  const cfg: KvBucketConfig = {
    bucket: stream.name.slice(KV_PREFIX.length),
    history: Math.max(1, stream.max_msgs_per_subject ?? 1),
    ttl: Math.round((stream.max_age ?? 0) / NS_PER_MS),
    max_bytes: stream.max_bytes ?? -1,
    max_value_size: stream.max_msg_size ?? -1,
    storage: stream.storage ?? 'file',
    replicas: stream.num_replicas ?? 1,
  };
  if (stream.description) cfg.description = stream.description;
  return cfg;
}

/** Applies KV settings to the bucket's stream config (for updates). */
function applyKvConfig(stream: StreamConfig, kv: KvBucketConfig): StreamConfig {
  const next: StreamConfig = { ...stream };
  if (kv.description !== undefined) next.description = kv.description;
  if (kv.history !== undefined) next.max_msgs_per_subject = kv.history;
  if (kv.ttl !== undefined) next.max_age = kv.ttl * NS_PER_MS;
  if (kv.max_bytes !== undefined) next.max_bytes = kv.max_bytes;
  if (kv.max_value_size !== undefined) next.max_msg_size = kv.max_value_size;
  if (kv.replicas !== undefined) next.num_replicas = kv.replicas;
  return next;
}

function toEntry(e: NatsKvEntry): KvEntry {
  const bytes = e.value ?? new Uint8Array();
  let value: string;
  let encoding: 'utf8' | 'base64' = 'utf8';
  try {
    value = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    value = Buffer.from(bytes).toString('base64');
    encoding = 'base64';
  }
  return {
    key: e.key,
    revision: e.revision,
    created: e.created.toISOString(),
    operation: e.operation,
    length: e.length ?? bytes.length,
    encoding,
    value,
  };
}

const bucketId = (bucket: string) => `${bucket}`;

/** KV buckets: reads and planned changes (create, update, delete bucket; put, delete, purge key). */
export class KvAdmin {
  constructor(readonly js: JetStreamAdmin) {}

  async #kvm(targetId: string): Promise<Kvm> {
    return new Kvm(await this.js.nc(targetId));
  }

  async listBuckets(targetId: string): Promise<KvBucketSummary[]> {
    const streams = await this.js.listStreams(targetId);
    return streams
      .filter((s) => s.config.name.startsWith(KV_PREFIX))
      .map((s) => ({
        config: kvConfigOf(s.config),
        values: s.state.messages,
        bytes: s.state.bytes,
        stream: s.config.name,
      }));
  }

  async bucketConfig(targetId: string, bucket: string): Promise<KvBucketConfig | null> {
    const info = await this.js.streamInfo(targetId, `${KV_PREFIX}${bucket}`);
    return info ? kvConfigOf(info.config) : null;
  }

  async #requireBucket(targetId: string, bucket: string): Promise<StreamConfig> {
    const info = await this.js.streamInfo(targetId, `${KV_PREFIX}${bucket}`);
    if (!info) throw new NotFoundObject('KV bucket', bucket);
    return info.config;
  }

  async keys(
    targetId: string,
    bucket: string,
    filter: string | undefined,
    limit: number,
  ): Promise<{ keys: KvEntry[]; truncated: boolean }> {
    await this.#requireBucket(targetId, bucket);
    const kv = await (await this.#kvm(targetId)).open(bucket);
    const names: string[] = [];
    for await (const k of await kv.keys(filter ?? '>')) names.push(k);
    names.sort();
    const out: KvEntry[] = [];
    for (const k of names.slice(0, limit)) {
      const e = await kv.get(k);
      if (e && e.operation === 'PUT') out.push(toEntry(e));
    }
    return { keys: out, truncated: names.length > limit };
  }

  async history(targetId: string, bucket: string, key: string): Promise<KvEntry[]> {
    await this.#requireBucket(targetId, bucket);
    const kv = await (await this.#kvm(targetId)).open(bucket);
    const out: KvEntry[] = [];
    for await (const e of await kv.history({ key })) out.push(toEntry(e));
    return out.sort((a, b) => a.revision - b.revision);
  }

  async #current(targetId: string, bucket: string, key: string): Promise<KvEntry | null> {
    const kv = await (await this.#kvm(targetId)).open(bucket);
    const e = await kv.get(key);
    return e && e.operation === 'PUT' ? toEntry(e) : null;
  }

  // ---------------------------------------------------------------- bucket changes

  async planCreate(targetId: string, bucket: string, config: KvBucketConfig): Promise<Change> {
    if (config.bucket !== bucket)
      throw new BadChange(`config.bucket "${config.bucket}" must equal "${bucket}"`);
    if (await this.bucketConfig(targetId, bucket)) throw new AlreadyExists('KV bucket', bucket);
    return {
      action: 'kv.create',
      objectType: 'kv',
      objectId: bucketId(bucket),
      targetId,
      before: null,
      after: config,
      destructive: false,
      warnings: [],
      run: async () => {
        await (await this.#kvm(targetId)).create(bucket, {
          ...(config.description !== undefined ? { description: config.description } : {}),
          ...(config.history !== undefined ? { history: config.history } : {}),
          ...(config.ttl !== undefined ? { ttl: config.ttl } : {}),
          ...(config.max_bytes !== undefined ? { max_bytes: config.max_bytes } : {}),
          ...(config.max_value_size !== undefined ? { maxValueSize: config.max_value_size } : {}),
          ...(config.storage !== undefined ? { storage: config.storage as never } : {}),
          ...(config.replicas !== undefined ? { replicas: config.replicas } : {}),
        });
        return this.bucketConfig(targetId, bucket);
      },
      done: () => {},
    };
  }

  async planUpdate(
    targetId: string,
    bucket: string,
    config: KvBucketConfig,
    mode: 'merge' | 'replace' = 'merge',
  ): Promise<Change> {
    if (config.bucket !== bucket)
      throw new BadChange(`config.bucket "${config.bucket}" must equal "${bucket}"`);
    const stream = await this.#requireBucket(targetId, bucket);
    const before = kvConfigOf(stream);
    const proposed = mode === 'merge' ? { ...before, ...config } : config;
    const warnings =
      proposed.storage !== before.storage ? ["The server does not let you change a bucket's storage."] : [];
    return {
      action: 'kv.update',
      objectType: 'kv',
      objectId: bucketId(bucket),
      targetId,
      before,
      after: proposed,
      destructive: false,
      warnings,
      run: async () => {
        const res = await jsApi<{ config: StreamConfig }>(
          await this.js.nc(targetId),
          `STREAM.UPDATE.${stream.name}`,
          applyKvConfig({ ...stream, storage: proposed.storage ?? stream.storage }, proposed),
        );
        return kvConfigOf(res.config);
      },
    };
  }

  async planDelete(targetId: string, bucket: string): Promise<Change> {
    const stream = await this.#requireBucket(targetId, bucket);
    return {
      action: 'kv.delete',
      objectType: 'kv',
      objectId: bucketId(bucket),
      targetId,
      before: kvConfigOf(stream),
      after: null,
      destructive: true,
      warnings: ['Every key and its history is deleted; a rollback re-creates the bucket empty.'],
      run: async () => {
        await jsApi(await this.js.nc(targetId), `STREAM.DELETE.${stream.name}`);
        return null;
      },
      done: () => this.js.known.set(targetId, 'stream', stream.name, null),
    };
  }

  // ---------------------------------------------------------------- key changes

  async planPut(
    targetId: string,
    bucket: string,
    key: string,
    value: string,
    encoding: 'utf8' | 'base64',
  ): Promise<Change> {
    await this.#requireBucket(targetId, bucket);
    const current = await this.#current(targetId, bucket, key);
    const bytes = encoding === 'base64' ? Buffer.from(value, 'base64') : Buffer.from(value, 'utf8');
    return {
      action: 'kv.put',
      objectType: 'kv-key',
      objectId: `${bucket}/${key}`,
      targetId,
      before: current
        ? { value: current.value, encoding: current.encoding, revision: current.revision }
        : null,
      after: { value, encoding },
      destructive: false,
      warnings: [],
      confirmText: key,
      run: async () => {
        const kv = await (await this.#kvm(targetId)).open(bucket);
        const revision = await kv.put(key, new Uint8Array(bytes));
        return { value, encoding, revision };
      },
    };
  }

  async planDeleteKey(targetId: string, bucket: string, key: string, purge: boolean): Promise<Change> {
    await this.#requireBucket(targetId, bucket);
    const current = await this.#current(targetId, bucket, key);
    if (!current && !purge) throw new NotFoundObject('Key', `${bucket}/${key}`);
    return {
      action: purge ? 'kv.purge' : 'kv.delete-key',
      objectType: 'kv-key',
      objectId: `${bucket}/${key}`,
      targetId,
      before: current
        ? { value: current.value, encoding: current.encoding, revision: current.revision }
        : null,
      after: null,
      destructive: true,
      confirmText: key,
      warnings: purge
        ? ["Purging removes the key's whole history; only the latest value can be restored by a rollback."]
        : ['The key is marked deleted; its history is kept.'],
      run: async () => {
        const kv = await (await this.#kvm(targetId)).open(bucket);
        if (purge) await kv.purge(key);
        else await kv.delete(key);
        return null;
      },
    };
  }
}
