import type { ResponsePermission, SubjectPermission, UserPermissions } from '../config/server-config.js';
import { subjectHasWildcard, subjectMatches, subjectsCollide } from './subject.js';

/** A user's publish/subscribe permissions (same shape as the configuration's `permissions {}`). */
export type Permissions = UserPermissions;
export type { ResponsePermission, SubjectPermission };

/** Options for {@link PermissionChecker}. */
export interface PermissionCheckerOptions {
  /** Most publish results remembered (nats-server `maxPermCacheSize`). Default 128. */
  cacheSize?: number;
  /** Most outstanding reply grants kept per client (nats-server `replyPermLimit`). Default 4096. */
  maxReplies?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** Permission entries split into subject and optional queue group ("foo.> workers"). */
interface Entry {
  subject: string;
  queue?: string;
}

interface ReplyGrant {
  at: number;
  sent: number;
}

const DEFAULT_RESPONSE: ResponsePermission = { maxMsgs: 1, expiresMs: 2 * 60_000 };

/** nats-server's normalisation: `allow_responses` without a publish allow list allows only responses. */
export function normalizePermissions(p: Permissions): Permissions {
  const out: Permissions = {};
  if (p.publish) out.publish = { ...p.publish };
  if (p.subscribe) out.subscribe = { ...p.subscribe };
  if (p.response) {
    out.response = {
      maxMsgs: p.response.maxMsgs === 0 ? DEFAULT_RESPONSE.maxMsgs : p.response.maxMsgs,
      expiresMs: p.response.expiresMs === 0 ? DEFAULT_RESPONSE.expiresMs : p.response.expiresMs,
    };
    out.publish ??= {};
    out.publish.allow ??= [];
  }
  return out;
}

function toEntries(list: string[] | undefined): Entry[] | undefined {
  if (!list) return undefined;
  return list.map((s) => {
    const [subject, queue] = s.trim().split(/[ \t]+/);
    return queue ? { subject: subject!, queue } : { subject: subject! };
  });
}

function queueMatches(queue: string, pattern: string): boolean {
  // '*' and '>' are valid queue names, so compare literally first (nats-server `queueMatches`).
  return queue === pattern || (subjectHasWildcard(pattern) && subjectMatches(pattern, queue));
}

/**
 * Publish/subscribe authorization for one connection, following nats-server's client.go:
 * no allow list means everything is allowed, a deny match always wins, and with `allow_responses`
 * a client may publish to reply subjects of requests it received, within `max` and `expires`.
 */
export class PermissionChecker {
  readonly permissions: Permissions;
  private readonly pubAllow?: Entry[];
  private readonly pubDeny?: Entry[];
  private readonly subAllow?: Entry[];
  private readonly subDeny?: Entry[];
  private readonly response?: ResponsePermission;
  private readonly pubCache = new Map<string, boolean>();
  private readonly denyCache = new Map<string, boolean>();
  private readonly replies = new Map<string, ReplyGrant>();
  private readonly cacheSize: number;
  private readonly maxReplies: number;
  private readonly now: () => number;

  constructor(permissions: Permissions, options: PermissionCheckerOptions = {}) {
    this.permissions = normalizePermissions(permissions);
    this.pubAllow = toEntries(this.permissions.publish?.allow);
    this.pubDeny = toEntries(this.permissions.publish?.deny);
    this.subAllow = toEntries(this.permissions.subscribe?.allow);
    this.subDeny = toEntries(this.permissions.subscribe?.deny);
    this.response = this.permissions.response;
    this.cacheSize = options.cacheSize ?? 128;
    this.maxReplies = options.maxReplies ?? 4096;
    this.now = options.now ?? Date.now;
  }

  /** True when `allow_responses` is on: the server should call {@link recordReply} on delivery. */
  get tracksResponses(): boolean {
    return this.response !== undefined;
  }

  /** True when the subscribe deny list is non-empty. */
  get hasSubscribeDeny(): boolean {
    return (this.subDeny?.length ?? 0) > 0;
  }

  /**
   * May this client publish to `subject`? A reply grant is consumed when it is what allows the
   * publish, so call this once per PUB/HPUB.
   */
  canPublish(subject: string): boolean {
    if (this.pubStatic(subject)) return true;
    if (!this.response) return false;
    const grant = this.replies.get(subject);
    if (!grant) return false;
    grant.sent++;
    const { maxMsgs, expiresMs } = this.response;
    if ((maxMsgs > 0 && grant.sent > maxMsgs) || (expiresMs > 0 && this.now() - grant.at > expiresMs)) {
      this.replies.delete(subject);
      return false;
    }
    return true;
  }

