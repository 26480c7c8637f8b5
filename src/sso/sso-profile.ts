import { ADMIN } from '../access/privileges';
import type { SsoConfig } from '../config/app-config';
import type { UserSource } from '../users/user.entity';

/** Who the provider or the proxy says signed in, already in opsgate's forms. */
export interface SsoProfile {
  source: Exclude<UserSource, 'local'>;
  username: string;
  /** Undefined when the provider says nothing of it: the stored name stays. */
  fullName: string | undefined;
  groups: string[];
  /** OpenID Connect: the ID token's `<iss> <sub>`; none from a proxy's headers. */
  subject?: string;
}

/**
 * Whether a sign-in as `profile` may open a user bound to `stored`. The
 * username claim is no identity (OpenID Connect: not unique, and a
 * provider may give a freed name to someone else); `sub` is, per issuer.
 * Unbound (a user from before subjects were kept), or bound at another
 * issuer (the provider was replaced): the first sign-in binds it.
 */
export function sameSubject(
  stored: string | null,
  profile: Pick<SsoProfile, 'subject'>,
): boolean {
  const { subject } = profile;
  if (subject === undefined || stored === null) return true;
  const issuerOf = (value: string) => value.slice(0, value.indexOf(' '));
  return issuerOf(stored) !== issuerOf(subject) || stored === subject;
}

const USERNAME_MAX = 64;
const FULL_NAME_MAX = 200;
const GROUPS_MAX = 1000;

/**
 * SPEC §17: a value outside §4's username pattern has each other character
 * replaced by `_` (an e-mail address `a@b.c` becomes `a_b.c`), cut to the
 * 64 characters a username may have. Not a string, or empty: null.
 */
export function usernameFrom(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return trimmed.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, USERNAME_MAX);
}

/** A display name as users carry it: no angle brackets (§4's rule for full_name), at most 200 characters. */
export function fullNameFrom(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.replace(/[<>]/g, '').trim().slice(0, FULL_NAME_MAX);
}

/** A groups claim: a list of names (a lone string counts as one); anything else is no group. */
export function groupsFrom(value: unknown): string[] {
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const names = items.filter(
    (item): item is string => typeof item === 'string' && item !== '',
  );
  return [...new Set(names)].slice(0, GROUPS_MAX);
}

/** A groups header: comma-separated, as oauth2-proxy sends X-Forwarded-Groups. */
export const groupsFromHeader = (value: string | undefined): string[] =>
  groupsFrom((value ?? '').split(',').map((group) => group.trim()));

/** The roles and whether `admin`, as SSO_GROUP_ROLES and SSO_ADMIN_GROUPS give them to `groups`. */
export function mappedRights(
  groups: readonly string[],
  sso: Pick<SsoConfig, 'groupRoles' | 'adminGroups'>,
): { roles: string[]; admin: boolean } {
  const member = new Set(groups);
  // Own keys only: a group named "constructor" must not reach the prototype.
  const roles = Object.entries(sso.groupRoles)
    .filter(([group]) => member.has(group))
    .flatMap(([, ids]) => ids);
  return {
    roles: [...new Set(roles)],
    admin: sso.adminGroups.some((group) => member.has(group)),
  };
}

export interface Grants {
  roles: string[];
  privileges: string[];
}

/**
 * A user's roles and privileges after an SSO login. `replace`
 * (SSO_REPLACE_ROLES): the provider is the source of truth for roles and
 * `admin`, so both are set from the groups; other privileges an admin granted
 * by hand stay. Otherwise the mapping only adds.
 */
export function grantsAfterLogin(
  current: Grants,
  mapped: { roles: string[]; admin: boolean },
  replace: boolean,
): Grants {
  const roles = replace
    ? mapped.roles
    : [...new Set([...current.roles, ...mapped.roles])];
  const others = current.privileges.filter((p) => p !== ADMIN);
  const admin =
    mapped.admin || (!replace && current.privileges.includes(ADMIN));
  return { roles, privileges: admin ? [...others, ADMIN] : others };
}
