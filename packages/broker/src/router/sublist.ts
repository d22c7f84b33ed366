/**
 * Subject routing table: a token tree with dedicated `*` and `>` children, queue groups kept per node,
 * and a bounded match cache (the idea of nats-server's server/sublist.go).
 *
 * Cache invalidation: a literal insert/remove drops only that subject's cache entry; a wildcard
 * insert/remove bumps a generation counter, which discards the whole cache on the next lookup.
 *
 * Cache admission: a result is cached the second time its subject misses within a short while.
 * Request inboxes and JetStream ack subjects are used once each; caching them would evict the
 * subjects that repeat and leave a stream of short-lived entries for the GC.
 */

/** What the router needs from a subscription. */
export interface Routable {
  readonly subject: string;
  /** Queue group name, '' for none. */
  readonly queue: string;
}

/** Subscriptions matching one subject: plain ones, and one array per queue group. */
export interface MatchResult<S> {
  readonly psubs: S[];
  readonly qsubs: S[][];
}

class Node<S> {
  next: Level<S> | null = null;
  readonly psubs = new Set<S>();
  qsubs: Map<string, Set<S>> | null = null;
  /** This node's subscriptions as a match result, built on demand; dropped when they change. */
  result: MatchResult<S> | null = null;

  /** No subscriptions here (there may be some below). */
  isBare(): boolean {
    return this.psubs.size === 0 && (this.qsubs === null || this.qsubs.size === 0);
  }

  isEmpty(): boolean {
    return this.isBare() && (this.next === null || this.next.isEmpty());
  }
}

class Level<S> {
  readonly nodes = new Map<string, Node<S>>();
  pwc: Node<S> | null = null;
  fwc: Node<S> | null = null;

  isEmpty(): boolean {
    return this.nodes.size === 0 && this.pwc === null && this.fwc === null;
  }
}

export interface SublistStats {
  num_subscriptions: number;
  num_cache: number;
  num_inserts: number;
  num_removes: number;
  num_matches: number;
  cache_hit_rate: number;
  max_fanout: number;
  avg_fanout: number;
}

const EMPTY: MatchResult<never> = Object.freeze({ psubs: [], qsubs: [] }) as MatchResult<never>;
const SEEN_SLOTS = 4096;

export class Sublist<S extends Routable> {
  private readonly root = new Level<S>();
  private readonly cache = new Map<string, MatchResult<S>>();
  private generation = 0;
  private cacheGeneration = 0;
  private count = 0;
  private inserts = 0;
  private removes = 0;
  private matches = 0;
  private cacheHits = 0;
  /** Hashes of subjects that missed recently, one per slot (0: empty); see "Cache admission". */
  private readonly seen = new Int32Array(SEEN_SLOTS);

  /** @param cacheSize maximum cached subjects; 0 disables the cache. */
  constructor(private readonly cacheSize = 1024) {}

  get size(): number {
    return this.count;
  }

  insert(sub: S): void {
    const tokens = sub.subject.split('.');
    let level = this.root;
    let node: Node<S> | null = null;
    let literal = true;
    for (const t of tokens) {
      if (t === '*') {
        literal = false;
        if (!level.pwc) level.pwc = new Node();
        node = level.pwc;
      } else if (t === '>') {
        literal = false;
        if (!level.fwc) level.fwc = new Node();
        node = level.fwc;
      } else {
        node = level.nodes.get(t) ?? null;
        if (!node) {
          node = new Node();
          level.nodes.set(t, node);
        }
      }
      if (!node.next) node.next = new Level();
      level = node.next;
    }
    if (!node) return;
    node.result = null;
    if (sub.queue === '') node.psubs.add(sub);
    else {
      if (!node.qsubs) node.qsubs = new Map();
      let g = node.qsubs.get(sub.queue);
      if (!g) {
        g = new Set();
        node.qsubs.set(sub.queue, g);
      }
      g.add(sub);
    }
    this.count++;
    this.inserts++;
    this.invalidate(sub.subject, literal);
  }

  /** Removes `sub`; returns false when it was not present. */
  remove(sub: S): boolean {
    const tokens = sub.subject.split('.');
    const path: { level: Level<S>; node: Node<S>; token: string }[] = [];
    let level = this.root;
    let literal = true;
    for (const t of tokens) {
      let node: Node<S> | null;
      if (t === '*') {
        literal = false;
        node = level.pwc;
      } else if (t === '>') {
        literal = false;
        node = level.fwc;
      } else node = level.nodes.get(t) ?? null;
      if (!node?.next) return false;
      path.push({ level, node, token: t });
      level = node.next;
    }
    const last = path[path.length - 1];
    if (!last) return false;
    const node = last.node;
    node.result = null;
    if (sub.queue === '') {
      if (!node.psubs.delete(sub)) return false;
    } else {
      const g = node.qsubs?.get(sub.queue);
      if (!g?.delete(sub)) return false;
      if (g.size === 0) node.qsubs!.delete(sub.queue);
    }
    // Prune empty nodes bottom-up so the tree does not keep dead branches.
    for (let i = path.length - 1; i >= 0; i--) {
      const p = path[i]!;
      if (!p.node.isEmpty()) break;
      if (p.token === '*') p.level.pwc = null;
      else if (p.token === '>') p.level.fwc = null;
      else p.level.nodes.delete(p.token);
    }
    this.count--;
    this.removes++;
    this.invalidate(sub.subject, literal);
    return true;
  }

  private invalidate(subject: string, literal: boolean): void {
    if (literal) this.cache.delete(subject);
    else this.generation++;
  }

