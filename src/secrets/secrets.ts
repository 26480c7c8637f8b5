import {
  createHash,
  createHmac,
  hash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export const ALPHANUMERIC =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A uniformly random string over `alphabet`, from the CSPRNG. Bytes at or above
 * the largest multiple of the alphabet size are thrown away (rejection sampling),
 * so no character is more likely than another (no modulo bias).
 */
export function randomString(length: number, alphabet = ALPHANUMERIC): string {
  const size = alphabet.length;
  if (size < 2 || size > 256) throw new RangeError('alphabet size');
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(Math.ceil((length - out.length) * 1.25))) {
      if (byte < limit) out += alphabet[byte % size];
      if (out.length === length) break;
    }
  }
  return out;
}

/** An opaque record id: 16 characters of [a-z0-9], about 82 random bits. */
export function newId(): string {
  return randomString(16, LOWER_ALPHANUMERIC);
}

/** A bearer token of 256 random bits, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A session's CSRF token, derived from its session token. Only digests are
 * stored, so a random CSRF token could never be given back; derived, GET
 * /api/me can return it to a console reloaded while its cookie lives. Only
 * the holder of the session token can compute it, and a cross-site page can
 * read neither (the cookie is HttpOnly).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken)
    .update('opsgate csrf token')
    .digest('base64url');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
