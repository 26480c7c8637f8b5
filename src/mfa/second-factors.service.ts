import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { ChangeBus } from '../bus/change-bus';
import { newId } from '../secrets/secrets';
import { WriteLock } from '../database/write-lock';
import type { User } from '../users/user.entity';
import { MfaKeys } from './mfa-keys';
import { type MfaMethod, type MfaState, methodsOf } from './mfa-methods';
import { Passkey } from './passkey.entity';
import { RecoveryCode } from './recovery-code.entity';
import { newRecoveryCodes, recoveryCodeDigest } from './recovery-codes';
import { TotpFactor } from './totp-factor.entity';
import { looksLikeTotp, matchingStep, newTotpSecret, otpauthUrl } from './totp';

const sealContext = (userId: number) => `totp:${userId}`;
const target = (user: User) => ({
  targetType: 'user' as const,
  targetId: user.username,
});

/** A user's authenticator app and recovery codes, and what factors a user has. */
@Injectable()
export class SecondFactors {
  constructor(
    @InjectRepository(TotpFactor)
    private readonly totps: Repository<TotpFactor>,
    @InjectRepository(RecoveryCode)
    private readonly codes: Repository<RecoveryCode>,
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    private readonly keys: MfaKeys,
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
  ) {}

  async state(userId: number): Promise<MfaState> {
    const [totp, passkeys, recoveryCodesLeft] = await Promise.all([
      this.totps.existsBy({ userId, confirmedAt: Not(IsNull()) }),
      this.passkeys.countBy({ userId }),
      this.codes.countBy({ userId }),
    ]);
    return { totp, passkeys, recoveryCodesLeft };
  }

  async methods(userId: number): Promise<MfaMethod[]> {
    return methodsOf(await this.state(userId));
  }

  /** A new pending secret, replacing a pending one; a confirmed app must be removed first. */
  async beginTotp(
    user: User,
  ): Promise<{ secret: string; otpauth_url: string }> {
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
  async confirmTotp(
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
      const step = this.stepOf(pending, code);
      if (step === null) {
        throw AppError.invalidField(
          'code',
          'The code does not match; enter the current 6-digit code from the app.',
        );
      }
      const now = new Date(this.clock.now());
      await manager.update(
        TotpFactor,
        { userId: user.id },
        { confirmedAt: now, lastStep: step },
      );
      await this.replaceRecoveryCodes(manager, user.id, recovery);
      await this.audit.record(manager, context, {
        action: 'mfa.enroll',
        ...target(user),
        details: { method: 'totp', recovery_codes: recovery.length },
      });
    });
    this.changed(user.id);
    return { recovery_codes: recovery };
  }

  /** Removes the app (pending or confirmed) and the recovery codes issued with it. */
  async removeTotp(user: User, context: AuditContext): Promise<void> {
    await this.lock.transaction(async (manager) => {
      const factor = await manager.findOneBy(TotpFactor, { userId: user.id });
      if (!factor) throw AppError.notFound('No authenticator app is set up.');
      await manager.delete(TotpFactor, { userId: user.id });
      await manager.delete(RecoveryCode, { userId: user.id });
      if (factor.confirmedAt) {
        await this.audit.record(manager, context, {
          action: 'mfa.remove',
          ...target(user),
          details: { method: 'totp' },
        });
      }
    });
    this.changed(user.id);
  }

  /**
   * Checks a TOTP code or a recovery code. A TOTP code is accepted once: its
   * step must come after the last accepted one (the conditional update
   * decides between concurrent requests). A recovery code is deleted as it
   * is used, its use audited in the same transaction.
   */
  async verifyCode(
    user: User,
    typed: string,
    context: AuditContext,
  ): Promise<MfaMethod | null> {
    const code = typed.replace(/\s/g, '');
    if (looksLikeTotp(code)) {
      return (await this.acceptTotp(user.id, code)) ? 'totp' : null;
    }
    return (await this.useRecoveryCode(user, code, context))
      ? 'recovery_code'
      : null;
  }

  private async acceptTotp(userId: number, code: string): Promise<boolean> {
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
          {
            userId,
            step,
          },
        )
        .execute(),
    );
    return result.affected === 1;
  }

  private async useRecoveryCode(
    user: User,
    code: string,
    context: AuditContext,
  ): Promise<boolean> {
    const codeHash = recoveryCodeDigest(code);
    if (!codeHash) return false;
    const used = await this.lock.transaction(async (manager) => {
      const result = await manager.delete(RecoveryCode, {
        userId: user.id,
        codeHash,
      });
      if (result.affected !== 1) return false;
      const left = await manager.countBy(RecoveryCode, { userId: user.id });
      await this.audit.record(manager, context, {
        action: 'mfa.recovery_code_used',
        ...target(user),
        details: { recovery_codes_left: left },
      });
      return true;
    });
    if (used) this.changed(user.id);
    return used;
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

  private async replaceRecoveryCodes(
    manager: EntityManager,
    userId: number,
    codes: string[],
  ): Promise<void> {
    await manager.delete(RecoveryCode, { userId });
    const createdAt = new Date(this.clock.now());
    await manager.insert(
      RecoveryCode,
      codes.map((code) => ({
        id: newId(),
        userId,
        codeHash: recoveryCodeDigest(code)!,
        createdAt,
      })),
    );
  }

  /** What a user may sign in or step up with changed: cached copies go (every instance). */
  changed(userId: number): void {
    this.changes.publish({ kind: 'user', userId });
  }
}
