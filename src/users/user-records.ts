import type { EntityManager, FindOptionsSelect } from 'typeorm';
import { AppError } from '../http/app-error';
import { CHANGED, changedFields, createdFields } from '../audit/audit-details';
import type { AuditDetails } from '../audit/audit-entry.entity';
import type { AuditEvent } from '../audit/audit-log';
import type { UpdateUserDto } from './user.dto';
import { USERNAME } from './user.dto';
import { User } from './user.entity';
import { userView } from './user.view';

/** Instants are not facts about the user a create entry records. */
const NOT_DETAILS = ['created_at', 'updated_at'];

type NewUserFields = Omit<
  User,
  'id' | 'usernameKey' | 'createdAt' | 'updatedAt'
>;

/**
 * A user record not yet inserted, whoever creates it (an admin, the CLI,
 * the first start, a first single sign-on): its key is the lower-cased
 * username, and it is created and updated `now`.
 */
export function newUser(
  manager: EntityManager,
  fields: NewUserFields,
  now: Date,
): User {
  return manager.create(User, {
    ...fields,
    usernameKey: fields.username.toLowerCase(),
    createdAt: now,
    updatedAt: now,
  });
}

/** user.create (SPEC §13): the new user's wire fields. */
export const userCreated = (user: User): AuditEvent => ({
  action: 'user.create',
  targetType: 'user',
  targetId: user.username,
  details: createdFields(userView(user), NOT_DETAILS),
});

/** The wire fields an update changes, with their new values (a password is never one). */
export const userChanges = (before: User, after: User): AuditDetails =>
  changedFields(userView(before), userView(after));

/** user.update, under the username the change was asked for (a new one is in `details`). */
export const userUpdated = (
  before: User,
  details: AuditDetails,
): AuditEvent => ({
  action: 'user.update',
  targetType: 'user',
  targetId: before.username,
  details,
});

/** An admin's update: user.update, after user.password_change when it set a password. */
export function updateEntries(
  before: User,
  after: User,
  newPassword: boolean,
): AuditEvent[] {
  const details = userChanges(before, after);
  if (!newPassword) return [userUpdated(before, details)];
  // That the password changed, never what to; and (SPEC §16) every
  // password change has an entry of its own.
  details.password = CHANGED;
  const passwordChange: AuditEvent = {
    action: 'user.password_change',
    targetType: 'user',
    targetId: after.username,
  };
  return [passwordChange, userUpdated(before, details)];
}

/** Writes `after` over its record. */
export async function saveUser(
  manager: EntityManager,
  after: User,
): Promise<void> {
  const { id, ...changes } = after;
  await manager.update(User, { id }, changes);
}

/**
 * The user a username names, in any case, or 404. A name no user can have
 * (a NUL byte, which PostgreSQL refuses in a query, included) names nobody:
 * 404 without asking the database.
 */
export async function findUser(
  manager: EntityManager,
  username: string,
  select?: FindOptionsSelect<User>,
): Promise<User> {
  const user =
    typeof username === 'string' && USERNAME.test(username)
      ? await manager.findOne(User, {
          select,
          where: { usernameKey: username.toLowerCase() },
        })
      : null;
  if (!user) throw AppError.notFound(`No user named "${username}".`);
  return user;
}

/** `before` as an update asks; what it leaves out stays. */
export function withChanges(
  before: User,
  dto: UpdateUserDto,
  passwordHash: string | undefined,
  now: Date,
): User {
  return {
    ...before,
    username: dto.username ?? before.username,
    usernameKey: (dto.username ?? before.username).toLowerCase(),
    fullName: dto.full_name ?? before.fullName,
    passwordHash: passwordHash ?? before.passwordHash,
    active: dto.active ?? before.active,
    privileges: dto.privileges ?? before.privileges,
    categories: dto.categories ?? before.categories,
    groups: dto.groups ?? before.groups,
    roles: dto.roles ?? before.roles,
    updatedAt: now,
  };
}
