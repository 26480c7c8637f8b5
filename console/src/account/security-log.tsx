import { client, ok, type Schemas } from '../api';
import { formatDateTime } from '../format';
import { ListView } from '../ui/list-view';

type Entry = Schemas['AuditEntry'];

/** "Security Log": my sign-ins, lockouts, password and factor changes (SPEC §16). */
export function SecurityLog({ version }: { version: unknown }) {
  return (
    <section class="panel" aria-labelledby="security-log">
      <h2 id="security-log">Security Log</h2>
      <ListView
        spec={{
          label: 'Security Log',
          keyOf: (e: Entry) => e.id,
          chunk: 50,
          version,
          empty: 'Nothing recorded yet.',
          load: (query) =>
            ok(client.GET('/api/me/activity', { params: { query } })),
          columns: [
            {
              label: 'Time',
              cell: (e) => formatDateTime(e.at),
              value: (e) => e.at,
            },
            {
              label: 'Action',
              cell: (e) => <code>{e.action}</code>,
              value: (e) => e.action,
            },
            {
              label: 'Outcome',
              cell: (e) => e.outcome,
              value: (e) => e.outcome,
            },
            { label: 'IP', cell: (e) => e.ip ?? '—', value: (e) => e.ip ?? '' },
          ],
        }}
      />
    </section>
  );
}
