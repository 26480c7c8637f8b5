import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RequirePrivileges } from '../auth/policy.decorator';
import { Answers, page, Summary } from '../common/schema';
import { parseInstant } from '../common/time';
import type { Page } from '../common/validation';
import { AuditEntry } from './audit-entry.entity';
import { AUDIT_ENTRY_SCHEMA, AuditEntryView, AuditQuery } from './audit.dto';

const view = (entry: AuditEntry): AuditEntryView => ({
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

@Controller('audit')
export class AuditController {
  constructor(
    @InjectRepository(AuditEntry)
    private readonly entries: Repository<AuditEntry>,
  ) {}

  /** Newest first; every filter given must match. */
  @Get()
  @RequirePrivileges('admin')
  @Answers(200, page(AUDIT_ENTRY_SCHEMA))
  @Summary('Search the audit log')
  async list(@Query() query: AuditQuery): Promise<Page<AuditEntryView>> {
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
    return { items: rows.map(view), total };
  }
}
