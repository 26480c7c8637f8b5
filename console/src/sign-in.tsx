import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, messageOf } from './ui/alert';
import { Field } from './ui/fields';

/** Sign-in; a refused login (or a lost session) shows the API's detail as an alert. */
export function SignIn(props: { message?: string; onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [alert, setAlert] = useState(props.message);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setAlert(undefined);
    try {
      await api(
        'POST',
        '/api/sessions',
        { username, password },
        { own401: true },
      );
      props.onSignedIn();
    } catch (error) {
      setAlert(messageOf(error));
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
        <Alert message={alert} />
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
