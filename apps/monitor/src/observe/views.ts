// The read models of the observability API, computed on request from the scraper's latest results
// and the series store. Each function answers one route.
import type {
  AccountUsage,
  ClusterLink,
  ClusterMember,
  ClusterTopology,
  ConnectionInfo,
  ConnectionsQuery,
  ConnectionsResponse,
  ConsumerSummary,
  ConsumersQuery,
  HealthProblem,
  OverallHealth,
  OverviewResponse,
  ServerDetail,
  ServerDetailResponse,
  StreamSummary,
  StreamsQuery,
  SubjectNode,
  SubjectsQuery,
  SubjectsResponse,
  TargetOverview,
  Throughput,
} from '@tern/contracts';
import type { ConnInfo } from '../scrape/bodies.js';
import type { EndpointState } from '../scrape/scraper.js';
import { parseTime } from '../series/extract.js';
import { ObservedTargetNotFound } from './errors.js';
import {
  allConsumerSummaries,
  collectJetStream,
  compareNullable,
  rateOf,
  toStreamSummary,
} from './jetstream.js';
import { type Observatory, subscriptionKey } from './observatory.js';

// ---------------------------------------------------------------- health and overview

/** Health of a set of endpoints: all up and healthy `ok`, none up `down`, never scraped `unknown`. */
export function healthOf(states: readonly EndpointState[]): OverallHealth {
  if (!states.length || states.every((s) => s.status === 'unknown')) return 'unknown';
  const up = states.filter((s) => s.status === 'up');
  if (!up.length) return 'down';
  const healthy = up.filter((s) => !s.snapshot?.healthz || s.snapshot.healthz.status === 'ok');
  return healthy.length === states.length ? 'ok' : 'degraded';
}

function problemsOf(obs: Observatory, states: readonly EndpointState[]): HealthProblem[] {
  const out: HealthProblem[] = [];
  for (const s of states) {
    const base = { targetId: s.target.id, targetName: s.target.name, monitorUrl: s.monitorUrl };
    const named = s.varz?.server_name ? { ...base, serverName: s.varz.server_name } : base;
    if (s.status === 'down') {
      out.push({ ...named, kind: 'down', reason: s.error ?? 'not answering' });
      continue;
    }
    if (s.status !== 'up') continue;
    const h = s.snapshot?.healthz;
    if (h && h.status !== 'ok') out.push({ ...named, kind: 'unhealthy', reason: h.error ?? h.status });
    for (const p of s.partialErrors)
      out.push({ ...named, kind: 'partial', reason: `${p.path}: ${p.reason}` });
    const slow = obs.store.rate({
      target: s.target.id,
      kind: 'server',
      id: s.varz!.server_id,
      metric: 'slow_consumers',
    });
    if (typeof slow === 'number' && slow > 0) {
      out.push({
        ...named,
        kind: 'slow-consumers',
        reason: 'clients were cut off as slow consumers since the last scrape',
      });
    }
  }
  return out;
}

function throughputOf(sums: Map<string, number> | undefined): Throughput {
  const r = (m: string) => rateOf(sums?.get(m));
  return {
    inMsgs: r('in_msgs_rate'),
    outMsgs: r('out_msgs_rate'),
    inBytes: r('in_bytes_rate'),
    outBytes: r('out_bytes_rate'),
  };
}

function groupByTarget(states: readonly EndpointState[]): Map<string, EndpointState[]> {
  const m = new Map<string, EndpointState[]>();
  for (const s of states) {
    const list = m.get(s.target.id);
    if (list) list.push(s);
    else m.set(s.target.id, [s]);
  }
  return m;
}

