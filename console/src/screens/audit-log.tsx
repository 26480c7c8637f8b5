import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { client, listAll, ok } from '../api';
import { formatDateTime, localMidnightIso } from '../format';
import { Field, type FieldSpec, type Option, type Values } from '../ui/fields';
import { ListView } from '../ui/list-view';
import type { Column } from '../ui/table';
import { AuditEntryDialog, type Entry } from './audit-entry';

/**
 * The actions SPEC §13, §16, §18 and §19 name. The server keeps no list of
 * them, so the console does; an action seen on the page joins the choices.
 */
const ACTIONS = [
  'access.denied',
  'access.ip_report',
  'api_key.create',
  'api_key.delete',
  'api_key.revoke_leaked',
  'api_key.rotate',
  'api_key.update',
  'mfa.enroll',
  'mfa.recovery_code_used',
  'mfa.remove',
  'role.create',
  'role.delete',
  'role.update',
  'session.lockout',
  'session.login',
  'session.logout',
  'session.revoke',
  'session.step_up',
  'user.create',
  'user.delete',
  'user.password_change',
  'user.update',
];

interface Known {
  actors: Option[];
  /** "api_key:abc" → its title. */
  titles: Map<string, string>;
}

/** Users and keys by name: the Actor choices and the targets' titles. */
async function loadKnown(): Promise<Known> {
  const [users, keys, roles] = await Promise.all([
    listAll((query) => client.GET('/api/users', { params: { query } })),
    listAll((query) => client.GET('/api/keys', { params: { query } })),
    listAll((query) => client.GET('/api/roles', { params: { query } })),
  ]);
  const titles = new Map<string, string>();
  for (const key of keys) titles.set(`api_key:${key.id}`, key.title);
  for (const role of roles) titles.set(`role:${role.id}`, role.title);
  for (const user of users) {
    if (user.full_name) titles.set(`user:${user.username}`, user.full_name);
  }
  const actors = [
    ...users.map((u) => ({ value: u.username, label: u.username })),
    ...keys.map((k) => ({
      value: `key:${k.id}`,
      label: `${k.title} (key:${k.id})`,
    })),
  ];
  return { actors, titles };
}

const targetKey = (e: Entry) => `${e.target_type}:${e.target_id}`;

/** A deleted key keeps the title its own entries recorded. */
const titleOf = (known: Known | undefined, e: Entry) =>
  known?.titles.get(targetKey(e)) ??
  (typeof e.details.title === 'string' ? e.details.title : undefined);

const FILTER_TEXT: FieldSpec[] = [
  { kind: 'text', name: 'target_type', label: 'Target Type' },
  { kind: 'text', name: 'target_id', label: 'Target ID' },
  { kind: 'date', name: 'since', label: 'Since' },
  { kind: 'date', name: 'until', label: 'Until' },
];
const EMPTY: Values = {
  actor: '',
  action: '',
  target_type: '',
  target_id: '',
  since: '',
  until: '',
};

const toQuery = (values: Values) => {
  const text = (name: string) => (values[name] as string) || undefined;
  const date = (name: string) => {
    const value = text(name);
    return value && localMidnightIso(value);
  };
  return {
    actor: text('actor'),
    action: text('action'),
    target_type: text('target_type') as Entry['target_type'] & string,
    target_id: text('target_id'),
    since: date('since'),
    until: date('until'),
  };
};

/** The audit log (SPEC §13, §21), newest first, filtered by the API. */
export function AuditLogScreen() {
  const [draft, setDraft] = useState<Values>(EMPTY);
  const [filters, setFilters] = useState<Values>(EMPTY);
  const [known, setKnown] = useState<Known>();
  const [seen, setSeen] = useState<string[]>([]);
  const [dialog, show] = useState<VNode | null>(null);

  useEffect(() => {
    loadKnown().then(setKnown, () => undefined);
  }, []);

  const pick = (name: string) => (value: unknown) => {
    const next = { ...draft, [name]: value as string };
    setDraft(next);
    setFilters(next);
  };
  const actions = [...new Set([...ACTIONS, ...seen])].sort();
  const actors = known?.actors ?? [];

  const columns: Column<Entry>[] = [
    { label: 'Time', cell: (e) => formatDateTime(e.at), value: (e) => e.at },
    {
      label: 'Actor',
      cell: (e) => e.actor ?? '—',
      value: (e) => e.actor ?? '',
    },
    {
      label: 'Action',
      cell: (e) => <code>{e.action}</code>,
      value: (e) => e.action,
    },
    {
      label: 'Target',
      cell: (e) => {
        const title = titleOf(known, e);
        return e.target_type ? (
          <>
            {title && <strong class="target-title">{title} </strong>}
            <span class="target-id">
              {e.target_type} {e.target_id}
            </span>
          </>
        ) : (
          '—'
        );
      },
      value: (e) => `${titleOf(known, e) ?? ''} ${targetKey(e)}`,
    },
    { label: 'Outcome', cell: (e) => e.outcome, value: (e) => e.outcome },
    { label: 'Code', cell: (e) => e.code ?? '', value: (e) => e.code ?? '' },
    { label: 'IP', cell: (e) => e.ip ?? '', value: (e) => e.ip ?? '' },
  ];

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
          setFilters(draft);
        }}
      >
        <Field
          spec={{
            kind: 'select',
            name: 'actor',
            label: 'Actor',
            none: 'Anyone',
            options: actors,
          }}
          value={draft.actor}
          onChange={pick('actor')}
        />
        <Field
          spec={{
            kind: 'select',
            name: 'action',
            label: 'Action',
            none: 'Any action',
            options: actions.map((a) => ({ value: a, label: a })),
          }}
          value={draft.action}
          onChange={pick('action')}
        />
        {FILTER_TEXT.map((spec) => (
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
      <ListView
        key={JSON.stringify(filters)}
        spec={{
          label: 'Audit Log',
          columns,
          keyOf: (entry) => entry.id,
          chunk: 50,
          load: async (query) => {
            const page = await ok(
              client.GET('/api/audit', {
                params: { query: { ...toQuery(filters), ...query } },
              }),
            );
            setSeen((old) => [
              ...new Set([...old, ...page.items.map((e) => e.action)]),
            ]);
            return page;
          },
          actions: (entry) => (
            <button
              type="button"
              onClick={() =>
                show(
                  <AuditEntryDialog
                    entry={entry}
                    targetTitle={titleOf(known, entry)}
                    onClose={() => show(null)}
                  />,
                )
              }
            >
              Details
            </button>
          ),
          empty: 'No entries match.',
        }}
      />
      {dialog}
    </section>
  );
}
