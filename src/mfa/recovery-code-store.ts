import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { ChangeBus } from '../bus/change-bus';
import { WriteLock } from '../database/write-lock';
import { newId } from '../secrets/secrets';
import { Clock } from '../time/clock';
import type { User } from '../users/user.entity';
import { factorsChanged } from './mfa-methods';
import { RecoveryCode } from './recovery-code.entity';
import { recoveryCodeDigest } from './recovery-codes';

/** A user's recovery codes as stored: digests only, each deleted as it is used. */
@Injectable()
export class RecoveryCodeStore {
  constructor(
    private readonly clock: Clock,
    private readonly lock: WriteLock,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
  ) {}

  /** The user's codes become `codes`, in the caller's transaction. */
  async replace(
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

  /**
   * Whether `code` is one of the user's unused codes; it is deleted as it
   * is used (the delete decides between concurrent requests), its use
   * audited in the same transaction.
   */
  async use(user: User, code: string, context: AuditContext): Promise<boolean> {
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
        targetType: 'user',
        targetId: user.username,
        details: { recovery_codes_left: left },
      });
      return true;
    });
    if (used) factorsChanged(this.changes, user.id);
    return used;
  }
}
