import type { Schemas } from '../api';
import { formatDateTime } from '../format';
import { Dialog } from '../ui/dialog';

export type Entry = Schemas['AuditEntry'];

type Shown = string | number | boolean | null | undefined | string[];

const show = (value: Shown) =>
  value === null || value === undefined || value === ''
    ? '—'
    : Array.isArray(value)
      ? value.length
        ? value.join(', ')
        : '(none)'
      : String(value);

/** Every field of one entry, and its details as field → new value (SPEC §21). */
export function AuditEntryDialog(props: {
  entry: Entry;
  targetTitle?: string;
  onClose: () => void;
}) {
  const { entry, targetTitle } = props;
  const fields: [string, Shown][] = [
    ['Time', formatDateTime(entry.at)],
    ['Actor', entry.actor],
    ['Action', entry.action],
    ['Target Type', entry.target_type],
    ['Target ID', entry.target_id],
    ['Target', targetTitle],
    ['Outcome', entry.outcome],
    ['Code', entry.code],
    ['IP', entry.ip],
    ['Request ID', entry.request_id],
    ['Entry ID', entry.id],
  ];
  const details = Object.entries(entry.details);
  return (
    <Dialog
      title="Audit Entry"
      onClose={props.onClose}
      onBackdrop={props.onClose}
    >
      <dl class="facts">
        {fields.map(([label, value]) => (
          <>
            <dt>{label}</dt>
            <dd>{show(value)}</dd>
          </>
        ))}
      </dl>
      <h3>Details</h3>
      {details.length === 0 ? (
        <p class="hint">No details.</p>
      ) : (
        <ul class="changes">
          {details.map(([field, value]) => (
            <li key={field}>
              <code>{field}</code> → {show(value)}
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={props.onClose} autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
