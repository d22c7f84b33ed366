import type { NatsConnection } from '@nats-io/transport-node';
import type {
  ConsumerConfig,
  ConsumerDetail,
  JetStreamCapabilities,
  StreamConfig,
  StreamDetail,
  StreamPurgeRequest,
} from '@tern/contracts';
import { jsApi } from '../nats/api.js';
import { NatsApiError } from '../nats/errors.js';
import type { NatsPool } from '../nats/pool.js';
import type { KnownConfigs, Snapshot } from './cache.js';
import { AlreadyExists, BadChange, type Change, NotFoundObject, UnsupportedByServer } from './change.js';

interface RawStreamInfo {
  config: StreamConfig;
  state: StreamDetail['state'];
  created: string;
}
interface RawConsumerInfo {
  stream_name: string;
  name: string;
  config: ConsumerConfig;
  created: string;
  delivered: ConsumerDetail['delivered'];
  ack_floor: ConsumerDetail['ackFloor'];
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  paused?: boolean;
}

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

// Fields the server refuses to change on update (nats-server stream.go / consumer.go checks).
const STREAM_FIXED = ['name', 'storage', 'retention', 'mirror', 'max_consumers'] as const;
const CONSUMER_FIXED = [
  'durable_name',
  'name',
  'deliver_policy',
  'opt_start_seq',
  'opt_start_time',
  'ack_policy',
  'replay_policy',
  'mem_storage',
  'flow_control',
  'idle_heartbeat',
] as const;

/** Parses `x.y.z` and compares with a minimum. */
export function versionAtLeast(version: string, min: [number, number, number]): boolean {
  const parts = version.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < 3; i++) {
    const a = parts[i] ?? 0;
    const b = min[i] ?? 0;
    if (Number.isNaN(a)) return false;
    if (a !== b) return a > b;
  }
  return true;
}

/** Reads and plans changes to streams and consumers of a target, over the official client. */
export class JetStreamAdmin {
  constructor(
    readonly pool: NatsPool,
    readonly known: KnownConfigs,
  ) {}

  nc(targetId: string): Promise<NatsConnection> {
    return this.pool.get(targetId);
  }

  async capabilities(targetId: string): Promise<JetStreamCapabilities> {
    const nc = await this.nc(targetId);
    const info = nc.info;
    const version = info?.version ?? '0.0.0';
    let jetstream = info?.jetstream === true;
    try {
      await jsApi(nc, 'INFO');
      jetstream = true;
    } catch {
      jetstream = false;
    }
    const raw = info as unknown as Record<string, unknown> | undefined;
    return {
      serverVersion: version,
      // Tern's broker reports the Node.js runtime where nats-server reports its Go version.
      tern: /^node/i.test(String(raw?.go ?? '')),
      jetstream,
      consumerPause: versionAtLeast(version, [2, 11, 0]),
      v210: versionAtLeast(version, [2, 10, 0]),
    };
  }

  // ---------------------------------------------------------------- reads

  async streamInfo(targetId: string, name: string): Promise<RawStreamInfo | null> {
    try {
      const info = await jsApi<RawStreamInfo>(await this.nc(targetId), `STREAM.INFO.${name}`);
      this.known.set(targetId, 'stream', name, info.config);
      return info;
    } catch (err) {
      if (err instanceof NatsApiError && err.details.errCode === STREAM_NOT_FOUND) return null;
      throw err;
    }
  }

  async listStreams(targetId: string): Promise<StreamDetail[]> {
    const out: StreamDetail[] = [];
    for (const s of await this.#streamInfos(targetId)) {
      this.known.set(targetId, 'stream', s.config.name, s.config);
      out.push({ config: s.config, state: s.state, created: s.created });
    }
    return out.sort((a, b) => a.config.name.localeCompare(b.config.name));
  }

