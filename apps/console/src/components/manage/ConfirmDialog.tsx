'use client';

import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ErrorBox } from './ErrorBox';

interface Props {
  title: string;
  children: ReactNode;
  /** What must be typed to enable the button; null for a plain confirmation. */
  confirmText: string | null;
  actionLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/** A destructive action outside JetStream (users, tokens): typed confirmation, then the action. */
export function ConfirmDialog({
  title,
  children,
  confirmText,
  actionLabel,
  pending,
  error,
  onConfirm,
  onClose,
}: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const id = useId();
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const ok = confirmText === null || typed === confirmText;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (ok && !pending) onConfirm();
  };
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      data-testid="confirm-dialog"
    >
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="dialog-text">{children}</div>
        {confirmText !== null ? (
          <label className="field" htmlFor={`${id}-confirm`}>
            <span className="field-label">
              Type <code className="confirm-text">{confirmText}</code> to confirm
            </span>
            <input
              id={`${id}-confirm`}
              className="input mono"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              data-testid="confirm-input"
            />
          </label>
        ) : null}
        {error ? <ErrorBox error={error} testId="confirm-error" /> : null}
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-danger"
            disabled={!ok || pending}
            data-testid="confirm-submit"
          >
            {pending ? 'Working…' : actionLabel}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A secret shown once (generated password, API token), with a copy button. */
export function SecretBox({
  label,
  secret,
  testId,
  onDismiss,
}: {
  label: string;
  secret: string;
  testId: string;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-box" role="status" data-testid={testId}>
      <strong>{label}</strong>
      <span className="muted">Shown only now. Copy it somewhere safe.</span>
      <code data-testid={`${testId}-value`}>{secret}</code>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}
