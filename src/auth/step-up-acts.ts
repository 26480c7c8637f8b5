import { EntityManager, In } from 'typeorm';
import { ApiKey } from '../api-keys/api-key.entity';
import { SCOPE_ID } from '../validation/validation';
import { Role } from '../roles/role.entity';
import { User } from '../users/user.entity';
import type { Principal } from '../access/principal';
import { ADMIN } from '../access/privileges';
import type { AccessTarget } from './checks/check';

/**
 * The acts that need a second factor completed within STEP_UP_WINDOW
 * (SPEC §18), by route, each reading what the request would do: the one
 * place this rule lives. A reader answers what the act is (for the
 * refusal's detail) or null when this request is not such an act. Bodies
 * are read before validation, so every value is checked for its form;
 * something malformed is no act here and the validation pipe refuses it.
 */
export type ActReader = (
  target: AccessTarget,
  db: EntityManager,
  caller: Principal,
) => Promise<string | null>;

interface Grants {
  privileges: readonly string[];
  roles: readonly string[];
  /** In force: a role's `enabled`, a key's or user's `active`. */
  enabled?: boolean;
}

/**
 * The body field that puts a stored record's grants in force or out of it.
 * A key or user switched back on is granted admin again: a disabled admin
 * key (a leaked one, revoked) or a former admin's account is as good as a
 * new one to whoever holds its secret.
 */
type Switch = 'enabled' | 'active';
const inForce = <T extends { active: boolean }>(record: T) => ({
  ...record,
  enabled: record.active,
});

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? value
    : undefined;
const bodyOf = (target: AccessTarget): Record<string, unknown> =>
  typeof target.body === 'object' && target.body !== null
    ? (target.body as Record<string, unknown>)
    : {};
const param = (target: AccessTarget, name: string): string | null => {
  const value: unknown = target.params?.[name];
  return typeof value === 'string' ? value : null;
};

/** Whether these grants give `admin`: directly, or through an enabled role. */
async function holdsAdmin(db: EntityManager, grants: Grants): Promise<boolean> {
  if (grants.enabled === false) return false;
  if (grants.privileges.includes(ADMIN)) return true;
  const ids = grants.roles.filter((id) => SCOPE_ID.test(id)).slice(0, 1000);
  if (ids.length === 0) return false;
  const roles = await db.findBy(Role, { id: In(ids), enabled: true });
  return roles.some((role) => role.privileges.includes(ADMIN));
}

/** The grants after a body is applied to what is stored (or to nothing, for a create). */
function merged(
  stored: Grants | null,
  body: Record<string, unknown>,
  flag: Switch,
): Grants {
  const on = body[flag];
  return {
    privileges: strings(body.privileges) ?? stored?.privileges ?? [],
    roles: strings(body.roles) ?? stored?.roles ?? [],
    enabled: typeof on === 'boolean' ? on : stored?.enabled,
  };
}

/** Granting `admin`: the record holds it after the write and did not before. */
async function grantsAdmin(
  db: EntityManager,
  stored: Grants | null,
  body: Record<string, unknown>,
  flag: Switch = 'enabled',
): Promise<boolean> {
  const before = stored !== null && (await holdsAdmin(db, stored));
  return !before && (await holdsAdmin(db, merged(stored, body, flag)));
}

const storedKey = (target: AccessTarget, db: EntityManager) => {
  const id = param(target, 'id');
  return id ? db.findOneBy(ApiKey, { id }) : Promise.resolve(null);
};

export const STEP_UP_ACTS: Record<string, ActReader> = {
  'POST /api/keys': async (target, db) =>
    (await grantsAdmin(db, null, bodyOf(target)))
      ? 'Creating a key that holds admin'
      : null,
  'PATCH /api/keys/:id': async (target, db) => {
    const key = await storedKey(target, db);
    return key &&
      (await grantsAdmin(db, inForce(key), bodyOf(target), 'active'))
      ? 'Granting admin to a key'
      : null;
  },
  'POST /api/keys/:id/rotate': async (target, db) => {
    const key = await storedKey(target, db);
    return key && (await holdsAdmin(db, key))
      ? 'Rotating a key that holds admin'
      : null;
  },
  'POST /api/users': async (target, db) =>
    (await grantsAdmin(db, null, bodyOf(target)))
      ? 'Granting admin to a user'
      : null,
  'PATCH /api/users/:username': async (target, db, caller) => {
    const username = param(target, 'username');
    const user = username
      ? await db.findOneBy(User, { usernameKey: username.toLowerCase() })
      : null;
    if (!user) return null;
    const body = bodyOf(target);
    if (await grantsAdmin(db, inForce(user), body, 'active')) {
      return 'Granting admin to a user';
    }
    const another = user.usernameKey !== caller.id.toLowerCase();
    return another && body.password !== undefined
      ? "Changing another user's password"
      : null;
  },
  'POST /api/roles': async (target, db) =>
    (await grantsAdmin(db, null, bodyOf(target)))
      ? 'Granting admin to a role'
      : null,
  'PATCH /api/roles/:id': async (target, db) => {
    const id = param(target, 'id');
    const role = id ? await db.findOneBy(Role, { id }) : null;
    return role &&
      (await grantsAdmin(db, { ...role, roles: [] }, bodyOf(target)))
      ? 'Granting admin through a role'
      : null;
  },
  'DELETE /api/me/mfa/totp': () =>
    Promise.resolve('Removing your authenticator app'),
  'DELETE /api/me/passkeys/:id': () => Promise.resolve('Removing a passkey'),
};
