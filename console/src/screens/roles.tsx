import { client, ok, type Schemas } from '../api';
import { can, type Ctx } from '../context';
import { grantBody, grantFields, grantValues } from '../grants';
import { CrudScreen, type CrudSpec } from '../ui/crud-screen';
import type { Values } from '../ui/fields';
import { privilegeSummary } from './api-keys';

type Role = Schemas['Role'];

const path = (role: Role) => ({ params: { path: { id: role.id } } });

const roleBody = (ctx: Ctx, values: Values) => ({
  title: values.title as string,
  description: values.description as string,
  ...grantBody(ctx, values, false),
  enabled: values.enabled as boolean,
});

/** Roles (SPEC §12): bundles of privileges and scope given to users and keys. */
export function RolesScreen({ ctx }: { ctx: Ctx }) {
  const status = (role: Role) => (role.enabled ? 'Enabled' : 'Disabled');
  const spec: CrudSpec<Role> = {
    heading: 'Roles',
    noun: 'Role',
    spoken: 'Role',
    idOf: (role) => role.id,
    nameOf: (role) => role.title,
    addLabel: 'Add Role…',
    createLabel: 'Create Role',
    can: {
      create: can(ctx, 'create_roles'),
      edit: can(ctx, 'edit_roles'),
      delete: can(ctx, 'delete_roles'),
    },
    empty: 'No roles yet.',
    columns: [
      {
        label: 'ID',
        cell: (role) => <code>{role.id}</code>,
        value: (role) => role.id,
      },
      {
        label: 'Title',
        cell: (role) => role.title,
        value: (role) => role.title,
      },
      {
        label: 'Status',
        cell: (role) => (
          <span class={`badge ${status(role).toLowerCase()}`}>
            {status(role)}
          </span>
        ),
        value: status,
      },
      {
        label: 'Privileges',
        cell: (role) => privilegeSummary(ctx, role.privileges),
        value: (role) => privilegeSummary(ctx, role.privileges),
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
    list: (query) => ok(client.GET('/api/roles', { params: { query } })),
    save: (values, role) =>
      role
        ? ok(
            client.PATCH('/api/roles/{id}', {
              ...path(role),
              body: roleBody(ctx, values),
            }),
          )
        : ok(
            client.POST('/api/roles', {
              body: { id: values.id as string, ...roleBody(ctx, values) },
            }),
          ),
    remove: (role) => ok(client.DELETE('/api/roles/{id}', path(role))),
    toggle: {
      on: (role) => role.enabled,
      set: (role, enabled) =>
        ok(
          client.PATCH('/api/roles/{id}', { ...path(role), body: { enabled } }),
        ),
      effect: 'Its holders lose what it gives them from their next request.',
    },
  };
  return <CrudScreen spec={spec} />;
}
