import { useState } from 'preact/hooks';
import { passkeyTrouble } from '../webauthn';
import { Alert } from './alert';
import { Field } from './fields';

interface Props {
  /** What the server accepts: "totp", "passkey", "recovery_code". */
  methods: string[];
  /** Sends the code; throws the refusal. */
  onCode: (code: string) => Promise<void>;
  /** Asks the browser for a passkey and sends its answer; throws the refusal. */
  onPasskey: () => Promise<void>;
  /** The refusal in words (a lockout says when to retry). */
  refusal: (error: unknown) => string;
}

/**
 * A second factor: a textbox "Authentication Code" with "Verify" (an
 * authenticator app's code or a recovery code), and "Use Passkey" when
 * the person has one (SPEC §18). Used to sign in and to step up.
 */
export function SecondFactor({ methods, onCode, onPasskey, refusal }: Props) {
  const [code, setCode] = useState('');
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);
  const typed = methods.includes('totp') || methods.includes('recovery_code');
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setAlert(undefined);
    try {
      await work();
    } catch (error) {
      setAlert(passkeyTrouble(error) ?? refusal(error));
      setBusy(false);
    }
  };
  return (
    <div class="form">
      <Alert message={alert} />
      {typed && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => onCode(code.trim()));
          }}
        >
          <Field
            spec={{
              kind: 'text',
              name: 'code',
              label: 'Authentication Code',
              required: true,
              autocomplete: 'one-time-code',
              hint: methods.includes('recovery_code')
                ? 'The 6 digits of your authenticator app, or a recovery code.'
                : 'The 6 digits of your authenticator app.',
            }}
            value={code}
            onChange={(value) => setCode(value as string)}
          />
          <button type="submit" class="primary" disabled={busy}>
            Verify
          </button>
        </form>
      )}
      {methods.includes('passkey') && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(onPasskey)}
        >
          Use Passkey
        </button>
      )}
    </div>
  );
}
