import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChangeBus } from '../bus/change-bus';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { AppError } from '../http/app-error';
import { newId, newToken, sha256Hex } from '../secrets/secrets';
import { Clock } from '../time/clock';
import { MfaToken } from './mfa-token.entity';

/** Failures an mfa_token survives (SPEC §18); the fifth spends it. */
export const MFA_TOKEN_FAILURES = 5;

export const mfaFailed = (detail: string) =>
  AppError.unauthorized('mfa_failed', detail);
export const MFA_TOKEN_SPENT =
  'The mfa_token is unknown, expired or spent; sign in with the password again.';

/**
 * The tokens of sign-ins waiting for their second factor: stored as digests,
 * alive MFA_TOKEN_TTL seconds, one success, MFA_TOKEN_FAILURES failures;
 * conditional deletes decide between concurrent requests.
 */
@Injectable()
export class MfaTokens {
  constructor(
    @InjectRepository(MfaToken) private readonly tokens: Repository<MfaToken>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    bus: ChangeBus,
  ) {
    // A token proves the password it was issued on: when the password
    // changes (or the user is deleted or re-enabled), it ends with the
    // user's sessions, so whoever knew the old password cannot finish.
    bus.handle(async (change) => {
      if (change.kind !== 'user' || !change.endSessions) return;
      const { userId } = change;
      await this.lock.exclusive(() => this.tokens.delete({ userId }));
    });
  }

  /** A new token for `userId`'s second step; only its digest is kept. */
  async issue(userId: number): Promise<string> {
    const token = newToken();
    await this.lock.exclusive(() =>
      this.tokens.insert({
        id: newId(),
        tokenHash: sha256Hex(token),
        userId,
        failures: 0,
        expiresAt: new Date(this.clock.now() + this.config.mfaTokenTtl * 1000),
      }),
    );
    return token;
  }

  /** Forgets mfa_tokens past their lifetime. */
  async sweep(): Promise<void> {
    await this.lock.exclusive(() =>
      this.tokens
        .createQueryBuilder()
        .delete()
        .where('expires_at <= :now', { now: this.clock.now() })
        .execute(),
    );
  }

  /** The live token, or 401 mfa_failed. */
  async live(mfaToken: string): Promise<MfaToken> {
    const token = await this.tokens.findOneBy({
      tokenHash: sha256Hex(mfaToken),
    });
    if (
      !token ||
      token.expiresAt.getTime() <= this.clock.now() ||
      token.failures >= MFA_TOKEN_FAILURES
    ) {
      throw mfaFailed(MFA_TOKEN_SPENT);
    }
    return token;
  }

  async countFailure(token: MfaToken): Promise<void> {
    await this.lock.exclusive(async () => {
      await this.tokens.increment({ id: token.id }, 'failures', 1);
      await this.tokens
        .createQueryBuilder()
        .delete()
        .where('id = :id AND failures >= :max', {
          id: token.id,
          max: MFA_TOKEN_FAILURES,
        })
        .execute();
    });
  }

  /** True for the one request that spends a live token. */
  async spend(token: MfaToken): Promise<boolean> {
    const result = await this.lock.exclusive(() =>
      this.tokens
        .createQueryBuilder()
        .delete()
        .where('id = :id AND failures < :max AND expires_at > :now', {
          id: token.id,
          max: MFA_TOKEN_FAILURES,
          now: this.clock.now(),
        })
        .execute(),
    );
    return result.affected === 1;
  }
}
