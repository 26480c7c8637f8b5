import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Authenticated } from '../access/policy.decorator';
import { SignedIn, type SignedInUser } from '../access/signed-in.decorator';
import { Answers, MayFail, page, Summary } from '../validation/schema';
import { parseInstant } from '../time/instants';
import type { Page } from '../validation/validation';
import { AuditEntry } from './audit-entry.entity';
import { auditEntryView } from './audit.service';
import { ActivityQuery, AUDIT_ENTRY_SCHEMA, AuditEntryView } from './audit.dto';

/**
 * A person's security log (SPEC §16): the audit entries they made, and those
 * about their own user (logins and failed logins under any spelling of the
 * username, lockouts, password changes, revocations, changes by admins).
 */
@Controller('me/activity')
export class ActivityController {
  constructor(
    @InjectRepository(AuditEntry)
    private readonly entries: Repository<AuditEntry>,
  ) {}

  /** Newest first. An API key has no security log: 404 (SignedIn). */
  @Get()
  @Summary('Your security log')
  @Authenticated()
  @Answers(200, page(AUDIT_ENTRY_SCHEMA), "The caller's security log")
  @MayFail('not_found')
  async list(
    @SignedIn() caller: SignedInUser,
    @Query() query: ActivityQuery,
  ): Promise<Page<AuditEntryView>> {
    const me = caller.username;
    const q = this.entries
      .createQueryBuilder('e')
      .where(
        "(e.actor = :me OR (e.target_type = 'user' AND LOWER(e.target_id) = :key))",
        { me, key: me.toLowerCase() },
      )
      // From the creation of this user on: entries name users by username,
      // which a deleted user's successor may be given (no entry, as for the
      // first admin: from the start).
      .andWhere(
        `e.id >= COALESCE((SELECT MAX(c.id) FROM audit_log c WHERE c.action = 'user.create' AND c.target_type = 'user' AND LOWER(c.target_id) = :key), 0)`,
      );
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
    return { items: rows.map((entry) => activityView(entry, me)), total };
  }
}

/** What another user's record became is theirs to see, not the caller's: no details. */
function activityView(entry: AuditEntry, me: string): AuditEntryView {
  const view = auditEntryView(entry);
  const aboutAnotherUser =
    entry.targetType === 'user' &&
    entry.targetId?.toLowerCase() !== me.toLowerCase();
  return aboutAnotherUser ? { ...view, details: {} } : view;
}
