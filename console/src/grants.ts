import { listAll } from './api';
import type { Ctx } from './context';
import type { FieldSpec, Option, Values } from './ui/fields';

interface Titled {
  id: string;
  title: string;
}

export interface Grants {
  privileges: string[];
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
    listAll<Titled>('/api/categories'),
    listAll<Titled>('/api/groups'),
    roles ? listAll<Titled>('/api/roles') : Promise.resolve([]),
  ]);
  const everyone = 'None ticked: no restriction.';
  const fields: FieldSpec[] = [
    {
      kind: 'checks',
      name: 'privileges',
      label: 'Privileges',
      options: ctx.catalog.map((p) => ({ value: p.id, label: p.title })),
      empty: '',
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

export const grantValues = (record?: Partial<Grants>): Values => ({
  privileges: record?.privileges ?? [],
  categories: record?.categories ?? [],
  groups: record?.groups ?? [],
  roles: record?.roles ?? [],
});

/** The grant fields of a request body; `roles` only where the server knows them. */
export function grantBody(ctx: Ctx, values: Values, withRoles = true) {
  return {
    privileges: values.privileges,
    categories: values.categories,
    groups: values.groups,
    ...(withRoles && ctx.has.roles && { roles: values.roles }),
  };
}
