import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import type { SignedInUser } from '../access/signed-in.decorator';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { ChangeBus } from '../bus/change-bus';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { assertAllowedPassword } from '../users/password-policy';
import { hashPassword, verifyPassword } from '../users/passwords';
import { User } from '../users/user.entity';
import { findUser } from '../users/user-records';
import type { ChangePasswordDto } from './change-password.dto';
import { HashPermits } from './hash-permits';
import { LoginThrottle } from './login-throttle';
import { LoginFailures } from './login-failures';

/** PUT /api/me/password (SPEC §16): a person changes their own password. */
@Injectable()
export class PasswordChangeService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: LoginThrottle,
    private readonly hashPermits: HashPermits,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
    private readonly failures: LoginFailures,
  ) {}

  /** The new password, once the current one is confirmed; every other session of the user ends. */
  async change(
    caller: SignedInUser,
    dto: ChangePasswordDto,
    context: AuditContext,
  ): Promise<void> {
    const user = await findUser(this.users.manager, caller.username);
    const current = user.passwordHash;
    if (!current) {
      throw AppError.conflict(
        'This account signs in through single sign-on and has no password to change.',
      );
    }
    assertAllowedPassword(dto.new_password, user.username, 'new_password');
    await this.confirm(user.username, current, dto.current_password, context);
    const passwordHash = await hashPassword(
      dto.new_password,
      this.config.passwordHash,
    );
    await this.replace(user, passwordHash, caller.sessionRecordId, context);
  }

  /**
   * The new hash and its audit entry in one transaction; then every other
   * session, and every sign-in waiting for its second factor, ends where
   * each such ending is done (handlers of the announcement), as when an
   * admin sets the password. They are refused on their next request, on
   * every instance.
   */
  private async replace(
    user: User,
    passwordHash: string,
    keepSessionId: string,
    context: AuditContext,
  ): Promise<void> {
    await this.lock.transaction(async (manager) => {
      await manager.update(
        User,
        { id: user.id },
        { passwordHash, updatedAt: new Date(this.clock.now()) },
      );
      await this.audit.record(manager, context, {
        action: 'user.password_change',
        targetType: 'user',
        targetId: user.username,
      });
    });
    await this.changes.announce({
      kind: 'user',
      userId: user.id,
      endSessions: true,
      keepSession: keepSessionId,
    });
  }

  /**
   * The current password, checked as a login checks it: under the hash
   * permits, and a wrong one counts toward the username+IP lockout (so a
   * stolen session cannot be used to guess the password at leisure).
   */
  private async confirm(
    username: string,
    hash: string,
    password: string,
    context: AuditContext,
  ): Promise<void> {
    const { result: matches, lockout } = await this.throttle.attempt(
      username,
      context.ip ?? '',
      () => this.hashPermits.run(() => verifyPassword(password, hash)),
      (right) => (right ? 'succeeded' : 'failed'),
    );
    if (matches) return;
    // session.lockout, once, when this failure starts one (as a login's would).
    await this.failures.record(username, null, lockout, context);
    // A 403: the problem filter audits it as access.denied with this code.
    throw new AppError(
      403,
      'reauthentication_failed',
      'The current password is wrong.',
    );
  }
}
