import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { ServerKeys } from '../database/server-keys';
import { openSealed, seal } from '../secrets/seal';

/**
 * The keys of second factors, derived from the server's key material
 * (ServerKeys: MFA_SECRET_KEY, or generated once into the database).
 */
@Injectable()
export class MfaKeys implements OnModuleInit {
  private readonly logger = new Logger('MFA');
  private sealKey?: Buffer;
  private macKey?: Buffer;

  constructor(private readonly serverKeys: ServerKeys) {}

  async onModuleInit(): Promise<void> {
    this.sealKey = await this.serverKeys.key('totp secret seal v1');
    this.macKey = await this.serverKeys.key(
      'webauthn challenge and user handle v1',
    );
  }

  /** AES-256-GCM; `context` (e.g. the user id) is authenticated, so a sealed value cannot move to another row. */
  seal(plain: string, context: string): string {
    return seal(this.key(this.sealKey), plain, context);
  }

  /** The plain value, or null (and an error logged) when it was sealed under another key. */
  open(sealed: string, context: string): string | null {
    const plain = openSealed(this.key(this.sealKey), sealed, context);
    if (plain === null) {
      this.logger.error(
        'A TOTP secret cannot be opened: it was sealed with another MFA_SECRET_KEY.',
      );
    }
    return plain;
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
}
