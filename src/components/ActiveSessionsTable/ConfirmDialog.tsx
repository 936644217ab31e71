import { useId, useLayoutEffect, useRef } from 'react';
import type { KeyboardEvent, SyntheticEvent } from 'react';
import type { ConfirmRequest } from './confirmRequest';

/** Props of `<ConfirmDialog>`. */
export interface ConfirmDialogProps {
  request: ConfirmRequest;
  cancelLabel: string;
  /** Called once, with `true` to go ahead. */
  onResult: (confirmed: boolean) => void;
}

/**
 * A modal `<dialog>` asking to confirm a sign-out. Focus starts on Cancel (the safe choice),
 * Escape cancels, and the caller restores focus afterwards.
 */
export function ConfirmDialog({ request, cancelLabel, onResult }: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const settled = useRef(false);
  // Set while our own cleanup closes the dialog: that close is no answer.
  const closingItself = useRef(false);
  const titleId = useId();
  const bodyId = useId();

  const settle = (confirmed: boolean) => {
    if (settled.current) return;
    settled.current = true;
    onResult(confirmed);
  };

  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    closingItself.current = false;
    // showModal makes the rest of the page inert and traps focus where the engine supports it.
    if (typeof dialog.showModal === 'function' && !dialog.open) {
      try {
        dialog.showModal();
      } catch {
        dialog.setAttribute('open', '');
      }
    } else if (!dialog.open) {
      dialog.setAttribute('open', '');
    }
    cancelRef.current?.focus();
    return () => {
      closingItself.current = true;
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      settle(false);
    }
  };
  // The engine's own Escape handling (and close requests) land here.
  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    event.preventDefault();
    settle(false);
  };

  return (
    <dialog
      ref={dialogRef}
      className="rds-dialog"
      data-state="open"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      // A close the engine did on its own (engines fire it sync or async; after
      // StrictMode's re-open the dialog is open again).
      onClose={() => {
        if (!closingItself.current && !dialogRef.current?.open) settle(false);
      }}
    >
      <h2 id={titleId} className="rds-dialog-title">
        {request.title}
      </h2>
      <p id={bodyId} className="rds-dialog-body">
        {request.description}
      </p>
      <div className="rds-dialog-actions">
        <button
          ref={cancelRef}
          type="button"
          className="rds-button rds-dialog-cancel"
          onClick={() => settle(false)}
        >
          {cancelLabel}
        </button>
        <button
          type="button"
          className="rds-button rds-button-danger rds-dialog-confirm"
          onClick={() => settle(true)}
        >
          {request.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
