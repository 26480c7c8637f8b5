import type { AuditContext } from '../audit/audit-context';
import type { User } from '../users/user.entity';

/**
 * Second factors a sign-in or a step-up can use (SPEC §18), in the order
 * `methods` lists them. Named here, where a login's answer lists them, so
 * the second-factor feature and the login route share one list.
 */
export const MFA_METHODS = ['totp', 'passkey', 'recovery_code'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

/** A right password of a user with a second factor: no session yet (SPEC §18). */
export interface SecondStepAnswer {
  mfa_required: true;
  mfa_token: string;
  methods: MfaMethod[];
}

/** Asked after a right password of an active user; null: no second step, start the session. */
export type SecondStep = (
  user: User,
  context: AuditContext,
) => Promise<SecondStepAnswer | null>;
