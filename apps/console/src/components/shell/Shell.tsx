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

  const onLogout = () =>
    logout.mutate(undefined, {
      onSettled: () => window.location.assign('/login'),
    });

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
              onClick={onLogout}
              disabled={logout.isPending}
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
      {name === 'servers' ? (
        <>
          <rect x="3" y="4" width="18" height="7" rx="1.5" />
          <rect x="3" y="13" width="18" height="7" rx="1.5" />
          <path d="M7 7.5h.01M7 16.5h.01" />
        </>
      ) : (
        <>
          <path d="M9 4h6l4 4v12H5V4h4z" />
          <path d="M9 12h6M9 16h6M9 8h2" />
        </>
      )}
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
