import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { CHANGED, changedFields, createdFields } from '../audit/audit-details';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { ChangeBus } from '../bus/change-bus';
import { Clock } from '../time/clock';
import { Page, PageQuery } from '../validation/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { GRANT_REFERENCES, References } from '../resources/references';
import { anotherActiveAdmin, isActiveAdmin } from './admins';
import { assertAllowedPassword } from './password-policy';
import { hashPassword } from './passwords';
import { CreateUserDto, UpdateUserDto, USERNAME, UserView } from './user.dto';
import { User } from './user.entity';
import { userView } from './user.view';

const NOT_DETAILS = ['created_at', 'updated_at'];

const target = (user: User) => ({
  targetType: 'user' as const,
  targetId: user.username,
});

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly references: References,
    private readonly audit: AuditLog,
  ) {}

  /**
   * `onlyIfNoUsers`: the first administrator. The emptiness check and the
   * insert share one locked transaction, so instances starting at once on an
   * empty database create exactly one; the others get null.
   */
  async create(dto: CreateUserDto, context: AuditContext): Promise<UserView>;
  async create(
    dto: CreateUserDto,
    context: AuditContext,
    onlyIfNoUsers: true,
  ): Promise<UserView | null>;
  async create(
    dto: CreateUserDto,
    context: AuditContext,
    onlyIfNoUsers = false,
  ): Promise<UserView | null> {
    const now = new Date(this.clock.now());
    const passwordHash = await this.hash(dto.password);
    const user = this.users.create({
      username: dto.username,
      usernameKey: dto.username.toLowerCase(),
      fullName: dto.full_name ?? '',
      passwordHash,
      active: dto.active ?? true,
      privileges: dto.privileges ?? [],
      categories: dto.categories ?? [],
      groups: dto.groups ?? [],
      roles: dto.roles ?? [],
      source: 'local',
      createdAt: now,
      updatedAt: now,
    });
    const created = await this.lock.transaction(async (manager) => {
      if (onlyIfNoUsers && (await manager.count(User)) > 0) return false;
      await this.assertFree(manager, user.usernameKey);
      await this.assertNamesExist(manager, dto);
      await manager.insert(User, user);
      await this.audit.record(manager, context, {
        action: 'user.create',
        ...target(user),
        details: createdFields(userView(user), NOT_DETAILS),
      });
      return true;
    });
    return created ? userView(user) : null;
  }

  async list(page: PageQuery): Promise<Page<UserView>> {
    const [rows, total] = await this.users.findAndCount({
      order: { usernameKey: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
    return { items: rows.map(userView), total };
  }

  async get(username: string): Promise<UserView> {
    return userView(await this.find(this.users.manager, username));
  }

  async update(
    username: string,
    dto: UpdateUserDto,
    context: AuditContext,
  ): Promise<UserView> {
    if (dto.password !== undefined) {
      // The DTO checked what it could; the username may be only in the URL.
      assertAllowedPassword(dto.password, dto.username ?? username, 'password');
    }
    const passwordHash =
      dto.password === undefined ? undefined : await this.hash(dto.password);
    const { before, after } = await this.lock.transaction(async (manager) => {
      const before = await this.find(manager, username);
      const after: User = {
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
        updatedAt: new Date(this.clock.now()),
      };
      if (after.usernameKey !== before.usernameKey) {
        await this.assertFree(manager, after.usernameKey);
      }
      await this.assertNamesExist(manager, dto);
      if (isActiveAdmin(before) && !isActiveAdmin(after)) {
        await this.assertNotLastAdmin(manager, before);
      }
      const { id, ...changes } = after;
      await manager.update(User, { id }, changes);
      const details = changedFields(userView(before), userView(after));
      // That the password changed, never what to.
      if (passwordHash !== undefined) details.password = CHANGED;
      // SPEC §16: every password change has an entry of its own.
      if (passwordHash !== undefined) {
        await this.audit.record(manager, context, {
          action: 'user.password_change',
          ...target(after),
        });
      }
      await this.audit.record(manager, context, {
        action: 'user.update',
        // The username the change was asked for, and the new one in details.
        ...target(before),
        details,
      });
      return { before, after };
    });
    // A new password ends every session; so does coming back from disabled,
    // so a session never outlives the disabling (while disabled it is refused).
    const endSessions =
      passwordHash !== undefined || (!before.active && after.active);
    await this.bus.announce({ kind: 'user', userId: after.id, endSessions });
    return userView(after);
  }

  async remove(username: string, context: AuditContext): Promise<void> {
    const user = await this.lock.transaction(async (manager) => {
      const user = await this.find(manager, username);
      if (isActiveAdmin(user)) await this.assertNotLastAdmin(manager, user);
      await manager.delete(User, { id: user.id });
      await this.audit.record(manager, context, {
        action: 'user.delete',
        ...target(user),
      });
      return user;
    });
    await this.bus.announce({
      kind: 'user',
      userId: user.id,
      endSessions: true,
    });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.config.passwordHash);
  }

  private async find(manager: EntityManager, username: string): Promise<User> {
    // A name no user can have (a NUL byte, which PostgreSQL refuses in a
    // query, included) names nobody: 404 without asking the database.
    const user =
      typeof username === 'string' && USERNAME.test(username)
        ? await manager.findOneBy(User, { usernameKey: username.toLowerCase() })
        : null;
    if (!user) throw AppError.notFound(`No user named "${username}".`);
    return user;
  }

  /** Categories, groups and roles named must exist (SPEC §15). */
  private assertNamesExist(
    manager: EntityManager,
    dto: UpdateUserDto,
  ): Promise<void> {
    return this.references.assertExist(manager, GRANT_REFERENCES, { ...dto });
  }

  private async assertFree(manager: EntityManager, usernameKey: string) {
    if (await manager.existsBy(User, { usernameKey })) {
      throw AppError.conflict(`The username "${usernameKey}" is taken.`);
    }
  }

  private async assertNotLastAdmin(manager: EntityManager, user: User) {
    if (!(await anotherActiveAdmin(manager, user))) {
      throw AppError.conflict(
        `"${user.username}" is the last active administrator; it cannot be disabled, demoted or deleted.`,
      );
    }
  }
}
