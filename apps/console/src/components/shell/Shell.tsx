'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { ApiClientError } from '@/api/client';
import { ErrorState, LoadingState } from '@/components/states';
import { ThemeToggle } from '@/components/ThemeToggle';
import { useLogout, useSession } from '@/queries/session';
import { isActive, NAV, type NavItem } from './nav';

/** The signed-in frame: sidebar, header with user and theme, and the page. */
export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const pathname = usePathname();
  const logout = useLogout();

  let body: ReactNode;
  if (session.isPending) body = <LoadingState label="Checking your session…" />;
  else if (session.isError) {
    body =
      session.error instanceof ApiClientError && session.error.status === 401 ? (
        <LoadingState label="Redirecting to sign in…" />
      ) : (
        <ErrorState
          title="The console cannot reach the monitor"
          error={session.error}
          onRetry={() => session.refetch()}
        />
      );
  } else body = children;

  return (
    <div className="shell">
      <aside className="sidebar">
        <Link href="/" className="brand" aria-label="Tern home">
          <TernMark />
          <span>Tern</span>
        </Link>
        <nav aria-label="Main">
          {NAV.map((section) => (
            <div className="nav-section" key={section.title}>
              <div className="nav-section-title">{section.title}</div>
              {section.items.map((item) => (
                <NavLink key={item.href} item={item} active={isActive(item.href, pathname)} />
              ))}
            </div>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="topbar-spacer" />
          {session.data ? (
            <div className="user" data-testid="current-user">
              <span className="user-name">{session.data.user.username}</span>
              <span className="role-badge">{session.data.user.role}</span>
            </div>
          ) : null}
          <ThemeToggle />
          {session.data ? (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => logout.mutate()}
              disabled={!logout.isIdle}
              data-testid="logout"
            >
              Sign out
            </button>
          ) : null}
        </header>
        <main className="content">{body}</main>
      </div>
    </div>
  );
}

function NavLink({ item, active }: { item: NavItem; active: boolean }) {
  return (
    <Link
      href={item.href}
      className={`nav-link${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
      data-testid={item.testId}
    >
      <NavIcon name={item.icon} />
      {item.label}
    </Link>
  );
}

/** Line icons (24×24 grid, stroked with currentColor) for the sidebar. */
const ICON_PATHS: Record<NavItem['icon'], ReactNode> = {
  overview: <path d="M4 19V11M10 19V5M16 19v-6M22 19H2" />,
  servers: (
    <>
      <rect x="3" y="4" width="18" height="7" rx="1.5" />
      <rect x="3" y="13" width="18" height="7" rx="1.5" />
      <path d="M7 7.5h.01M7 16.5h.01" />
    </>
  ),
  topology: (
    <>
      <circle cx="12" cy="5" r="2.5" />
      <circle cx="5" cy="19" r="2.5" />
      <circle cx="19" cy="19" r="2.5" />
      <path d="M10.8 7.2 6.2 16.8M13.2 7.2l4.6 9.6M7.5 19h9" />
    </>
  ),
  connections: <path d="M4 12h4l3-7 3 14 3-7h3" />,
  subjects: <path d="M5 4v16M5 8h6M5 14h6M11 8h8M11 14h8M11 20h8M11 14v6" />,
  streams: <path d="M3 7c3-3 6 3 9 0s6 3 9 0M3 12c3-3 6 3 9 0s6 3 9 0M3 17c3-3 6 3 9 0s6 3 9 0" />,
  consumers: (
    <>
      <circle cx="12" cy="12" r="8" />
      <path d="M12 7v5l3 2" />
    </>
  ),
  messages: <path d="M4 5h16v11H9l-5 4V5z" />,
  manage: (
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1" />
    </>
  ),
  kv: (
    <>
      <circle cx="8" cy="12" r="4" />
      <path d="M12 12h9M18 12v3M21 12v2" />
    </>
  ),
  objects: <path d="M3 7l9-4 9 4-9 4-9-4zM3 7v10l9 4 9-4V7M12 11v10" />,
  config: <path d="M8 6l-5 6 5 6M16 6l5 6-5 6M14 4l-4 16" />,
  accounts: (
    <>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.5 20c.8-3.5 3.4-5.5 6.5-5.5s5.7 2 6.5 5.5M16 4.5a3.5 3.5 0 0 1 0 7M18.5 14.8c1.6.8 2.6 2.6 3 5.2" />
    </>
  ),
  audit: (
    <>
      <path d="M9 4h6l4 4v12H5V4h4z" />
      <path d="M9 12h6M9 16h6M9 8h2" />
    </>
  ),
  users: (
    <>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21c1-4 4-6 8-6s7 2 8 6" />
    </>
  ),
  tokens: (
    <>
      <rect x="3" y="10" width="18" height="11" rx="2" />
      <path d="M7 10V7a5 5 0 0 1 10 0v3" />
    </>
  ),
};

function NavIcon({ name }: { name: NavItem['icon'] }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      {ICON_PATHS[name]}
    </svg>
  );
}

function TernMark() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M2 9c4-1 7 0 10 3 3-3 6-4 10-3-4 1-6 3-8 7l-2-2-2 2c-2-4-4-6-8-7z" fill="var(--accent)" />
    </svg>
  );
}
