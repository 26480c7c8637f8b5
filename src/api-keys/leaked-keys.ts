import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log';
import { ChangeBus } from '../bus/change-bus';
import { WriteLock } from '../database/write-lock';
import { sha256Hex } from '../secrets/secrets';
import { Clock } from '../time/clock';
import { ApiKey } from './api-key.entity';
import { ApiKeyVerifier } from './api-key.verifier';
import { liveChange, liveFingerprints } from './live-keys';

/**
 * POST /api/keys/revoke-leaked (SPEC §19): whoever finds a key in the open
 * (a secret scanner, a stranger) hands it in, and an active key it matches
 * is disabled at once. The caller learns nothing: every candidate is
 * hashed, all are looked up in one query, and the answer leaves after that
 * query whatever it found. The matched keys are refused here from that
 * moment (ApiKeyVerifier.refuseNow); the write that disables them, its
 * audit entries and the announcement to the other instances follow, off
 * the answer's path, so no write's time shows in the answer's.
 */
@Injectable()
export class LeakedKeys implements OnApplicationShutdown {
  private readonly logger = new Logger('LeakedKeys');
  /** The last disabling under way (tests and shutdown wait for it). */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly verifier: ApiKeyVerifier,
    private readonly lock: WriteLock,
    private readonly audit: AuditLog,
    private readonly changes: ChangeBus,
    private readonly clock: Clock,
  ) {}

  /** Resolves once every candidate is looked up; the disabling continues after. */
  async revoke(candidates: string[], context: AuditContext): Promise<void> {
    const digests = new Set(candidates.map(sha256Hex));
    const list = [...digests];
    const found = await this.keys.find({
      select: {
        id: true,
        keyHash: true,
        previousKeyHash: true,
        previousExpiresAt: true,
        active: true,
      },
      where: [{ keyHash: In(list) }, { previousKeyHash: In(list) }],
    });
    const now = this.clock.now();
    // A rotated secret still in its grace works, so it can leak too; past it, it opens nothing.
    const live = (key: ApiKey) =>
      digests.has(key.keyHash) ||
      (key.previousExpiresAt !== null && key.previousExpiresAt.getTime() > now);
    const ids = found
      .filter((key) => key.active && live(key))
      .map((key) => key.id);
    if (ids.length === 0) return;
    this.verifier.refuseNow(ids);
    this.writing = this.writing.then(() => this.disable(ids, context));
  }

  /** Waits for the disabling under way, if any. */
  settled(): Promise<void> {
    return this.writing;
  }

  onApplicationShutdown(): Promise<void> {
    return this.writing;
  }

  /**
   * One transaction: each key still active is disabled, with its
   * `api_key.revoke_leaked` entry (actor null: nobody signed in); a key
   * already disabled is left as it is. Then every instance is told.
   */
  private async disable(ids: string[], context: AuditContext): Promise<void> {
    try {
      const disabled = await this.lock.transaction(async (manager) => {
        const keys = await manager.findBy(ApiKey, {
          id: In(ids),
          active: true,
        });
        const at = new Date(this.clock.now());
        for (const key of keys) {
          await manager.update(
            ApiKey,
            { id: key.id },
            { active: false, updatedAt: at },
          );
          await this.audit.record(manager, context, {
            action: 'api_key.revoke_leaked',
            actor: null,
            targetType: 'api_key',
            targetId: key.id,
            details: { active: false, source_ip: context.ip },
          });
        }
        return keys;
      });
      const now = this.clock.now();
      for (const key of disabled) {
        this.changes.publish({
          kind: 'api_key',
          id: key.id,
          digests: [key.keyHash],
        });
        const live = liveChange(liveFingerprints(key, now), []);
        if (live) this.changes.publish(live);
      }
    } catch (error) {
      this.logger.error(`Could not disable leaked keys: ${String(error)}`);
    } finally {
      this.verifier.settled(ids);
    }
  }
}
