import { useId, useRef, useState } from 'preact/hooks';
import { Dialog } from './dialog';

/**
 * The plaintext key, shown once. It lives only in this dialog's props: Done
 * drops it, and it is never stored anywhere in the browser.
 */
export function NewKeyDialog(props: { secret: string; onDone: () => void }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied('Selected: press Ctrl+C to copy.');
    }
  };
  return (
    <Dialog title="New API Key" onClose={props.onDone}>
      <div class="field">
        <label for={id}>New API Key</label>
        <div class="copy-row">
          <input
            id={id}
            ref={input}
            class="secret"
            type="text"
            readOnly
            value={props.secret}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" onClick={() => void copy()}>
            Copy
          </button>
        </div>
      </div>
      <p class="warning">
        Copy this key now and keep it somewhere safe: it will not be shown
        again.
      </p>
      <p role="status" class="hint">
        {copied}
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onDone}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
