import type { MessageHeader, PayloadKind } from '@tern/contracts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Classifies a payload for display: valid JSON, valid UTF-8 text, or binary. */
export function payloadKind(data: Uint8Array): PayloadKind {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    return 'binary';
  }
  // Control characters other than whitespace mean the bytes are not meant as text.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return 'binary';
  const t = text.trim();
  if (t.length > 0 && (t[0] === '{' || t[0] === '[' || t[0] === '"')) {
    try {
      JSON.parse(t);
      return 'json';
    } catch {
      // text
    }
  }
  return 'text';
}

/** The first `max` characters of the payload as text (binary as hex), for lists and search. */
export function payloadPreview(data: Uint8Array, kind: PayloadKind, max = 512): string {
  if (kind === 'binary') return Buffer.from(data.subarray(0, Math.ceil(max / 2))).toString('hex');
  return Buffer.from(data.subarray(0, max * 4))
    .toString('utf8')
    .slice(0, max);
}

/**
 * Parses a NATS header block (`NATS/1.0\r\nKey: value\r\n…\r\n\r\n`) into ordered pairs, keeping
 * repeated keys and their case. The status line is not a header.
 */
export function parseHeaderBlock(raw: Uint8Array | undefined): MessageHeader[] {
  if (!raw || raw.length === 0) return [];
  const lines = Buffer.from(raw).toString('utf8').split('\r\n');
  const out: MessageHeader[] = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out.push([line.slice(0, i), line.slice(i + 1).trim()]);
  }
  return out;
}

/** Encodes pairs as a header block; empty when there are none. */
export function encodeHeaderBlock(headers: MessageHeader[]): Uint8Array {
  if (headers.length === 0) return new Uint8Array(0);
  let s = 'NATS/1.0\r\n';
  for (const [k, v] of headers) s += `${k}: ${v}\r\n`;
  return Buffer.from(`${s}\r\n`, 'utf8');
}

/** Why a header pair cannot be sent (CR/LF would inject lines, `:` would split the key), or null. */
export function headerProblem([k, v]: MessageHeader): string | null {
  if (!/^[!-9;-~]+$/.test(k)) return `header name "${k}" must be printable ASCII without spaces or ":"`;
  if (/[\r\n]/.test(v)) return `header "${k}" must not contain a line break`;
  return null;
}
