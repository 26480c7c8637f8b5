import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { LoginThrottle } from '../sessions/login-throttle';
import type { SignInClient } from '../sessions/session-cookie';
import { accountDisabled } from '../sessions/session.verifier';
import { LoginFailures } from '../sessions/login-failures';
import type { SecondStepAnswer } from '../sessions/second-step';
import {
  type LoginResult,
  SessionLifecycle,
} from '../sessions/session-lifecycle';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/user.entity';
import { FactorFailures } from './factor-failures';
import { MFA_TOKEN_SPENT, MfaTokens, mfaFailed } from './mfa-tokens';
import type { MfaMethod } from './mfa-methods';
import type { Presented } from './second-factor-check';
import { SecondFactors } from './second-factors.service';
import { PasskeyAssertions } from './passkey-assertions';
import type { ChallengePurpose } from './challenges';

export type SignedIn = LoginResult & { aal: 2 };

/**
 * The second step of a sign-in, and passwordless sign-in with a passkey.
 * Sessions are started by SessionLifecycle.startSession, the one way a
 * session begins.
 */
@Injectable()
export class MfaSignIn implements OnModuleInit {
  constructor(
    private readonly tokens: MfaTokens,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly factors: SecondFactors,
    private readonly passkeys: PasskeyAssertions,
    private readonly sessions: SessionsService,
    private readonly lifecycle: SessionLifecycle,
    private readonly failures: LoginFailures,
    private readonly throttle: LoginThrottle,
    private readonly factorFailures: FactorFailures,
  ) {}

  onModuleInit(): void {
    this.sessions.useSecondStep((user) => this.begin(user));
  }

  /** After a right password: an mfa_token when the user has a second factor, else null. */
  async begin(user: User): Promise<SecondStepAnswer | null> {
    const methods = await this.factors.methods(user.id);
    if (methods.length === 0) return null;
    const token = await this.tokens.issue(user.id);
    return { mfa_required: true, mfa_token: token, methods };
  }

  async options(mfaToken: string) {
    const token = await this.tokens.live(mfaToken);
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
    const token = await this.tokens.live(mfaToken);
    const user = await this.users.findOneByOrFail({ id: token.userId });
    const method = await this.checked(user, context, () =>
      this.verify(user, presented, 'second_factor', context),
    );
    if (!method) {
      await this.tokens.countFailure(token);
      throw mfaFailed(
        'The code or passkey is wrong, or the code was already used.',
      );
    }
    if (!(await this.tokens.spend(token))) throw mfaFailed(MFA_TOKEN_SPENT);
    if (!user.active) throw accountDisabled(user.username);
    return this.signedIn(user, 'password', client, context);
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
      await this.failures.record(user.username, refusal, null, context);
      throw refusal;
    }
    return this.signedIn(user, 'passkey', client, context);
  }

  /** A session at aal 2 (SPEC §18), its answer saying so. */
  private async signedIn(
    user: User,
    method: 'password' | 'passkey',
    client: SignInClient,
    context: AuditContext,
  ): Promise<SignedIn> {
    const signIn = { method, aal: 2 as const, ...client };
    const result = await this.lifecycle.startSession(user, signIn, context);
    return { ...result, aal: 2 };
  }

  /**
   * Runs `verify` as one attempt of the username+IP lockout (429 when it is
   * full) and of the user's own bound (factor-failures.ts); a failure is
   * recorded in both and audited like a failed login.
   */
  async checked(
    user: User,
    context: AuditContext,
    verify: () => Promise<MfaMethod | null>,
    /** Audited as a failed login; null: a 403 that the exception filter audits (step-up). */
    refusal: AppError | null = mfaFailed('The code or passkey is wrong.'),
  ): Promise<MfaMethod | null> {
    const { result: method, lockout } = await this.throttle.attempt(
      user.username,
      context.ip ?? '',
      async () => {
        await this.factorFailures.gate(user.id);
        return verify();
      },
      (found) => (found ? 'succeeded' : 'failed'),
    );
    if (method) return method;
    const userLockout = await this.factorFailures.fail(user.id);
    if (refusal || lockout || userLockout) {
      const started = lockout ?? userLockout;
      await this.failures.record(user.username, refusal, started, context);
    }
    return null;
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
}
