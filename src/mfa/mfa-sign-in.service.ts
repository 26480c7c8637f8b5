import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { newId, newToken, sha256Hex } from '../secrets/secrets';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { LoginThrottle } from '../sessions/login-throttle';
import type { SignInClient } from '../sessions/session-cookie';
import { accountDisabled } from '../sessions/session.verifier';
import {
  type LoginResult,
  type SecondStepAnswer,
  SessionsService,
} from '../sessions/sessions.service';
import { User } from '../users/user.entity';
import { MfaToken } from './mfa-token.entity';
import type { MfaMethod } from './mfa-methods';
import type { Presented } from './second-factor-check';
import { SecondFactors } from './second-factors.service';
import { PasskeysService } from './passkeys.service';
import type { ChallengePurpose } from './challenges';

/** Failures an mfa_token survives (SPEC §18); the fifth spends it. */
export const MFA_TOKEN_FAILURES = 5;

export type SignedIn = LoginResult & { aal: 2 };

const mfaFailed = (detail: string) =>
  AppError.unauthorized('mfa_failed', detail);
const SPENT =
  'The mfa_token is unknown, expired or spent; sign in with the password again.';

/**
 * The second step of a sign-in, and passwordless sign-in with a passkey.
 * Sessions are started by SessionsService.startSession, the one way a
 * session begins.
 */
@Injectable()
export class MfaSignIn implements OnModuleInit {
  constructor(
    @InjectRepository(MfaToken) private readonly tokens: Repository<MfaToken>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly factors: SecondFactors,
    private readonly passkeys: PasskeysService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
  ) {}

  onModuleInit(): void {
    this.sessions.useSecondStep((user) => this.begin(user));
  }

  /** After a right password: an mfa_token when the user has a second factor, else null. */
  async begin(user: User): Promise<SecondStepAnswer | null> {
    const methods = await this.factors.methods(user.id);
    if (methods.length === 0) return null;
    const token = newToken();
    await this.lock.exclusive(() =>
      this.tokens.insert({
        id: newId(),
        tokenHash: sha256Hex(token),
        userId: user.id,
        failures: 0,
        expiresAt: new Date(this.clock.now() + this.config.mfaTokenTtl * 1000),
      }),
    );
    return { mfa_required: true, mfa_token: token, methods };
  }

  async options(mfaToken: string) {
    const token = await this.live(mfaToken);
    return this.passkeys.authenticationOptions('second_factor', token.userId);
  }

  passwordlessOptions() {
    return this.passkeys.authenticationOptions('sign_in', null);
  }

  /**
   * The second factor for an mfa_token. A failure counts toward the token's
   * five and toward the username+IP lockout of the password login; a success
   * spends the token and clears that user's failures from this IP.
   */
  async complete(
    mfaToken: string,
    presented: Presented,
    client: SignInClient,
    context: AuditContext,
  ): Promise<SignedIn> {
    const token = await this.live(mfaToken);
    const user = await this.users.findOneByOrFail({ id: token.userId });
    const method = await this.checked(user, context, () =>
      this.verify(user, presented, 'second_factor', context),
    );
    if (!method) {
      await this.countFailure(token);
      throw mfaFailed(
        'The code or passkey is wrong, or the code was already used.',
      );
    }
    if (!(await this.spend(token))) throw mfaFailed(SPENT);
    if (!user.active) throw accountDisabled(user.username);
    const result = await this.sessions.startSession(
      user,
      { method: 'password', aal: 2, ...client },
      context,
    );
    return { ...result, aal: 2 };
  }

  /**
   * Passwordless: a discoverable passkey alone (its user verification makes
   * it two factors). An unknown passkey is not audited one by one, as an
   * unknown credential is not (SPEC §13).
   */
  async passwordless(
    response: AuthenticationResponseJSON,
    client: SignInClient,
    context: AuditContext,
  ): Promise<SignedIn> {
    const passkey = await this.passkeys.verifyAssertion(
      'sign_in',
      null,
      response,
    );
    const user = passkey
      ? await this.users.findOneBy({ id: passkey.userId })
      : null;
    if (!user) {
      throw AppError.unauthorized(
        'login_failed',
        'The passkey could not be verified.',
      );
    }
    if (!user.active) {
      const refusal = accountDisabled(user.username);
      await this.sessions.recordFailure(user.username, refusal, null, context);
      throw refusal;
    }
    const result = await this.sessions.startSession(
      user,
      { method: 'passkey', aal: 2, ...client },
      context,
    );
    return { ...result, aal: 2 };
  }

  /**
   * Runs `verify` as one attempt of the username+IP lockout (429 when it is
   * full); a failure is recorded there and audited like a failed login.
   */
  async checked(
    user: User,
    context: AuditContext,
    verify: () => Promise<MfaMethod | null>,
    /** Audited as a failed login; null: a 403 that the exception filter audits (step-up). */
    refusal: AppError | null = mfaFailed('The code or passkey is wrong.'),
  ): Promise<MfaMethod | null> {
    const attempt = await this.throttle.begin(user.username, context.ip ?? '');
    let method: MfaMethod | null;
    try {
      method = await verify();
    } catch (error) {
      await this.throttle.end(attempt, 'aborted');
      throw error;
    }
    const lockout = await this.throttle.end(
      attempt,
      method ? 'succeeded' : 'failed',
    );
    if (!method && (refusal || lockout)) {
      await this.sessions.recordFailure(
        user.username,
        refusal,
        lockout,
        context,
      );
    }
    return method;
  }

  /** Which factor `presented` is, when it is right for this user; null otherwise. */
  async verify(
    user: User,
    presented: Presented,
    purpose: Exclude<ChallengePurpose, 'register' | 'sign_in'>,
    context: AuditContext,
  ): Promise<MfaMethod | null> {
    if ('code' in presented) {
      return this.factors.verifyCode(user, presented.code, context);
    }
    const passkey = await this.passkeys.verifyAssertion(
      purpose,
      user.id,
      presented.passkey,
    );
    return passkey ? 'passkey' : null;
  }

  /** Forgets mfa_tokens past their lifetime. */
  async sweep(): Promise<void> {
    await this.lock.exclusive(() =>
      this.tokens
        .createQueryBuilder()
        .delete()
        .where('expires_at <= :now', { now: this.clock.now() })
        .execute(),
    );
  }

  private async live(mfaToken: string): Promise<MfaToken> {
    const token = await this.tokens.findOneBy({
      tokenHash: sha256Hex(mfaToken),
    });
    if (
      !token ||
      token.expiresAt.getTime() <= this.clock.now() ||
      token.failures >= MFA_TOKEN_FAILURES
    ) {
      throw mfaFailed(SPENT);
    }
    return token;
  }

  private async countFailure(token: MfaToken): Promise<void> {
    await this.lock.exclusive(async () => {
      await this.tokens.increment({ id: token.id }, 'failures', 1);
      await this.tokens
        .createQueryBuilder()
        .delete()
        .where('id = :id AND failures >= :max', {
          id: token.id,
          max: MFA_TOKEN_FAILURES,
        })
        .execute();
    });
  }

  /** True for the one request that spends a live token. */
  private async spend(token: MfaToken): Promise<boolean> {
    const result = await this.lock.exclusive(() =>
      this.tokens
        .createQueryBuilder()
        .delete()
        .where('id = :id AND failures < :max AND expires_at > :now', {
          id: token.id,
          max: MFA_TOKEN_FAILURES,
          now: this.clock.now(),
        })
        .execute(),
    );
    return result.affected === 1;
  }
}
