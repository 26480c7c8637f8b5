import { useEffect, useState } from 'preact/hooks';
import { ApiError, client, ok, type Schemas } from './api';
import { Alert, messageOf } from './ui/alert';
import { Field } from './ui/fields';
import { SecondFactor } from './ui/second-factor';
import { passkeyAnswer, passkeyTrouble } from './webauthn';

/** "Try again in 45 seconds (at 14:05:31)." from a 429's Retry-After (SPEC §21). */
export function retryText(seconds: number, now = Date.now()): string {
  const at = new Date(now + seconds * 1000).toLocaleTimeString();
  const wait =
    seconds < 120
      ? `${seconds} second${seconds === 1 ? '' : 's'}`
      : `${Math.ceil(seconds / 60)} minutes`;
  return `Try again in ${wait} (at ${at}).`;
}

export const refusalOf = (error: unknown): string => {
  if (error instanceof ApiError && error.problem.retryAfter) {
    return `${error.problem.detail} ${retryText(error.problem.retryAfter)}`;
  }
  return messageOf(error);
};

interface Props {
  /** Why the person is here again: the API's detail of the 401. */
  message?: string;
  /** The session ended while in use (SPEC §21). */
  ended?: boolean;
  onSignedIn: () => void;
}

interface SecondStep {
  token: string;
  methods: string[];
}

/**
 * Sign-in: a password, then a second factor when the account has one, or a
 * passkey alone (SPEC §18). A refusal shows the API's detail as an alert.
 */
export function SignIn(props: Props) {
  const [alert, setAlert] = useState(props.message);
  const [ended, setEnded] = useState(props.ended);
  const [second, setSecond] = useState<SecondStep>();
  const [sso, setSso] = useState<Schemas['SsoStatus']>();
  const [withPassword, setWithPassword] = useState(false);
  const own = { own401: true };

  // Single sign-on when the server offers it (SPEC §17); without an
  // answer, the password form stays, as before SSO existed.
  useEffect(() => {
    ok(client.GET('/api/sso'), own).then(setSso, () => undefined);
  }, []);
  const ssoUrl = sso?.oidc ? sso.login_url : null;
  const passwordShown = sso?.local_login !== 'admins' || withPassword;

  const passwordless = async () => {
    setAlert(undefined);
    try {
      const options = await ok(client.POST('/api/sessions/passkey/options'));
      const response = await passkeyAnswer(options);
      await ok(
        client.POST('/api/sessions/passkey', { body: { response } }),
        own,
      );
      props.onSignedIn();
    } catch (error) {
      setAlert(passkeyTrouble(error) ?? refusalOf(error));
    }
  };

  return (
    <main class="sign-in">
      <div class="card form">
        <h1>
          <span class="logo" aria-hidden="true" /> opsgate
        </h1>
        {ended && (
          <div class="alert" role="alert">
            <p>Your session ended. Sign in again.</p>
            {alert && <p class="hint">{alert}</p>}
          </div>
        )}
        {!ended && <Alert message={alert} />}
        {second ? (
          <>
            <p class="hint">
              Your account has two-factor authentication: one more step.
            </p>
            <SecondFactor
              methods={second.methods}
              refusal={refusalOf}
              onCode={async (code) => {
                const body = { mfa_token: second.token, code };
                await ok(client.POST('/api/sessions/mfa', { body }), own);
                props.onSignedIn();
              }}
              onPasskey={async () => {
                const mfa_token = second.token;
                const options = await ok(
                  client.POST('/api/sessions/mfa/options', {
                    body: { mfa_token },
                  }),
                  own,
                );
                const passkey = await passkeyAnswer(options);
                const body = { mfa_token, passkey };
                await ok(client.POST('/api/sessions/mfa', { body }), own);
                props.onSignedIn();
              }}
            />
            <button
              type="button"
              class="link"
              onClick={() => setSecond(undefined)}
            >
              Start over
            </button>
          </>
        ) : (
          <>
            <p class="hint">Sign in to manage API keys, users and access.</p>
            {ssoUrl && (
              <button
                type="button"
                class={passwordShown ? undefined : 'primary'}
                onClick={() => location.assign(ssoUrl)}
              >
                Sign in with SSO
              </button>
            )}
            {passwordShown ? (
              <PasswordForm
                onRefused={(message) => (setAlert(message), setEnded(false))}
                onSecondStep={setSecond}
                onSignedIn={props.onSignedIn}
              />
            ) : (
              // Local sign-in is for admins only (LOCAL_LOGIN=false): break-glass.
              <a
                href="#password"
                onClick={(e) => {
                  e.preventDefault();
                  setWithPassword(true);
                }}
              >
                Sign in with a password
              </a>
            )}
            <p class="or">or</p>
            <button type="button" onClick={() => void passwordless()}>
              Sign in with a passkey
            </button>
          </>
        )}
      </div>
    </main>
  );
}

function PasswordForm(props: {
  onRefused: (message: string | undefined) => void;
  onSecondStep: (step: SecondStep) => void;
  onSignedIn: () => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    props.onRefused(undefined);
    try {
      const answer = await ok(
        client.POST('/api/sessions', { body: { username, password } }),
        { own401: true },
      );
      if ('mfa_required' in answer) {
        props.onSecondStep({
          token: answer.mfa_token,
          methods: answer.methods,
        });
      } else {
        props.onSignedIn();
      }
    } catch (error) {
      props.onRefused(refusalOf(error));
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <Field
        spec={{
          kind: 'text',
          name: 'username',
          label: 'Username',
          required: true,
          autocomplete: 'username',
        }}
        value={username}
        onChange={(v) => setUsername(v as string)}
      />
      <Field
        spec={{
          kind: 'password',
          name: 'password',
          label: 'Password',
          required: true,
          autocomplete: 'current-password',
        }}
        value={password}
        onChange={(v) => setPassword(v as string)}
      />
      <button type="submit" class="primary" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