  /** All subscriptions whose subject matches the literal `subject`. */
  match(subject: string): MatchResult<S> {
    this.matches++;
    if (this.cacheSize > 0) {
      if (this.cacheGeneration !== this.generation) {
        this.cache.clear();
        this.cacheGeneration = this.generation;
      }
      const hit = this.cache.get(subject);
      if (hit !== undefined) {
        this.cacheHits++;
        return hit;
      }
    }
    // Results are never mutated once returned, so a match that reaches a single node can share that
    // node's result: a subject used once (an ack, a reply inbox) then costs no allocation.
    const hits = matchScratch;
    hits.length = 0;
    matchLevel(this.root, subject, 0, hits);
    let result: MatchResult<S>;
    if (hits.length === 0) result = EMPTY;
    else if (hits.length === 1) result = nodeResult(hits[0] as Node<S>);
    else {
      const psubs: S[] = [];
      const qsubs: S[][] = [];
      for (const n of hits) addNode(n as Node<S>, psubs, qsubs);
      result = psubs.length === 0 && qsubs.length === 0 ? EMPTY : { psubs, qsubs };
    }
    hits.length = 0;
    if (this.cacheSize > 0 && this.admit(subject)) {
      if (this.cache.size >= this.cacheSize) {
        // Evict the oldest quarter (Map keeps insertion order).
        let drop = this.cacheSize >> 2 || 1;
        for (const k of this.cache.keys()) {
          this.cache.delete(k);
          if (--drop === 0) break;
        }
      }
      this.cache.set(subject, result);
    }
    return result;
  }

  /** Whether `subject` missed recently (then its result is worth caching); remembers it otherwise. */
  private admit(subject: string): boolean {
    // FNV-1a over UTF-16 code units; a collision only caches a subject one miss early.
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < subject.length; i++) h = Math.imul(h ^ subject.charCodeAt(i), 0x01000193);
    h |= 1;
    const slot = (h >>> 20) & (SEEN_SLOTS - 1);
    if (this.seen[slot] === h) return true;
    this.seen[slot] = h;
    return false;
  }

  /** True when at least one subscription matches. */
  hasInterest(subject: string): boolean {
    const r = this.match(subject);
    return r.psubs.length > 0 || r.qsubs.length > 0;
  }

  /** Every subscription, in tree order. */
  all(): S[] {
    const out: S[] = [];
    collect(this.root, out);
    return out;
  }

  stats(): SublistStats {
    let max = 0;
    let sum = 0;
    for (const r of this.cache.values()) {
      const f = r.psubs.length + r.qsubs.length;
      if (f > max) max = f;
      sum += f;
    }
    const n = this.cache.size;
    return {
      num_subscriptions: this.count,
      num_cache: n,
      num_inserts: this.inserts,
      num_removes: this.removes,
      num_matches: this.matches,
      cache_hit_rate: this.matches > 0 ? this.cacheHits / this.matches : 0,
      max_fanout: max,
      avg_fanout: n > 0 ? sum / n : 0,
    };
  }
}

/** Nodes reached by the match in progress (matching is synchronous, so one array serves every call). */
const matchScratch: Node<unknown>[] = [];

function nodeResult<S>(node: Node<S>): MatchResult<S> {
  if (node.result === null) {
    const psubs: S[] = [];
    const qsubs: S[][] = [];
    addNode(node, psubs, qsubs);
    node.result = psubs.length === 0 && qsubs.length === 0 ? EMPTY : { psubs, qsubs };
  }
  return node.result;
}

function addNode<S>(node: Node<S>, psubs: S[], qsubs: S[][]): void {
  for (const s of node.psubs) psubs.push(s);
  if (node.qsubs !== null) {
    for (const g of node.qsubs.values()) {
      // The same group may be reached through several nodes (e.g. `foo.*` and `foo.>`); merge them.
      const first = g.values().next().value as (S & Routable) | undefined;
      if (first === undefined) continue;
      let merged: S[] | undefined;
      for (const existing of qsubs) {
        if ((existing[0] as S & Routable).queue === first.queue) {
          merged = existing;
          break;
        }
      }
      if (merged) for (const s of g) merged.push(s);
      else qsubs.push([...g]);
    }
  }
}

/**
 * Walks the tree for the token of `subject` starting at `pos`. Tokens are cut out only where a level
 * has literal children to look up: below `$JS.ACK.<stream>.<consumer>.>` the five numeric tokens of
 * an ack subject are never materialised.
 */
function matchLevel<S>(level: Level<S>, subject: string, pos: number, hits: Node<unknown>[]): void {
  let l: Level<S> | null = level;
  while (l !== null) {
    const dot = subject.indexOf('.', pos);
    const last = dot < 0;
    if (l.fwc !== null && !l.fwc.isBare()) hits.push(l.fwc);
    if (l.pwc !== null) {
      if (last) {
        if (!l.pwc.isBare()) hits.push(l.pwc);
      } else if (l.pwc.next !== null) matchLevel(l.pwc.next, subject, dot + 1, hits);
    }
    if (l.nodes.size === 0) return;
    const node: Node<S> | undefined = l.nodes.get(last ? subject.slice(pos) : subject.slice(pos, dot));
    if (node === undefined) return;
    if (last) {
      if (!node.isBare()) hits.push(node);
      return;
    }
    l = node.next;
    pos = dot + 1;
  }
}

function collect<S>(level: Level<S>, out: S[]): void {
  const visit = (node: Node<S>) => {
    for (const s of node.psubs) out.push(s);
    if (node.qsubs) for (const g of node.qsubs.values()) for (const s of g) out.push(s);
    if (node.next) collect(node.next, out);
  };
  for (const node of level.nodes.values()) visit(node);
  if (level.pwc) visit(level.pwc);
  if (level.fwc) visit(level.fwc);
}
