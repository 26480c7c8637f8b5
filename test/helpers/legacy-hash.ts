import { randomBytes, scryptSync } from 'node:crypto';

/** A password hash as opsgate wrote them before Argon2id (`scrypt$logN$r$p$salt$hash`). */
export function legacyScryptHash(password: string, logN = 12): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** logN, r: 8, p: 1 });
  return [
    'scrypt',
    logN,
    8,
    1,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}
