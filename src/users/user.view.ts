import { iso } from '../common/time';
import type { UserView } from './user.dto';
import type { User } from './user.entity';

/** The only shape a user leaves the server in: never the password hash. */
export function userView(user: User): UserView {
  return {
    username: user.username,
    full_name: user.fullName,
    active: user.active,
    privileges: user.privileges,
    categories: user.categories,
    groups: user.groups,
    roles: user.roles,
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
  };
}
