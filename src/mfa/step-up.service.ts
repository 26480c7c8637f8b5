import { Inject, Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import type { RequestAuth } from '../access/request-auth';
import { AppError } from '../http/app-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SessionLifecycle } from '../sessions/session-lifecycle';
import type { User } from '../users/user.entity';
import { CallerUser } from './caller-user';
import { MfaSignIn } from './mfa-sign-in.service';
import { PasskeyAssertions } from './passkey-assertions';
import type { Presented } from './second-factor-check';

const reauthenticationFailed = () =>
  new AppError(
    403,
    'reauthentication_failed',
    'The code or passkey is wrong, or the code was already used.',
  );

/** Step-up (SPEC §18): a signed-in session completes a second factor again. */
@Injectable()
export class StepUpService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly callers: CallerUser,
    private readonly signIn: MfaSignIn,
    private readonly passkeys: PasskeyAssertions,
    private readonly sessions: SessionLifecycle,
  ) {}

  async options(auth: RequestAuth | undefined) {
    const { user } = await this.sessionUser(auth);
    return this.passkeys.authenticationOptions('step_up', user.id);
  }

  /** Wrong factors count toward the username+IP lockout, as a password would. */
  async stepUp(
    auth: RequestAuth | undefined,
    presented: Presented,
    context: AuditContext,
  ): Promise<{ aal: 2; until: string }> {
    const { user, sessionRecordId } = await this.sessionUser(auth);
    const method = await this.signIn.checked(
      user,
      context,
      () => this.signIn.verify(user, presented, 'step_up', context),
      null,
    );
    if (!method) throw reauthenticationFailed();
    const at = await this.sessions.markSteppedUp(
      { sessionRecordId, username: user.username },
      { method },
      context,
    );
    const until = at.getTime() + this.config.stepUpWindow * 1000;
    return { aal: 2, until: new Date(until).toISOString() };
  }

  /** API keys are never asked to step up, and cannot: 404, as on /api/me/*. */
  private async sessionUser(
    auth: RequestAuth | undefined,
  ): Promise<{ user: User; sessionRecordId: string }> {
    const sessionRecordId = auth?.sessionRecordId;
    if (!auth || sessionRecordId === undefined) {
      throw AppError.notFound(
        'Only a session can step up; an API key never needs to.',
      );
    }
    return { user: await this.callers.of(auth.principal), sessionRecordId };
  }
}
