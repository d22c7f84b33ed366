// Pure helpers of the payload viewer. Payloads are untrusted: everything here returns plain strings or
// plain values that React renders as text, never markup.

export type PayloadView = 'text' | 'json' | 'hex' | 'base64';
export const PAYLOAD_VIEWS: PayloadView[] = ['text', 'json', 'hex', 'base64'];
const VIEW_KEY = 'tern.messages.payloadView';

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** Classic hex dump: offset, 16 bytes in hex, then printable ASCII (others as `.`). */
export function hexDump(bytes: Uint8Array, maxBytes = 64 * 1024): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, maxBytes);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes`);
  return lines.join('\n');
}

/** The parsed JSON value, or the parse error. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The view to open a message with: the remembered choice, unless JSON was chosen and the payload is not JSON. */
export function initialView(kind: 'json' | 'text' | 'binary', remembered: string | null): PayloadView {
  const r = PAYLOAD_VIEWS.includes(remembered as PayloadView) ? (remembered as PayloadView) : null;
  if (r === 'json' && kind !== 'json') return kind === 'binary' ? 'hex' : 'text';
  if (r) return r;
  return kind === 'json' ? 'json' : kind === 'binary' ? 'hex' : 'text';
}

export function rememberedView(): string | null {
  return typeof window === 'undefined' ? null : window.localStorage.getItem(VIEW_KEY);
}

export function rememberView(v: PayloadView): void {
  window.localStorage.setItem(VIEW_KEY, v);
}

/** Whether `text` contains `needle` (case-insensitive); an empty needle matches everything. */
export function matchesSearch(needle: string, ...texts: string[]): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return texts.some((t) => t.toLowerCase().includes(n));
}

/** `datetime-local` input value → ISO string (undefined when empty or invalid). */
export function localToIso(local: string): string | undefined {
  if (!local) return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A positive integer from a text input, else undefined. */
export function parseSeq(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}
