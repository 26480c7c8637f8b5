import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { ChangeBus } from '../bus/change-bus';
import { WriteLock } from '../database/write-lock';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import type { User } from '../users/user.entity';
import { MfaKeys } from './mfa-keys';
import { factorsChanged } from './mfa-methods';
import { RecoveryCode } from './recovery-code.entity';
import { RecoveryCodeStore } from './recovery-code-store';
import { newRecoveryCodes } from './recovery-codes';
import { TotpFactor } from './totp-factor.entity';
import { matchingStep, newTotpSecret, otpauthUrl } from './totp';

const sealContext = (userId: number) => `totp:${userId}`;

/** A user's authenticator app (TOTP): set up, confirmed, removed, and its codes accepted once. */
@Injectable()
export class TotpFactors {
  constructor(
    @InjectRepository(TotpFactor)
    private readonly totps: Repository<TotpFactor>,
    private readonly recoveryCodes: RecoveryCodeStore,
    private readonly keys: MfaKeys,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
  ) {}

  /** A new pending secret, replacing a pending one; a confirmed app must be removed first. */
  async begin(user: User): Promise<{ secret: string; otpauth_url: string }> {
    const secret = newTotpSecret();
    await this.lock.transaction(async (manager) => {
      const existing = await manager.findOneBy(TotpFactor, { userId: user.id });
      if (existing?.confirmedAt) {
        throw AppError.conflict(
          'An authenticator app is already set up; remove it before setting up another.',
        );
      }
      await manager.delete(TotpFactor, { userId: user.id });
      await manager.insert(TotpFactor, {
        userId: user.id,
        sealedSecret: this.keys.seal(secret, sealContext(user.id)),
        confirmedAt: null,
        lastStep: null,
        createdAt: new Date(this.clock.now()),
      });
    });
    return { secret, otpauth_url: otpauthUrl(user.username, secret) };
  }

  /** Confirms the pending secret with a code from the app; answers ten new recovery codes, once. */
  async confirm(
    user: User,
    code: string,
    context: AuditContext,
  ): Promise<{ recovery_codes: string[] }> {
    const recovery = newRecoveryCodes();
    await this.lock.transaction(async (manager) => {
      const pending = await manager.findOneBy(TotpFactor, { userId: user.id });
      if (!pending || pending.confirmedAt) {
        throw AppError.conflict(
          'No authenticator app is waiting for confirmation; start with POST /api/me/mfa/totp.',
        );
      }
      const step = this.confirmingStep(pending, code);
      await manager.update(
        TotpFactor,
        { userId: user.id },
        { confirmedAt: new Date(this.clock.now()), lastStep: step },
      );
      await this.recoveryCodes.replace(manager, user.id, recovery);
      await this.audit.record(manager, context, {
        action: 'mfa.enroll',
        targetType: 'user',
        targetId: user.username,
        details: { method: 'totp', recovery_codes: recovery.length },
      });
    });
    factorsChanged(this.changes, user.id);
    return { recovery_codes: recovery };
  }

  /** Removes the app (pending or confirmed) and the recovery codes issued with it. */
  async remove(user: User, context: AuditContext): Promise<void> {
    await this.lock.transaction(async (manager) => {
      const factor = await manager.findOneBy(TotpFactor, { userId: user.id });
      if (!factor) throw AppError.notFound('No authenticator app is set up.');
      await manager.delete(TotpFactor, { userId: user.id });
      await manager.delete(RecoveryCode, { userId: user.id });
      if (factor.confirmedAt) {
        await this.audit.record(manager, context, {
          action: 'mfa.remove',
          targetType: 'user',
          targetId: user.username,
          details: { method: 'totp' },
        });
      }
    });
    factorsChanged(this.changes, user.id);
  }

  /**
   * Whether `code` is the confirmed app's, accepted once: its step must come
   * after the last accepted one (the conditional update decides between
   * concurrent requests).
   */
  async accept(userId: number, code: string): Promise<boolean> {
    const factor = await this.totps.findOneBy({ userId });
    if (!factor?.confirmedAt) return false;
    const step = this.stepOf(factor, code);
    if (step === null) return false;
    const result = await this.lock.exclusive(() =>
      this.totps
        .createQueryBuilder()
        .update()
        .set({ lastStep: step })
        .where(
          'user_id = :userId AND (last_step IS NULL OR last_step < :step)',
          { userId, step },
        )
        .execute(),
    );
    return result.affected === 1;
  }

  /** The step of a code confirming the pending app; a 400 naming `code` when it does not match. */
  private confirmingStep(pending: TotpFactor, code: string): number {
    const step = this.stepOf(pending, code);
    if (step === null) {
      throw AppError.invalidField(
        'code',
        'The code does not match; enter the current 6-digit code from the app.',
      );
    }
    return step;
  }

  private stepOf(factor: TotpFactor, code: string): number | null {
    const secret = this.keys.open(
      factor.sealedSecret,
      sealContext(factor.userId),
    );
    if (secret === null) return null;
    const step = matchingStep(code, secret, this.clock.now());
    if (
      step === null ||
      (factor.lastStep !== null && step <= factor.lastStep)
    ) {
      return null;
    }
    return step;
  }
}
