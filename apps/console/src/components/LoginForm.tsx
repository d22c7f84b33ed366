'use client';

import { type FormEvent, useState } from 'react';
import { InlineError } from '@/components/states';
import { ThemeToggle } from '@/components/ThemeToggle';
import { safeNextPath } from '@/lib/redirect';
import { useLogin } from '@/queries/session';

export function LoginForm() {
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!username || !password) return;
    login.mutate(
      { username, password },
      {
        onSuccess: () => {
          const next = new URLSearchParams(window.location.search).get('next');
          // A full navigation, so the session cookie set by the response is sent with the next page.
          window.location.assign(safeNextPath(next));
        },
      },
    );
  };

  return (
    <div className="login-page">
      <div className="login-theme">
        <ThemeToggle />
      </div>
      <form className="login-card" onSubmit={onSubmit} noValidate>
        <div className="login-brand">
          <svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true">
            <path
              d="M2 9c4-1 7 0 10 3 3-3 6-4 10-3-4 1-6 3-8 7l-2-2-2 2c-2-4-4-6-8-7z"
              fill="var(--accent)"
            />
          </svg>
          <h1>Sign in to Tern</h1>
        </div>
        <label className="field">
          <span className="field-label">Username</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            className="input"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {login.isError ? <InlineError error={login.error} testId="login-error" /> : null}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={login.isPending || login.isSuccess || !username || !password}
          data-testid="login-submit"
        >
          {login.isPending || login.isSuccess ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="login-hint">The first start of Tern prints the admin user&apos;s one-time password.</p>
      </form>
    </div>
  );
}
