import { iso } from '../time/instants';
import {
  bool,
  instant,
  listOf,
  named,
  strict,
  text,
} from '../validation/schema';
import type { UserView } from './user.dto';
import { USER_SOURCES, type User } from './user.entity';

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
    source: user.source,
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
  };
}

const ids = listOf(text());

/** The wire shape of a user (SPEC §4); e2e responses are validated against it. */
export const USER_SCHEMA = named('User', () =>
  strict({
    username: text(),
    full_name: text(),
    active: bool,
    privileges: ids,
    categories: ids,
    groups: ids,
    roles: ids,
    source: text({
      enum: [...USER_SOURCES],
      description:
        'local: created by an admin; oidc or header: created at its first single sign-on',
    }),
    created_at: instant,
    updated_at: instant,
  }),
);
