import { client, ok, type Schemas } from '../api';
import { isAdmin, type Ctx } from '../context';
import { grantBody, grantFields, grantValues } from '../grants';
import { CrudScreen, type CrudSpec } from '../ui/crud-screen';
import type { Values } from '../ui/fields';
import {
  signOutEverywhere,
  UserSessionsDialog,
} from '../account/user-sessions';
import { privilegeSummary } from './api-keys';

type User = Schemas['User'];

const path = (user: User) => ({
  params: { path: { username: user.username } },
});

/** Only a typed password is sent; an unchanged username is left out. */
function userBody(ctx: Ctx, values: Values, user?: User) {
  const username = values.username as string;
  const password = values.password as string;
  return {
    ...(username !== user?.username && { username }),
    ...(password !== '' && { password }),
    full_name: values.full_name as string,
    ...grantBody(ctx, values),
    active: values.active as boolean,
  };
}

export function UsersScreen({ ctx }: { ctx: Ctx }) {
  const admin = isAdmin(ctx);
  const status = (user: User) => (user.active ? 'Active' : 'Disabled');
  const spec: CrudSpec<User> = {
    heading: 'Users',
    noun: 'User',
    spoken: 'User',
    idOf: (user) => user.username,
    nameOf: (user) => user.username,
    addLabel: 'Add User…',
    createLabel: 'Create User',
    can: { create: admin, edit: admin, delete: admin },
    empty: 'No users.',
    columns: [
      {
        label: 'Username',
        cell: (user) => user.username,
        value: (user) => user.username,
      },
      {
        label: 'Full Name',
        cell: (user) => user.full_name,
        value: (user) => user.full_name,
      },
      {
        label: 'Status',
        cell: (user) => (
          <span class={`badge ${status(user).toLowerCase()}`}>
            {status(user)}
          </span>
        ),
        value: status,
      },
      {
        label: 'Privileges',
        cell: (user) => privilegeSummary(ctx, user.privileges),
        value: (user) => privilegeSummary(ctx, user.privileges),
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
    list: (query) => ok(client.GET('/api/users', { params: { query } })),
    save: (values, user) => {
      if (!user) {
        const body = {
          ...userBody(ctx, values),
          username: values.username as string,
          password: values.password as string,
        };
        return ok(client.POST('/api/users', { body }));
      }
      return ok(
        client.PATCH('/api/users/{username}', {
          ...path(user),
          body: userBody(ctx, values, user),
        }),
      );
    },
    remove: (user) => ok(client.DELETE('/api/users/{username}', path(user))),
    toggle: {
      on: (user) => user.active,
      set: (user, active) =>
        ok(
          client.PATCH('/api/users/{username}', {
            ...path(user),
            body: { active },
          }),
        ),
      effect: 'Their sessions end at once and they cannot sign in.',
    },
    extraActions: (user, { show, act }) =>
      admin && (
        <>
          <button
            type="button"
            onClick={() =>
              show(
                <UserSessionsDialog
                  username={user.username}
                  onClose={() => show(null)}
                />,
              )
            }
          >
            Sessions…
          </button>
          <button
            type="button"
            onClick={() => act(() => signOutEverywhere(user.username))}
          >
            Sign Out Everywhere
          </button>
        </>
      ),
  };
  return <CrudScreen spec={spec} />;
}
