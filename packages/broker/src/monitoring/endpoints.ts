import { cpus } from 'node:os';
import { accountzBody, accstatzBody } from '../accounts/index.js';
import type { SublistStats } from '../router/sublist.js';
import type { Client } from '../server/client.js';
import type { ClosedClient, Server } from '../server/server.js';
import { displaySubject, goDuration, rfc3339, uptime } from './format.js';

export type Query = URLSearchParams;

/** Process CPU percentage since the previous call, like nats-server's pse sampling. */
let lastCpu = process.cpuUsage();
let lastCpuAt = performance.now();
function cpuPercent(): number {
  const now = performance.now();
  const u = process.cpuUsage(lastCpu);
  const wall = (now - lastCpuAt) * 1000;
  lastCpu = process.cpuUsage();
  lastCpuAt = now;
  if (wall <= 0) return 0;
  return Math.round(((u.user + u.system) / wall) * 1000) / 10;
}

export function varz(
  s: Server,
  httpHost: string,
  httpPort: number,
  reqStats: Record<string, number>,
): object {
  const o = s.options;
  const now = new Date();
  const js = s.jetstream
    ? s.jetstream.varz()
    : o.jetstream
      ? {
          config: { max_memory: 0, max_storage: 0, store_dir: o.storeDir },
          stats: {
            memory: 0,
            storage: 0,
            reserved_memory: 0,
            reserved_storage: 0,
            accounts: 0,
            ha_assets: 0,
            api: { total: 0, errors: 0 },
          },
        }
      : {};
  return {
    server_id: s.serverId,
    server_name: o.serverName,
    version: o.version,
    proto: 1,
    go: `node${process.versions.node}`,
    host: o.host,
    port: s.port,
    ...(s.authRequired ? { auth_required: true } : {}),
    max_connections: o.maxConnections,
    ...(o.maxSubscriptions > 0 ? { max_subscriptions: o.maxSubscriptions } : {}),
    ping_interval: o.pingInterval * 1e6,
    ping_max: o.maxPingsOut,
    http_host: httpHost,
    http_port: httpPort,
    http_base_path: '',
    https_port: 0,
    auth_timeout: o.authTimeout / 1000,
    max_control_line: o.maxControlLine,
    max_payload: o.maxPayload,
    max_pending: o.maxPending,
    cluster: {},
    gateway: {},
    leaf: {},
    mqtt: {},
    websocket: {},
    jetstream: js,
    tls_timeout: 2,
    write_deadline: o.writeDeadline * 1e6,
    start: rfc3339(s.start),
    now: rfc3339(now),
    uptime: uptime(now.getTime() - s.start.getTime()),
    mem: process.memoryUsage.rss(),
    cores: cpus().length,
    gomaxprocs: cpus().length,
    cpu: cpuPercent(),
    connections: s.clients.size,
    total_connections: s.totalConnections,
    routes: 0,
    remotes: 0,
    leafnodes: 0,
    in_msgs: s.inMsgs,
    out_msgs: s.outMsgs,
    in_bytes: s.inBytes,
    out_bytes: s.outBytes,
    slow_consumers: s.slowConsumers,
    subscriptions: s.subscriptionCount(),
    http_req_stats: { ...reqStats },
    config_load_time: rfc3339(s.configLoadTime),
    ...(o.configFile ? { config_file: o.configFile } : {}),
    system_account: s.registry.systemAccount,
  };
}

interface ConnView {
  cid: number;
  start: Date;
  lastActivity: number;
  stop?: Date;
  reason?: string;
  rttMs: number;
  pending: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  subs: { subject: string; queue: string; sid: string; msgs: number }[];
  ip: string;
  port: number;
  name: string;
  lang: string;
  version: string;
  user: string;
  account: string;
}

function viewOpen(c: Client): ConnView {
  return {
    cid: c.cid,
    start: c.start,
    lastActivity: c.lastActivity,
    rttMs: c.rttMs,
    pending: c.pendingBytes,
    inMsgs: c.inMsgs,
    outMsgs: c.outMsgs,
    inBytes: c.inBytes,
    outBytes: c.outBytes,
    subs: [...c.subs.values()].map((s) => ({
      subject: s.subject,
      queue: s.queue,
      sid: s.sid,
      msgs: s.nmsgs,
    })),
    ip: c.ip,
    port: c.remotePort,
    name: c.name,
    lang: c.lang,
    version: c.version,
    user: c.user,
    account: c.account.name,
  };
}

function viewClosed(c: ClosedClient): ConnView {
  return { ...c, pending: 0, stop: c.stop, reason: c.reason };
}

