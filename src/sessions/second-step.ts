import type { AuditContext } from '../audit/audit-context';
import type { User } from '../users/user.entity';

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
