import type { AppConfig } from '../config/app-config';

/**
 * What every passkey answer (registration or assertion) is checked
 * against, in one place: this server's origin and relying party id, a
 * challenge of ours spent once, and user verification, without which a
 * passkey would not count as two factors (SPEC §18).
 */
export const answerChecks = (
  config: AppConfig,
  spend: (challenge: string) => Promise<boolean>,
) => ({
  expectedChallenge: spend,
  expectedOrigin: config.webauthnOrigin,
  expectedRPID: config.webauthnRpId,
  requireUserVerification: true,
});
