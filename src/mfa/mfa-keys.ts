import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { ServerSecret } from './server-secret.entity';

const STORED_KEY = 'mfa_key';
const SEAL_PREFIX = 'v1.';

/**
 * The keys of second factors, derived (HKDF-SHA256) from one piece of key
 * material: MFA_SECRET_KEY when set, else a random value generated once and
 * kept in the `server_secrets` table, so a fresh `npm start` works and every
 * instance on the database agrees. Kept in the database it guards a secret
 * against a leaked table or log, not against a stolen database; the README
 * says to set MFA_SECRET_KEY for that.
 */
@Injectable()
export class MfaKeys implements OnModuleInit {
  private readonly logger = new Logger('MFA');
  private sealKey?: Buffer;
  private macKey?: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly lock: WriteLock,
  ) {}

  async onModuleInit(): Promise<void> {
    const material = this.config.mfaSecretKey ?? (await this.storedMaterial());
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', material, 'opsgate', info, 32));
    this.sealKey = derive('totp secret seal v1');
    this.macKey = derive('webauthn challenge and user handle v1');
  }

  /** AES-256-GCM; `context` (e.g. the user id) is authenticated, so a sealed value cannot move to another row. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.sealKey), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]);
    return SEAL_PREFIX + sealed.toString('base64url');
  }

  /** The plain value, or null (and an error logged) when it was sealed under another key. */
  open(sealed: string, context: string): string | null {
    try {
      const raw = Buffer.from(sealed.slice(SEAL_PREFIX.length), 'base64url');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.key(this.sealKey),
        raw.subarray(0, 12),
      );
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(28)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      this.logger.error(
        'A TOTP secret cannot be opened: it was sealed with another MFA_SECRET_KEY.',
      );
      return null;
    }
  }

  /** HMAC-SHA256 with the challenge key. */
  mac(...parts: (string | Uint8Array)[]): Buffer {
    const hmac = createHmac('sha256', this.key(this.macKey));
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part) : part;
      // Length-prefixed, so ("ab","c") and ("a","bc") differ.
      hmac.update(String(bytes.length)).update(':').update(bytes);
    }
    return hmac.digest();
  }

  /**
   * The WebAuthn user handle: opaque and stable per user, never the username
   * (authenticators store it, and it comes back with passwordless sign-ins).
   */
  userHandle(userId: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.mac('webauthn user', String(userId)));
  }

  userHandleText(userId: number): string {
    return Buffer.from(this.userHandle(userId)).toString('base64url');
  }

  private key(key: Buffer | undefined): Buffer {
    if (!key) throw new Error('MfaKeys used before module init');
    return key;
  }

  /** Created by whichever instance comes first; the others read the same row. */
  private async storedMaterial(): Promise<string> {
    const repository = this.dataSource.getRepository(ServerSecret);
    const found = await repository.findOneBy({ name: STORED_KEY });
    if (found) return found.value;
    await this.lock.exclusive(() =>
      repository
        .createQueryBuilder()
        .insert()
        .values({
          name: STORED_KEY,
          value: randomBytes(32).toString('base64url'),
        })
        .orIgnore()
        .execute(),
    );
    this.logger.log(
      'Generated the key for TOTP secrets and kept it in the database; set MFA_SECRET_KEY to keep it apart.',
    );
    return (await repository.findOneByOrFail({ name: STORED_KEY })).value;
  }
}