/** `GET /api/overview`. */
export function overview(obs: Observatory): OverviewResponse {
  const states = obs.scraper.states();
  const js = collectJetStream(obs);
  const targets: TargetOverview[] = [];
  const global = new Map<string, number>();
  for (const [targetId, list] of groupByTarget(states)) {
    const sums = obs.targetSums(targetId);
    for (const [k, v] of sums ?? []) global.set(k, (global.get(k) ?? 0) + v);
    const up = obs.upServers(targetId);
    const t: TargetOverview = {
      targetId,
      targetName: list[0]!.target.name,
      embedded: list[0]!.target.embedded,
      health: healthOf(list),
      servers: list.length,
      serversUp: list.filter((s) => s.status === 'up').length,
      connections: sums?.get('connections') ?? 0,
      subscriptions: sums?.get('subscriptions') ?? 0,
      streams: js.streams.filter((s) => s.targetId === targetId).length,
      consumers: js.consumers.filter((c) => c.targetId === targetId).length,
      throughput: throughputOf(sums),
    };
    const cluster = up.map((u) => u.snap.varz.cluster?.name).find((n) => n);
    if (cluster) t.clusterName = cluster;
    targets.push(t);
  }
  const hasAny = global.size > 0;
  const consumers = allConsumerSummaries(obs);
  const upStates = states.filter((s) => s.status === 'up');
  return {
    generatedAt: new Date().toISOString(),
    health: healthOf(states),
    problems: problemsOf(obs, states),
    totals: {
      targets: targets.length,
      servers: states.length,
      serversUp: upStates.length,
      serversDown: states.filter((s) => s.status === 'down').length,
      connections: global.get('connections') ?? 0,
      subscriptions: global.get('subscriptions') ?? 0,
      slowConsumers: upStates.reduce((n, s) => n + (s.varz?.slow_consumers ?? 0), 0),
      accounts: accounts(obs).length,
      streams: js.streams.length,
      consumers: js.consumers.length,
      streamMessages: js.streams.reduce((n, s) => n + (s.body.state?.messages ?? 0), 0),
      streamBytes: js.streams.reduce((n, s) => n + (s.body.state?.bytes ?? 0), 0),
      laggingConsumers: consumers.filter((c) => c.lag.outstanding > 0).length,
    },
    throughput: hasAny ? throughputOf(global) : throughputOf(undefined),
    targets,
  };
}

// ---------------------------------------------------------------- servers and topology

function targetStatesOrThrow(obs: Observatory, targetId: string): EndpointState[] {
  const states = obs.scraper.targetStates(targetId);
  if (!states.length) throw new ObservedTargetNotFound(targetId);
  return states;
}

/** `GET /api/servers/:targetId`. */
export function serverDetail(obs: Observatory, targetId: string): ServerDetailResponse {
  const states = targetStatesOrThrow(obs, targetId);
  return {
    targetId,
    targetName: states[0]!.target.name,
    health: healthOf(states),
    servers: states.map((s) => toServerDetail(obs, s)),
  };
}

function toServerDetail(obs: Observatory, s: EndpointState): ServerDetail {
  const out: ServerDetail = {
    targetId: s.target.id,
    targetName: s.target.name,
    monitorUrl: s.monitorUrl,
    discovered: s.discovered,
    status: s.status,
    partialErrors: s.partialErrors,
    throughput: { inMsgs: null, outMsgs: null, inBytes: null, outBytes: null },
    connectUrls: [],
    routes: [],
  };
  if (s.error !== undefined) out.error = s.error;
  if (s.lastScrape) out.lastScrape = s.lastScrape.toISOString();
  const snap = s.snapshot;
  if (!snap) return out;
  const v = snap.varz;
  const rate = (metric: string) =>
    s.status === 'up'
      ? rateOf(obs.store.rate({ target: s.target.id, kind: 'server', id: v.server_id, metric }))
      : null;
  Object.assign(out, {
    serverId: v.server_id,
    throughput: {
      inMsgs: rate('in_msgs'),
      outMsgs: rate('out_msgs'),
      inBytes: rate('in_bytes'),
      outBytes: rate('out_bytes'),
    },
    connectUrls: v.connect_urls ?? [],
  });
  const opt = {
    serverName: v.server_name,
    version: v.version,
    host: v.host,
    port: v.port,
    clusterName: v.cluster?.name || undefined,
    uptime: v.uptime,
    start: v.start && parseTime(v.start) ? new Date(parseTime(v.start)!).toISOString() : undefined,
    cpu: v.cpu,
    mem: v.mem,
    connections: v.connections,
    totalConnections: v.total_connections,
    subscriptions: v.subscriptions,
    slowConsumers: v.slow_consumers,
    inMsgs: v.in_msgs,
    outMsgs: v.out_msgs,
    inBytes: v.in_bytes,
    outBytes: v.out_bytes,
    healthz: snap.healthz
      ? snap.healthz.status === 'ok'
        ? 'ok'
        : (snap.healthz.error ?? snap.healthz.status)
      : undefined,
  };
  for (const [k, val] of Object.entries(opt))
    if (val !== undefined) (out as Record<string, unknown>)[k] = val;
  const j = snap.jsz;
  if (j) {
    out.jetstream = {
      memory: j.memory ?? 0,
      storage: j.storage ?? 0,
      streams: j.streams ?? 0,
      consumers: j.consumers ?? 0,
      messages: j.messages ?? 0,
      bytes: j.bytes ?? 0,
      apiTotal: j.api?.total ?? 0,
      apiErrors: j.api?.errors ?? 0,
    };
  }
  out.routes = (snap.routez?.routes ?? []).map((r) => {
    const route = {
      rid: r.rid,
      remoteId: r.remote_id,
      ip: r.ip ?? '',
      port: r.port ?? 0,
      inMsgs: r.in_msgs ?? 0,
      outMsgs: r.out_msgs ?? 0,
      inBytes: r.in_bytes ?? 0,
      outBytes: r.out_bytes ?? 0,
      pendingSize: r.pending_size ?? 0,
      subscriptions: r.subscriptions ?? 0,
    };
    return {
      ...route,
      ...(r.remote_name ? { remoteName: r.remote_name } : {}),
      ...(r.did_solicit !== undefined ? { didSolicit: r.did_solicit } : {}),
      ...(r.rtt ? { rtt: r.rtt } : {}),
    };
  });
  return out;
}

