import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/env';

/** Set (HttpOnly) by the monitor on login; forwarded by the /api proxy. */
const SESSION_COOKIE = 'tern_session';

export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith('/api/')) return dropBrowserForwardedFor(request);
  // Pages need a session cookie; without one, go straight to the login page (no flash of the console).
  // Whether the session is still valid is up to the monitor: a 401 from the API also leads to /login.
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const url = request.nextUrl.clone();
  const next = request.nextUrl.pathname + request.nextUrl.search;
  url.pathname = '/login';
  url.search = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

// Next sets X-Forwarded-For to the socket's peer only when a request has none (`??=`), and route handlers
// cannot see the socket, so an /api request that brings its own header is stripped of it here and Next then
// fills in the real peer before the route handler runs. Behind trusted proxies (CONSOLE_TRUSTED_PROXIES)
// the header is theirs and stays; the route handler picks the browser's entry from it.
function dropBrowserForwardedFor(request: NextRequest) {
  if (env().trustedProxies > 0) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.delete('x-forwarded-for');
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    // Pages: everything except the API proxy, the login page, Next's assets and files with an extension.
    '/((?!api/|login|_next/|.*\\.[a-zA-Z0-9]+$).*)',
    // The API proxy, only when the request carries X-Forwarded-For: running a proxy buffers request bodies.
    { source: '/api/:path*', has: [{ type: 'header', key: 'x-forwarded-for' }] },
  ],
};
