import type { VNode } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api';
import { formatDateTime } from '../format';
import { Alert, Loading, messageOf } from '../ui/alert';
import { announce, said } from '../ui/announce';
import { Confirm } from '../ui/confirm';
import { SecretDialog } from '../ui/secret-dialog';
import { PasskeyAdd } from './passkey-add';
import { TotpSetup } from './totp-setup';

type Passkey = Schemas['Passkey'];

/**
 * My Account's "Two-Factor Authentication" (SPEC §18): an authenticator app
 * with its recovery codes, and passkeys. Removing either needs a recent
 * second factor: the API asks, the step-up dialog answers.
 */
export function TwoFactor({ onChanged }: { onChanged: () => void }) {
  const [status, setStatus] = useState<Schemas['MfaStatus']>();
  const [passkeys, setPasskeys] = useState<Passkey[]>([]);
  const [alert, setAlert] = useState<string>();
  const [dialog, show] = useState<VNode | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const close = () => (show(null), reload(), onChanged());

  useEffect(() => {
    Promise.all([
      ok(client.GET('/api/me/mfa')),
      ok(client.GET('/api/me/passkeys')),
    ]).then(
      ([state, list]) => (setStatus(state), setPasskeys(list.items)),
      (error) => setAlert(messageOf(error)),
    );
  }, [version]);

  const setUp = () =>
    show(
      <TotpSetup
        onClose={close}
        onConfirmed={(codes) =>
          show(
            <SecretDialog
              title="Recovery Codes"
              secret={codes}
              warning="Each code signs you in once if you lose your authenticator app. Keep them somewhere safe: they will not be shown again."
              onDone={() => (close(), announce('Authenticator app set up.'))}
            />,
          )
        }
      />,
    );
  const removeTotp = () =>
    show(
      <Confirm
        title="Remove Authenticator App"
        message="Remove the authenticator app and its recovery codes? Sign-in will no longer ask for its codes."
        confirmLabel="Remove"
        onClose={() => show(null)}
        onConfirm={async () => {
          await ok(client.DELETE('/api/me/mfa/totp'));
          close();
          announce('Authenticator app removed.');
        }}
      />,
    );
  const removePasskey = (passkey: Passkey) =>
    show(
      <Confirm
        title="Remove Passkey"
        message={`Remove the passkey “${passkey.name}”? It will no longer sign you in.`}
        confirmLabel="Remove"
        onClose={() => show(null)}
        onConfirm={async () => {
          const params = { path: { id: passkey.id } };
          await ok(client.DELETE('/api/me/passkeys/{id}', { params }));
          close();
          announce(said('Passkey', passkey.name, 'removed'));
        }}
      />,
    );
  const addPasskey = () =>
    show(
      <PasskeyAdd
        onClose={() => show(null)}
        onAdded={(passkey) => (
          close(),
          announce(said('Passkey', passkey.name, 'added'))
        )}
      />,
    );

  return (
    <section class="panel" aria-labelledby="two-factor">
      <h2 id="two-factor">Two-Factor Authentication</h2>
      <Alert message={alert} />
      {!status ? (
        !alert && <Loading />
      ) : (
        <>
          <p>
            Authenticator app: <strong>{status.totp ? 'On' : 'Off'}</strong>
            {status.totp &&
              ` · ${status.recovery_codes_left} recovery codes left`}
            {' · '}Passkeys: <strong>{status.passkeys}</strong>
          </p>
          <div class="actions">
            {status.totp ? (
              <button type="button" class="danger" onClick={removeTotp}>
                Remove Authenticator App
              </button>
            ) : (
              <button type="button" onClick={setUp}>
                Set Up Authenticator App
              </button>
            )}
            <button type="button" onClick={addPasskey}>
              Add Passkey
            </button>
          </div>
          {passkeys.length > 0 && (
            <ul class="passkeys" aria-label="Passkeys">
              {passkeys.map((passkey) => (
                <li key={passkey.id}>
                  <span>
                    <strong>{passkey.name}</strong>
                    <span class="hint">
                      {' '}
                      added {formatDateTime(passkey.created_at)}, last used{' '}
                      {passkey.last_used_at
                        ? formatDateTime(passkey.last_used_at)
                        : 'never'}
                    </span>
                  </span>
                  <button type="button" onClick={() => removePasskey(passkey)}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {dialog}
    </section>
  );
}
