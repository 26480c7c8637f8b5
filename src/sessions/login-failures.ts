import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import type { AppError } from '../http/app-error';
import type { LockoutStart } from './login-throttle';

/**
 * A failed sign-in as the audit log tells it (SPEC §13): a password's, a
 * second factor's (SPEC §18) or a passkey's, so all read alike. Written
 * alone: the failure changes nothing else to share a transaction with.
 */
@Injectable()
export class LoginFailures {
  constructor(private readonly audit: AuditLog) {}

  /**
   * session.login (failed), and session.lockout once when this failure
   * starts one; a refusal the exception filter audits anyway (a step-up's
   * 403) is null.
   */
  async record(
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
}
