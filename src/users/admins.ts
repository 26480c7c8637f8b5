import type { EntityManager } from 'typeorm';
import { ADMIN } from '../access/privileges';
import { dialectOf, jsonArrayElements } from '../database/dialect';
import { User } from './user.entity';

export const isActiveAdmin = (user: Pick<User, 'active' | 'privileges'>) =>
  user.active && user.privileges.includes(ADMIN);

/** Whether a change takes an active admin's administration away (disabled or demoted). */
export const losesAdmin = (
  before: Pick<User, 'active' | 'privileges'>,
  after: Pick<User, 'active' | 'privileges'>,
) => isActiveAdmin(before) && !isActiveAdmin(after);

/**
 * Whether an active admin other than `user` exists. Run it under the
 * WriteLock, so a concurrent demotion on another instance has committed or
 * not started: two admins cannot disable each other.
 */
export async function anotherActiveAdmin(
  manager: EntityManager,
  user: Pick<User, 'id'>,
): Promise<boolean> {
  const privileges = jsonArrayElements(dialectOf(manager), 'u.privileges', 'p');
  const others = await manager
    .createQueryBuilder(User, 'u')
    .where('u.active = :active AND u.id != :id', {
      active: true,
      id: user.id,
    })
    .andWhere(`EXISTS (SELECT 1 FROM ${privileges} WHERE p.value = :admin)`, {
      admin: ADMIN,
    })
    .getCount();
  return others > 0;
}
