'use client';

import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { InlineError } from '@/components/states';
import { useDeleteTarget } from '@/queries/targets';

interface Props {
  target: { id: string; name: string };
  onClose: () => void;
  onRemoved: (name: string) => void;
}

/** Removing a target needs its name typed out, so a misclick cannot do it. */
export function RemoveTargetDialog({ target, onClose, onRemoved }: Props) {
  const remove = useDeleteTarget();
  const [typed, setTyped] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const matches = typed === target.name;
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!matches) return;
    remove.mutate(target.id, { onSuccess: () => onRemoved(target.name) });
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
      data-testid="remove-target-dialog"
    >
      <form onSubmit={onSubmit}>
        <h2 id={`${id}-title`}>Remove target</h2>
        <p>
          Tern stops monitoring <strong>{target.name}</strong>. The servers themselves are not touched. This
          is recorded in the audit log.
        </p>
        <label className="field" htmlFor={`${id}-confirm`}>
          <span className="field-label">
            Type <code>{target.name}</code> to confirm
          </span>
          <input
            id={`${id}-confirm`}
            className="input"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-testid="remove-target-confirm-input"
          />
        </label>
        {remove.isError ? <InlineError error={remove.error} testId="remove-target-error" /> : null}
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-danger"
            disabled={!matches || remove.isPending}
            data-testid="remove-target-confirm"
          >
            {remove.isPending ? 'Removing…' : 'Remove target'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
