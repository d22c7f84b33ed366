import type { CreateTargetRequest } from '@tern/contracts';

// Client-side checks of the "Add target" form. The monitor validates again; these only save a round trip
// and point at the field at fault. TARGET_NAME_PATTERN mirrors CreateTargetRequest (a test keeps them equal).

export const TARGET_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9 ._-]*$';
export const TARGET_NAME_MAX = 100;

export type AuthMode = 'none' | 'token' | 'userpass' | 'nkey' | 'creds';

/** The form's raw field values. URLs are comma-, space- or newline-separated. */
export interface TargetFormValues {
  name: string;
  monitorUrls: string;
  natsUrls: string;
  auth: AuthMode;
  token: string;
  user: string;
  pass: string;
  /** An NKey user seed (`SU…`). */
  nkeySeed: string;
  /** The contents of a `.creds` file. */
  creds: string;
  skipValidation: boolean;
}

export type TargetFormErrors = Partial<
  Record<'name' | 'monitorUrls' | 'natsUrls' | 'token' | 'user' | 'pass' | 'nkeySeed' | 'creds', string>
>;

export const emptyTargetForm: TargetFormValues = {
  name: '',
  monitorUrls: '',
  natsUrls: '',
  auth: 'none',
  token: '',
  user: '',
  pass: '',
  nkeySeed: '',
  creds: '',
  skipValidation: false,
};

// Limits of TargetCredentials in the contract.
const NKEY_SEED_MAX = 200;
const CREDS_MAX = 20_000;
// An encoded seed is base32 (RFC 4648, no padding); a user seed starts with 'S' (seed) then 'U' (user).
const USER_SEED = /^SU[A-Z2-7]+$/;

/** A block of a `.creds` file, e.g. `-----BEGIN NATS USER JWT-----` … `------END NATS USER JWT------`. */
function credsBlock(text: string, label: string): string | null {
  const m = new RegExp(`-{3,}BEGIN ${label}-{3,}\\r?\\n([\\s\\S]*?)\\r?\\n-{3,}END ${label}-{3,}`).exec(text);
  return m?.[1]?.trim() || null;
}

/** What is wrong with a pasted user seed, or null. Messages never repeat the secret. */
export function nkeySeedError(seed: string): string | null {
  const s = seed.trim();
  if (!s) return 'Paste the user NKey seed, or choose another authentication.';
  if (s.length > NKEY_SEED_MAX) return `At most ${NKEY_SEED_MAX} characters.`;
  if (!s.startsWith('SU')) return 'A user NKey seed starts with "SU".';
  if (!USER_SEED.test(s)) return 'A seed has only the letters A–Z and digits 2–7.';
  return null;
}

/** What is wrong with the contents of a `.creds` file, or null. Messages never repeat the secret. */
export function credsError(creds: string): string | null {
  if (!creds.trim()) return 'Paste the contents of the .creds file or choose the file.';
  if (creds.length > CREDS_MAX) return `At most ${CREDS_MAX} characters.`;
  const jwt = credsBlock(creds, 'NATS USER JWT');
  const seed = credsBlock(creds, 'USER NKEY SEED');
  if (!jwt) return 'The file has no "BEGIN NATS USER JWT" block.';
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jwt)) return 'The user JWT block does not hold a JWT.';
  if (!seed) return 'The file has no "BEGIN USER NKEY SEED" block.';
  if (!seed.startsWith('SU')) return 'The NKey seed block does not hold a user seed (SU…).';
  return null;
}

/** Splits a list of URLs typed by a person. */
export function splitList(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

function badUrl(raw: string, protocols: readonly string[]): boolean {
  try {
    const u = new URL(raw);
    return !protocols.includes(u.protocol) || u.hostname === '';
  } catch {
    return true;
  }
}

const MONITOR_PROTOCOLS = ['http:', 'https:'];
const NATS_PROTOCOLS = ['nats:', 'tls:', 'ws:', 'wss:'];

/** Field errors; an empty object means the form can be sent. */
export function validateTargetForm(v: TargetFormValues): TargetFormErrors {
  const errors: TargetFormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = 'Name is required.';
  else if (name.length > TARGET_NAME_MAX) errors.name = `At most ${TARGET_NAME_MAX} characters.`;
  else if (!new RegExp(TARGET_NAME_PATTERN).test(name))
    errors.name = 'Letters, digits, spaces, dots, dashes and underscores; start with a letter or digit.';

  const monitorUrls = splitList(v.monitorUrls);
  const badMonitor = monitorUrls.find((u) => badUrl(u, MONITOR_PROTOCOLS));
  if (monitorUrls.length === 0) errors.monitorUrls = 'At least one monitoring URL is required.';
  else if (badMonitor) errors.monitorUrls = `Not an http(s) URL: ${badMonitor}`;

  const badNats = splitList(v.natsUrls).find((u) => badUrl(u, NATS_PROTOCOLS));
  if (badNats) errors.natsUrls = `Not a nats://, tls://, ws:// or wss:// URL: ${badNats}`;

  if (v.auth === 'token' && !v.token) errors.token = 'Enter the token, or choose no authentication.';
  if (v.auth === 'userpass') {
    if (!v.user) errors.user = 'User is required.';
    if (!v.pass) errors.pass = 'Password is required.';
  }
  if (v.auth === 'nkey') {
    const e = nkeySeedError(v.nkeySeed);
    if (e) errors.nkeySeed = e;
  }
  if (v.auth === 'creds') {
    const e = credsError(v.creds);
    if (e) errors.creds = e;
  }
  return errors;
}

/** The API request for a valid form. */
export function toCreateTargetRequest(v: TargetFormValues): CreateTargetRequest {
  const req: CreateTargetRequest = {
    name: v.name.trim(),
    monitorUrls: splitList(v.monitorUrls),
    natsUrls: splitList(v.natsUrls),
  };
  if (v.auth === 'token') req.credentials = { token: v.token };
  if (v.auth === 'userpass') req.credentials = { user: v.user, pass: v.pass };
  if (v.auth === 'nkey') req.credentials = { nkeySeed: v.nkeySeed.trim() };
  if (v.auth === 'creds') req.credentials = { creds: v.creds };
  if (v.skipValidation) req.skipValidation = true;
  return req;
}
