import { useState } from 'preact/hooks';
import { ApiError, client, ok } from './api';
import { Alert, messageOf } from './ui/alert';
import { Field } from './ui/fields';

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

/** Sign-in; a refused login (or a lost session) shows the API's detail as an alert. */
export function SignIn(props: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [alert, setAlert] = useState(props.message);
  const [ended, setEnded] = useState(props.ended);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setAlert(undefined);
    setEnded(false);
    try {
      await ok(client.POST('/api/sessions', { body: { username, password } }), {
        own401: true,
      });
      props.onSignedIn();
    } catch (error) {
      setAlert(refusalOf(error));
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form class="card form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <h1>
          <span class="logo" aria-hidden="true" /> opsgate
        </h1>
        <p class="hint">Sign in to manage API keys, users and access.</p>
        {ended ? (
          <div class="alert" role="alert">
            <p>Your session ended. Sign in again.</p>
            {alert && <p class="hint">{alert}</p>}
          </div>
        ) : (
          <Alert message={alert} />
        )}
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
    </main>
  );
}
