// The monitoring bodies the monitor's views read, beyond what series/extract.ts charts. Field names
// follow nats-server 2.9 (`server/monitor.go`); everything is optional because Tern's broker and
// older servers omit parts.
import type {
  ConnzBody,
  ConsumerBody,
  JszAccountBody,
  JszBody,
  RoutezBody,
  StreamBody,
  SubszBody,
  VarzBody,
} from '../series/extract.js';

export interface VarzFull extends VarzBody {
  version?: string;
  host?: string;
  port?: number;
  http_port?: number;
  uptime?: string;
  connect_urls?: string[] | null;
  cluster?: { name?: string; addr?: string; cluster_port?: number; urls?: string[] | null };
  jetstream?: VarzBody['jetstream'] & { config?: unknown };
}

export interface ConnInfo {
  cid: number;
  kind?: string;
  ip?: string;
  port?: number;
  start?: string;
  last_activity?: string;
  rtt?: string;
  uptime?: string;
  idle?: string;
  pending_bytes?: number;
  in_msgs?: number;
  out_msgs?: number;
  in_bytes?: number;
  out_bytes?: number;
  subscriptions?: number;
  subscriptions_list?: string[] | null;
  name?: string;
  lang?: string;
  version?: string;
  account?: string;
  authorized_user?: string;
  tls_version?: string;
}

export interface ConnzFull extends ConnzBody {
  offset?: number;
  limit?: number;
  connections?: ConnInfo[] | null;
}

export interface SubDetail {
  account?: string;
  subject: string;
  qgroup?: string;
  sid?: string;
  msgs?: number;
  cid?: number;
}

export interface SubszFull extends SubszBody {
  total?: number;
  subscriptions_list?: SubDetail[] | null;
}

export interface RouteBody {
  rid: number;
  remote_id: string;
  remote_name?: string;
  did_solicit?: boolean;
  ip?: string;
  port?: number;
  rtt?: string;
  pending_size?: number;
  in_msgs?: number;
  out_msgs?: number;
  in_bytes?: number;
  out_bytes?: number;
  subscriptions?: number;
}

export interface RoutezFull extends RoutezBody {
  routes?: RouteBody[] | null;
}

/** `/healthz`: `{"status":"ok"}` or, with HTTP 503, `{"status":"unavailable","error":"…"}`. */
export interface HealthzBody {
  status: string;
  error?: string;
}

/** A consumer as /jsz?consumers=1&config=1 reports it. */
export interface ConsumerFull extends ConsumerBody {
  config?: {
    durable_name?: string;
    ack_policy?: string;
    deliver_policy?: string;
    filter_subject?: string;
    deliver_subject?: string;
    [key: string]: unknown;
  };
}

/** A stream as /jsz?streams=1&config=1 reports it. */
export interface StreamFull extends Omit<StreamBody, 'consumer_detail'> {
  config?: {
    subjects?: string[];
    storage?: string;
    retention?: string;
    num_replicas?: number;
    [key: string]: unknown;
  };
  cluster?: { name?: string; leader?: string; replicas?: unknown };
  consumer_detail?: ConsumerFull[] | null;
}

export interface JszAccountFull extends Omit<JszAccountBody, 'stream_detail'> {
  stream_detail?: StreamFull[] | null;
}

export interface JszFull extends Omit<JszBody, 'account_details'> {
  account_details?: JszAccountFull[] | null;
}
