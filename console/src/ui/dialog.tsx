import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** `alertdialog` for a confirmation that interrupts (Delete). */
  role?: 'dialog' | 'alertdialog';
  describedBy?: string;
}

/**
 * A modal native <dialog>: the browser traps focus inside it, makes the page
 * behind it inert and closes it on Escape (handled here as onClose).
 */
export function Dialog({ title, onClose, children, role, describedBy }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const dialog = ref.current!;
    const cancel = (event: Event) => {
      event.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    return () => {
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class="dialog"
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
