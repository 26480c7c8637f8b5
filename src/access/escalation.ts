import { AppError } from '../http/app-error';
import {
  granteeRights,
  type Grantee,
  type RoleRights,
  type Rights,
} from './effective-rights';
import { describeCaller, isAdmin, type Principal } from './principal';
import { ADMIN, missingPrivileges } from './privileges';
import { restrictsCategories, restrictsGroups } from './scope';

/** How many widened holders a refusal names (SPEC §20). */
export const MAX_HOLDERS_NAMED = 10;

const quoted = (ids: readonly string[]) =>
  ids.map((id) => `"${id}"`).join(', ');

/**
 * No escalation, what is put into a role (SPEC §12): a caller who is not
 * `admin` may put into a role only privileges it has itself (never `admin`)
 * and only categories / groups within its own scope. An empty list would make
 * holders unrestricted on that dimension, which is beyond a restricted
 * caller's scope too.
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

/**
 * What `after` gives that `before` did not and the caller cannot use itself
 * (SPEC §20), in words: a privilege it lacks, or categories / groups beyond
 * its own. An empty list is unrestricted; `admin` lifts both restrictions, so
 * a holder that was admin cannot be widened and one that becomes admin gains
 * `admin`, which no caller but an admin has.
 */
export function gainsBeyond(
  caller: Principal,
  before: Rights,
  after: Rights,
): string[] {
  if (isAdmin(caller) || before.privileges.includes(ADMIN)) return [];
  const gains = after.privileges
    .filter((id) => !before.privileges.includes(id))
    .filter((id) => !caller.privileges.includes(id))
    .map((id) => `the privilege ${id}`);
  gains.push(
    ...scopeGains('categories', caller.categories, before, after),
    ...scopeGains('groups', caller.groups, before, after),
  );
  return gains;
}

function scopeGains(
  field: 'categories' | 'groups',
  allowed: readonly string[],
  before: Rights,
  after: Rights,
): string[] {
  const was = before[field];
  // The caller unrestricted may widen anyone; a holder unrestricted cannot be.
  if (allowed.length === 0 || was.length === 0) return [];
  const is = after.privileges.includes(ADMIN) ? [] : after[field];
  if (is.length === 0)
    return [`every ${field === 'groups' ? 'group' : 'category'}`];
  const outside = is.filter((id) => !was.includes(id) && !allowed.includes(id));
  return outside.length > 0 ? [`${field} ${quoted(outside)}`] : [];
}

/** A holder a change would widen, and what it would gain. */
export interface Widened {
  label: string;
  gains: string[];
}

/**
 * The holders a change to one role widens beyond the caller (SPEC §20):
 * each holder's effective rights with the roles as stored (`roles`) and as
 * they would be (`role` replaced by `next`, or gone when `next` is null), its
 * other roles and own lists included, since a restriction may come from any
 * of them.
 */
export function holdersWidened(
  caller: Principal,
  holders: readonly Grantee[],
  roles: ReadonlyMap<string, RoleRights>,
  role: string,
  next: RoleRights | null,
): Widened[] {
  if (isAdmin(caller)) return [];
  const after = new Map(roles);
  if (next) after.set(role, next);
  else after.delete(role);
  return holders.flatMap((holder) => {
    const gains = gainsBeyond(
      caller,
      granteeRights(holder, roles),
      granteeRights(holder, after),
    );
    return gains.length > 0 ? [{ label: holder.label, gains }] : [];
  });
}

/** 403 escalation_denied naming up to ten widened holders, the first with what it would gain. */
export function escalationRefusal(
  caller: Principal,
  widened: readonly Widened[],
): AppError {
  const [first] = widened;
  const others = widened.length - 1;
  return new AppError(
    403,
    'escalation_denied',
    `${describeCaller(caller)} may not make this change: it would give "${first.label}" ${first.gains.join(' and ')}${others > 0 ? `, and widen ${others} other holder${others > 1 ? 's' : ''}` : ''}, beyond the caller's own rights.`,
    { holders: widened.slice(0, MAX_HOLDERS_NAMED).map((w) => w.label) },
  );
}
