import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { parseInstant } from '../time/instants';
import type { Page } from '../validation/validation';
import { AuditEntry } from './audit-entry.entity';
import type { AuditEntryView, AuditQuery } from './audit.dto';

/** An entry on the wire (SPEC §13). */
export const auditEntryView = (entry: AuditEntry): AuditEntryView => ({
  id: String(entry.id),
  at: entry.at.toISOString(),
  actor: entry.actor,
  action: entry.action,
  target_type: entry.targetType,
  target_id: entry.targetId,
  outcome: entry.outcome,
  code: entry.code,
  ip: entry.ip,
  request_id: entry.requestId,
  details: entry.details,
});

/** Reads the audit log (writing is AuditLog's, inside each change's transaction). */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntry)
    private readonly entries: Repository<AuditEntry>,
  ) {}

  /** Newest first; every filter given must match. */
  async list(query: AuditQuery): Promise<Page<AuditEntryView>> {
    const q = this.entries.createQueryBuilder('e');
    const exact = {
      actor: query.actor,
      action: query.action,
      targetType: query.target_type,
      targetId: query.target_id,
    };
    for (const [property, value] of Object.entries(exact)) {
      if (value !== undefined) {
        q.andWhere(`e.${property} = :${property}`, { [property]: value });
      }
    }
    // Plain numbers: the column holds epoch milliseconds.
    if (query.since !== undefined) {
      q.andWhere('e.at >= :since', {
        since: parseInstant(query.since).getTime(),
      });
    }
    if (query.until !== undefined) {
      q.andWhere('e.at <= :until', {
        until: parseInstant(query.until).getTime(),
      });
    }
    const [rows, total] = await q
      .orderBy('e.id', 'DESC')
      .offset(query.offset)
      .limit(query.limit)
      .getManyAndCount();
    return { items: rows.map(auditEntryView), total };
  }
}
