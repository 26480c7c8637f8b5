import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { ChangeBus } from '../bus/change-bus';
import { Clock } from '../time/clock';
import { Page, PageQuery } from '../validation/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { GRANT_REFERENCES, References } from '../resources/references';
import { anotherActiveAdmin, isActiveAdmin, losesAdmin } from './admins';
import { assertAllowedPassword } from './password-policy';
import { hashPassword } from './passwords';
import { CreateUserDto, UpdateUserDto, UserView } from './user.dto';
import { User } from './user.entity';
import {
  findUser,
  newUser,
  saveUser,
  updateEntries,
  userCreated,
  withChanges,
} from './user-records';
import { userView } from './user.view';

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
    const user = newUser(
      this.users.manager,
      {
        username: dto.username,
        fullName: dto.full_name ?? '',
        passwordHash: await this.hash(dto.password),
        active: dto.active ?? true,
        privileges: dto.privileges ?? [],
        categories: dto.categories ?? [],
        groups: dto.groups ?? [],
        roles: dto.roles ?? [],
        source: 'local',
        ssoSubject: null,
      },
      new Date(this.clock.now()),
    );
    const created = await this.lock.transaction(async (manager) => {
      if (onlyIfNoUsers && (await manager.count(User)) > 0) return false;
      await this.assertFree(manager, user.usernameKey);
      await this.assertNamesExist(manager, dto);
      await manager.insert(User, user);
      await this.audit.record(manager, context, userCreated(user));
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
    return userView(await findUser(this.users.manager, username));
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
      const before = await findUser(manager, username);
      const now = new Date(this.clock.now());
      const after = withChanges(before, dto, passwordHash, now);
      await this.assertMayChange(manager, before, after, dto);
      await saveUser(manager, after);
      const newPassword = passwordHash !== undefined;
      for (const entry of updateEntries(before, after, newPassword)) {
        await this.audit.record(manager, context, entry);
      }
      return { before, after };
    });
    // A new password ends every session; so does coming back from disabled,
    // so a session never outlives the disabling (while disabled it is refused).
    const endSessions =
      passwordHash !== undefined || (!before.active && after.active);
    await this.bus.announce({ kind: 'user', userId: after.id, endSessions });
    return userView(after);
  }

  /** A new username must be free, named grants must exist, and the last admin stays one. */
  private async assertMayChange(
    manager: EntityManager,
    before: User,
    after: User,
    dto: UpdateUserDto,
  ): Promise<void> {
    if (after.usernameKey !== before.usernameKey) {
      await this.assertFree(manager, after.usernameKey);
    }
    await this.assertNamesExist(manager, dto);
    if (losesAdmin(before, after)) {
      await this.assertNotLastAdmin(manager, before);
    }
  }

  async remove(username: string, context: AuditContext): Promise<void> {
    const user = await this.lock.transaction(async (manager) => {
      const user = await findUser(manager, username);
      if (isActiveAdmin(user)) await this.assertNotLastAdmin(manager, user);
      await manager.delete(User, { id: user.id });
      await this.audit.record(manager, context, {
        action: 'user.delete',
        targetType: 'user',
        targetId: user.username,
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
