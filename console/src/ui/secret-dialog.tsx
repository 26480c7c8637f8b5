import { useId, useRef, useState } from 'preact/hooks';
import { Confirm } from './confirm';
import { Dialog } from './dialog';

interface Props {
  /** The dialog's title and the textbox's label: "New API Key". */
  title: string;
  /** One secret (a key) or several (recovery codes). */
  secret: string | string[];
  warning: string;
  onDone: () => void;
}

/**
 * A secret shown once (a new or rotated key, recovery codes). It lives only in
 * this dialog's props, never anywhere else in the browser. Until it has been
 * copied, Escape, a click on the backdrop and Done ask first (SPEC §21).
 */
export function SecretDialog({ title, secret, warning, onDone }: Props) {
  const id = useId();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState(false);
  const [note, setNote] = useState('');
  const [asking, setAsking] = useState(false);
  const text = Array.isArray(secret) ? secret.join('\n') : secret;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setNote('Copied to the clipboard.');
    } catch {
      field.current?.select();
      setNote('Selected: press Ctrl+C to copy.');
    }
  };
  const leave = () => (copied ? onDone() : setAsking(true));

  return (
    <>
      <Dialog title={title} onClose={leave} onBackdrop={leave}>
        <div class="field">
          <label for={id}>{title}</label>
          <div class="copy-row">
            {Array.isArray(secret) ? (
              <textarea
                id={id}
                ref={field}
                class="secret"
                readOnly
                rows={secret.length}
                value={text}
                onCopy={() => setCopied(true)}
              />
            ) : (
              <input
                id={id}
                ref={field}
                class="secret"
                type="text"
                readOnly
                value={text}
                onFocus={(e) => e.currentTarget.select()}
                onCopy={() => setCopied(true)}
              />
            )}
            <button type="button" onClick={() => void copy()}>
              Copy
            </button>
          </div>
        </div>
        <p class="warning">{warning}</p>
        <p role="status" class="hint">
          {note}
        </p>
        <div class="actions">
          <button type="button" class="primary" onClick={leave}>
            Done
          </button>
        </div>
      </Dialog>
      {asking && (
        <Confirm
          title="Close without copying?"
          message="Once this dialog closes, the secret cannot be shown again."
          confirmLabel="Close"
          cancelLabel="Keep Open"
          onConfirm={onDone}
          onClose={() => setAsking(false)}
        />
      )}
    </>
  );
}
