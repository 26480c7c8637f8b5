import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import type { AuditDetails } from '../audit/audit-entry.entity';
import { AuditLog } from '../audit/audit-log';
import { effectiveRights } from '../access/effective-rights';
import { ADMIN } from '../access/privileges';
import type { RequestAuth } from '../access/request-auth';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { ChangeBus } from '../bus/change-bus';
import {
  csrfTokenFor,
  newId,
  newToken,
  randomString,
  sha256Hex,
} from '../secrets/secrets';
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
import type { UserView } from '../users/user.dto';
import { userView } from '../users/user.view';
import { HashPermits } from './hash-permits';
import { LoginDto } from './login.dto';
import { LockoutStart, LoginThrottle } from './login-throttle';
import { Session, type Aal, type SignInMethod } from './session.entity';
import type { SignInClient } from './session-cookie';
import { SessionVerifier, accountDisabled } from './session.verifier';

export interface LoginResult {
  session_id: string;
  csrf_token: string;
  expires_at: string;
  user: UserView;
}

/** A right password of a user with a second factor: no session yet (SPEC §18). */
export interface SecondStepAnswer {
  mfa_required: true;
  mfa_token: string;
  methods: string[];
}

/** Asked after a right password of an active user; null: no second step, start the session. */
export type SecondStep = (
  user: User,
  context: AuditContext,
) => Promise<SecondStepAnswer | null>;

/** How a session is being signed in: what startSession records with it. */
export interface SignIn extends SignInClient {
  method: SignInMethod;
  aal: Aal;
}

/**
 * A session's public id (SPEC §16): 22 characters, about 131 random bits of
 * its own, so it reveals nothing of the secret and cannot be guessed.
 */
const newHandle = () => randomString(22);

const SWEEP_MS = 60 * 60 * 1000;
/** Ended sessions are kept a day, so their holders hear "session_expired" rather than "invalid_session". */
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class SessionsService
  implements OnApplicationBootstrap, OnModuleDestroy
{
  /** Checked against when the username is unknown, so both failures take the same time. */
  private decoyHash?: Promise<string>;
  private sweeper?: NodeJS.Timeout;
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: SessionVerifier,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
    private readonly hashPermits: HashPermits,
  ) {
    // Users announce a new password, a deletion or a re-enabling; the sessions end here.
    changes.handle(async (change) => {
      if (change.kind !== 'user' || !change.endSessions) return;
      const { userId } = change;
      await this.lock.exclusive(() => this.sessions.delete({ userId }));
    });
  }

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
      return this.startSession(
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
    await this.recordFailure(dto.username, refusal, lockout, context);
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
   * session.login (failed), and session.lockout once when this failure
   * starts one; also for a second factor's failure (SPEC §18), where a
   * refusal the exception filter audits anyway (a step-up's 403) is null.
   */
  async recordFailure(
    username: string,
    refusal: AppError | null,
    lockout: LockoutStart | null,
    context: AuditContext,
  ): Promise<void> {
    const target = { targetType: 'user' as const, targetId: username };
    if (refusal) {
      await this.audit.recordAlone(context, {
        action: 'session.login',
        actor: null,
        ...target,
        outcome: 'failed',
        code: refusal.code,
      });
    }
    if (lockout) {
      await this.audit.recordAlone(context, {
        action: 'session.lockout',
        actor: null,
        ...target,
        outcome: 'denied',
        code: 'too_many_login_attempts',
        details: {
          failures: lockout.failures,
          window_seconds: lockout.windowSeconds,
        },
      });
    }
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

  async logout(
    auth: RequestAuth | undefined,
    context: AuditContext,
  ): Promise<void> {
    const id = auth?.sessionRecordId;
    if (!auth || id === undefined) {
      throw AppError.notFound(
        'This request has no session: it came with an API key.',
      );
    }
    await this.lock.transaction(async (manager) => {
      await manager.delete(Session, { id });
      await this.audit.record(manager, context, {
        action: 'session.logout',
        targetType: 'user',
        targetId: auth.principal.id,
      });
    });
    this.changes.publish({ kind: 'session', id });
  }

  /** Deletes sessions that ended more than a day ago. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const idle = now - this.config.sessionIdleTimeout * 1000 - KEEP_EXPIRED_MS;
    const old = now - this.config.sessionMaxAge * 1000 - KEEP_EXPIRED_MS;
    await this.verifier.activity.flush();
    // Plain numbers: the columns hold epoch milliseconds, and a find operator
    // with a Date would bypass the column transformer and compare as text.
    const result = await this.lock.exclusive(() =>
      this.sessions
        .createQueryBuilder()
        .delete()
        .where('last_seen_at < :idle OR created_at < :old', { idle, old })
        .execute(),
    );
    return result.affected ?? 0;
  }

  onApplicationBootstrap(): void {
    void this.decoy();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /**
   * The one way a session begins, whatever signed the user in (password,
   * single sign-on, second factor, passkey: SPEC §17, §18 "exactly like a
   * password login"). The caller has checked `user` may sign in (active,
   * credentials right). Returns the login's 201 body; the controller then
   * sets the cookie with setSessionCookie (session-cookie.ts). Audited
   * `session.login` with `details.method`. Always a brand-new session: an ID
   * sent along with the sign-in is never reused.
   */
  async startSession(
    user: User,
    signIn: SignIn,
    context: AuditContext,
  ): Promise<LoginResult> {
    const now = this.clock.now();
    const token = newToken();
    const csrf = csrfTokenFor(token);
    const session = this.sessions.create({
      id: newId(),
      handle: newHandle(),
      tokenHash: sha256Hex(token),
      csrfHash: sha256Hex(csrf),
      userId: user.id,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      ip: signIn.ip,
      userAgent: signIn.userAgent,
      method: signIn.method,
      aal: signIn.aal,
      steppedUpAt: signIn.aal === 2 ? new Date(now) : null,
    });
    await this.lock.transaction(async (manager) => {
      await manager.insert(Session, session);
      await this.audit.record(manager, context, {
        action: 'session.login',
        actor: user.username,
        targetType: 'user',
        targetId: user.username,
        details: { method: signIn.method },
      });
    });
    const expiresAt = this.verifier.expiry({ session, lastSeen: now });
    return {
      session_id: token,
      csrf_token: csrf,
      expires_at: new Date(expiresAt).toISOString(),
      user: userView(user),
    };
  }

  /**
   * Step-up (SPEC §18): the session completed a second factor now, so it has
   * aal 2 until STEP_UP_WINDOW seconds from the returned instant. Audited
   * `session.step_up` (details say how, never a code) in the same transaction;
   * every instance reloads the session on its next request. The request that
   * steps up is the session's newest activity, so it is written too (the
   * reload drops unwritten activity).
   */
  async markSteppedUp(
    auth: { sessionRecordId: string; username: string },
    details: AuditDetails,
    context: AuditContext,
  ): Promise<Date> {
    const now = new Date(this.clock.now());
    await this.lock.transaction(async (manager) => {
      await manager.update(
        Session,
        { id: auth.sessionRecordId },
        { aal: 2, steppedUpAt: now, lastSeenAt: now },
      );
      await this.audit.record(manager, context, {
        action: 'session.step_up',
        targetType: 'user',
        targetId: auth.username,
        details,
      });
    });
    this.changes.publish({ kind: 'session', id: auth.sessionRecordId });
    return now;
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(newToken(), this.config.passwordHash);
    return this.decoyHash;
  }
}
