import type { Observation } from './extract.js';
import { CounterState, type CounterStateOptions } from './rates.js';

export interface AccountTotalsOptions {
  /** A server's figures count toward the totals this long after its last scrape. */
  staleAfterMs: number;
  counters?: CounterStateOptions;
}

interface Contribution {
  time: number;
  obs: Map<string, Observation>;
}

/**
 * Cluster-wide account figures from per-server `/accstatz` readings. Servers are scraped at different
 * moments, so summing raw counters would zig-zag; instead each server's counter becomes a rate on its
 * own (resets per server handled by `CounterState`) and the total rate is the sum of the servers'
 * latest rates, null while any of them has none (just restarted or just joined). Gauges and raw
 * counters are summed as they are; JetStream usage (`js_*`) is already cluster-wide and is not added.
 */
export class AccountTotals {
  readonly #opts: AccountTotalsOptions;
  readonly #byServer = new Map<string, Contribution>();
  readonly #counters = new Map<string, CounterState>();

  constructor(opts: AccountTotalsOptions) {
    this.#opts = opts;
  }

  /** Takes one server's observations (only `account` ones are used) and returns the totals it touched. */
  update(serverId: string, time: number, observations: readonly Observation[]): Observation[] {
    const mine = new Map<string, Observation>();
    for (const o of observations) {
      if (o.kind !== 'account') continue;
      const k = `${o.id}\u0000${o.metric}`;
      if (o.type === 'counter') {
        const ck = `${serverId}\u0000${k}`;
        let c = this.#counters.get(ck);
        if (!c) {
          c = new CounterState(this.#opts.counters);
          this.#counters.set(ck, c);
        }
        mine.set(k, { ...o, rate: c.update({ t: time, value: o.value, epoch: o.epoch }) });
      } else mine.set(k, o);
    }
    this.#byServer.set(serverId, { time, obs: mine });
    this.#expire(time);
    const out: Observation[] = [];
    for (const [k, own] of mine) {
      if (own.metric.startsWith('js_')) {
        out.push(own);
        continue;
      }
      let value = 0;
      let rate: number | null = 0;
      for (const c of this.#byServer.values()) {
        const o = c.obs.get(k);
        if (!o) continue;
        value += o.value;
        rate = rate === null || o.rate === null || o.rate === undefined ? null : rate + o.rate;
      }
      const { epoch: _e, rate: _r, ...rest } = own;
      out.push(own.type === 'counter' ? { ...rest, value, rate } : { ...rest, value });
    }
    return out;
  }

  #expire(now: number): void {
    for (const [id, c] of this.#byServer) if (now - c.time > this.#opts.staleAfterMs) this.forget(id);
    for (const [k, c] of this.#counters) {
      const last = c.latest;
      if (!last || now - last.t > this.#opts.staleAfterMs) this.#counters.delete(k);
    }
  }

  /** Forgets a server (removed from its target, or gone quiet). */
  forget(serverId: string): void {
    this.#byServer.delete(serverId);
    const prefix = `${serverId}\u0000`;
    for (const k of this.#counters.keys()) if (k.startsWith(prefix)) this.#counters.delete(k);
  }
}
