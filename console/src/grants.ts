import { client, listAll, type Schemas } from './api';
import type { Ctx } from './context';
import type { FieldSpec, Option, Values } from './ui/fields';

interface Titled {
  id: string;
  title: string;
}

/** The catalog's ids, as the API document enumerates them. */
export type PrivilegeId = NonNullable<
  Schemas['CreateApiKeyDto']['privileges']
>[number];

export interface Grants {
  privileges: PrivilegeId[];
  categories: string[];
  groups: string[];
  roles?: string[];
}

const optionsOf = (records: Titled[]): Option[] =>
  records.map((r) => ({ value: r.id, label: r.title }));

/**
 * Privileges by their catalog titles, and categories, server groups and
 * roles chosen from the existing ones by title. Without a roles API yet
 * (before SPEC §12 is served), the Roles group is there and empty.
 */
export async function grantFields(
  ctx: Ctx,
  withRoles = true,
): Promise<FieldSpec[]> {
  const roles = withRoles && ctx.has.roles;
  const [categories, groups, roleList] = await Promise.all([
    listAll((query) => client.GET('/api/categories', { params: { query } })),
    listAll((query) => client.GET('/api/groups', { params: { query } })),
    roles
      ? listAll((query) => client.GET('/api/roles', { params: { query } }))
      : Promise.resolve([]),
  ]);
  const everyone = 'None ticked: no restriction.';
  const fields: FieldSpec[] = [
    {
      kind: 'privileges',
      name: 'privileges',
      label: 'Privileges',
      catalog: ctx.catalog,
    },
    {
      kind: 'checks',
      name: 'categories',
      label: 'Categories',
      options: optionsOf(categories),
      empty: 'No categories exist yet.',
      hint: everyone,
    },
    {
      kind: 'checks',
      name: 'groups',
      label: 'Server Groups',
      options: optionsOf(groups),
      empty: 'No server groups exist yet.',
      hint: everyone,
    },
  ];
  if (withRoles) {
    fields.push({
      kind: 'checks',
      name: 'roles',
      label: 'Roles',
      options: optionsOf(roleList),
      empty: roles ? 'No roles exist yet.' : 'This server has no roles.',
    });
  }
  return fields;
}

export const grantValues = (
  record?: Partial<Record<keyof Grants, string[]>>,
): Values => ({
  privileges: record?.privileges ?? [],
  categories: record?.categories ?? [],
  groups: record?.groups ?? [],
  roles: record?.roles ?? [],
});

/** The grant fields of a request body; `roles` only where the server knows them. */
export function grantBody(ctx: Ctx, values: Values, withRoles = true): Grants {
  const list = (name: keyof Grants) => values[name] as string[];
  return {
    privileges: values.privileges as PrivilegeId[],
    categories: list('categories'),
    groups: list('groups'),
    ...(withRoles && ctx.has.roles && { roles: list('roles') }),
  };
}
