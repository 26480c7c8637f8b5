import { useId, useState } from 'preact/hooks';
import { Alert, messageOf } from './alert';
import { Dialog } from './dialog';

interface Props {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}

/**
 * A question that interrupts, of role alertdialog: Delete, Disable, Sign Out
 * Everywhere, Close without copying? (SPEC §10, §21). Focus starts on the
 * harmless answer, so Enter never destroys anything.
 */
export function Confirm(props: Props) {
  const messageId = useId();
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } catch (error) {
      setAlert(messageOf(error));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={props.title}
      role="alertdialog"
      describedBy={messageId}
      onClose={props.onClose}
    >
      <p id={messageId}>{props.message}</p>
      <Alert message={alert} />
      <div class="actions">
        <button
          type="button"
          class={props.danger === false ? 'primary' : 'danger'}
          disabled={busy}
          onClick={() => void confirm()}
        >
          {props.confirmLabel}
        </button>
        <button type="button" onClick={props.onClose} autofocus>
          {props.cancelLabel ?? 'Cancel'}
        </button>
      </div>
    </Dialog>
  );
}
