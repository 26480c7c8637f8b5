/** Privileges and scope lists, as a user, key or role carries them. */
export interface Rights {
  readonly privileges: readonly string[];
  /** Category ids; empty means unrestricted. */
  readonly categories: readonly string[];
  /** Server group ids; empty means unrestricted. */
  readonly groups: readonly string[];
}

export interface RoleRights extends Rights {
  readonly enabled: boolean;
}

const union = (lists: (readonly string[])[]): readonly string[] =>
  Object.freeze([...new Set(lists.flat())]);

/**
 * What a user or key may do (SPEC §12), the one place this is computed: its
 * own privileges ∪ those of its enabled roles. A scope dimension is
 * unrestricted only when its own list and every enabled role's list are
 * empty; otherwise it is the union of the non-empty lists (xyOps' rule: a
 * role with a category list restricts an otherwise unrestricted holder), which
 * is the union of all of them. `admin` still lifts every restriction
 * (auth/scope.ts).
 */
export function effectiveRights(
  own: Rights,
  roles: readonly RoleRights[],
): Rights {
  const enabled = roles.filter((role) => role.enabled);
  const all = [own, ...enabled];
  return {
    privileges: union(all.map((r) => r.privileges)),
    categories: union(all.map((r) => r.categories)),
    groups: union(all.map((r) => r.groups)),
  };
}

/**
 * A user or key that holds roles, as the rule on holders sees it (SPEC §20):
 * its own grants and the ids of the roles it names.
 */
export interface Grantee {
  /** `alice` or `key:<id>`: how a refusal names it. */
  readonly label: string;
  readonly own: Rights;
  readonly roles: readonly string[];
}

/**
 * A grantee's effective rights with the roles as `roles` has them: roles it
 * names that are not there (deleted) grant nothing, as when its credential
 * is verified.
 */
export function granteeRights(
  grantee: Grantee,
  roles: ReadonlyMap<string, RoleRights>,
): Rights {
  const held = grantee.roles.flatMap((id) => {
    const role = roles.get(id);
    return role ? [role] : [];
  });
  return effectiveRights(grantee.own, held);
}
