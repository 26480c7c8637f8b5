/** Second factors a sign-in or a step-up can use (SPEC §18), in the order `methods` lists them. */
export const MFA_METHODS = ['totp', 'passkey', 'recovery_code'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

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
