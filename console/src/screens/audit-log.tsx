import { useEffect, useState } from 'preact/hooks';
import { api, query, type Page } from '../api';
import { formatDateTime, localMidnightIso } from '../format';
import { Alert, Loading, messageOf } from '../ui/alert';
import { Field, type FieldSpec, type Values } from '../ui/fields';
import { Table } from '../ui/table';

interface Entry {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target_type: string;
  target_id: string;
  outcome: string;
  code: string | null;
  ip: string;
}

const FILTERS: FieldSpec[] = [
  { kind: 'text', name: 'actor', label: 'Actor' },
  { kind: 'text', name: 'action', label: 'Action' },
  { kind: 'text', name: 'target_type', label: 'Target Type' },
  { kind: 'text', name: 'target_id', label: 'Target ID' },
  { kind: 'date', name: 'since', label: 'Since' },
  { kind: 'date', name: 'until', label: 'Until' },
];
const EMPTY: Values = Object.fromEntries(FILTERS.map((f) => [f.name, '']));
const PAGE = 100;

const toQuery = (values: Values, offset: number) =>
  query({
    ...Object.fromEntries(
      FILTERS.map(({ name, kind }) => {
        const value = values[name] as string;
        return [
          name,
          kind === 'date' && value ? localMidnightIso(value) : value,
        ];
      }),
    ),
    limit: PAGE,
    offset,
  });

/** The audit log (SPEC §13), newest first, filtered by the API. */
export function AuditLogScreen() {
  const [draft, setDraft] = useState<Values>(EMPTY);
  const [filters, setFilters] = useState<Values>(EMPTY);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page<Entry>>();
  const [alert, setAlert] = useState<string>();

  useEffect(() => {
    let current = true;
    setAlert(undefined);
    api<Page<Entry>>('GET', `/api/audit${toQuery(filters, offset)}`)
      .then((result) => current && setPage(result))
      .catch((error) => current && setAlert(messageOf(error)));
    return () => {
      current = false;
    };
  }, [filters, offset]);

  return (
    <section class="screen">
      <header class="screen-head">
        <h1>Audit Log</h1>
      </header>
      <form
        class="filters"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFilters(draft);
        }}
      >
        {FILTERS.map((spec) => (
          <Field
            key={spec.name}
            spec={spec}
            value={draft[spec.name]}
            onChange={(value) => setDraft({ ...draft, [spec.name]: value })}
          />
        ))}
        <div class="actions">
          <button type="submit" class="primary">
            Filter
          </button>
        </div>
      </form>
      <Alert message={alert} />
      {!page ? (
        !alert && <Loading />
      ) : (
        <Table
          label="Audit Log"
          rows={page.items}
          keyOf={(entry) => entry.id}
          columns={[
            { label: 'Time', cell: (e) => formatDateTime(e.at) },
            { label: 'Actor', cell: (e) => e.actor ?? '—' },
            { label: 'Action', cell: (e) => <code>{e.action}</code> },
            { label: 'Target', cell: (e) => `${e.target_type} ${e.target_id}` },
            { label: 'Outcome', cell: (e) => e.outcome },
            { label: 'Code', cell: (e) => e.code ?? '' },
            { label: 'IP', cell: (e) => e.ip },
          ]}
          empty="No entries match."
          total={page.total}
          offset={offset}
          pageSize={PAGE}
          onPage={setOffset}
        />
      )}
    </section>
  );
}
