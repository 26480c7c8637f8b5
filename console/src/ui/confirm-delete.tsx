import { useId, useState } from 'preact/hooks';
import { Alert, messageOf } from './alert';
import { Dialog } from './dialog';

interface Props {
  title: string;
  message: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Delete asks first, in a dialog of role alertdialog (SPEC §10). */
export function ConfirmDelete({ title, message, onConfirm, onClose }: Props) {
  const messageId = useId();
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } catch (error) {
      setAlert(messageOf(error));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      role="alertdialog"
      describedBy={messageId}
      onClose={onClose}
    >
      <p id={messageId}>{message}</p>
      <Alert message={alert} />
      <div class="actions">
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => void confirm()}
        >
          Delete
        </button>
        <button type="button" onClick={onClose} autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
