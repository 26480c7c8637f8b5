import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError, type SsoFailureReason } from '../http/app-error';
import { ClientFailures } from '../rate-limits/client-failures';
import type { SignInMethod } from '../sessions/session.entity';
import type { SignInClient } from '../sessions/session-cookie';
import {
  type LoginResult,
  SessionLifecycle,
} from '../sessions/session-lifecycle';
import { accountDisabled } from '../sessions/session.verifier';
import { SsoAccounts } from './sso-accounts';
import { FAILURE_DETAILS } from './sso-failures';
import type { SsoProfile } from './sso-profile';

export type SsoMethod = Extract<SignInMethod, 'oidc' | 'header'>;

/** What the callback and the header route hand over of their request. */
export interface SsoRequest {
  context: AuditContext;
  client: SignInClient;
}

/**
 * How every single sign-on ends (SPEC §17), whichever way it came: the
 * account made or refreshed, then a session like a password login's; or a
 * refusal, audited as a failed session.login with the method and reason.
 */
@Injectable()
export class SsoSignIn {
  constructor(
    private readonly accounts: SsoAccounts,
    private readonly sessions: SessionLifecycle,
    private readonly audit: AuditLog,
    private readonly clientFailures: ClientFailures,
  ) {}

  /** Each sign-in route's first step: 429 while the client IP is over AUTH_FAILURE_LIMIT, before any work or write. */
  gate(context: AuditContext): Promise<void> {
    return this.clientFailures.gate(context.ip);
  }

  async finish(
    profile: SsoProfile,
    method: SsoMethod,
    { context, client }: SsoRequest,
  ): Promise<LoginResult> {
    const { user, refused } = await this.accounts.signIn(profile, context);
    if (refused) {
      const refusal =
        refused === 'disabled'
          ? accountDisabled(user.username)
          : ssoFailed('account_conflict');
      await this.record(context, method, refusal, user.username);
      throw refusal;
    }
    return this.sessions.startSession(
      user,
      { method, aal: 1, ...client },
      context,
    );
  }

  /** The refusal to throw, once its failed session.login is in the audit log. */
  async failed(
    method: SsoMethod,
    reason: SsoFailureReason,
    context: AuditContext,
  ): Promise<AppError> {
    const refusal = ssoFailed(reason);
    await this.record(context, method, refusal, null);
    return refusal;
  }

  /**
   * A refusal, audited, and counted against the client IP (SPEC §7's
   * AUTH_FAILURE_LIMIT), so a flood from one address stops at 429 before
   * it fills the audit log (the routes' gates).
   */
  private async record(
    context: AuditContext,
    method: SsoMethod,
    refusal: AppError,
    username: string | null,
  ): Promise<void> {
    await this.clientFailures.count(context.ip);
    const reason = refusal.extras.reason as string | undefined;
    await this.audit.recordAlone(context, {
      action: 'session.login',
      actor: null,
      targetType: username === null ? null : 'user',
      targetId: username,
      outcome: 'failed',
      code: refusal.code,
      details: reason ? { method, reason } : { method },
    });
  }
}

const ssoFailed = (reason: SsoFailureReason) =>
  new AppError(401, 'sso_failed', FAILURE_DETAILS[reason], { reason });
