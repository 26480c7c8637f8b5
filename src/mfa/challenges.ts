import { Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../time/clock';
import { sha256Hex } from '../secrets/secrets';
import { WriteLock } from '../database/write-lock';
import { MfaKeys } from './mfa-keys';
import { SpentChallenge } from './spent-challenge.entity';

/** What a challenge was issued for; one for one purpose is refused for another. */
export type ChallengePurpose =
  'register' | 'sign_in' | 'second_factor' | 'step_up';

/** Short-lived: a ceremony takes seconds; options are asked for again after this. */
export const CHALLENGE_TTL_MS = 120_000;
const NONCE = 16;
const MAC = 16;

/**
 * WebAuthn challenges that need no storage until used: random bytes, an
 * expiry, and a MAC over both with the purpose and the user bound in. Asking
 * for options (a public route, for passwordless sign-in) thus writes nothing;
 * a challenge presented back is checked, then recorded as spent, so each
 * works once.
 */
@Injectable()
export class Challenges {
  constructor(
    private readonly keys: MfaKeys,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly lock: WriteLock,
  ) {}

  issue(
    purpose: ChallengePurpose,
    userId: number | null,
  ): Uint8Array<ArrayBuffer> {
    const nonce = randomBytes(NONCE);
    const expiry = Buffer.alloc(8);
    expiry.writeBigUInt64BE(BigInt(this.clock.now() + CHALLENGE_TTL_MS));
    const mac = this.tag(purpose, userId, nonce, expiry);
    return new Uint8Array(Buffer.concat([nonce, expiry, mac]));
  }

  /**
   * Whether `challenge` (base64url, as clientDataJSON carries it) was issued
   * here for this purpose and user, is unexpired and unused; marks it used.
   */
  async spend(
    challenge: string,
    purpose: ChallengePurpose,
    userId: number | null,
  ): Promise<boolean> {
    const raw = Buffer.from(challenge, 'base64url');
    if (raw.length !== NONCE + 8 + MAC) return false;
    const nonce = raw.subarray(0, NONCE);
    const expiry = raw.subarray(NONCE, NONCE + 8);
    const expected = this.tag(purpose, userId, nonce, expiry);
    if (!timingSafeEqual(expected, raw.subarray(NONCE + 8))) return false;
    const expiresAt = Number(expiry.readBigUInt64BE());
    if (expiresAt <= this.clock.now()) return false;
    return this.markSpent(sha256Hex(challenge), expiresAt);
  }

  /** Forgets spent challenges that would have expired anyway. */
  async sweep(): Promise<void> {
    await this.lock.exclusive(() =>
      this.dataSource
        .createQueryBuilder()
        .delete()
        .from(SpentChallenge)
        .where('expires_at <= :now', { now: this.clock.now() })
        .execute(),
    );
  }

  private tag(
    purpose: ChallengePurpose,
    userId: number | null,
    nonce: Uint8Array,
    expiry: Uint8Array,
  ): Buffer {
    return this.keys
      .mac('challenge', purpose, String(userId ?? ''), nonce, expiry)
      .subarray(0, MAC);
  }

  /** True the first time only; the primary key decides between instances. */
  private async markSpent(digest: string, expiresAt: number): Promise<boolean> {
    const spent = this.dataSource.getRepository(SpentChallenge);
    try {
      await this.lock.exclusive(() =>
        spent.insert({ digest, expiresAt: new Date(expiresAt) }),
      );
      return true;
    } catch (error) {
      if (await spent.existsBy({ digest })) return false;
      throw error;
    }
  }
}
