import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Query,
} from '@nestjs/common';
import { Audit, type AuditContext } from '../audit/audit-context';
import { RequirePrivileges } from '../access/policy.decorator';
import { Answers, page, Summary } from '../validation/schema';
import { PageQuery } from '../validation/validation';
import { REVOKED_SCHEMA, SESSION_INFO_SCHEMA } from './session-info';
import { UserSessionsService } from './user-sessions.service';

/** An admin's view of any user's sessions (SPEC §16), "sign out everywhere" included. */
@Controller('users/:username/sessions')
@RequirePrivileges('admin')
export class UserSessionsController {
  constructor(private readonly sessions: UserSessionsService) {}

  /** `current` is false on every item: none is the admin's own here. */
  @Get()
  @Summary("List a user's sessions")
  @Answers(200, page(SESSION_INFO_SCHEMA), 'Live sessions, newest first')
  list(@Param('username') username: string, @Query() query: PageQuery) {
    return this.sessions.list(username, undefined, query);
  }

  @Delete(':id')
  @Summary('Sign out one session of a user')
  @HttpCode(204)
  @Answers(204)
  revoke(
    @Param('username') username: string,
    @Param('id') handle: string,
    @Audit() audit: AuditContext,
  ) {
    return this.sessions.revoke(username, handle, audit);
  }

  @Delete()
  @Summary('Sign a user out everywhere')
  @Answers(200, REVOKED_SCHEMA, 'Every session of the user ended')
  revokeAll(@Param('username') username: string, @Audit() audit: AuditContext) {
    return this.sessions.revokeAll(username, undefined, audit);
  }
}
