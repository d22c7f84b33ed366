import { type NextRequest, NextResponse } from 'next/server';

/** Set (HttpOnly) by the monitor on login; forwarded by the /api proxy. */
const SESSION_COOKIE = 'tern_session';

// Pages need a session cookie; without one, go straight to the login page (no flash of the console).
// Whether the session is still valid is up to the monitor: a 401 from the API also leads to /login.
export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const url = request.nextUrl.clone();
  const next = request.nextUrl.pathname + request.nextUrl.search;
  url.pathname = '/login';
  url.search = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except the API proxy, the login page, Next's assets and files with an extension.
  matcher: ['/((?!api/|login|_next/|.*\\.[a-zA-Z0-9]+$).*)'],
};