const SORTS: Record<string, (a: ConnView, b: ConnView) => number> = {
  cid: (a, b) => a.cid - b.cid,
  start: (a, b) => a.start.getTime() - b.start.getTime(),
  subs: (a, b) => b.subs.length - a.subs.length,
  pending: (a, b) => b.pending - a.pending,
  msgs_to: (a, b) => b.outMsgs - a.outMsgs,
  msgs_from: (a, b) => b.inMsgs - a.inMsgs,
  bytes_to: (a, b) => b.outBytes - a.outBytes,
  bytes_from: (a, b) => b.inBytes - a.inBytes,
  last: (a, b) => b.lastActivity - a.lastActivity,
  idle: (a, b) => a.lastActivity - b.lastActivity,
  uptime: (a, b) => a.start.getTime() - b.start.getTime(),
  stop: (a, b) => (b.stop?.getTime() ?? 0) - (a.stop?.getTime() ?? 0),
  reason: (a, b) => (a.reason ?? '').localeCompare(b.reason ?? ''),
  rtt: (a, b) => b.rttMs - a.rttMs,
};

export class MonitorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(q: Query, name: string, dflt: number): number {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new MonitorError(400, `invalid ${name} value: ${v}`);
  return n;
}

export function connz(s: Server, q: Query): object {
  const state = q.get('state') ?? 'open';
  if (!['open', 'closed', 'all', 'any'].includes(state)) {
    throw new MonitorError(400, `Error decoding state for ${state}`);
  }
  const sortKey = q.get('sort') || 'cid';
  const sorter = SORTS[sortKey];
  if (!sorter) throw new MonitorError(400, `invalid sorting option: ${sortKey}`);
  if ((sortKey === 'stop' || sortKey === 'reason') && state === 'open') {
    throw new MonitorError(400, `sort by ${sortKey} only valid on closed connections`);
  }
  const subsParam = q.get('subs') ?? '';
  const subsDetail = subsParam === 'detail';
  const subsList = subsDetail || subsParam === '1' || subsParam === 'true';
  const offset = Math.max(0, intParam(q, 'offset', 0));
  let limit = intParam(q, 'limit', 1024);
  if (limit <= 0) limit = 1024;
  const cidFilter = intParam(q, 'cid', 0);
  const userFilter = q.get('user') ?? '';

  let views: ConnView[] = [];
  if (state === 'open' || state === 'all' || state === 'any')
    for (const c of s.clients.values()) views.push(viewOpen(c));
  if (state === 'closed' || state === 'all' || state === 'any') {
    const closed = s.closedClients;
    const max = s.options.maxClosedClients;
    for (let i = Math.max(0, closed.length - max); i < closed.length; i++) views.push(viewClosed(closed[i]!));
  }
  if (userFilter) views = views.filter((v) => v.user === userFilter);
  const accFilter = q.get('acc') ?? '';
  if (accFilter) views = views.filter((v) => v.account === accFilter);
  // As nats-server: with cid= the total still counts the whole state and the limit becomes 1.
  const total = views.length;
  if (cidFilter > 0) {
    views = views.filter((v) => v.cid === cidFilter);
    limit = 1;
  }
  views.sort(sorter);
  const page = views.slice(offset, offset + limit);
  const now = Date.now();
  const connections = page.map((v) => {
    const out: Record<string, unknown> = {
      cid: v.cid,
      kind: 'Client',
      type: 'nats',
      ip: v.ip.startsWith('::ffff:') ? v.ip.slice(7) : v.ip,
      port: v.port,
      start: rfc3339(v.start),
      last_activity: rfc3339(v.lastActivity),
    };
    if (v.stop) {
      out.stop = rfc3339(v.stop);
      out.reason = v.reason;
    }
    out.rtt = goDuration(Math.max(0, v.rttMs));
    out.uptime = uptime((v.stop?.getTime() ?? now) - v.start.getTime());
    out.idle = uptime((v.stop?.getTime() ?? now) - v.lastActivity);
    out.pending_bytes = v.pending;
    out.in_msgs = v.inMsgs;
    out.out_msgs = v.outMsgs;
    out.in_bytes = v.inBytes;
    out.out_bytes = v.outBytes;
    out.subscriptions = v.subs.length;
    if (v.name) out.name = v.name;
    if (v.lang) out.lang = v.lang;
    if (v.version) out.version = v.version;
    if (v.user && q.get('auth') === 'true') out.authorized_user = v.user;
    out.account = v.account;
    if (subsDetail && v.subs.length > 0) {
      out.subscriptions_list_detail = v.subs.map((sub) => ({
        account: v.account,
        subject: displaySubject(sub.subject),
        ...(sub.queue ? { qgroup: sub.queue } : {}),
        sid: sub.sid,
        msgs: sub.msgs,
        cid: v.cid,
      }));
    } else if (subsList && v.subs.length > 0) {
      out.subscriptions_list = v.subs.map((sub) => displaySubject(sub.subject));
    }
    return out;
  });
  return {
    server_id: s.serverId,
    now: rfc3339(now),
    num_connections: connections.length,
    total,
    offset,
    limit,
    connections,
  };
}

