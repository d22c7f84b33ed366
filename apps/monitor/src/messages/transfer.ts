import { type MsgHdrs, type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import type {
  MessageExportRecord,
  MessageHeader,
  MessageImportRequest,
  MessageImportResponse,
} from '@tern/contracts';
import { InvalidHeader, InvalidSubject } from './errors.js';
import type { JsApi, StoredMsg } from './jsapi.js';
import { headerProblem, parseHeaderBlock, payloadKind, payloadPreview } from './payload.js';
import { isValidFilter } from './subjects.js';

export const MSG_ID = 'Nats-Msg-Id';

/** One export line (JSON Lines: the record then `\n`). */
export function exportLine(stream: string, m: StoredMsg): string {
  const record: MessageExportRecord = {
    subject: m.subject,
    headers: parseHeaderBlock(m.hdrs),
    payload: Buffer.from(m.data).toString('base64'),
    seq: m.seq,
    time: new Date(m.timeMs).toISOString(),
    stream,
  };
  return `${JSON.stringify(record)}\n`;
}

/** Header pairs as the client's MsgHdrs (keys kept exactly; a repeated key keeps all its values). */
export function toMsgHdrs(pairs: MessageHeader[]): MsgHdrs | undefined {
  if (pairs.length === 0) return undefined;
  const h = natsHeaders();
  for (const pair of pairs) {
    const problem = headerProblem(pair);
    if (problem) throw new InvalidHeader(problem);
    h.append(pair[0], pair[1]);
  }
  return h;
}

interface ParsedRecord {
  line: number;
  subject: string;
  headers: MessageHeader[];
  data: Uint8Array;
  /** `import:<stream>:<seq>` when the record says where it came from. */
  origin: string | undefined;
}

function parseRecord(text: string, line: number): ParsedRecord | undefined {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  const rec = r as Partial<MessageExportRecord>;
  if (typeof rec.subject !== 'string' || !rec.subject || typeof rec.payload !== 'string') return undefined;
  const headers = Array.isArray(rec.headers)
    ? rec.headers.filter(
        (h): h is MessageHeader =>
          Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string',
      )
    : [];
  const origin = rec.stream && rec.seq ? `import:${rec.stream}:${rec.seq}` : undefined;
  return { line, subject: rec.subject, headers, data: Buffer.from(rec.payload, 'base64'), origin };
}

/**
 * Publishes the records of an export file (or, with `preview`, only parses them). Through JetStream
 * when a stream is named, so each ack says whether the `Nats-Msg-Id` was a duplicate.
 */
export async function importRecords(
  nc: NatsConnection,
  js: JsApi,
  req: MessageImportRequest,
): Promise<MessageImportResponse> {
  if (req.subject !== undefined && (!isValidFilter(req.subject) || /[*>]/.test(req.subject))) {
    throw new InvalidSubject(`"${req.subject}" is not a subject a message can be published to`);
  }
  const lines = req.data.split('\n');
  const records: ParsedRecord[] = [];
  const invalidLines: number[] = [];
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    const r = parseRecord(text, i + 1);
    if (r) records.push(r);
    else invalidLines.push(i + 1);
  });
  const prepared = records.map((r) => {
    // The dedupe id: the record's own Nats-Msg-Id if it has one, else derived from its origin.
    const has = r.headers.some(([k]) => k === MSG_ID);
    const hdrs: MessageHeader[] =
      req.dedupe && !has && r.origin ? [...r.headers, [MSG_ID, r.origin]] : [...r.headers];
    const msgId = hdrs.find(([k]) => k === MSG_ID)?.[1] ?? null;
    return { ...r, subject: req.subject ?? r.subject, headers: hdrs, msgId };
  });
  const sample = prepared.slice(0, 20).map((r) => {
    const kind = payloadKind(r.data);
    return {
      line: r.line,
      subject: r.subject,
      size: r.data.length,
      msgId: r.msgId,
      preview: payloadPreview(r.data, kind, 200),
    };
  });
  const result: MessageImportResponse = {
    records: prepared.length,
    published: 0,
    duplicates: 0,
    invalidLines: invalidLines.slice(0, 100),
    sample,
  };
  if (req.preview) return result;
  // Validate every record before publishing any, so a bad line does not leave half an import.
  const withHdrs = prepared.map((r) => ({ ...r, hdrs: toMsgHdrs(r.headers) }));
  try {
    if (req.stream) {
      // Acks in flight at once; each carries `duplicate` when the stream already had the Msg-Id.
      const WINDOW = 256;
      for (let i = 0; i < withHdrs.length; i += WINDOW) {
        const acks = await Promise.all(
          withHdrs.slice(i, i + WINDOW).map(async (r) => {
            // No Nats-Expected-Stream header: it would be stored with the message; the ack names the stream.
            const reply = await nc.request(r.subject, r.data, {
              ...(r.hdrs ? { headers: r.hdrs } : {}),
              timeout: js.timeoutMs,
            });
            const ack = reply.json<{
              stream?: string;
              duplicate?: boolean;
              error?: { description?: string };
            }>();
            if (ack.error) throw new Error(ack.error.description ?? 'JetStream refused the message');
            if (ack.stream !== req.stream) {
              throw new Error(
                `"${r.subject}" was stored in stream ${ack.stream ?? '(none)'}, not ${req.stream}`,
              );
            }
            return ack.duplicate === true;
          }),
        );
        for (const dup of acks) {
          if (dup) result.duplicates++;
          else result.published++;
        }
      }
    } else {
      for (const r of withHdrs) {
        nc.publish(r.subject, r.data, r.hdrs ? { headers: r.hdrs } : undefined);
        result.published++;
      }
      await nc.flush();
    }
  } catch (err) {
    result.error = (err as Error).message;
  }
  return result;
}
