import { AppError } from '../http/app-error';
import type { Rights } from './effective-rights';
import { describeCaller, isAdmin, type Principal } from './principal';
import { missingPrivileges } from './privileges';
import { restrictsCategories, restrictsGroups } from './scope';

const quoted = (ids: readonly string[]) =>
  ids.map((id) => `"${id}"`).join(', ');

/**
 * No escalation (SPEC §12): a caller who is not `admin` may put into a role
 * only privileges it has itself (never `admin`) and only categories / groups
 * within its own scope. An empty list would make holders unrestricted on that
 * dimension, which is beyond a restricted caller's scope too.
 */
export function assertMayGrant(principal: Principal, rights: Rights): void {
  if (isAdmin(principal)) return;
  const missing = missingPrivileges(principal.privileges, rights.privileges);
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'privilege' : 'privileges';
    throw new AppError(
      403,
      'missing_privilege',
      `${describeCaller(principal)} lacks the ${noun} ${missing.join(', ')}, so it cannot grant ${missing.length === 1 ? 'it' : 'them'}.`,
      {
        required_privileges: [...rights.privileges],
        missing_privileges: missing,
      },
    );
  }
  denyOutside(
    principal,
    'category',
    restrictsCategories(principal),
    principal.categories,
    rights.categories,
  );
  denyOutside(
    principal,
    'group',
    restrictsGroups(principal),
    principal.groups,
    rights.groups,
  );
}

function denyOutside(
  principal: Principal,
  noun: 'category' | 'group',
  restricted: boolean,
  allowed: readonly string[],
  granted: readonly string[],
): void {
  if (!restricted) return;
  const field = noun === 'category' ? 'categories' : 'groups';
  if (granted.length === 0) {
    throw new AppError(
      403,
      'scope_denied',
      `${describeCaller(principal)} is restricted on ${field} and cannot grant unrestricted ${field}.`,
      { [field]: [] },
    );
  }
  const outside = granted.filter((id) => !allowed.includes(id));
  if (outside.length > 0) {
    throw new AppError(
      403,
      'scope_denied',
      `${describeCaller(principal)} may not grant ${noun === 'category' ? 'categories' : 'groups'} ${quoted(outside)}.`,
      noun === 'category'
        ? { category: outside[0], categories: outside }
        : { groups: outside },
    );
  }
}