  async #streamInfos(targetId: string): Promise<RawStreamInfo[]> {
    const nc = await this.nc(targetId);
    const out: RawStreamInfo[] = [];
    for (let offset = 0; ; ) {
      const page = await jsApi<{ streams: RawStreamInfo[] | null; total: number; limit: number }>(
        nc,
        'STREAM.LIST',
        { offset },
      );
      const streams = page.streams ?? [];
      out.push(...streams);
      offset += streams.length;
      if (streams.length === 0 || offset >= page.total) break;
    }
    return out;
  }

  async consumerInfo(targetId: string, stream: string, name: string): Promise<RawConsumerInfo | null> {
    try {
      const info = await jsApi<RawConsumerInfo>(await this.nc(targetId), `CONSUMER.INFO.${stream}.${name}`);
      this.known.set(targetId, 'consumer', `${stream}/${name}`, info.config);
      return info;
    } catch (err) {
      if (
        err instanceof NatsApiError &&
        (err.details.errCode === CONSUMER_NOT_FOUND || err.details.errCode === STREAM_NOT_FOUND)
      )
        return null;
      throw err;
    }
  }

  async listConsumers(targetId: string, stream: string): Promise<ConsumerDetail[]> {
    const out: ConsumerDetail[] = [];
    for (const c of await this.#consumerInfos(targetId, stream)) {
      this.known.set(targetId, 'consumer', `${stream}/${c.name}`, c.config);
      out.push(toConsumerDetail(c));
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async #consumerInfos(targetId: string, stream: string): Promise<RawConsumerInfo[]> {
    const nc = await this.nc(targetId);
    const out: RawConsumerInfo[] = [];
    for (let offset = 0; ; ) {
      const page = await jsApi<{ consumers: RawConsumerInfo[] | null; total: number }>(
        nc,
        `CONSUMER.LIST.${stream}`,
        { offset },
      );
      const consumers = page.consumers ?? [];
      out.push(...consumers);
      offset += consumers.length;
      if (consumers.length === 0 || offset >= page.total) break;
    }
    return out;
  }

  /**
   * Every stream and durable consumer config of a target (`kind:id` keys), listed without refreshing the
   * cache one entry at a time: `KnownConfigs.replaceAll` stores the whole listing at once.
   */
  async knownSnapshot(targetId: string): Promise<Snapshot> {
    const live: Snapshot = new Map();
    for (const s of await this.#streamInfos(targetId)) {
      live.set(`stream:${s.config.name}`, s.config);
      for (const c of await this.#consumerInfos(targetId, s.config.name)) {
        if (c.config.durable_name) live.set(`consumer:${s.config.name}/${c.name}`, c.config);
      }
    }
    return live;
  }

  async consumerDetail(targetId: string, stream: string, name: string): Promise<ConsumerDetail> {
    const info = await this.consumerInfo(targetId, stream, name);
    if (!info) throw new NotFoundObject('Consumer', `${stream}/${name}`);
    return toConsumerDetail(info);
  }

  async requireStream(targetId: string, name: string): Promise<RawStreamInfo> {
    const info = await this.streamInfo(targetId, name);
    if (!info) throw new NotFoundObject('Stream', name);
    return info;
  }

  // ---------------------------------------------------------------- stream changes

  async planStreamCreate(targetId: string, name: string, config: StreamConfig): Promise<Change> {
    if (config.name !== name) throw new BadChange(`config.name "${config.name}" must equal "${name}"`);
    if (await this.streamInfo(targetId, name)) throw new AlreadyExists('Stream', name);
    // The server refuses to create a sealed stream: create it open, then seal it (rollback of a delete).
    const { sealed, ...open } = config;
    const warnings = sealed ? ['The stream is created and then sealed.'] : [];
    return this.#streamChange(targetId, 'stream.create', name, null, config, warnings, async (nc) => {
      const res = await jsApi<RawStreamInfo>(nc, `STREAM.CREATE.${name}`, sealed ? open : config);
      if (!sealed) return res.config;
      return (await jsApi<RawStreamInfo>(nc, `STREAM.UPDATE.${name}`, { ...res.config, sealed: true }))
        .config;
    });
  }

  /** `mode: 'merge'` keeps current values of omitted fields; `'replace'` sends `config` as is (rollback). */
  async planStreamUpdate(
    targetId: string,
    name: string,
    config: StreamConfig,
    mode: 'merge' | 'replace' = 'merge',
  ): Promise<Change> {
    if (config.name !== name) throw new BadChange(`config.name "${config.name}" must equal "${name}"`);
    const current = (await this.requireStream(targetId, name)).config;
    const proposed = mode === 'merge' ? { ...current, ...config } : config;
    const warnings = fixedChanged(current, proposed, STREAM_FIXED, 'stream');
    if (current.sealed) warnings.push('This stream is sealed: the server refuses every change to it.');
    return this.#streamChange(targetId, 'stream.update', name, current, proposed, warnings, async (nc) => {
      const res = await jsApi<RawStreamInfo>(nc, `STREAM.UPDATE.${name}`, proposed);
      return res.config;
    });
  }

  async planStreamDelete(targetId: string, name: string): Promise<Change> {
    const current = (await this.requireStream(targetId, name)).config;
    const change = this.#streamChange(
      targetId,
      'stream.delete',
      name,
      current,
      null,
      ['Deleting a stream deletes its messages and consumers; a rollback re-creates it empty.'],
      async (nc) => {
        await jsApi(nc, `STREAM.DELETE.${name}`);
        return null;
      },
    );
    change.destructive = true;
    return change;
  }

  async planStreamSeal(targetId: string, name: string): Promise<Change> {
    const current = (await this.requireStream(targetId, name)).config;
    const proposed = { ...current, sealed: true };
    const change = this.#streamChange(
      targetId,
      'stream.seal',
      name,
      current,
      proposed,
      ['Sealing cannot be undone: no message can be added, deleted or purged afterwards.'],
      async (nc) => (await jsApi<RawStreamInfo>(nc, `STREAM.UPDATE.${name}`, proposed)).config,
    );
    change.destructive = true;
    return change;
  }

  async planStreamPurge(targetId: string, name: string, req: StreamPurgeRequest): Promise<Change> {
    if (req.keep !== undefined && req.seq !== undefined) {
      throw new BadChange('Give either keep or seq, not both');
    }
    const info = await this.requireStream(targetId, name);
    const body: Record<string, unknown> = {};
    if (req.filter !== undefined) body.filter = req.filter;
    if (req.keep !== undefined) body.keep = req.keep;
    if (req.seq !== undefined) body.seq = req.seq;
    const before = summary(info.state);
    const warnings = [
      req.filter || req.keep !== undefined || req.seq !== undefined
        ? 'Purged messages cannot be restored.'
        : `All ${info.state.messages} messages will be removed; they cannot be restored.`,
    ];
    return {
      action: 'stream.purge',
      objectType: 'stream',
      objectId: name,
      targetId,
      before,
      after: { purge: { all: Object.keys(body).length === 0, ...body } },
      destructive: true,
      warnings,
      run: async () => {
        const nc = await this.nc(targetId);
        const res = await jsApi<{ purged: number }>(nc, `STREAM.PURGE.${name}`, body);
        const now = await jsApi<RawStreamInfo>(nc, `STREAM.INFO.${name}`);
        return {
          purge: { all: Object.keys(body).length === 0, ...body },
          purged: res.purged,
          ...summary(now.state),
        };
      },
    };
  }

  #streamChange(
    targetId: string,
    action: string,
    name: string,
    before: StreamConfig | null,
    after: StreamConfig | null,
    warnings: string[],
    run: (nc: NatsConnection) => Promise<StreamConfig | null>,
  ): Change {
    return {
      action,
      objectType: 'stream',
      objectId: name,
      targetId,
      before,
      after,
      destructive: false,
      warnings,
      run: async () => run(await this.nc(targetId)),
      done: (config) => this.known.set(targetId, 'stream', name, config),
    };
  }

  // ---------------------------------------------------------------- consumer changes

  async planConsumerCreate(
    targetId: string,
    stream: string,
    name: string,
    config: ConsumerConfig,
  ): Promise<Change> {
    const cfg = withConsumerName(config, name);
    await this.requireStream(targetId, stream);
    if (await this.consumerInfo(targetId, stream, name))
      throw new AlreadyExists('Consumer', `${stream}/${name}`);
    const caps = await this.capabilities(targetId);
    const warnings: string[] = [];
    if (cfg.filter_subjects && !caps.v210) {
      warnings.push(`filter_subjects needs nats-server 2.10 or later; this server is ${caps.serverVersion}.`);
    }
    return this.#consumerChange(targetId, 'consumer.create', stream, name, null, cfg, warnings);
  }

  async planConsumerUpdate(
    targetId: string,
    stream: string,
    name: string,
    config: ConsumerConfig,
    mode: 'merge' | 'replace' = 'merge',
  ): Promise<Change> {
    const info = await this.consumerInfo(targetId, stream, name);
    if (!info) throw new NotFoundObject('Consumer', `${stream}/${name}`);
    const proposed = withConsumerName(mode === 'merge' ? { ...info.config, ...config } : config, name);
    const warnings = fixedChanged(info.config, proposed, CONSUMER_FIXED, 'consumer');
    if (Boolean(info.config.deliver_subject) !== Boolean(proposed.deliver_subject)) {
      warnings.push('A consumer cannot change between push and pull; the server will refuse this.');
    }
    return this.#consumerChange(targetId, 'consumer.update', stream, name, info.config, proposed, warnings);
  }

  async planConsumerDelete(targetId: string, stream: string, name: string): Promise<Change> {
    const info = await this.consumerInfo(targetId, stream, name);
    if (!info) throw new NotFoundObject('Consumer', `${stream}/${name}`);
    return {
      action: 'consumer.delete',
      objectType: 'consumer',
      objectId: `${stream}/${name}`,
      targetId,
      before: info.config,
      after: null,
      destructive: true,
      warnings: ['A rollback re-creates the consumer, but its delivery and ack state is lost.'],
      run: async () => {
        await jsApi(await this.nc(targetId), `CONSUMER.DELETE.${stream}.${name}`);
        return null;
      },
      done: () => this.known.set(targetId, 'consumer', `${stream}/${name}`, null),
    };
  }

  async planConsumerPause(
    targetId: string,
    stream: string,
    name: string,
    until: string | null,
  ): Promise<Change> {
    const caps = await this.capabilities(targetId);
    if (!caps.consumerPause) {
      throw new UnsupportedByServer(
        `Pausing consumers needs nats-server 2.11 or later; this server reports version ${caps.serverVersion}`,
      );
    }
    const info = await this.consumerInfo(targetId, stream, name);
    if (!info) throw new NotFoundObject('Consumer', `${stream}/${name}`);
    const before = { paused: info.paused === true, pause_until: info.config.pause_until ?? null };
    return {
      action: until ? 'consumer.pause' : 'consumer.resume',
      objectType: 'consumer',
      objectId: `${stream}/${name}`,
      targetId,
      before,
      after: { paused: until !== null, pause_until: until },
      destructive: false,
      warnings: [],
      run: async () => {
        const res = await jsApi<{ paused: boolean; pause_until?: string }>(
          await this.nc(targetId),
          `CONSUMER.PAUSE.${stream}.${name}`,
          until ? { pause_until: until } : {},
        );
        return { paused: res.paused, pause_until: res.pause_until ?? null };
      },
    };
  }

  #consumerChange(
    targetId: string,
    action: string,
    stream: string,
    name: string,
    before: ConsumerConfig | null,
    after: ConsumerConfig,
    warnings: string[],
  ): Change {
    return {
      action,
      objectType: 'consumer',
      objectId: `${stream}/${name}`,
      targetId,
      before,
      after,
      destructive: false,
      warnings,
      run: async () => {
        const nc = await this.nc(targetId);
        // CONSUMER.CREATE.<stream>.<name> (2.9+) creates or updates; durables use the legacy subject.
        const subject = after.durable_name
          ? `CONSUMER.DURABLE.CREATE.${stream}.${name}`
          : `CONSUMER.CREATE.${stream}.${name}`;
        const res = await jsApi<RawConsumerInfo>(nc, subject, { stream_name: stream, config: after });
        return res.config;
      },
      done: (config) => this.known.set(targetId, 'consumer', `${stream}/${name}`, config),
    };
  }
}

