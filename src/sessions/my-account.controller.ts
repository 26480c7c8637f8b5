import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Put,
  Query,
} from '@nestjs/common';
import { Audit, type AuditContext } from '../audit/audit-context';
import { Authenticated } from '../access/policy.decorator';
import { SignedIn, type SignedInUser } from '../access/signed-in.decorator';
import { Answers, MayFail, page, Summary } from '../validation/schema';
import { PageQuery } from '../validation/validation';
import { ChangePasswordDto } from './change-password.dto';
import { PasswordChangeService } from './password-change.service';
import { REVOKED_SCHEMA, SESSION_INFO_SCHEMA } from './session-info';
import { UserSessionsService } from './user-sessions.service';

/**
 * A person's own account (SPEC §16): any signed-in user, no privilege
 * needed; an API key gets 404 (SignedIn).
 */
@Controller('me')
@Authenticated()
export class MyAccountController {
  constructor(
    private readonly passwords: PasswordChangeService,
    private readonly sessions: UserSessionsService,
  ) {}

  @Put('password')
  @Summary('Change your own password')
  @HttpCode(204)
  @Answers(204, undefined, 'Changed; every other session of the user ended')
  @MayFail(
    'not_found',
    'reauthentication_failed',
    'conflict',
    'too_many_login_attempts',
  )
  changePassword(
    @SignedIn() caller: SignedInUser,
    @Body() dto: ChangePasswordDto,
    @Audit() audit: AuditContext,
  ) {
    return this.passwords.change(caller, dto, audit);
  }

  @Get('sessions')
  @Summary('List your sessions')
  @Answers(200, page(SESSION_INFO_SCHEMA), 'Live sessions, newest first')
  @MayFail('not_found')
  listSessions(@SignedIn() caller: SignedInUser, @Query() query: PageQuery) {
    return this.sessions.list(caller.username, caller.sessionRecordId, query);
  }

  @Delete('sessions/:id')
  @Summary('Sign out one of your sessions')
  @HttpCode(204)
  @Answers(204)
  @MayFail('not_found')
  revokeSession(
    @SignedIn() caller: SignedInUser,
    @Param('id') handle: string,
    @Audit() audit: AuditContext,
  ) {
    return this.sessions.revoke(caller.username, handle, audit);
  }

  @Delete('sessions')
  @Summary('Sign out your other sessions')
  @Answers(200, REVOKED_SCHEMA, 'Every other session of the caller ended')
  @MayFail('not_found')
  revokeOtherSessions(
    @SignedIn() caller: SignedInUser,
    @Audit() audit: AuditContext,
  ) {
    return this.sessions.revokeAll(
      caller.username,
      caller.sessionRecordId,
      audit,
    );
  }
}
