import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface Props {
  title: string;
  /** Escape, and a click on the backdrop when `onBackdrop` is not given. */
  onClose: () => void;
  /** A click outside the dialog; by default nothing, so no form is lost. */
  onBackdrop?: () => void;
  children: ComponentChildren;
  /** `alertdialog` for a confirmation that interrupts (Delete, Disable). */
  role?: 'dialog' | 'alertdialog';
  describedBy?: string;
  wide?: boolean;
}

/**
 * A modal native <dialog>: the browser traps focus inside it, makes the page
 * behind it inert and closes it on Escape (handled here as onClose).
 */
export function Dialog(props: Props) {
  const { title, children, role, describedBy } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const dialog = ref.current!;
    const cancel = (event: Event) => {
      event.preventDefault();
      latest.current.onClose();
    };
    // A click whose target is the <dialog> itself but lands outside its box
    // is a click on the backdrop.
    const click = (event: MouseEvent) => {
      if (event.target !== dialog) return;
      const box = dialog.getBoundingClientRect();
      const inside =
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom;
      if (!inside) latest.current.onBackdrop?.();
    };
    dialog.addEventListener('cancel', cancel);
    dialog.addEventListener('click', click);
    dialog.showModal();
    return () => {
      dialog.removeEventListener('cancel', cancel);
      dialog.removeEventListener('click', click);
      dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={props.wide ? 'dialog wide' : 'dialog'}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