function withConsumerName(config: ConsumerConfig, name: string): ConsumerConfig {
  const given = config.durable_name ?? config.name;
  if (given !== undefined && given !== name) {
    throw new BadChange(`The consumer's durable_name/name "${given}" must equal "${name}"`);
  }
  if (config.durable_name || config.name) return config;
  // A consumer managed here is durable unless it says otherwise.
  return { ...config, durable_name: name };
}

function fixedChanged(
  current: Record<string, unknown>,
  proposed: Record<string, unknown>,
  fields: readonly string[],
  what: string,
): string[] {
  return fields
    .filter((f) => JSON.stringify(current[f] ?? null) !== JSON.stringify(proposed[f] ?? null))
    .map((f) => `The server does not let you change a ${what}'s ${f}; it will refuse this update.`);
}

function summary(state: StreamDetail['state']) {
  return {
    messages: state.messages,
    bytes: state.bytes,
    first_seq: state.first_seq,
    last_seq: state.last_seq,
  };
}

function toConsumerDetail(c: RawConsumerInfo): ConsumerDetail {
  return {
    stream: c.stream_name,
    name: c.name,
    config: c.config,
    created: c.created,
    push: Boolean(c.config.deliver_subject),
    paused: c.paused === true,
    pauseUntil: c.config.pause_until ?? null,
    numPending: c.num_pending ?? 0,
    numAckPending: c.num_ack_pending ?? 0,
    numRedelivered: c.num_redelivered ?? 0,
    numWaiting: c.num_waiting ?? 0,
    delivered: c.delivered ?? { consumer_seq: 0, stream_seq: 0 },
    ackFloor: c.ack_floor ?? { consumer_seq: 0, stream_seq: 0 },
  };
}
