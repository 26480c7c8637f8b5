import { can, type Ctx } from '../context';
import { CrudScreen, type CrudSpec } from '../ui/crud-screen';
import type { FieldSpec } from '../ui/fields';

interface NamedRecord {
  id: string;
  title: string;
  description: string;
  hostname_match?: string;
}

interface Kind {
  heading: string;
  noun: string;
  path: string;
  /** The privilege suffix: create_categories, edit_groups… */
  resource: string;
  extra?: FieldSpec;
}

const KINDS: Record<'categories' | 'groups', Kind> = {
  categories: {
    heading: 'Categories',
    noun: 'Category',
    path: '/api/categories',
    resource: 'categories',
  },
  groups: {
    heading: 'Server Groups',
    noun: 'Server Group',
    path: '/api/groups',
    resource: 'groups',
    extra: {
      kind: 'text',
      name: 'hostname_match',
      label: 'Hostname Match',
      hint: 'A regular expression matching the hostnames of its servers.',
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
  const extra = kind.extra?.name;
  const spec: CrudSpec<NamedRecord> = {
    heading: kind.heading,
    noun: kind.noun,
    path: kind.path,
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
      { label: 'ID', cell: (record) => <code>{record.id}</code> },
      { label: 'Title', cell: (record) => record.title },
      ...(extra
        ? [
            {
              label: 'Hostname Match',
              cell: (r: NamedRecord) => r[extra as 'hostname_match'] ?? '',
            },
          ]
        : []),
      { label: 'Description', cell: (record) => record.description },
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
          ...(extra && { [extra]: record?.hostname_match ?? '' }),
        },
      }),
    body: (values, record) => ({
      ...(!record && { id: values.id }),
      title: values.title,
      description: values.description,
      ...(extra && { [extra]: values[extra] }),
    }),
  };
  return <CrudScreen key={props.kind} spec={spec} />;
}
