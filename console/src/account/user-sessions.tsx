import { useState } from 'preact/hooks';
import { client, ok } from '../api';
import { Alert, messageOf } from '../ui/alert';
import { announce, said } from '../ui/announce';
import { Dialog } from '../ui/dialog';
import { SessionsTable } from './sessions-table';

/** Users → "Sessions…": another user's live sessions, each with Sign Out (SPEC §16). */
export function UserSessionsDialog(props: {
  username: string;
  onClose: () => void;
}) {
  const { username } = props;
  const [alert, setAlert] = useState<string>();
  const [version, setVersion] = useState(0);
  return (
    <Dialog
      title={`Sessions of ${username}`}
      onClose={props.onClose}
      onBackdrop={props.onClose}
      wide
    >
      <Alert message={alert} />
      <SessionsTable
        label={`Sessions of ${username}`}
        version={version}
        load={(query) =>
          ok(
            client.GET('/api/users/{username}/sessions', {
              params: { path: { username }, query },
            }),
          )
        }
        onSignOut={(session) => {
          setAlert(undefined);
          const path = { username, id: session.id };
          ok(
            client.DELETE('/api/users/{username}/sessions/{id}', {
              params: { path },
            }),
          ).then(
            () => {
              setVersion((v) => v + 1);
              announce(`Session of ${said('user', username, 'signed out')}`);
            },
            (error) => setAlert(messageOf(error)),
          );
        }}
      />
      <div class="actions">
        <button type="button" class="primary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

/** "Sign Out Everywhere": every session of the user ends at once. */
export async function signOutEverywhere(username: string): Promise<void> {
  const { revoked } = await ok(
    client.DELETE('/api/users/{username}/sessions', {
      params: { path: { username } },
    }),
  );
  const sessions = `${revoked} session${revoked === 1 ? '' : 's'}`;
  announce(`User "${username}" signed out everywhere (${sessions}).`);
}
