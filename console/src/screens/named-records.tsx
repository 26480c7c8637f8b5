import { client, ok, type Page, type Schemas } from '../api';
import { can, type Ctx } from '../context';
import { CrudScreen, type CrudSpec } from '../ui/crud-screen';
import type { FieldSpec, Values } from '../ui/fields';
import type { ListQuery } from '../ui/list-view';

type NamedRecord = Schemas['Category'] & { hostname_match?: string };

/** The typed calls of one kind: the paths differ, the shapes do not. */
interface Calls {
  list: (query: ListQuery) => Promise<Page<NamedRecord>>;
  create: (values: Values) => Promise<NamedRecord>;
  update: (id: string, values: Values) => Promise<NamedRecord>;
  remove: (id: string) => Promise<unknown>;
}

interface Kind {
  heading: string;
  noun: string;
  spoken: string;
  /** The privilege suffix: create_categories, edit_groups… */
  resource: string;
  extra?: FieldSpec;
  calls: Calls;
}

const text = (values: Values, name: string) => values[name] as string;
const common = (values: Values) => ({
  title: text(values, 'title'),
  description: text(values, 'description'),
});
const at = (id: string) => ({ params: { path: { id } } });

const KINDS: Record<'categories' | 'groups', Kind> = {
  categories: {
    heading: 'Categories',
    noun: 'Category',
    spoken: 'Category',
    resource: 'categories',
    calls: {
      list: (query) => ok(client.GET('/api/categories', { params: { query } })),
      create: (values) =>
        ok(
          client.POST('/api/categories', {
            body: { id: text(values, 'id'), ...common(values) },
          }),
        ),
      update: (id, values) =>
        ok(
          client.PATCH('/api/categories/{id}', {
            ...at(id),
            body: common(values),
          }),
        ),
      remove: (id) => ok(client.DELETE('/api/categories/{id}', at(id))),
    },
  },
  groups: {
    heading: 'Server Groups',
    noun: 'Server Group',
    spoken: 'Server group',
    resource: 'groups',
    extra: {
      kind: 'text',
      name: 'hostname_match',
      label: 'Hostname Match',
      hint: 'A regular expression matching the hostnames of its servers.',
    },
    calls: {
      list: (query) => ok(client.GET('/api/groups', { params: { query } })),
      create: (values) =>
        ok(
          client.POST('/api/groups', {
            body: {
              id: text(values, 'id'),
              ...common(values),
              hostname_match: text(values, 'hostname_match'),
            },
          }),
        ),
      update: (id, values) =>
        ok(
          client.PATCH('/api/groups/{id}', {
            ...at(id),
            body: {
              ...common(values),
              hostname_match: text(values, 'hostname_match'),
            },
          }),
        ),
      remove: (id) => ok(client.DELETE('/api/groups/{id}', at(id))),
    },
  },
};

/** Categories and Server Groups: an id chosen by the creator, a title, a description. */
export function NamedRecordsScreen(props: {
  ctx: Ctx;
  kind: 'categories' | 'groups';
}) {
  const { ctx } = props;
  const kind = KINDS[props.kind];
  const { calls } = kind;
  const spec: CrudSpec<NamedRecord> = {
    heading: kind.heading,
    noun: kind.noun,
    spoken: kind.spoken,
    idOf: (record) => record.id,
    nameOf: (record) => record.title,
    addLabel: `Add ${kind.noun}…`,
    createLabel: `Create ${kind.noun}`,
    can: {
      create: can(ctx, `create_${kind.resource}`),
      edit: can(ctx, `edit_${kind.resource}`),
      delete: can(ctx, `delete_${kind.resource}`),
    },
    empty: `No ${kind.heading.toLowerCase()} yet.`,
    columns: [
      {
        label: 'ID',
        cell: (record) => <code>{record.id}</code>,
        value: (record) => record.id,
      },
      { label: 'Title', cell: (r) => r.title, value: (r) => r.title },
      ...(kind.extra
        ? [
            {
              label: 'Hostname Match',
              cell: (r: NamedRecord) => r.hostname_match ?? '',
              value: (r: NamedRecord) => r.hostname_match ?? '',
            },
          ]
        : []),
      {
        label: 'Description',
        cell: (r) => r.description,
        value: (r) => r.description,
      },
    ],
    form: (record) =>
      Promise.resolve({
        fields: [
          ...(record
            ? []
            : [
                {
                  kind: 'text' as const,
                  name: 'id',
                  label: 'ID',
                  required: true,
                  hint: '1–64 of a-z, 0-9, _ and -; it cannot be changed later.',
                },
              ]),
          { kind: 'text', name: 'title', label: 'Title', required: true },
          ...(kind.extra ? [kind.extra] : []),
          { kind: 'textarea', name: 'description', label: 'Description' },
        ],
        initial: {
          id: record?.id ?? '',
          title: record?.title ?? '',
          description: record?.description ?? '',
          hostname_match: record?.hostname_match ?? '',
        },
      }),
    list: calls.list,
    save: (values, record) =>
      record ? calls.update(record.id, values) : calls.create(values),
    remove: (record) => calls.remove(record.id),
  };
  return <CrudScreen key={props.kind} spec={spec} />;
}
