import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { ServerError } from './feedback.js';

/** A native modal `<dialog>`: focus stays inside, Escape closes, focus goes back to the opener after. */
export function ModalFrame({
  labelledBy,
  className = 'dialog',
  onClose,
  children,
}: {
  labelledBy: string;
  className?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => opener?.focus();
  }, []);
  return (
    <dialog
      ref={dialog}
      className={className}
      aria-labelledby={labelledBy}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {children}
    </dialog>
  );
}

/** A modal form: `onSubmit` runs on Enter or the primary button, a refusal shows in place. */
export function Dialog({
  title,
  children,
  onClose,
  onSubmit,
  submitLabel,
  submitTone = 'primary',
  pending,
  disabled,
  error,
}: {
  title: ReactNode;
  children: ReactNode;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  submitTone?: 'primary' | 'danger';
  pending: boolean;
  disabled?: boolean;
  error?: unknown;
}) {
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pending && !disabled) onSubmit();
  };
  return (
    <ModalFrame labelledBy={`${id}-title`} className="dialog dialog-small" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <header className="dialog-header">
          <h2 id={`${id}-title`}>{title}</h2>
        </header>
        {children}
        <ServerError error={error} />
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`button button-${submitTone}`} disabled={pending || disabled}>
            {pending ? 'Working…' : submitLabel}
          </button>
        </footer>
      </form>
    </ModalFrame>
  );
}

/** "Delete X?" with the consequences spelled out; nothing happens until the operator confirms. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  error?: unknown;
}) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={onConfirm}
      submitLabel={confirmLabel}
      submitTone="danger"
      pending={pending}
      error={error}
    >
      <div className="dialog-body">{children}</div>
    </Dialog>
  );
}
