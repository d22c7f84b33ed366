import type { Routable } from '../router/sublist.js';
import type { Client } from './client.js';

/** One client subscription as stored in the router. */
export class Subscription implements Routable {
  /** Messages delivered so far (for auto-unsubscribe and /connz). */
  nmsgs = 0;
  /** Auto-unsubscribe after this many deliveries; 0 means never. */
  max = 0;
  /** Wildcard subscription overlapping a subscribe deny entry: each delivery is checked. */
  filtered = false;
  /** Pre-encoded `MSG <subject> <sid> ` prefix when the subject is literal; '' otherwise. */
  readonly msgPrefix: string;
  readonly hmsgPrefix: string;

  constructor(
    readonly client: Client,
    readonly subject: string,
    readonly queue: string,
    readonly sid: string,
    literal: boolean,
  ) {
    this.msgPrefix = literal ? `MSG ${subject} ${sid} ` : '';
    this.hmsgPrefix = literal ? `HMSG ${subject} ${sid} ` : '';
  }
}
