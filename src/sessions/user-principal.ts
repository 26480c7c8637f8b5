import type { EntityManager } from 'typeorm';
import { grantedPrincipal, type Principal } from '../access/principal';
import { rolesNamed } from '../roles/role.entity';
import type { User } from '../users/user.entity';

/** The caller a user is on a session: its own grants and its roles', no rate limit, no expiry. */
export async function userPrincipal(
  manager: EntityManager,
  user: User,
): Promise<Principal> {
  const roles = await rolesNamed(manager, user.roles);
  return grantedPrincipal(
    {
      type: 'user',
      id: user.username,
      name: user.fullName || user.username,
      maxPerSec: 0,
      expiresAt: null,
    },
    user,
    roles,
  );
}
