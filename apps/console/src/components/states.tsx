import type { ReactNode } from 'react';
import { ApiClientError } from '@/api/client';

/** Placeholder while data loads. */
export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** Shown when a list has nothing in it; `children` is the way forward. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children ? <div className="state-body">{children}</div> : null}
    </div>
  );
}

/** The message and stable code of an API error, as plain text. */
export function errorText(error: unknown): { code: string | null; message: string } {
  if (error instanceof ApiClientError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: null, message: error.message };
  return { code: null, message: 'Something went wrong.' };
}

/** A failed load, with a retry button. */
export function ErrorState({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const { code, message } = errorText(error);
  return (
    <div className="state state-error" role="alert">
      <strong>{title ?? 'Could not load this data'}</strong>
      <div className="state-body">
        {message}
        {code ? <code className="error-code">{code}</code> : null}
      </div>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** An inline error under a form or in a banner. */
export function InlineError({ error, testId }: { error: unknown; testId?: string }) {
  const { code, message } = errorText(error);
  return (
    <div className="inline-error" role="alert" data-testid={testId}>
      {message}
      {code ? <code className="error-code">{code}</code> : null}
    </div>
  );
}
