import { authenticator } from 'otplib';

/** RFC 6238 as SPEC §18 fixes it: SHA-1, 6 digits, 30 s steps (otplib's authenticator defaults). */
export const TOTP_STEP_MS = 30_000;
export const TOTP_ISSUER = 'opsgate';
const CODE = /^\d{6}$/;

/** 160 random bits in base32 (RFC 4226's recommended secret length). */
export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

/** The otpauth:// URL authenticator apps read from a QR code. */
export function otpauthUrl(account: string, secret: string): string {
  return authenticator.keyuri(account, TOTP_ISSUER, secret);
}

/** Whether `code` has the form of a TOTP code (six digits) rather than a recovery code. */
export const looksLikeTotp = (code: string): boolean => CODE.test(code);

/**
 * The time step whose code `code` is, within one step of `now` either way,
 * or null. The caller refuses a step at or before the last one accepted
 * (replay); otplib alone would accept the same code for 90 s.
 */
export function matchingStep(
  code: string,
  secret: string,
  now: number,
): number | null {
  if (!looksLikeTotp(code)) return null;
  const delta = authenticator
    .clone({ epoch: now, window: 1 })
    .checkDelta(code, secret);
  return delta === null ? null : Math.floor(now / TOTP_STEP_MS) + delta;
}
