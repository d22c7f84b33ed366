import type { NextRequest } from 'next/server';
import { env } from '@/env';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '@/lib/proxyHeaders';

// Proxies /api/* to the monitor at request time, so MONITOR_URL is a runtime setting.
// Bodies are streamed both ways: Server-Sent Events pass through unbuffered.
// The browser's address reaches the monitor as X-Forwarded-For set here, never as the browser sent it
// (see src/lib/proxyHeaders.ts and the /api branch of src/proxy.ts).

export const dynamic = 'force-dynamic';

function unreachable(): Response {
  const body = {
    error: {
      code: 'MONITOR_UNREACHABLE',
      message: 'The console cannot reach the monitor API. Is it running?',
      statusCode: 502,
    },
  };
  return Response.json(body, { status: 502 });
}

async function proxy(request: NextRequest): Promise<Response> {
  const { monitorUrl, trustedProxies } = env();
  const { pathname, search } = request.nextUrl;
  const target = `${monitorUrl}${pathname}${search}`;
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: upstreamRequestHeaders(request.headers, trustedProxies),
      body: hasBody ? request.body : undefined,
      // Required by Node's fetch for a streamed request body.
      duplex: hasBody ? 'half' : undefined,
      redirect: 'manual',
      cache: 'no-store',
      signal: request.signal,
    } as RequestInit & { duplex?: 'half' });
  } catch (err) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error(`[console] proxy ${request.method} ${target} failed:`, err);
    return unreachable();
  }
  const nullBody = request.method === 'HEAD' || [101, 204, 205, 304].includes(upstream.status);
  return new Response(nullBody ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: downstreamResponseHeaders(upstream.headers),
  });
}

export const GET = proxy;
export const HEAD = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;
export const OPTIONS = proxy;
