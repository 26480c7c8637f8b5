import { useState } from 'preact/hooks';
import { client, ok } from '../api';
import { Alert, messageOf } from '../ui/alert';
import { announce } from '../ui/announce';
import { SessionsTable } from './sessions-table';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** My Account's "Sessions": each sign-in of mine still alive (SPEC §16). */
export function MySessions({ version }: { version: unknown }) {
  const [alert, setAlert] = useState<string>();
  const [changed, setChanged] = useState(0);
  const act = (work: () => Promise<string>) => {
    setAlert(undefined);
    work().then(
      (said) => (setChanged((n) => n + 1), announce(said)),
      (error) => setAlert(messageOf(error)),
    );
  };
  return (
    <section class="panel" aria-labelledby="my-sessions">
      <div class="screen-head">
        <h2 id="my-sessions">Sessions</h2>
        <button
          type="button"
          onClick={() =>
            act(async () => {
              const { revoked } = await ok(client.DELETE('/api/me/sessions'));
              return `${plural(revoked, 'other session')} signed out.`;
            })
          }
        >
          Sign Out Other Sessions
        </button>
      </div>
      <Alert message={alert} />
      <SessionsTable
        label="Sessions"
        version={`${String(version)}/${changed}`}
        load={(query) =>
          ok(client.GET('/api/me/sessions', { params: { query } }))
        }
        onSignOut={(session) =>
          act(async () => {
            const params = { path: { id: session.id } };
            await ok(client.DELETE('/api/me/sessions/{id}', { params }));
            return 'Session signed out.';
          })
        }
      />
    </section>
  );
}
