/** The `/varz` fields the monitor reads (nats-server's names). */
export interface Varz {
  server_id: string;
  server_name?: string;
  version?: string;
  uptime?: string;
  start?: string;
  connections?: number;
  total_connections?: number;
  subscriptions?: number;
  in_msgs?: number;
  out_msgs?: number;
  in_bytes?: number;
  out_bytes?: number;
  slow_consumers?: number;
  jetstream?: { config?: unknown };
}

/** True when the value looks like a NATS server's `/varz`. */
export function isVarz(value: unknown): value is Varz {
  return typeof value === 'object' && value !== null && typeof (value as Varz).server_id === 'string';
}
