import { randomString, sha256Hex } from '../secrets/secrets';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: a code copied from paper reads one way. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const LENGTH = 10;
const NORMAL = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);

/** Ten codes of 10 characters (about 49 bits each), shown as `abcde-fghjk`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const code = randomString(LENGTH, ALPHABET);
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/**
 * The stored digest of a code as a person may type it (any case, with or
 * without the dash or spaces), or null when it cannot be one. Unsalted
 * SHA-256 is enough for 49 random bits, as for API keys.
 */
export function recoveryCodeDigest(typed: string): string | null {
  const code = typed.toLowerCase().replace(/[\s-]/g, '');
  return NORMAL.test(code) ? sha256Hex(code) : null;
}
