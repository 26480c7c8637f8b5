import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { effectiveRights } from '../access/effective-rights';
import { ADMIN } from '../access/privileges';
import { AppError } from '../http/app-error';
import { newToken } from '../secrets/secrets';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import {
  hashPassword,
  hasPassword,
  needsRehash,
  verifyPassword,
} from '../users/passwords';
import { Semaphore } from '../concurrency/semaphore';
import { rolesNamed } from '../roles/role.entity';
import { User } from '../users/user.entity';
import { HashPermits } from './hash-permits';
import { LoginDto } from './login.dto';
import { LoginFailures } from './login-failures';
import { LoginThrottle } from './login-throttle';
import type { SecondStep, SecondStepAnswer } from './second-step';
import type { SignInClient } from './session-cookie';
import { type LoginResult, SessionLifecycle } from './session-lifecycle';
import { accountDisabled } from './session.verifier';

/**
 * Signing in with a password (POST /api/sessions): the lockout, the hash
 * permits, LOCAL_LOGIN and the second step decide; SessionLifecycle starts
 * the session.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap {
  /** Checked against when the username is unknown, so both failures take the same time. */
  private decoyHash?: Promise<string>;
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: LoginThrottle,
    private readonly failures: LoginFailures,
    private readonly lifecycle: SessionLifecycle,
    private readonly lock: WriteLock,
    private readonly hashPermits: HashPermits,
  ) {}

  /**
   * The second step of a sign-in (SPEC §18), registered by the second-factor
   * feature, which knows who has one; sessions know nothing of factors.
   */
  useSecondStep(step: SecondStep): void {
    this.secondStep = step;
  }

  private secondStep: SecondStep = () => Promise.resolve(null);

  /**
   * `client`: where the login comes from; none when no HTTP request carries
   * it (the bench). A user with a second factor gets no session yet, only
   * what the second step needs.
   */
  async login(
    dto: LoginDto,
    context: AuditContext,
    client: SignInClient = { ip: null, userAgent: null },
  ): Promise<LoginResult | SecondStepAnswer> {
    const { result, lockout } = await this.throttle.attempt(
      dto.username,
      context.ip ?? '',
      () => this.passwordStep(dto, context),
      // A right password that still needs its second factor clears no
      // failures: wrong codes count toward the same lockout (SPEC §18), and
      // a new login must not reset them.
      ({ user, secondStep }) =>
        user ? (secondStep ? 'aborted' : 'succeeded') : 'failed',
    );
    const { user, secondStep } = result;
    if (secondStep) return secondStep;
    if (user?.active) {
      return this.lifecycle.startSession(
        user,
        { method: 'password', aal: 1, ...client },
        context,
      );
    }
    const refusal = user
      ? accountDisabled(user.username)
      : AppError.unauthorized(
          'login_failed',
          'The username or password is wrong.',
        );
    await this.failures.record(dto.username, refusal, lockout, context);
    throw refusal;
  }

  /** The user whose password this is (null: none may use it), and its second step if it has one. */
  private async passwordStep(
    dto: LoginDto,
    context: AuditContext,
  ): Promise<{ user: User | null; secondStep: SecondStepAnswer | null }> {
    let user = await this.hashPermits.run(() => this.check(dto));
    if (user && !(await this.mayUsePassword(user))) user = null;
    const secondStep = user?.active
      ? await this.secondStep(user, context)
      : null;
    return { user, secondStep };
  }

  /**
   * The user whose password this is, or null; the same work whether the
   * username exists or not. A hash of an older scheme or a lower cost is
   * replaced once the password has been seen to match.
   */
  private async check(dto: LoginDto): Promise<User | null> {
    const user = await this.users.findOneBy({
      usernameKey: dto.username.toLowerCase(),
    });
    // A user without a password (single sign-on) takes the decoy's time too.
    const usable = user && hasPassword(user) ? user : null;
    const hash = usable?.passwordHash ?? (await this.decoy());
    const matches = await verifyPassword(dto.password, hash);
    if (!usable || !matches) return null;
    if (usable.active && needsRehash(hash, this.config.passwordHash)) {
      await this.rehash(usable, dto.password);
    }
    return usable;
  }

  /**
   * LOCAL_LOGIN=false (SPEC §17): people sign in through single sign-on, and
   * a password works only for administrators (own or through a role), the
   * way back in when the identity provider is down. The refusal is the
   * wrong-password one, and counts like it.
   */
  private async mayUsePassword(user: User): Promise<boolean> {
    if (this.config.localLogin) return true;
    const roles = await rolesNamed(this.users.manager, user.roles);
    return effectiveRights(user, roles).privileges.includes(ADMIN);
  }

  /** Same password, new hash: no session ends. Only if no one changed the password meanwhile. */
  private async rehash(user: User, password: string): Promise<void> {
    const fresh = await hashPassword(password, this.config.passwordHash);
    await this.lock.exclusive(() =>
      this.users.update(
        { id: user.id, passwordHash: user.passwordHash },
        { passwordHash: fresh },
      ),
    );
  }

  /** The hash permits of logins (for tests and diagnostics). */
  get hashing(): Readonly<Semaphore> {
    return this.hashPermits.semaphore;
  }

  onApplicationBootstrap(): void {
    void this.decoy();
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(newToken(), this.config.passwordHash);
    return this.decoyHash;
  }
}
