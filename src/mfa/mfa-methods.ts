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
