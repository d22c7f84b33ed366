import type { CreateTargetRequest } from '@tern/contracts';

// Client-side checks of the "Add target" form. The monitor validates again; these only save a round trip
// and point at the field at fault. TARGET_NAME_PATTERN mirrors CreateTargetRequest (a test keeps them equal).

export const TARGET_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9 ._-]*$';
export const TARGET_NAME_MAX = 100;

export type AuthMode = 'none' | 'token' | 'userpass';

/** The form's raw field values. URLs are comma-, space- or newline-separated. */
export interface TargetFormValues {
  name: string;
  monitorUrls: string;
  natsUrls: string;
  auth: AuthMode;
  token: string;
  user: string;
  pass: string;
  skipValidation: boolean;
}

export type TargetFormErrors = Partial<
  Record<'name' | 'monitorUrls' | 'natsUrls' | 'token' | 'user' | 'pass', string>
>;

export const emptyTargetForm: TargetFormValues = {
  name: '',
  monitorUrls: '',
  natsUrls: '',
  auth: 'none',
  token: '',
  user: '',
  pass: '',
  skipValidation: false,
};

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
  if (v.skipValidation) req.skipValidation = true;
  return req;
}
