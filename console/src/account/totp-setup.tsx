import { useEffect, useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api';
import { Alert, Loading, messageOf } from '../ui/alert';
import { Dialog } from '../ui/dialog';
import { Field } from '../ui/fields';
import { splitErrors } from '../ui/form-dialog';
import { QrCode } from './qr-code';

interface Props {
  /** Confirmed: the recovery codes, to be shown once. */
  onConfirmed: (codes: string[]) => void;
  onClose: () => void;
}

const CODE = { kind: 'text' as const, name: 'code', label: 'Code' };

/**
 * "Set Up Authenticator App" (SPEC §18): a pending secret as a QR code and as
 * text, confirmed by one code from the app. Closing leaves it pending; the
 * next set-up replaces it.
 */
export function TotpSetup({ onConfirmed, onClose }: Props) {
  const [enrolment, setEnrolment] = useState<Schemas['TotpEnrolment']>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    ok(client.POST('/api/me/mfa/totp')).then(setEnrolment, (e) =>
      setAlert(messageOf(e)),
    );
  }, []);

  const verify = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setAlert(undefined);
    try {
      const body = { code: code.trim() };
      const answer = await ok(
        client.POST('/api/me/mfa/totp/confirm', { body }),
      );
      onConfirmed(answer.recovery_codes);
    } catch (failure) {
      const { fieldErrors, rest } = splitErrors(failure, [CODE]);
      setError(fieldErrors.code);
      setAlert(rest);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Set Up Authenticator App" onClose={onClose}>
      <Alert message={alert} />
      {!enrolment ? (
        !alert && <Loading />
      ) : (
        <form class="form" onSubmit={(e) => void verify(e)} aria-busy={busy}>
          <p>
            Scan the QR code with an authenticator app, or type the secret into
            it; then enter the 6-digit code it shows.
          </p>
          <QrCode text={enrolment.otpauth_url} />
          <p>
            Secret: <code class="secret">{enrolment.secret}</code>
          </p>
          <Field
            spec={{ ...CODE, required: true, autocomplete: 'one-time-code' }}
            value={code}
            error={error}
            onChange={(value) => {
              setCode(value as string);
              setError(undefined);
            }}
          />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              Verify
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