  /**
   * Record that this client was delivered a message carrying reply subject `reply`, so it may
   * answer it under `allow_responses`. A no-op without response permissions or when publishing to
   * `reply` is allowed anyway.
   */
  recordReply(reply: string): void {
    if (!this.response || reply.length === 0 || this.pubStatic(reply)) return;
    this.replies.delete(reply); // re-insert so iteration order stays oldest-first
    this.replies.set(reply, { at: this.now(), sent: 0 });
    if (this.replies.size > this.maxReplies) this.pruneReplies();
  }

  /** Number of outstanding reply grants (for tests and monitoring). */
  get pendingReplies(): number {
    return this.replies.size;
  }

  /** May this client subscribe to `subject`, optionally in queue group `queue`? */
  canSubscribe(subject: string, queue?: string): boolean {
    let allowed = true;
    if (this.subAllow) {
      allowed = false;
      let queueEntries = false;
      let queueOk = false;
      for (const e of this.subAllow) {
        if (!subjectMatches(e.subject, subject)) continue;
        if (e.queue === undefined) allowed = true;
        else {
          queueEntries = true;
          if (queue !== undefined && queueMatches(queue, e.queue)) queueOk = true;
        }
      }
      // As nats-server: for a queue subscription, matching queue entries decide.
      if (queue !== undefined && queueEntries) allowed = queueOk;
    }
    if (allowed && this.subDeny) {
      let plainDenied = false;
      let queueEntries = false;
      let queueDenied = false;
      for (const e of this.subDeny) {
        if (!subjectMatches(e.subject, subject)) continue;
        if (e.queue === undefined) plainDenied = true;
        else {
          queueEntries = true;
          if (queue !== undefined && queueMatches(queue, e.queue)) queueDenied = true;
        }
      }
      allowed = !plainDenied;
      if (queue !== undefined && queueEntries) allowed = !queueDenied;
    }
    return allowed;
  }

  /**
   * Does a subscription on `subject` need {@link canDeliver} checks per message? True for
   * wildcard subscriptions that overlap a subscribe deny entry (deny does not stop `>` from being
   * subscribed, so nats-server filters at delivery time).
   */
  needsDeliveryFilter(subject: string): boolean {
    if (!this.subDeny || !subjectHasWildcard(subject)) return false;
    return this.subDeny.some((e) => e.queue === undefined && subjectsCollide(e.subject, subject));
  }

  /** May a message on literal `subject` be delivered to this client's filtered subscriptions? */
  canDeliver(subject: string): boolean {
    if (!this.subDeny) return true;
    const hit = this.denyCache.get(subject);
    if (hit !== undefined) return !hit;
    const denied = this.subDeny.some((e) => e.queue === undefined && subjectMatches(e.subject, subject));
    remember(this.denyCache, subject, denied, this.cacheSize);
    return !denied;
  }

  private pubStatic(subject: string): boolean {
    if (!this.pubAllow && !this.pubDeny) return true;
    const hit = this.pubCache.get(subject);
    if (hit !== undefined) return hit;
    let allowed = this.pubAllow ? this.pubAllow.some((e) => subjectMatches(e.subject, subject)) : true;
    if (allowed && this.pubDeny) allowed = !this.pubDeny.some((e) => subjectMatches(e.subject, subject));
    remember(this.pubCache, subject, allowed, this.cacheSize);
    return allowed;
  }

  private pruneReplies(): void {
    const now = this.now();
    const { maxMsgs, expiresMs } = this.response!;
    for (const [reply, g] of this.replies) {
      if ((maxMsgs > 0 && g.sent >= maxMsgs) || (expiresMs > 0 && now - g.at > expiresMs)) {
        this.replies.delete(reply);
      }
    }
    // Still too many live grants: drop the oldest so memory stays bounded.
    for (const reply of this.replies.keys()) {
      if (this.replies.size <= this.maxReplies) break;
      this.replies.delete(reply);
    }
  }
}

function remember(cache: Map<string, boolean>, key: string, value: boolean, max: number): void {
  if (max <= 0) return;
  if (cache.size >= max) {
    // Evict a quarter, oldest first (nats-server prunes a fixed slice at random).
    let n = Math.max(1, max >> 2);
    for (const k of cache.keys()) {
      cache.delete(k);
      if (--n === 0) break;
    }
  }
  cache.set(key, value);
}
