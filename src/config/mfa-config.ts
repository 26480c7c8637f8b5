import { isIP } from 'node:net';
import type { EnvReader } from './env-reader';
import type { ServerConfig } from './server-config';

export type MfaRequired = 'off' | 'admins' | 'all';

/** Second factors (SPEC §18): their tokens and windows, who must have one, and WebAuthn's party. */
export interface MfaConfig {
  /** Seconds an mfa_token of a sign-in's second step lives (SPEC §18). */
  mfaTokenTtl: number;
  /** Seconds a completed second factor counts as aal 2 for step-up. */
  stepUpWindow: number;
  /** Who must enrol a second factor before doing anything else. */
  mfaRequired: MfaRequired;
  /** WebAuthn relying party id: a host name, never an IP address. */
  webauthnRpId: string;
  /** The origin browsers run passkey ceremonies from. */
  webauthnOrigin: string;
  /**
   * Key material for TOTP secrets at rest and signed WebAuthn challenges;
   * unset: a random key generated once and kept in the database.
   */
  mfaSecretKey: string | undefined;
}

/** A DNS name (what WebAuthn takes as a relying party id). */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `server`: the WebAuthn party defaults to HOST and PORT. */
export function readMfaConfig(
  read: EnvReader,
  server: ServerConfig,
): MfaConfig {
  const mfa = {
    mfaTokenTtl: read.int('MFA_TOKEN_TTL', 300, 10, 3600),
    stepUpWindow: read.int('STEP_UP_WINDOW', 600, 10, 86_400),
    mfaRequired: read.oneOf<MfaRequired>('MFA_REQUIRED', 'off', [
      'off',
      'admins',
      'all',
    ]),
    mfaSecretKey: read.optionalSecret('MFA_SECRET_KEY', 32),
  };
  // WebAuthn refuses IP addresses as relying party ids (SPEC §18).
  const host =
    isIP(server.host) || !HOST_NAME.test(server.host)
      ? 'localhost'
      : server.host;
  const webauthnRpId = read.matching('WEBAUTHN_RP_ID', host, HOST_NAME);
  const webauthnOrigin = read.origin(
    'WEBAUTHN_ORIGIN',
    `http://${webauthnRpId}:${server.port}`,
  );
  return { ...mfa, webauthnRpId, webauthnOrigin };
}
