/** Fetches `<monitorUrl><path>` as JSON within `timeoutMs`; errors carry a message naming the URL and the cause. */
export async function fetchMonitorJson(
  monitorUrl: string,
  path: string,
  timeoutMs: number,
): Promise<unknown> {
  const url = joinUrl(monitorUrl, path);
  const res = await fetchOnce(url, timeoutMs);
  if (!res.ok) {
    await res.body?.cancel();
    throw new ScrapeError(url, `HTTP ${res.status} ${res.statusText}`.trim());
  }
  try {
    return await res.json();
  } catch {
    throw new ScrapeError(url, 'the response is not JSON (is this a NATS monitoring port?)');
  }
}

/** A failed scrape of one URL. `reason` is short and human-readable (e.g. `connection refused`). */
export class ScrapeError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
    this.name = 'ScrapeError';
  }
}

// A kept-alive socket the server closed meanwhile (e.g. it restarted) fails the request without saying
// anything about the server: such a failure is retried once on a fresh connection.
async function fetchOnce(url: string, timeoutMs: number): Promise<Response> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, { signal, headers: { accept: 'application/json' } });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (attempt === 0 && code === 'UND_ERR_SOCKET' && !signal.aborted) continue;
      throw new ScrapeError(url, describeFetchError(err, timeoutMs));
    }
  }
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return e.cause?.message ?? e.message;
}

/** Reads `/healthz`, whose 503 answer still carries a JSON body naming the problem. */
export async function fetchHealthz(
  monitorUrl: string,
  timeoutMs: number,
): Promise<{ status: string; error?: string }> {
  const url = joinUrl(monitorUrl, '/healthz');
  const res = await fetchOnce(url, timeoutMs);
  if (res.status === 404) {
    await res.body?.cancel();
    throw new ScrapeError(url, 'HTTP 404 Not Found');
  }
  const text = await res.text().catch(() => '');
  let body: { status?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // a plain-text answer still says something through the status code
  }
  const status = typeof body.status === 'string' ? body.status : res.ok ? 'ok' : `HTTP ${res.status}`;
  const error =
    typeof body.error === 'string' ? body.error : res.ok ? undefined : text.slice(0, 200) || undefined;
  return error === undefined ? { status } : { status, error };
}
