import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { redactObject } from '../http/secret-params';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { repeat } from '../time/repeat';
import type { DenialRecorder } from '../http/denial-recorder';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WriteLock } from '../database/write-lock';
import { actorOf } from '../access/principal';
import { authOf } from '../access/request-auth';
import { auditContextOf, type AuditContext } from './audit-context';
import { CHANGED } from './audit-details';
import {
  AuditEntry,
  type AuditDetails,
  type AuditOutcome,
  type AuditTargetType,
} from './audit-entry.entity';

export interface AuditEvent {
  action: string;
  targetType: AuditTargetType | null;
  targetId: string | null;
  outcome?: AuditOutcome;
  code?: string | null;
  details?: AuditDetails;
  /** Overrides the context's actor (a login names the user it opened). */
  actor?: string | null;
}

const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Rows per DELETE: small enough that requests waiting on the write lock barely notice. */
export const SWEEP_BATCH = 500;

/** The audit log (SPEC §13): written beside the change it records, swept by age. */
@Injectable()
export class AuditLog
  implements DenialRecorder, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('Audit');
  private stopSweeping?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Writes the entry in the caller's transaction: no change without its entry,
   * no entry for a change that was rolled back.
   */
  async record(
    manager: EntityManager,
    context: AuditContext,
    event: AuditEvent,
  ): Promise<void> {
    const entry: Omit<AuditEntry, 'id'> = {
      at: new Date(this.clock.now()),
      actor: event.actor === undefined ? context.actor : event.actor,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      outcome: event.outcome ?? 'success',
      code: event.code ?? null,
      ip: context.ip,
      requestId: context.requestId,
      // Whatever a caller put in, a secret's value never reaches the log (SPEC §20).
      details: redactObject(event.details ?? {}, CHANGED),
    };
    await manager.insert(AuditEntry, entry);
  }

  /** An entry that records no change of its own (a refusal, a failed login). */
  recordAlone(context: AuditContext, event: AuditEvent): Promise<void> {
    return this.lock.exclusive(() =>
      this.record(this.dataSource.manager, context, event),
    );
  }

  /**
   * `access.denied` for every 403, and for a 401 on a key or session that
   * exists. Unknown credentials carry no subject and are not recorded one by
   * one (a flood would fill the log); §7 counts them per IP.
   */
  async refused(req: Request, error: AppError): Promise<void> {
    const principal = authOf(req)?.principal;
    const subject =
      error.subject ??
      (principal && error.status === 403
        ? {
            actor: actorOf(principal),
            targetType: principal.type,
            targetId: principal.id,
          }
        : undefined);
    if (!subject || (error.status !== 401 && error.status !== 403)) return;
    try {
      await this.recordAlone(auditContextOf(req), {
        action: 'access.denied',
        actor: subject.actor,
        targetType: subject.targetType,
        targetId: subject.targetId,
        outcome: 'denied',
        code: error.code,
        details: { method: req.method, path: req.path, status: error.status },
      });
    } catch (failure) {
      this.logger.error(`Could not record a refusal: ${String(failure)}`);
    }
  }

  /** Deletes entries older than AUDIT_RETENTION_DAYS, a batch per write, so requests keep flowing. */
  async sweep(): Promise<number> {
    const cutoff = this.clock.now() - this.config.auditRetentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const affected = await this.lock.exclusive(async () => {
        const result = await this.dataSource
          .createQueryBuilder()
          .delete()
          .from(AuditEntry)
          .where(
            `id IN (SELECT id FROM audit_log WHERE at < :cutoff ORDER BY id LIMIT ${SWEEP_BATCH})`,
            { cutoff },
          )
          .execute();
        return result.affected ?? 0;
      });
      deleted += affected;
      if (affected < SWEEP_BATCH) return deleted;
    }
  }

  onApplicationBootstrap(): void {
    this.stopSweeping = repeat(
      SWEEP_EVERY_MS,
      () => this.sweep(),
      (error) => this.logger.warn(`Audit sweep failed: ${String(error)}`),
      { atOnce: true },
    );
  }

  onModuleDestroy(): void {
    this.stopSweeping?.();
  }
}