/** `GET /api/topology`: one entry per target, its members (scraped or only seen in routes) and routes. */
export function topology(obs: Observatory): ClusterTopology[] {
  const out: ClusterTopology[] = [];
  for (const [targetId, states] of groupByTarget(obs.scraper.states())) {
    const members = new Map<string, ClusterMember>();
    const links: ClusterLink[] = [];
    let name: string | undefined;
    for (const s of states) {
      const v = s.snapshot?.varz;
      const id = v?.server_id ?? `url:${s.monitorUrl}`;
      const m: ClusterMember = {
        serverId: id,
        status: s.status,
        monitorUrl: s.monitorUrl,
        discovered: s.discovered,
        clientUrls: v?.port ? [`nats://${v.host ?? '0.0.0.0'}:${v.port}`] : [],
      };
      if (v?.server_name) m.serverName = v.server_name;
      if (s.error) m.error = s.error;
      if (!members.has(id)) members.set(id, m);
      name ??= v?.cluster?.name || undefined;
      if (s.status !== 'up') continue;
      for (const r of s.snapshot?.routez?.routes ?? []) {
        const link: ClusterLink = {
          from: id,
          to: r.remote_id,
          inMsgs: r.in_msgs ?? 0,
          outMsgs: r.out_msgs ?? 0,
          pendingSize: r.pending_size ?? 0,
        };
        if (r.rtt) link.rtt = r.rtt;
        links.push(link);
      }
    }
    for (const s of states) {
      for (const r of s.status === 'up' ? (s.snapshot?.routez?.routes ?? []) : []) {
        if (members.has(r.remote_id)) continue;
        const m: ClusterMember = {
          serverId: r.remote_id,
          status: 'unmonitored',
          discovered: false,
          clientUrls: [],
        };
        if (r.remote_name) m.serverName = r.remote_name;
        members.set(r.remote_id, m);
      }
    }
    const t: ClusterTopology = {
      targetId,
      targetName: states[0]!.target.name,
      members: [...members.values()],
      links,
    };
    if (name) t.name = name;
    out.push(t);
  }
  return out;
}

// ---------------------------------------------------------------- connections

/** Milliseconds of a Go duration string (`1h2m3.5s`, `250µs`, `1.2ms`); undefined when unparseable. */
export function parseGoDuration(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const unit: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 1e-3,
    µs: 1e-3,
    ns: 1e-6,
  };
  let total = 0;
  let matched = '';
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched += m[0];
  }
  return matched.length === v.length ? total : undefined;
}

const CONN_SORT: Record<string, (c: ConnectionInfo) => number | string | undefined> = {
  cid: (c) => c.cid,
  start: (c) => c.start,
  subs: (c) => c.subscriptions,
  pending: (c) => c.pendingBytes,
  msgs_to: (c) => c.outMsgs,
  msgs_from: (c) => c.inMsgs,
  bytes_to: (c) => c.outBytes,
  bytes_from: (c) => c.inBytes,
  last: (c) => c.lastActivity,
  idle: (c) => parseGoDuration(c.idle),
  uptime: (c) => parseGoDuration(c.uptime),
  rtt: (c) => parseGoDuration(c.rtt),
  name: (c) => c.name?.toLowerCase(),
};

