// Parsing and printing of the durations and sizes people type into JetStream forms.
// JetStream's JSON API counts durations in nanoseconds and sizes in bytes; -1 means "unlimited".

const NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86_400e9,
};

/**
 * A Go-style duration ("90s", "1h30m", "2d", "500ms") or a bare number of seconds, in nanoseconds.
 * Empty and "0" are 0. Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (s === '' || s === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1e9);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * NS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === s.length && end > 0 ? Math.round(total) : undefined;
}

const PRINT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400e9],
  ['h', 3600e9],
  ['m', 60e9],
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
  ['ns', 1],
];

/** Nanoseconds as the shortest exact duration text: 5400e9 → "1h30m", 0 → "0". */
export function formatDurationNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns) || ns <= 0) return '0';
  let rest = Math.round(ns);
  let out = '';
  for (const [unit, size] of PRINT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

const BYTES: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * A size such as "512", "64KiB", "1.5GB" or "-1" (unlimited) in bytes; units are binary, as in the
 * nats CLI. Empty means unlimited (-1). Returns undefined when the text is not a size.
 */
export function parseBytes(text: string): number | undefined {
  const s = text.trim().toLowerCase().replace(/\s+/g, '');
  if (s === '' || s === '-1' || s === 'unlimited') return -1;
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(s);
  if (!m) return undefined;
  const unit = BYTES[m[2] || 'b'];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}

/** Bytes as the text the form shows: -1 → "" (unlimited), exact binary units when they fit. */
export function formatBytesInput(n: number | null | undefined): string {
  if (n === null || n === undefined || n < 0) return '';
  for (const [unit, size] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return String(n);
}

/** An integer limit where empty or -1 means unlimited. Returns undefined for anything else that is not a whole number ≥ -1. */
export function parseLimit(text: string): number | undefined {
  const s = text.trim();
  if (s === '' || s === '-1') return -1;
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A limit as form text: -1 and absent → "" (unlimited). */
export function formatLimit(n: number | null | undefined): string {
  return n === null || n === undefined || n < 0 ? '' : String(n);
}
