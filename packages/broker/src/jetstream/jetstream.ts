import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../store/file-store.js';
import { MemoryStore } from '../store/memory-store.js';
import type { StreamStore } from '../store/types.js';
import { API_SUBJECTS, handleApi } from './api.js';
import type { JsBus, JsClientInfo } from './bus.js';
import { Consumer } from './consumer.js';
import { Stream, type StreamHost, storeLimits } from './stream.js';
import { type StreamConfig, streamConfigJson } from './stream-config.js';
import { goJson, nowNs, randomName, rfc3339, utf8 } from './util.js';

/** One account's JetStream limits; -1 means unlimited (nats-server's JetStreamAccountLimits). */
export interface JsAccountLimits {
  maxMemory: number;
  maxStore: number;
  maxStreams: number;
  maxConsumers: number;
  maxAckPending: number;
  memoryMaxStreamBytes: number;
  storeMaxStreamBytes: number;
  maxBytesRequired: boolean;
}

const UNLIMITED: JsAccountLimits = {
  maxMemory: -1,
  maxStore: -1,
  maxStreams: -1,
  maxConsumers: -1,
  maxAckPending: -1,
  memoryMaxStreamBytes: -1,
  storeMaxStreamBytes: -1,
  maxBytesRequired: false,
};

/** Options for `createJetStream`. */
export interface JetStreamOptions {
  /** The global account's bus (and every account's, unless `busFor` is given). */
  bus: JsBus;
  /** The bus of an account's subject space. */
  busFor?: (account: string) => JsBus;
  /**
   * Accounts with JetStream and their limits (default: `$G`, unlimited). Accounts not listed get
   * "jetstream not enabled for account" on `notEnabledBus`, as nats-server answers them.
   */
  accounts?: Map<string, JsAccountLimits>;
  /** Accounts whose `$JS.API.>` answers that JetStream is not enabled for them. */
  disabledAccounts?: string[];
  /** Root of file storage; nats-server's default is `<tmp>/nats/jetstream`. */
  storeDir?: string;
  /** Bytes; defaults as nats-server: 75% of RAM and 1 TiB. */
  maxMemory?: number;
  maxStore?: number;
  serverName: string;
  serverId: string;
  /** nats-server version Tern advertises; selects version-specific behaviour. */
  version?: string;
  /** fsync policy for file streams (documented in the broker README). */
  fsync?: 'always' | 'interval' | 'never';
  /**
   * Write each tick's appends at once, just before the broker's per-tick flush, and queue their PubAcks
   * only after that write succeeded (default true; false: one write per message).
   */
  batchWrites?: boolean;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** One account's JetStream state. */
export class JsAccount {
  readonly streams = new Map<string, Stream>();
  apiTotal = 0;
  apiErrors = 0;
  constructor(readonly name: string) {}
}

/** The JetStream subsystem: API, streams, consumers, persistence and statistics. */
export class JetStream implements StreamHost {
  readonly bus: JsBus;
  readonly storeDir: string;
  readonly maxMemory: number;
  readonly maxStore: number;
  readonly serverName: string;
  readonly serverId: string;
  readonly version: string;
  readonly accounts = new Map<string, JsAccount>();
  /** Accounts with JetStream enabled and their limits. */
  readonly enabled: Map<string, JsAccountLimits>;
  private readonly disabled: string[];
  private readonly busOf: (account: string) => JsBus;
  private readonly buses = new Map<string, JsBus>();
  apiTotal = 0;
  apiErrors = 0;
  private subs: Array<{ unsubscribe(): void }> = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly logFn: (level: 'info' | 'warn' | 'error', msg: string) => void;
  private readonly fsync: 'always' | 'interval' | 'never';
  readonly deferAcks: boolean;
  private started = false;

