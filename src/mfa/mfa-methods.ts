import type { ChangeBus } from '../bus/change-bus';
import { MFA_METHODS, type MfaMethod } from '../sessions/second-step';

export type { MfaMethod };

/** What a user has enrolled. */
export interface MfaState {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

export function methodsOf(state: MfaState): MfaMethod[] {
  return MFA_METHODS.filter((method) =>
    method === 'totp'
      ? state.totp
      : method === 'passkey'
        ? state.passkeys > 0
        : state.recoveryCodesLeft > 0,
  );
}

/**
 * What a user may sign in or step up with changed: cached copies (the
 * factor directory, the user's sessions) go, on every instance.
 */
export function factorsChanged(changes: ChangeBus, userId: number): void {
  changes.publish({ kind: 'user', userId });
}
