// The system account's services: `$SYS.REQ.*` requests answered from the server's monitoring
// data, claims updates in operator mode, and client connect/disconnect events.
import { cpus } from 'node:os';
import {
  type AccountRuntimeInfo,
  type ClientInfo,
  connectEvent,
  connectEventSubject,
  decodeJwtUnverified,
  disconnectEvent,
  disconnectEventSubject,
  handleSysRequest,
  parseClaimsSubject,
  parseSysRequest,
  type SysDataProvider,
  SysStamper,
  type UserClaims,
} from '../accounts/index.js';
import { jszEndpoint } from '../jetstream/jetstream.js';
import { connz, healthz, subsz, varz } from '../monitoring/endpoints.js';
import { rfc3339 } from '../monitoring/format.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

/** True for subjects only the system account's services answer (`$SYS.REQ.` prefix). */
export function isSysRequestSubject(subject: string): boolean {
  return subject.startsWith('$SYS.REQ.');
}

/** Request options (JSON body) as the query string the HTTP endpoints read. */
function toQuery(opts: Record<string, unknown>, account?: string): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || v === null || typeof v === 'object') continue;
    q.set(k, String(v));
  }
  // nats-server's option names differ from the query's in a few places.
  if (opts.subscriptions === true) q.set('subs', opts.subscriptions_detail === true ? 'detail' : '1');
  if (opts.subscriptions_detail === true) q.set('subs', 'detail');
  if (typeof opts.username === 'boolean' && opts.username) q.set('auth', 'true');
  if (account !== undefined) q.set('acc', account);
  return q;
}

/** The system account's services for one server. */
export class SystemServices {
  readonly stamp: SysStamper;
  private readonly provider: SysDataProvider;

  constructor(private readonly server: Server) {
    const o = server.options;
    this.stamp = new SysStamper({
      name: o.serverName || server.serverId,
      host: o.host,
      id: server.serverId,
      version: o.version,
      jetstream: o.jetstream,
    });
    const s = server;
    this.provider = {
      registry: s.registry,
      serverId: s.serverId,
      statsz: () => {
        s.syncAccountStats();
        return {
          start: rfc3339(s.start),
          mem: process.memoryUsage.rss(),
          cores: cpus().length,
          cpu: 0,
          connections: s.clients.size,
          total_connections: s.totalConnections,
          active_accounts: s.registry.list().filter((a) => a.counters.connections > 0).length,
          subscriptions: s.subscriptionCount(),
          sent: { msgs: s.outMsgs, bytes: s.outBytes },
          received: { msgs: s.inMsgs, bytes: s.inBytes },
          slow_consumers: s.slowConsumers,
          active_servers: 1,
          ...(s.jetstream ? { jetstream: s.jetstream.varz() } : {}),
        };
      },
      varz: () => varz(s, s.options.httpHost, s.monitorPort, {}),
      connz: (opts, account) => connz(s, toQuery(opts, account)),
      subsz: (opts, account) => subsz(s, toQuery(opts, account)),
      jsz: (opts, account) => {
        if (!s.jetstream) return undefined;
        const q = toQuery(opts);
        if (account !== undefined) q.set('acc', account);
        return jszEndpoint(s.jetstream, s.serverId, q);
      },
      healthz: () => healthz(),
      runtime: (account) => this.runtime(account),
    };
  }

  /** Router-side facts about an account for its INFO / `/accountz` detail. */
  runtime(account: string): AccountRuntimeInfo {
    const sl = this.server.sublistOf(account);
    const rt: AccountRuntimeInfo = { subscriptions: sl?.size ?? 0 };
    if (sl) rt.sublistStats = sl.stats();
    const a = this.server.registry.get(account);
    const js = this.server.jetstream;
    rt.jetstreamEnabled = js
      ? js.enabled.has(account)
      : account === '$G'
        ? this.server.options.jetstream
        : !!a?.jetstream?.enabled;
    return rt;
  }

  /**
   * Handles a request published in the system account. Returns true when the subject is one the
   * system account listens on (so the publish counts as delivered); the reply goes out later.
   */
  request(subject: string, reply: string | undefined, body: string): boolean {
    const s = this.server;
    let answer: string | undefined;
    let handled = false;
    const op = s.operatorMode;
    if (op && parseClaimsSubject(subject)) {
      handled = true;
      answer = op.handleClaimsRequest(subject, body, () => this.stamp.serverInfo());
      s.accountsChanged();
    } else {
      const req = parseSysRequest(subject, s.serverId);
      if (req) {
        handled = true;
        answer = handleSysRequest(req, body, this.stamp, this.provider);
      }
    }
    if (answer !== undefined && reply) {
      const text = answer;
      setImmediate(() => s.publishInternal(s.registry.systemAccount, reply, text));
    }
    return handled;
  }

  private clientInfo(c: Client): ClientInfo {
    const info: ClientInfo = {
      start: rfc3339(c.start),
      host: c.ip.startsWith('::ffff:') ? c.ip.slice(7) : c.ip,
      id: c.cid,
      acc: c.account.name,
      kind: 'Client',
      client_type: 'nats',
    };
    if (c.user) info.user = c.user;
    if (c.name) info.name = c.name;
    if (c.lang) info.lang = c.lang;
    if (c.version) info.ver = c.version;
    if (c.rttMs > 0) info.rtt = Math.round(c.rttMs * 1e6);
    info.server = this.server.options.serverName || this.server.serverId;
    if (c.stop) info.stop = rfc3339(c.stop);
    const jwt = c.jwt;
    if (jwt && this.server.operatorMode) {
      try {
        const u = decodeJwtUnverified<UserClaims>(jwt);
        info.jwt = jwt;
        info.issuer_key = u.iss;
        if (u.name) info.name_tag = u.name;
      } catch {
        // Authenticated JWTs decode; nothing to add otherwise.
      }
    }
    return info;
  }

  /** `$SYS.ACCOUNT.<acc>.CONNECT`, when anyone listens. */
  clientConnected(c: Client): void {
    const subject = connectEventSubject(c.account.name);
    if (!this.server.sublistOf(this.server.registry.systemAccount)?.hasInterest(subject)) return;
    const ev = connectEvent(this.stamp.serverInfo(), this.clientInfo(c));
    this.server.publishInternal(this.server.registry.systemAccount, subject, JSON.stringify(ev));
  }

  /** `$SYS.ACCOUNT.<acc>.DISCONNECT`, when anyone listens. */
  clientDisconnected(c: Client): void {
    const subject = disconnectEventSubject(c.account.name);
    if (!this.server.sublistOf(this.server.registry.systemAccount)?.hasInterest(subject)) return;
    const ev = disconnectEvent(
      this.stamp.serverInfo(),
      this.clientInfo(c),
      { msgs: c.outMsgs, bytes: c.outBytes },
      { msgs: c.inMsgs, bytes: c.inBytes },
      c.closeReason,
    );
    this.server.publishInternal(this.server.registry.systemAccount, subject, JSON.stringify(ev));
  }
}