  constructor(o: JetStreamOptions) {
    this.bus = o.bus;
    this.busOf = o.busFor ?? (() => o.bus);
    this.enabled = o.accounts ?? new Map([['$G', UNLIMITED]]);
    this.disabled = o.disabledAccounts ?? [];
    this.storeDir = o.storeDir || join(tmpdir(), 'nats', 'jetstream');
    this.maxMemory = o.maxMemory && o.maxMemory > 0 ? o.maxMemory : Math.floor(totalmem() * 0.75);
    this.maxStore = o.maxStore && o.maxStore > 0 ? o.maxStore : 1024 * 1024 * 1024 * 1024;
    this.serverName = o.serverName;
    this.serverId = o.serverId;
    this.version = o.version ?? '2.9.10';
    this.fsync = o.fsync ?? 'interval';
    this.deferAcks = o.batchWrites ?? true;
    this.logFn = o.log ?? (() => {});
  }

  log(level: 'info' | 'warn' | 'error', msg: string): void {
    this.logFn(level, msg);
  }

  /** The message bus of `account`'s subject space. */
  busFor(account: string): JsBus {
    if (account === '$G') return this.bus;
    let b = this.buses.get(account);
    if (!b) {
      b = this.busOf(account);
      this.buses.set(account, b);
    }
    return b;
  }

  /** An account's JetStream limits (unlimited for an account not configured). */
  limitsOf(account: string): JsAccountLimits {
    return this.enabled.get(account) ?? UNLIMITED;
  }

  account(name: string): JsAccount {
    let a = this.accounts.get(name);
    if (!a) {
      a = new JsAccount(name);
      this.accounts.set(name, a);
    }
    return a;
  }

  /** Recovers persisted streams and subscribes to the API. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    mkdirSync(this.storeDir, { recursive: true });
    await this.recover();
    // With accounts configured, every JetStream account is listed (in /jsz) even before its first stream.
    if (this.enabled.size > 1 || !this.enabled.has('$G'))
      for (const a of this.enabled.keys()) this.account(a);
    for (const account of [...this.enabled.keys(), ...this.disabled]) this.subscribeApi(account);
  }

  /**
   * An account was loaded or its limits changed (operator mode): `limits` null means no JetStream.
   * A newly enabled account recovers its streams from the store dir.
   */
  syncAccount(account: string, limits: JsAccountLimits | null): void {
    if (!this.started) return;
    const wasEnabled = this.enabled.has(account);
    if (limits) this.enabled.set(account, limits);
    else if (!wasEnabled) {
      this.subscribeApi(account);
      return;
    }
    if (limits && !wasEnabled) {
      this.account(account);
      this.enqueue(async () => {
        await this.recoverAccount(account);
        for (const s of this.accounts.get(account)?.streams.values() ?? []) s.syncSources();
      });
    }
    this.subscribeApi(account);
  }

  private readonly apiAccounts = new Set<string>();

  /** `$JS.API.>` in `account`; requests of an account without JetStream get nats-server's error. */
  private subscribeApi(account: string): void {
    if (this.apiAccounts.has(account)) return;
    this.apiAccounts.add(account);
    const bus = this.busFor(account);
    for (const subj of API_SUBJECTS) {
      this.subs.push(
        bus.subscribe(subj, (s, r, _h, d, c) => {
          // Copy: the payload may be a view into a reused socket buffer.
          const data = new Uint8Array(d);
          this.enqueue(() => handleApi(this, s, r, data, c, account));
        }),
      );
    }
  }

  async stop(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    this.apiAccounts.clear();
    await this.queue.catch(() => {});
    for (const a of this.accounts.values()) {
      for (const s of a.streams.values()) {
        await s.stop();
        await s.store.flush().catch(() => {});
        await s.store.close().catch(() => {});
      }
      a.streams.clear();
    }
    this.started = false;
  }

  /** Runs API operations one at a time, in arrival order. */
  private enqueue(fn: () => Promise<void> | void): void {
    this.queue = this.queue
      .then(fn)
      .catch((e) => this.log('error', `jetstream api: ${(e as Error).stack ?? e}`));
  }

  // ---- persistence ----