/** `GET /api/connections`: the connections of every server's last /connz, filtered, sorted and paged. */
export function connections(obs: Observatory, q: ConnectionsQuery): ConnectionsResponse {
  const all: ConnectionInfo[] = [];
  const truncated: ConnectionsResponse['truncated'] = [];
  const search = q.search?.toLowerCase();
  for (const up of obs.upServers(q.target)) {
    if (q.server && up.serverId !== q.server) continue;
    const connz = up.snap.connz;
    if (!connz) continue;
    const list = connz.connections ?? [];
    if ((connz.total ?? list.length) > list.length) {
      truncated.push({ serverId: up.serverId, total: connz.total ?? list.length, fetched: list.length });
    }
    for (const c of list) {
      if (q.account && c.account !== q.account) continue;
      if (q.subject && !(c.subscriptions_list ?? []).includes(q.subject)) continue;
      if (
        search &&
        ![c.name, c.ip, c.lang, c.authorized_user, c.account].some((f) => f?.toLowerCase().includes(search))
      ) {
        continue;
      }
      all.push(toConnection(obs, up.state, up.snap.varz.server_name, c));
    }
  }
  const sort = q.sort ?? 'cid';
  const order = q.order ?? (sort === 'cid' || sort === 'start' || sort === 'name' ? 'asc' : 'desc');
  const key = CONN_SORT[sort]!;
  const dir = order === 'asc' ? 1 : -1;
  all.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined || kb === undefined) return compareNullable(ka, kb);
    return dir * compareNullable(ka, kb) || compareNullable(a.serverId, b.serverId) || a.cid - b.cid;
  });
  return {
    total: all.length,
    offset: q.offset,
    limit: q.limit,
    truncated,
    connections: all.slice(q.offset, q.offset + q.limit),
  };
}

