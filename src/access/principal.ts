import {
  effectiveRights,
  type RoleRights,
  type Rights,
} from './effective-rights';
import { ADMIN } from './privileges';

/** Who is calling: a user (through a session) or an API key. Immutable once built. */
export interface Principal {
  readonly type: 'user' | 'api_key';
  /** The username, or the key id. */
  readonly id: string;
  /** The user's full name, or the key title. */
  readonly name: string;
  readonly privileges: readonly string[];
  readonly categories: readonly string[];
  readonly groups: readonly string[];
  /** The role ids it holds (enabled or not); the lists above already include the enabled ones. */
  readonly roles: readonly string[];
  /** Requests per second allowed (keys only); 0 is unlimited. */
  readonly maxPerSec: number;
  /** The key's expiry; for users the session expiry is computed per request. */
  readonly expiresAt: Date | null;
}

export function isAdmin(principal: Principal): boolean {
  return principal.privileges.includes(ADMIN);
}

/** How records, the audit log and refusals name a key: `key:<id>` (SPEC §9). */
export const keyActor = (id: string): string => `key:${id}`;

/** How records name their creator: `alice` or `key:<id>` (SPEC §9). */
export function actorOf(principal: Principal): string {
  return principal.type === 'user' ? principal.id : keyActor(principal.id);
}

/** For error details: `API key "CI deploy"` or `User "alice"`. */
export function describeCaller(principal: Principal): string {
  return principal.type === 'user'
    ? `User "${principal.id}"`
    : `API key "${principal.name}"`;
}

/** A frozen principal whose rights are its own and its enabled roles' (SPEC §12). */
export function grantedPrincipal(
  who: Pick<Principal, 'type' | 'id' | 'name' | 'maxPerSec' | 'expiresAt'>,
  own: Rights & { roles: readonly string[] },
  roles: readonly RoleRights[],
): Principal {
  return Object.freeze({
    ...who,
    ...effectiveRights(own, roles),
    roles: Object.freeze([...own.roles]),
  });
}
