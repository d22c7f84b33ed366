/** Where to go after signing in: the `next` parameter when it is a path on this site, else home. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/api/')) return '/';
  return next;
}

/** The console's full-page trips to the login page: at most one per page load, so two never race. */
export interface LoginRedirects {
  /** A sign-out has started: a 401 from here on is expected and does not redirect by itself. */
  signingOut(): void;
  /** The sign-out request is over, whatever its answer: go to the login page. */
  signedOut(): void;
  /** The API answered 401 on this page: go to the login page, and back here after signing in. */
  unauthorized(at: { pathname: string; search: string }): void;
}

/** Builds the redirects over `go`, which starts a full navigation (injected so tests can count them). */
export function createLoginRedirects(go: (url: string) => void): LoginRedirects {
  let signingOut = false;
  let leaving = false;
  const leave = (url: string) => {
    if (leaving) return;
    leaving = true;
    go(url);
  };
  return {
    signingOut: () => {
      signingOut = true;
    },
    signedOut: () => leave('/login'),
    unauthorized: ({ pathname, search }) => {
      // On the login page a 401 is the expected answer; redirecting would reload it over and over.
      if (signingOut || pathname === '/login') return;
      const next = pathname + search;
      leave(next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
    },
  };
}

/** This page's redirects; replace() keeps the page being left out of the history. */
export const loginRedirects = createLoginRedirects((url) => window.location.replace(url));
