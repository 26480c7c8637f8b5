import { isAdmin, type Ctx } from '../context';
import { grantBody, grantFields, grantValues, type Grants } from '../grants';
import { CrudScreen, type CrudSpec } from '../ui/crud-screen';
import { privilegeSummary } from './api-keys';

interface User extends Grants {
  username: string;
  full_name: string;
  active: boolean;
}

export function UsersScreen({ ctx }: { ctx: Ctx }) {
  const admin = isAdmin(ctx);
  const spec: CrudSpec<User> = {
    heading: 'Users',
    noun: 'User',
    path: '/api/users',
    idOf: (user) => user.username,
    nameOf: (user) => user.username,
    addLabel: 'Add User…',
    createLabel: 'Create User',
    can: { create: admin, edit: admin, delete: admin },
    toggle: 'active',
    empty: 'No users.',
    columns: [
      { label: 'Username', cell: (user) => user.username },
      { label: 'Full Name', cell: (user) => user.full_name },
      {
        label: 'Status',
        cell: (user) => {
          const status = user.active ? 'Active' : 'Disabled';
          return <span class={`badge ${status.toLowerCase()}`}>{status}</span>;
        },
      },
      {
        label: 'Privileges',
        cell: (user) => privilegeSummary(ctx, user.privileges),
      },
    ],
    form: async (user) => ({
      fields: [
        {
          kind: 'text',
          name: 'username',
          label: 'Username',
          required: true,
          hint: '1–64 of letters, digits, _ . -',
        },
        {
          kind: 'password',
          name: 'password',
          label: 'Password',
          required: !user,
          autocomplete: 'new-password',
          hint: user
            ? 'Leave empty to keep the current password.'
            : 'At least 8 characters.',
        },
        { kind: 'text', name: 'full_name', label: 'Full Name' },
        ...(await grantFields(ctx)),
        { kind: 'checkbox', name: 'active', label: 'Active' },
      ],
      initial: {
        username: user?.username ?? '',
        password: '',
        full_name: user?.full_name ?? '',
        ...grantValues(user),
        active: user?.active ?? true,
      },
    }),
    body: (values, user) => ({
      ...(values.username !== user?.username && { username: values.username }),
      ...(values.password !== '' && { password: values.password }),
      full_name: values.full_name,
      ...grantBody(ctx, values),
      active: values.active,
    }),
  };
  return <CrudScreen spec={spec} />;
}
