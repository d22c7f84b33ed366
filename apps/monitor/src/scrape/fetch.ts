/** Fetches `<monitorUrl><path>` as JSON within `timeoutMs`; errors carry a message naming the URL and the cause. */
export async function fetchMonitorJson(
  monitorUrl: string,
  path: string,
  timeoutMs: number,
): Promise<unknown> {
  const url = joinUrl(monitorUrl, path);
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
  } catch (err) {
    throw new ScrapeError(url, describeFetchError(err, timeoutMs));
  }
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
