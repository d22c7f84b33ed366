import type { NextRequest } from 'next/server';
import { env } from '@/env';

// Proxies /api/* to the monitor at request time, so MONITOR_URL is a runtime setting.
// Bodies are streamed both ways: Server-Sent Events pass through unbuffered.

export const dynamic = 'force-dynamic';

/** Connection-level headers (RFC 9110 §7.6.1) and ones fetch recomputes; never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

function requestHeaders(request: NextRequest): Headers {
  const out = new Headers();
  request.headers.forEach((value, name) => {
    // accept-encoding is dropped because fetch decompresses the upstream body itself.
    if (!HOP_BY_HOP.has(name) && name !== 'accept-encoding') out.set(name, value);
  });
  return out;
}

function responseHeaders(upstream: Response): Headers {
  const out = new Headers();
  upstream.headers.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || name === 'content-encoding' || name === 'set-cookie') return;
    out.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append('set-cookie', cookie);
  if (out.get('content-type')?.startsWith('text/event-stream')) {
    // no-transform keeps Next's gzip from buffering the stream.
    out.set('cache-control', 'no-cache, no-transform');
    out.set('x-accel-buffering', 'no');
  }
  return out;
}

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
  const { pathname, search } = request.nextUrl;
  const target = `${env().monitorUrl}${pathname}${search}`;
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: requestHeaders(request),
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
    headers: responseHeaders(upstream),
  });
}

export const GET = proxy;
export const HEAD = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;
export const OPTIONS = proxy;