  streamDir(account: string, name: string): string {
    return join(this.storeDir, encodeURIComponent(account), 'streams', name);
  }

  saveMeta(stream: Stream): void {
    if (stream.config.storage !== 'file') return;
    const dir = this.streamDir(stream.account, stream.name);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, 'meta.json.tmp');
    writeFileSync(tmp, JSON.stringify({ config: stream.config, created: stream.created.toString() }));
    renameSync(tmp, join(dir, 'meta.json'));
  }

  async openStore(account: string, config: StreamConfig): Promise<StreamStore> {
    if (config.storage === 'memory') return new MemoryStore(storeLimits(config));
    const dir = join(this.streamDir(account, config.name), 'msgs');
    mkdirSync(dir, { recursive: true });
    return FileStore.open(dir, storeLimits(config), {
      fsync: this.fsync,
      batchWrites: this.deferAcks,
      onWarning: (m) => this.log('warn', `stream ${config.name}: ${m}`),
    });
  }

  private async recover(): Promise<void> {
    for (const account of this.enabled.keys()) await this.recoverAccount(account);
    for (const a of this.accounts.values()) for (const s of a.streams.values()) s.syncSources();
  }

  /** Opens the streams and consumers an account left in the store dir. */
  private async recoverAccount(account: string): Promise<void> {
    const streamsDir = join(this.storeDir, encodeURIComponent(account), 'streams');
    if (!existsSync(streamsDir)) return;
    for (const name of readdirSync(streamsDir)) {
      const metaFile = join(streamsDir, name, 'meta.json');
      if (!existsSync(metaFile) || this.findStream(account, name)) continue;
      try {
        const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
          config: StreamConfig;
          created: string;
        };
        const store = await this.openStore(account, meta.config);
        const stream = new Stream(this, account, meta.config, BigInt(meta.created), store);
        this.account(account).streams.set(stream.name, stream);
        for (const [cname, raw] of store.loadConsumerStates()) {
          if (cname.startsWith('$src.')) continue;
          try {
            const { config, created } = Consumer.decodeConfig(raw);
            const c = new Consumer(stream, cname, config, created, this.consumerHooks(account), raw);
            stream.consumers.set(cname, c);
          } catch (e) {
            this.log('warn', `stream ${name}: consumer ${cname} not recovered: ${(e as Error).message}`);
          }
        }
        stream.start();
        for (const c of stream.consumers.values()) c.start();
        this.log(
          'info',
          `recovered stream ${account}/${name} (${store.state().messages} msgs, ${stream.consumers.size} consumers)`,
        );
      } catch (e) {
        this.log('error', `stream ${account}/${name} not recovered: ${(e as Error).message}`);
      }
    }
  }

  async removeStreamFiles(account: string, name: string): Promise<void> {
    rmSync(this.streamDir(account, name), { recursive: true, force: true });
  }

  consumerHooks(account: string) {
    return {
      inactive: (c: Consumer) => {
        this.enqueue(() => {
          this.deleteConsumer(account, c.stream, c.name);
        });
      },
    };
  }

  deleteConsumer(account: string, stream: Stream, name: string): boolean {
    const c = stream.consumers.get(name);
    if (!c) return false;
    c.stop(true);
    stream.consumers.delete(name);
    try {
      stream.store.removeConsumerState(name);
    } catch {
      // already gone
    }
    this.advisory(
      `$JS.EVENT.ADVISORY.CONSUMER.DELETED.${stream.name}.${name}`,
      {
        type: 'io.nats.jetstream.advisory.v1.consumer_action',
        id: randomName(22),
        timestamp: rfc3339(nowNs()),
        stream: stream.name,
        consumer: name,
        action: 'delete',
      },
      account,
    );
    // Interest retention: messages only this consumer held may go now.
    if (stream.config.retention !== 'limits') {
      const st = stream.store.state();
      for (let s = st.firstSeq; s <= st.lastSeq && s > 0; s++) stream.checkInterest(s);
    }
    return true;
  }

  stored(stream: Stream): void {
    const acc = this.accounts.get(stream.account);
    if (!acc) return;
    for (const s of acc.streams.values()) {
      if (s === stream) continue;
      if (s.config.mirror?.name === stream.name || s.config.sources?.some((x) => x.name === stream.name)) {
        queueMicrotask(() => s.syncSources());
      }
    }
  }

  private usageAt = 0;
  private usageMem = 0;
  private usageFile = 0;

  accountHasRoom(storage: 'file' | 'memory', stored: number, account: string): boolean {
    const lim = this.limitsOf(account);
    const accLimit = storage === 'memory' ? lim.maxMemory : lim.maxStore;
    if (accLimit < 0) return true;
    // nats-server (jsAccount.wouldExceedLimits): the account's usage plus the stored record size.
    let used = stored;
    for (const s of this.accounts.get(account)?.streams.values() ?? []) {
      if (s.config.storage === storage) used += s.store.state().bytes;
    }
    return used <= accLimit;
  }

  hasRoom(storage: 'file' | 'memory', bytes: number): boolean {
    // Summing every stream per publish would be O(streams); a 50 ms old total is close enough.
    const now = Date.now();
    if (now - this.usageAt > 50) {
      const u = this.usage();
      this.usageMem = u.memory;
      this.usageFile = u.storage;
      this.usageAt = now;
    }
    if (storage === 'memory') {
      this.usageMem += bytes;
      return this.usageMem <= this.maxMemory;
    }
    this.usageFile += bytes;
    return this.usageFile <= this.maxStore;
  }

  findStream(account: string, name: string): Stream | undefined {
    return this.accounts.get(account)?.streams.get(name);
  }

  // ---- advisories ----

  advisory(subject: string, body: Record<string, unknown>, account = '$G'): void {
    const bus = this.busFor(account);
    if (!bus.hasInterest(subject)) return;
    bus.publish(subject, undefined, undefined, utf8(goJson(body)));
  }

  apiAudit(
    subject: string,
    request: Uint8Array,
    response: string,
    client: JsClientInfo | undefined,
    account = '$G',
  ): void {
    const adv = '$JS.EVENT.ADVISORY.API';
    if (!this.busFor(account).hasInterest(adv)) return;
    const ci: Record<string, unknown> = {};
    if (client) {
      if (client.host) ci.host = client.host;
      if (client.cid !== undefined) ci.id = client.cid;
      ci.acc = client.account;
      if (client.user) ci.user = client.user;
      if (client.name) ci.name = client.name;
      if (client.lang) ci.lang = client.lang;
      if (client.version) ci.ver = client.version;
      ci.server = this.serverName;
    }
    this.advisory(
      adv,
      {
        type: 'io.nats.jetstream.advisory.v1.api_audit',
        id: randomName(22),
        timestamp: rfc3339(nowNs()),
        server: this.serverName,
        client: ci,
        subject,
        request: new TextDecoder().decode(request),
        response,
      },
      account,
    );
  }

  // ---- statistics for /jsz and /varz ----

  usage(): {
    memory: number;
    storage: number;
    streams: number;
    consumers: number;
    messages: number;
    bytes: number;
  } {
    let memory = 0;
    let storage = 0;
    let streams = 0;
    let consumers = 0;
    let messages = 0;
    let bytes = 0;
    for (const a of this.accounts.values()) {
      for (const s of a.streams.values()) {
        const st = s.store.state();
        if (s.config.storage === 'memory') memory += st.bytes;
        else storage += st.bytes;
        streams++;
        consumers += s.consumers.size;
        messages += st.messages;
        bytes += st.bytes;
      }
    }
    return { memory, storage, streams, consumers, messages, bytes };
  }

  /** `jetstream` object of /varz. */
  varz(): Record<string, unknown> {
    const u = this.usage();
    return {
      config: { max_memory: this.maxMemory, max_storage: this.maxStore, store_dir: this.storeDir },
      stats: {
        memory: u.memory,
        storage: u.storage,
        reserved_memory: 0,
        reserved_storage: 0,
        accounts: this.accounts.size || 1,
        ha_assets: 0,
        api: { total: this.apiTotal, errors: this.apiErrors },
      },
    };
  }

  /** Body of /jsz (monitor.go JSInfo); options as the query string gives them. */
  jsz(
    opts: { accounts?: boolean; streams?: boolean; consumers?: boolean; config?: boolean; acc?: string } = {},
  ): Record<string, unknown> {
    const u = this.usage();
    const o: Record<string, unknown> = {
      server_id: this.serverId,
      now: new Date().toISOString(),
      config: { max_memory: this.maxMemory, max_storage: this.maxStore, store_dir: this.storeDir },
      memory: u.memory,
      storage: u.storage,
      reserved_memory: 0,
      reserved_storage: 0,
      accounts: this.accounts.size || 1,
      ha_assets: 0,
      api: { total: this.apiTotal, errors: this.apiErrors },
      streams: u.streams,
      consumers: u.consumers,
      messages: u.messages,
      bytes: u.bytes,
    };
    const wantAccounts = opts.accounts || opts.streams || opts.consumers || opts.config || !!opts.acc;
    if (wantAccounts) {
      const details: Record<string, unknown>[] = [];
      for (const a of this.accounts.values()) {
        if (opts.acc && a.name !== opts.acc) continue;
        let memory = 0;
        let storage = 0;
        for (const s of a.streams.values()) {
          const b = s.store.state().bytes;
          if (s.config.storage === 'memory') memory += b;
          else storage += b;
        }
        const d: Record<string, unknown> = {
          name: a.name,
          id: a.name,
          memory,
          storage,
          // Go's MaxUint64 ("no reservation"); a double can only approximate it.
          reserved_memory: 2 ** 64,
          reserved_storage: 2 ** 64,
          accounts: 0,
          ha_assets: 0,
          api: { total: a.apiTotal, errors: a.apiErrors },
        };
        if (opts.streams || opts.consumers) {
          d.stream_detail = [...a.streams.values()]
            .sort((x, y) => x.name.localeCompare(y.name))
            .map((s) => {
              const sd: Record<string, unknown> = {
                name: s.name,
                created: rfc3339(s.created),
                cluster: { leader: this.serverName },
              };
              if (opts.config) sd.config = streamConfigJson(s.config);
              sd.state = s.stateJson();
              if (opts.consumers) {
                sd.consumer_detail = [...s.consumers.values()]
                  .sort((x, y) => x.name.localeCompare(y.name))
                  .map((c) => {
                    const ci = c.info();
                    if (!opts.config) delete ci.config;
                    return ci;
                  });
              }
              return sd;
            });
        }
        details.push(d);
      }
      o.account_details = details;
    }
    return o;
  }
}

/** Creates the JetStream subsystem; call `start()` to recover and subscribe. */
export function createJetStream(o: JetStreamOptions): JetStream {
  return new JetStream(o);
}

/** `/jsz` for the monitoring port: nats-server's query options (`accounts`, `streams`, `consumers`, `config`, `acc`). */
export function jszEndpoint(
  js: JetStream | null,
  serverId: string,
  q: URLSearchParams,
): Record<string, unknown> {
  if (!js) {
    return {
      server_id: serverId,
      now: new Date().toISOString(),
      disabled: true,
      config: { max_memory: 0, max_storage: 0 },
      memory: 0,
      storage: 0,
      reserved_memory: 0,
      reserved_storage: 0,
      accounts: 0,
      ha_assets: 0,
      api: { total: 0, errors: 0 },
    };
  }
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  return js.jsz({
    accounts: flag('accounts'),
    streams: flag('streams'),
    consumers: flag('consumers'),
    config: flag('config'),
    acc: q.get('acc') ?? undefined,
  });
}
