import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

const SEAL_PREFIX = 'v1.';
const IV = 12;
const TAG = 16;

/**
 * A 32-byte key for one purpose, derived (HKDF-SHA256) from the server's key
 * material: each purpose its own key, so nothing sealed or signed for one
 * is accepted by another.
 */
export function deriveKey(material: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, 'opsgate', purpose, 32));
}

/**
 * AES-256-GCM, `v1.` and base64url (fit for a cookie). `context` is
 * authenticated, not stored: a sealed value opens only where it was sealed
 * for (the row, the purpose).
 */
export function seal(key: Buffer, plain: string, context: string): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]);
  return SEAL_PREFIX + sealed.toString('base64url');
}

/** The plain value; null when `sealed` was not sealed by `key` for `context`, or was changed since. */
export function openSealed(
  key: Buffer,
  sealed: string,
  context: string,
): string | null {
  if (!sealed.startsWith(SEAL_PREFIX)) return null;
  const raw = Buffer.from(sealed.slice(SEAL_PREFIX.length), 'base64url');
  if (raw.length < IV + TAG) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(IV, IV + TAG));
    const plain = Buffer.concat([
      decipher.update(raw.subarray(IV + TAG)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    return null;
  }
}