/** One account's sublist, or all of them (`acc=` picks one, as `$SYS.REQ.ACCOUNT.<acc>.SUBSZ`). */
function sublists(s: Server, q: Query) {
  const acc = q.get('acc');
  const all = s.accountSublists();
  return acc ? all.filter(([name]) => name === acc) : all;
}

/** Sums sublist statistics; one sublist's come out unchanged. */
function mergeStats(list: SublistStats[]): SublistStats {
  const out: SublistStats = {
    num_subscriptions: 0,
    num_cache: 0,
    num_inserts: 0,
    num_removes: 0,
    num_matches: 0,
    cache_hit_rate: 0,
    max_fanout: 0,
    avg_fanout: 0,
  };
  let hits = 0;
  let fan = 0;
  for (const st of list) {
    out.num_subscriptions += st.num_subscriptions;
    out.num_cache += st.num_cache;
    out.num_inserts += st.num_inserts;
    out.num_removes += st.num_removes;
    out.num_matches += st.num_matches;
    hits += st.cache_hit_rate * st.num_matches;
    fan += st.avg_fanout * st.num_cache;
    out.max_fanout = Math.max(out.max_fanout, st.max_fanout);
  }
  if (out.num_matches > 0) out.cache_hit_rate = hits / out.num_matches;
  if (out.num_cache > 0) out.avg_fanout = fan / out.num_cache;
  return out;
}

export function subsz(s: Server, q: Query): object {
  const lists = sublists(s, q);
  const stats = mergeStats(lists.map(([, sl]) => sl.stats()));
  const subsParam = q.get('subs') ?? '';
  const wantSubs = subsParam === '1' || subsParam === 'true' || subsParam === 'detail';
  // nats-server answers the bare /subsz with the sublist stats only.
  if (!wantSubs) return stats;
  const offset = Math.max(0, intParam(q, 'offset', 0));
  let limit = intParam(q, 'limit', 1024);
  if (limit <= 0) limit = 1024;
  const test = q.get('test');
  const subs: { account: string; sub: import('../server/subscription.js').Subscription }[] = [];
  for (const [account, sl] of lists) {
    if (test) {
      const r = sl.match(test);
      for (const sub of [...r.psubs, ...r.qsubs.flat()]) subs.push({ account, sub });
    } else for (const sub of sl.all()) subs.push({ account, sub });
  }
  const total = subs.length;
  return {
    server_id: s.serverId,
    now: rfc3339(new Date()),
    ...stats,
    total,
    offset,
    limit,
    subscriptions_list: subs.slice(offset, offset + limit).map(({ account, sub }) => ({
      account,
      subject: displaySubject(sub.subject),
      ...(sub.queue ? { qgroup: sub.queue } : {}),
      sid: sub.sid,
      msgs: sub.nmsgs,
      cid: sub.client.cid,
    })),
  };
}

export function routez(s: Server): object {
  return { server_id: s.serverId, now: rfc3339(new Date()), num_routes: 0, routes: [] };
}

export function gatewayz(s: Server): object {
  return {
    server_id: s.serverId,
    now: rfc3339(new Date()),
    outbound_gateways: {},
    inbound_gateways: {},
  };
}

export function leafz(s: Server): object {
  return { server_id: s.serverId, now: rfc3339(new Date()), leafnodes: 0, leafs: null };
}

export function accountz(s: Server, q: Query): object {
  const acc = q.get('acc') ?? undefined;
  const r = accountzBody(s.registry, s.serverId, acc, acc ? s.system.runtime(acc) : undefined);
  if (!r.ok) throw new MonitorError(r.status, r.error);
  return r.body;
}

/** `/accstatz`: per-account statistics (`acc=a,b` picks accounts, `unused=true` adds idle ones). */
export function accstatz(s: Server, q: Query): object {
  s.syncAccountStats();
  const acc = q.get('acc');
  const unused = q.get('unused');
  return accstatzBody(s.registry, s.serverId, {
    ...(acc ? { accounts: acc.split(',') } : {}),
    includeUnused: unused === 'true' || unused === '1',
  });
}

export function healthz(): object {
  return { status: 'ok' };
}
