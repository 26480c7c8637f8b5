import { Controller, Get, Query } from '@nestjs/common';
import { Authenticated } from '../access/policy.decorator';
import { SignedIn, type SignedInUser } from '../access/signed-in.decorator';
import { Answers, MayFail, page, Summary } from '../validation/schema';
import { ActivityQuery, AUDIT_ENTRY_SCHEMA } from './audit.dto';
import { AuditService } from './audit.service';

/** A person's security log (SPEC §16; AuditService.activity says what is in it). */
@Controller('me/activity')
export class ActivityController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first. An API key has no security log: 404 (SignedIn). */
  @Get()
  @Summary('Your security log')
  @Authenticated()
  @Answers(200, page(AUDIT_ENTRY_SCHEMA), "The caller's security log")
  @MayFail('not_found')
  list(@SignedIn() caller: SignedInUser, @Query() query: ActivityQuery) {
    return this.audit.activity(caller.username, query);
  }
}
