import type { ApiError } from '@tern/contracts';

/** A failed call to the monitor API, carrying its stable error code. */
export class ApiClientError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  constructor(code: string, message: string, status: number, details?: unknown) {
    super(message);
    this.name = 'ApiClientError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token; every mutating request sends it as `x-csrf-token`. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Builds `/api/<path>?<query>`, leaving out empty query values. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api/${path.replace(/^\/+/, '')}${qs ? `?${qs}` : ''}`;
}

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new ApiClientError('NETWORK_ERROR', 'The console server did not answer. Check your connection.', 0);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    if (isApiError(body)) {
      throw new ApiClientError(body.error.code, body.error.message, res.status, body.error.details);
    }
    throw new ApiClientError(`HTTP_${res.status}`, `Request failed with HTTP ${res.status}`, res.status);
  }
  return body as T;
}

/** The only way console code talks to the monitor API. */
export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  del: <T>(path: string) => request<T>('DELETE', path),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  /** A GET whose answer is a document (e.g. YAML), returned as text. */
  text: (path: string, query?: Query, signal?: AbortSignal) => requestText(path, query, signal),
};

async function requestText(path: string, query?: Query, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { credentials: 'same-origin', cache: 'no-store', signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiClientError('NETWORK_ERROR', 'The console server did not answer. Check your connection.', 0);
  }
  const text = await res.text();
  if (!res.ok) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (isApiError(body))
      throw new ApiClientError(body.error.code, body.error.message, res.status, body.error.details);
    throw new ApiClientError(`HTTP_${res.status}`, `Request failed with HTTP ${res.status}`, res.status);
  }
  return text;
}
