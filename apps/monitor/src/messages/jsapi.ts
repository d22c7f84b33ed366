import { errors, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiError, JetStreamUnavailable, MessageNotFound, StreamNotFound } from './errors.js';

const API = '$JS.API';
/** JetStream error codes (nats-server `server/errors.json`). */
const ERR_STREAM_NOT_FOUND = 10059;
const ERR_NO_MESSAGE_FOUND = 10037;

/** A stored message as STREAM.MSG.GET returns it, decoded. */
export interface StoredMsg {
  seq: number;
  subject: string;
  /** Milliseconds since the epoch (nanoseconds dropped). */
  timeMs: number;
  hdrs: Uint8Array | undefined;
  data: Uint8Array;
}

interface ApiErrorBody {
  code: number;
  err_code?: number;
  description?: string;
}

export interface StreamInfoJson {
  config: { name: string; subjects?: string[]; retention?: string; allow_direct?: boolean };
  state: {
    messages: number;
    bytes: number;
    first_seq: number;
    last_seq: number;
    first_ts?: string;
    last_ts?: string;
    consumer_count: number;
    num_deleted?: number;
    subjects?: Record<string, number>;
  };
}

/** The JetStream API over one connection; browsing uses only reads that leave consumers untouched. */
export class JsApi {
  constructor(
    readonly nc: NatsConnection,
    readonly timeoutMs = 5000,
  ) {}

  /** Sends one `$JS.API.<op>` request; JetStream errors become typed API errors. */
  async request<T>(op: string, body: unknown, stream?: string): Promise<T> {
    let msg: Awaited<ReturnType<NatsConnection['request']>>;
    try {
      msg = await this.nc.request(`${API}.${op}`, body === undefined ? '' : JSON.stringify(body), {
        timeout: this.timeoutMs,
      });
    } catch (err) {
      if (err instanceof errors.NoRespondersError) throw new JetStreamUnavailable(`${API}.${op}`);
      if (err instanceof errors.RequestError && err.isNoResponders()) {
        throw new JetStreamUnavailable(`${API}.${op}`);
      }
      throw err;
    }
    const json = msg.json<T & { error?: ApiErrorBody }>();
    if (json.error) {
      if (json.error.err_code === ERR_STREAM_NOT_FOUND && stream) throw new StreamNotFound(stream);
      const e = new JetStreamApiError(json.error.description ?? `code ${json.error.code}`);
      (e as { jsErrCode?: number }).jsErrCode = json.error.err_code;
      throw e;
    }
    return json;
  }

  async streamInfo(stream: string, subjectsFilter?: string): Promise<StreamInfoJson> {
    return this.request<StreamInfoJson>(
      `STREAM.INFO.${stream}`,
      subjectsFilter ? { subjects_filter: subjectsFilter } : undefined,
      stream,
    );
  }

  /** Every stream, following the API's paging. */
  async streams(): Promise<StreamInfoJson[]> {
    const out: StreamInfoJson[] = [];
    for (;;) {
      const page = await this.request<{ streams: StreamInfoJson[] | null; total: number }>('STREAM.LIST', {
        offset: out.length,
      });
      const got = page.streams ?? [];
      out.push(...got);
      if (got.length === 0 || out.length >= page.total) return out;
    }
  }

  /**
   * STREAM.MSG.GET: the message at `seq`, or with `nextBySubject` the first message at or after `seq`
   * on a matching subject. Undefined when there is none.
   */
  async getMsg(stream: string, seq: number, nextBySubject?: string): Promise<StoredMsg | undefined> {
    try {
      const res = await this.request<{
        message: { subject: string; seq: number; time: string; hdrs?: string; data?: string };
      }>(`STREAM.MSG.GET.${stream}`, nextBySubject ? { seq, next_by_subj: nextBySubject } : { seq }, stream);
      const m = res.message;
      return {
        seq: m.seq,
        subject: m.subject,
        timeMs: parseTimeMs(m.time),
        hdrs: m.hdrs ? Buffer.from(m.hdrs, 'base64') : undefined,
        data: m.data ? Buffer.from(m.data, 'base64') : new Uint8Array(0),
      };
    } catch (err) {
      if ((err as { jsErrCode?: number }).jsErrCode === ERR_NO_MESSAGE_FOUND) return undefined;
      throw err;
    }
  }

  /** Like getMsg, but a missing message is a MESSAGE_NOT_FOUND error. */
  async mustGetMsg(stream: string, seq: number): Promise<StoredMsg> {
    const m = await this.getMsg(stream, seq);
    if (!m) throw new MessageNotFound(seq, stream);
    return m;
  }

  async deleteMsg(stream: string, seq: number, erase: boolean): Promise<void> {
    try {
      await this.request(`STREAM.MSG.DELETE.${stream}`, { seq, no_erase: !erase }, stream);
    } catch (err) {
      if ((err as { jsErrCode?: number }).jsErrCode === ERR_NO_MESSAGE_FOUND) {
        throw new MessageNotFound(seq, stream);
      }
      throw err;
    }
  }

  async purge(stream: string, req: { filter?: string; seq?: number; keep?: number }): Promise<number> {
    const res = await this.request<{ purged: number }>(`STREAM.PURGE.${stream}`, req, stream);
    return res.purged;
  }
}

/** RFC 3339 with up to nanosecond digits → epoch milliseconds (Date only parses milliseconds). */
export function parseTimeMs(time: string): number {
  const trimmed = time.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? 0 : ms;
}
