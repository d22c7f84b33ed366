const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go `time.ParseDuration` string ("1h30m", "500ms", "1.5s", "-2m") into milliseconds.
 * Returns an error text worded as Go's when the string is not a duration.
 */
export function parseGoDuration(text: string): number | { error: string } {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return { error: `time: invalid duration ${quoted}` };
  let total = 0;
  const re = /^(\d*\.?\d*)([a-zµμ]*)/;
  while (s.length > 0) {
    const m = re.exec(s);
    const num = m?.[1] ?? '';
    const unit = m?.[2] ?? '';
    if (num === '' || num === '.') return { error: `time: invalid duration ${quoted}` };
    if (unit === '') return { error: `time: missing unit in duration ${quoted}` };
    const mult = UNIT_MS[unit];
    if (mult === undefined)
      return { error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    total += Number(num) * mult;
    s = s.slice(num.length + unit.length);
  }
  return sign * total;
}

/** Splits "host:port", "[v6]:port", or ":port"; the port may be -1 (pick a free one). */
export function splitHostPort(text: string): { host: string; port: number } | { error: string } {
  const idx = text.lastIndexOf(':');
  if (idx < 0) return { error: `address ${text}: missing port in address` };
  let host = text.slice(0, idx);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return { error: `address ${text}: too many colons in address` };
  const portText = text.slice(idx + 1);
  if (!/^-?\d+$/.test(portText)) return { error: `invalid port ${JSON.stringify(portText)}` };
  return { host, port: Number(portText) };
}

/**
 * Storage sizes as nats-server's JetStream settings accept them: a number of bytes or a string with
 * a K/M/G/T suffix, all powers of 1024 (`getStorageSize`).
 */
export function parseStorageSize(v: unknown): number | { error: string } {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return { error: `expected a size, got ${typeof v}` };
  const m = /^\s*(\d+)\s*([kmgtKMGT]?)[bB]?\s*$/.exec(v);
  if (!m) return { error: `invalid size ${JSON.stringify(v)}` };
  const pow = { '': 0, k: 1, m: 2, g: 3, t: 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * 1024 ** pow;
}
