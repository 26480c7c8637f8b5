import { Algorithm, hash, verify } from '@node-rs/argon2';
import { scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordCost } from '../config/app-config';
import { normalizePassword } from './password-policy';

/**
 * The stored hash of a user without a password (created by single sign-on,
 * SPEC §17): no password verifies against it. An empty string rather than
 * NULL, so the column stays as it is (on SQLite, making it nullable would
 * rebuild the users table under its sessions' foreign key).
 */
export const NO_PASSWORD = '';

export const hasPassword = (user: { passwordHash: string }): boolean =>
  user.passwordHash !== NO_PASSWORD;

/**
 * The standard PHC encoding, `$argon2id$v=19$m=…,t=…,p=1$salt$hash`: the cost
 * travels with the hash. Of the NFKC form (SPEC §16), so each way of typing
 * the same characters matches.
 */
export function hashPassword(
  password: string,
  cost: PasswordCost,
): Promise<string> {
  return hash(normalizePassword(password), {
    algorithm: Algorithm.Argon2id,
    memoryCost: cost.memoryCost,
    timeCost: cost.timeCost,
    parallelism: 1,
  });
}

/**
 * Whether `password` matches `stored`, in its NFKC form or, for a hash
 * written before passwords were normalized, as typed (a second hash only
 * for the rare password NFKC changes, whether the user exists or not).
 */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<boolean> {
  const normalized = normalizePassword(password);
  if (await verifyOne(normalized, stored)) return true;
  return normalized !== password && verifyOne(password, stored);
}

/** Argon2id, or a hash of the scrypt scheme opsgate used before. */
async function verifyOne(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2id$')) {
    return verify(stored, password).catch(() => false);
  }
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return false;
}

/** A hash to replace at the next successful login: an older scheme, or a lower cost than configured. */
export function needsRehash(stored: string, cost: PasswordCost): boolean {
  const params = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/.exec(stored);
  return (
    params === null ||
    Number(params[1]) < cost.memoryCost ||
    Number(params[2]) < cost.timeCost
  );
}

/**
 * `scrypt$logN$r$p$salt$hash`, written before Argon2id: still verified, so
 * existing users can log in (and be re-hashed), never written any more.
 */
async function verifyScrypt(password: string, stored: string) {
  const [, logN, r, p, salt, expected] = stored.split('$');
  if (!salt || !expected) return false;
  const N = 2 ** Number(logN);
  const want = Buffer.from(expected, 'base64');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password,
      Buffer.from(salt, 'base64'),
      want.length,
      {
        N,
        r: Number(r),
        p: Number(p),
        maxmem: 256 * N * Number(r) + 16 * 1024 * 1024,
      },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  ).catch(() => null);
  return (
    actual !== null &&
    actual.length === want.length &&
    timingSafeEqual(actual, want)
  );
}