function toConnection(
  obs: Observatory,
  state: EndpointState,
  serverName: string | undefined,
  c: ConnInfo,
): ConnectionInfo {
  const [inRate, outRate] = obs.connectionRates(state, c.cid);
  const out: ConnectionInfo = {
    targetId: state.target.id,
    targetName: state.target.name,
    serverId: state.snapshot!.varz.server_id,
    cid: c.cid,
    ip: c.ip ?? '',
    port: c.port ?? 0,
    pendingBytes: c.pending_bytes ?? 0,
    inMsgs: c.in_msgs ?? 0,
    outMsgs: c.out_msgs ?? 0,
    inBytes: c.in_bytes ?? 0,
    outBytes: c.out_bytes ?? 0,
    inMsgsRate: rateOf(inRate),
    outMsgsRate: rateOf(outRate),
    subscriptions: c.subscriptions ?? 0,
    subjects: (c.subscriptions_list ?? []).slice(0, 100),
  };
  const opt: Partial<ConnectionInfo> = {
    serverName,
    kind: c.kind,
    start: isoOf(c.start),
    lastActivity: isoOf(c.last_activity),
    rtt: c.rtt,
    uptime: c.uptime,
    idle: c.idle,
    name: c.name || undefined,
    lang: c.lang || undefined,
    version: c.version || undefined,
    account: c.account || undefined,
    user: c.authorized_user || undefined,
    tlsVersion: c.tls_version || undefined,
  };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

const isoOf = (v: string | undefined) => {
  const ms = parseTime(v);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

// ---------------------------------------------------------------- subjects

interface TreeNode {
  token: string;
  subject: string;
  children: Map<string, TreeNode>;
  subscriptions: number;
  queueGroups: Set<string>;
  streams: SubjectNode['streams'];
  rate: number | null;
}

const newNode = (token: string, subject: string): TreeNode => ({
  token,
  subject,
  children: new Map(),
  subscriptions: 0,
  queueGroups: new Set(),
  streams: [],
  rate: null,
});

/**
 * `GET /api/subjects`: a tree of the subjects clients subscribe to (from /subsz, without the copies
 * routes carry between cluster members) and that streams capture, with delivery rates from the
 * per-subscription message counters where the server reports them.
 */
export function subjects(obs: Observatory, q: SubjectsQuery): SubjectsResponse {
  const root = newNode('', '');
  let truncated = false;
  const insert = (subject: string): TreeNode => {
    let node = root;
    for (const token of subject.split('.')) {
      let child = node.children.get(token);
      if (!child) {
        child = newNode(token, node.subject ? `${node.subject}.${token}` : token);
        node.children.set(token, child);
      }
      node = child;
    }
    return node;
  };
  for (const up of obs.upServers(q.target)) {
    const subsz = up.snap.subsz;
    if (!subsz) continue;
    const list = subsz.subscriptions_list ?? [];
    if ((subsz.total ?? list.length) > list.length) truncated = true;
    const routeCids = new Set((up.snap.routez?.routes ?? []).map((r) => r.rid));
    for (const s of list) {
      if (q.account && s.account !== q.account) continue;
      if (s.cid !== undefined && routeCids.has(s.cid)) continue;
      const node = insert(s.subject);
      node.subscriptions++;
      if (s.qgroup) node.queueGroups.add(s.qgroup);
      const r = obs.subscriptionRate(up.state, subscriptionKey(s));
      if (r !== null) node.rate = (node.rate ?? 0) + r;
    }
  }
  for (const st of collectJetStream(obs, q.target).streams) {
    if (q.account && st.account !== q.account) continue;
    for (const subject of st.body.config?.subjects ?? []) {
      if (typeof subject !== 'string') continue;
      insert(subject).streams.push({ targetId: st.targetId, account: st.account, stream: st.body.name });
    }
  }
  const prefix = q.prefix ? q.prefix.split('.') : [];
  let start: TreeNode | undefined = root;
  for (const token of prefix) start = start?.children.get(token);
  const nodes: SubjectNode[] = [];
  if (!start) return { nodes, truncated };
  const baseDepth = prefix.length;
  const walk = (n: TreeNode, parent: string | null, depth: number): { subs: number; rate: number | null } => {
    let subs = n.subscriptions;
    let rate = n.rate;
    const idx = nodes.length;
    const emit = n !== root && (q.depth === undefined || depth - baseDepth <= q.depth);
    if (emit) {
      nodes.push({
        subject: n.subject,
        token: n.token,
        parent,
        depth,
        children: n.children.size,
        subscriptions: n.subscriptions,
        queueGroups: [...n.queueGroups].sort(),
        streams: n.streams,
        msgsRate: rateOf(n.rate),
        totalSubscriptions: 0,
        totalMsgsRate: null,
      });
    }
    for (const child of [...n.children.values()].sort((a, b) => compareNullable(a.token, b.token))) {
      const t = walk(child, n === root ? null : n.subject, depth + 1);
      subs += t.subs;
      if (t.rate !== null) rate = (rate ?? 0) + t.rate;
    }
    if (emit) {
      nodes[idx]!.totalSubscriptions = subs;
      nodes[idx]!.totalMsgsRate = rateOf(rate);
    }
    return { subs, rate };
  };
  walk(start, start === root ? null : start.subject.split('.').slice(0, -1).join('.') || null, baseDepth);
  return { nodes, truncated };
}

// ---------------------------------------------------------------- accounts

/**
 * `GET /api/accounts`: per target and account, connections and subscriptions summed over servers
 * (/accstatz; from /connz where a server has no /accstatz), traffic rates from the account series,
 * and JetStream usage from /jsz.
 */
export function accounts(obs: Observatory, targetId?: string): AccountUsage[] {
  const byKey = new Map<string, AccountUsage>();
  const get = (tId: string, tName: string, account: string): AccountUsage => {
    const k = `${tId}\u0000${account}`;
    let a = byKey.get(k);
    if (!a) {
      a = {
        targetId: tId,
        targetName: tName,
        account,
        connections: 0,
        leafnodes: 0,
        subscriptions: 0,
        slowConsumers: 0,
        throughput: { inMsgs: null, outMsgs: null, inBytes: null, outBytes: null },
      };
      byKey.set(k, a);
    }
    return a;
  };
  for (const up of obs.upServers(targetId)) {
    const t = up.state.target;
    const stats = up.snap.accstatz?.account_statz;
    if (stats) {
      for (const s of stats) {
        const a = get(t.id, t.name, s.acc);
        a.connections += s.conns ?? 0;
        a.leafnodes += s.leafnodes ?? 0;
        a.subscriptions += s.num_subscriptions ?? 0;
        a.slowConsumers += s.slow_consumers ?? 0;
      }
    } else {
      for (const c of up.snap.connz?.connections ?? []) {
        const a = get(t.id, t.name, c.account || '$G');
        a.connections++;
        a.subscriptions += c.subscriptions ?? 0;
      }
    }
    for (const acc of up.snap.jsz?.account_details ?? []) {
      const a = get(t.id, t.name, acc.name);
      a.jetstream = { memory: acc.memory ?? 0, storage: acc.storage ?? 0, streams: 0, consumers: 0 };
    }
  }
  const js = collectJetStream(obs, targetId);
  for (const s of js.streams) {
    const a = byKey.get(`${s.targetId}\u0000${s.account}`);
    if (a?.jetstream) a.jetstream.streams++;
  }
  for (const c of js.consumers) {
    const a = byKey.get(`${c.targetId}\u0000${c.account}`);
    if (a?.jetstream) a.jetstream.consumers++;
  }
  for (const a of byKey.values()) {
    const r = (metric: string) =>
      rateOf(obs.store.rate({ target: a.targetId, kind: 'account', id: a.account, metric }));
    a.throughput = {
      inMsgs: r('in_msgs'),
      outMsgs: r('out_msgs'),
      inBytes: r('in_bytes'),
      outBytes: r('out_bytes'),
    };
  }
  return [...byKey.values()].sort(
    (a, b) => compareNullable(a.targetName, b.targetName) || compareNullable(a.account, b.account),
  );
}

// ---------------------------------------------------------------- streams and consumers

const STREAM_SORT: Record<string, (s: StreamSummary) => number | string | null | undefined> = {
  name: (s) => s.name.toLowerCase(),
  messages: (s) => s.messages,
  bytes: (s) => s.bytes,
  msgs_rate: (s) => s.msgsRate,
  consumers: (s) => s.consumerCount,
  last_ts: (s) => s.lastTs,
};

/** `GET /api/streams`. */
export function streams(obs: Observatory, q: StreamsQuery): { total: number; streams: StreamSummary[] } {
  const search = q.search?.toLowerCase();
  const list = collectJetStream(obs, q.target)
    .streams.filter((s) => !q.account || s.account === q.account)
    .map((s) => toStreamSummary(obs, s))
    .filter(
      (s) =>
        !search ||
        s.name.toLowerCase().includes(search) ||
        s.subjects.some((x) => x.toLowerCase().includes(search)),
    );
  const sort = q.sort ?? 'name';
  const dir = (q.order ?? (sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  const key = STREAM_SORT[sort]!;
  list.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const byKey =
      ka === null || ka === undefined || kb === null || kb === undefined
        ? compareNullable(ka, kb)
        : dir * compareNullable(ka, kb);
    return (
      byKey ||
      compareNullable(a.targetName, b.targetName) ||
      compareNullable(a.account, b.account) ||
      compareNullable(a.name, b.name)
    );
  });
  return { total: list.length, streams: list.slice(q.offset, q.offset + q.limit) };
}

// Outstanding work that is not being consumed at all (no drain estimate) sorts as the worst lag.
const drainKey = (c: ConsumerSummary) =>
  c.lag.outstanding === 0 ? 0 : (c.lag.drainSeconds ?? Number.POSITIVE_INFINITY);

const CONSUMER_SORT: Record<string, (c: ConsumerSummary) => number | string | null> = {
  lag: (c) => c.lag.outstanding,
  drain: drainKey,
  age: (c) => c.lag.oldestUnackedAgeSeconds,
  pending: (c) => c.numPending,
  ack_pending: (c) => c.numAckPending,
  redelivered: (c) => c.numRedelivered,
  name: (c) => c.name.toLowerCase(),
};

/** `GET /api/consumers`: by default the most lagging first (outstanding, then time to drain). */
export function consumers(
  obs: Observatory,
  q: ConsumersQuery,
): { total: number; consumers: ConsumerSummary[] } {
  const search = q.search?.toLowerCase();
  const list = allConsumerSummaries(obs).filter(
    (c) =>
      (!q.target || c.targetId === q.target) &&
      (!q.account || c.account === q.account) &&
      (!q.stream || c.stream === q.stream) &&
      (!search || c.name.toLowerCase().includes(search) || c.stream.toLowerCase().includes(search)),
  );
  const sort = q.sort ?? 'lag';
  const dir = (q.order ?? (sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  const key = CONSUMER_SORT[sort]!;
  list.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const byKey = ka === null || kb === null ? compareNullable(ka, kb) : dir * compareNullable(ka, kb);
    return (
      byKey ||
      (sort === 'lag' ? dir * compareNullable(drainKey(a), drainKey(b)) : 0) ||
      compareNullable(a.targetName, b.targetName) ||
      compareNullable(`${a.account}/${a.stream}/${a.name}`, `${b.account}/${b.stream}/${b.name}`)
    );
  });
  return { total: list.length, consumers: list.slice(q.offset, q.offset + q.limit) };
}
