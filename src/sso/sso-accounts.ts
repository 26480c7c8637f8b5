import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { ChangeBus } from '../bus/change-bus';
import { ADMIN } from '../access/privileges';
import { Clock } from '../time/clock';
import { APP_CONFIG, AppConfig, SsoConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/unique-violation';
import { WriteLock } from '../database/write-lock';
import { rolesNamed } from '../roles/role.entity';
import { anotherActiveAdmin, losesAdmin } from '../users/admins';
import { NO_PASSWORD } from '../users/passwords';
import { User } from '../users/user.entity';
import {
  newUser,
  saveUser,
  userChanges,
  userCreated,
  userUpdated,
} from '../users/user-records';
import {
  grantsAfterLogin,
  mappedRights,
  sameSubject,
  type Grants,
  type SsoProfile,
} from './sso-profile';

/**
 * The account an SSO login signs in to; or why it may not: the user is
 * disabled, or signs in another way (`conflict`).
 */
export type SsoAccount = {
  user: User;
  refused?: 'disabled' | 'conflict';
};

/**
 * Users as single sign-on makes and keeps them (SPEC §17): created at the
 * first login with no password, and at every login given the roles and
 * `admin` their groups map to. Creation, update and audit entries share one
 * transaction; a disabled user is left untouched.
 */
@Injectable()
export class SsoAccounts {
  private readonly logger = new Logger('SSO');
  private readonly sso: SsoConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly bus: ChangeBus,
    private readonly dataSource: DataSource,
  ) {
    this.sso = config.sso;
  }

  /** SSO_GROUP_ROLES naming a role that does not exist: one warn line each (start-up). */
  async warnUnknownRoles(): Promise<void> {
    const named = [...new Set(Object.values(this.sso.groupRoles).flat())];
    await this.existingRoles(this.dataSource.manager, named, 'at start-up');
  }

  /**
   * Only an account this way of signing in created is opened. The username
   * is a claim (or a header) that the provider's users may be able to
   * choose (self-service sign-up, an editable preferred_username; OpenID
   * Connect says it is not unique): it must never open a local account, the
   * first administrator above all, nor one of the other single sign-on,
   * nor one of another account at the same provider (sameSubject).
   */
  async signIn(
    profile: SsoProfile,
    context: AuditContext,
  ): Promise<SsoAccount> {
    const account = await this.account(profile, context).catch(
      (error: unknown) => {
        // Another first sign-in of this person created the user after this
        // one looked for it (the write lock keeps them apart today; this
        // does not rely on it): once more, it now finds that user.
        if (!isUniqueViolation(error)) throw error;
        return this.account(profile, context);
      },
    );
    // Sessions of this user elsewhere hold its rights in caches: drop them.
    if (account.changed) {
      await this.bus.announce({ kind: 'user', userId: account.user.id });
    }
    return account;
  }

  /** The user made or refreshed, with its audit entries, in one transaction. */
  private account(profile: SsoProfile, context: AuditContext) {
    return this.lock.transaction(async (manager) => {
      const user = await manager.findOneBy(User, {
        usernameKey: profile.username.toLowerCase(),
      });
      if (user && !user.active) return { user, refused: 'disabled' as const };
      const theirs =
        user?.source === profile.source &&
        sameSubject(user.ssoSubject, profile);
      if (user && !theirs) return { user, refused: 'conflict' as const };
      const grants = await this.grants(manager, profile, user);
      const after = user
        ? await this.update(manager, user, profile, grants, context)
        : await this.create(manager, profile, grants, context);
      return { user: after, changed: after !== user };
    });
  }

  private async grants(
    manager: EntityManager,
    profile: SsoProfile,
    user: User | null,
  ): Promise<Grants> {
    const mapped = mappedRights(profile.groups, this.sso);
    const roles = await this.existingRoles(
      manager,
      mapped.roles,
      `for "${profile.username}"`,
    );
    const current = user ?? { roles: [], privileges: [] };
    return grantsAfterLogin(
      current,
      { ...mapped, roles },
      this.sso.replaceRoles,
    );
  }

  /** The ids that name roles; each other one is skipped with a warn line naming it. */
  private async existingRoles(
    manager: EntityManager,
    ids: string[],
    when: string,
  ): Promise<string[]> {
    const found = new Set((await rolesNamed(manager, ids)).map((r) => r.id));
    for (const id of ids.filter((id) => !found.has(id))) {
      this.logger.warn(
        `SSO_GROUP_ROLES names the role "${id}", which does not exist: skipped ${when}`,
      );
    }
    return ids.filter((id) => found.has(id));
  }

  private async create(
    manager: EntityManager,
    profile: SsoProfile,
    grants: Grants,
    context: AuditContext,
  ): Promise<User> {
    const fields = {
      username: profile.username,
      fullName: profile.fullName ?? '',
      passwordHash: NO_PASSWORD,
      source: profile.source,
      ssoSubject: profile.subject ?? null,
      active: true,
      privileges: grants.privileges,
      categories: [],
      groups: [],
      roles: grants.roles,
    };
    const user = newUser(manager, fields, new Date(this.clock.now()));
    await manager.insert(User, user);
    await this.audit.record(manager, context, userCreated(user));
    return user;
  }

  /** The same object when nothing changed, so no entry and no cache drop. */
  private async update(
    manager: EntityManager,
    user: User,
    profile: SsoProfile,
    grants: Grants,
    context: AuditContext,
  ): Promise<User> {
    const after: User = {
      ...user,
      fullName: profile.fullName ?? user.fullName,
      roles: grants.roles,
      privileges: grants.privileges,
      ssoSubject: profile.subject ?? user.ssoSubject,
    };
    if (losesAdmin(user, after)) await this.keepLastAdmin(manager, after);
    const details = userChanges(user, after);
    const bound = after.ssoSubject !== user.ssoSubject;
    if (Object.keys(details).length === 0 && !bound) return user;
    after.updatedAt = new Date(this.clock.now());
    await saveUser(manager, after);
    // Binding to a subject changes no right: no entry of its own.
    if (Object.keys(details).length > 0) {
      await this.audit.record(manager, context, userUpdated(user, details));
    }
    return after;
  }

  /**
   * The provider would demote the last active admin: opsgate keeps it an
   * admin (SPEC §4's last-admin rule outranks the mapping) and says so, so
   * the instance never ends up without anyone able to administer it.
   */
  private async keepLastAdmin(manager: EntityManager, after: User) {
    if (await anotherActiveAdmin(manager, after)) return;
    after.privileges = [...after.privileges, ADMIN];
    this.logger.warn(
      `"${after.username}" is the last active administrator: kept admin although its groups no longer grant it`,
    );
  }
}
