import { can, type Ctx } from '../context';
import { grantBody, grantFields, grantValues, type Grants } from '../grants';
import { CrudScreen, type CrudSpec } from '../ui/crud-screen';
import { privilegeSummary } from './api-keys';

interface Role extends Grants {
  id: string;
  title: string;
  description: string;
  enabled: boolean;
}

/** Roles (SPEC §12): bundles of privileges and scope given to users and keys. */
export function RolesScreen({ ctx }: { ctx: Ctx }) {
  const spec: CrudSpec<Role> = {
    heading: 'Roles',
    noun: 'Role',
    path: '/api/roles',
    idOf: (role) => role.id,
    nameOf: (role) => role.title,
    addLabel: 'Add Role…',
    createLabel: 'Create Role',
    can: {
      create: can(ctx, 'create_roles'),
      edit: can(ctx, 'edit_roles'),
      delete: can(ctx, 'delete_roles'),
    },
    toggle: 'enabled',
    empty: 'No roles yet.',
    columns: [
      { label: 'ID', cell: (role) => <code>{role.id}</code> },
      { label: 'Title', cell: (role) => role.title },
      {
        label: 'Status',
        cell: (role) => {
          const status = role.enabled ? 'Enabled' : 'Disabled';
          return <span class={`badge ${status.toLowerCase()}`}>{status}</span>;
        },
      },
      {
        label: 'Privileges',
        cell: (role) => privilegeSummary(ctx, role.privileges),
      },
    ],
    form: async (role) => ({
      fields: [
        ...(role
          ? []
          : [
              {
                kind: 'text' as const,
                name: 'id',
                label: 'ID',
                required: true,
                hint: '1–64 of a-z, 0-9, _ and -.',
              },
            ]),
        { kind: 'text', name: 'title', label: 'Title', required: true },
        { kind: 'textarea', name: 'description', label: 'Description' },
        ...(await grantFields(ctx, false)),
        { kind: 'checkbox', name: 'enabled', label: 'Enabled' },
      ],
      initial: {
        id: role?.id ?? '',
        title: role?.title ?? '',
        description: role?.description ?? '',
        ...grantValues(role),
        enabled: role?.enabled ?? true,
      },
    }),
    body: (values, role) => ({
      ...(!role && { id: values.id }),
      title: values.title,
      description: values.description,
      ...grantBody(ctx, values, false),
      enabled: values.enabled,
    }),
  };
  return <CrudScreen spec={spec} />;
}
