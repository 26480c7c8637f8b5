import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { parseInstant } from '../time/instants';
import type { Page } from '../validation/validation';
import { AuditEntry } from './audit-entry.entity';
import type { ActivityQuery, AuditEntryView, AuditQuery } from './audit.dto';

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
    const [rows, total] = await newestFirst(q, query);
    return { items: rows.map(auditEntryView), total };
  }

  /**
   * A person's security log (SPEC §16): the entries they made, and those
   * about their own user (logins and failed logins under any spelling of
   * the username, lockouts, password changes, revocations, changes by
   * admins).
   */
  async activity(
    username: string,
    query: ActivityQuery,
  ): Promise<Page<AuditEntryView>> {
    const key = username.toLowerCase();
    const q = this.entries
      .createQueryBuilder('e')
      .where(
        "(e.actor = :me OR (e.target_type = 'user' AND LOWER(e.target_id) = :key))",
        { me: username, key },
      )
      // From the creation of this user on: entries name users by username,
      // which a deleted user's successor may be given (no entry, as for the
      // first admin: from the start).
      .andWhere(
        `e.id >= COALESCE((SELECT MAX(c.id) FROM audit_log c WHERE c.action = 'user.create' AND c.target_type = 'user' AND LOWER(c.target_id) = :key), 0)`,
      );
    const [rows, total] = await newestFirst(q, query);
    return { items: rows.map((entry) => activityView(entry, key)), total };
  }
}

/** The page of `q` within the query's span, newest first. */
function newestFirst(
  q: SelectQueryBuilder<AuditEntry>,
  query: ActivityQuery,
): Promise<[AuditEntry[], number]> {
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
  return q
    .orderBy('e.id', 'DESC')
    .offset(query.offset)
    .limit(query.limit)
    .getManyAndCount();
}

/** What another user's record became is theirs to see, not the caller's: no details. */
function activityView(entry: AuditEntry, key: string): AuditEntryView {
  const view = auditEntryView(entry);
  const aboutAnotherUser =
    entry.targetType === 'user' && entry.targetId?.toLowerCase() !== key;
  return aboutAnotherUser ? { ...view, details: {} } : view;
}
