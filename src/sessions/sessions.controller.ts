import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Audit, type AuditContext } from '../audit/audit-context';
import { Authenticated, Public } from '../auth/policy.decorator';
import { authOf } from '../auth/request-auth';
import {
  Answers,
  MayFail,
  instant,
  named,
  strict,
  text,
} from '../common/schema';
import { USER_SCHEMA } from '../users/user.view';
import { LoginDto } from './login.dto';
import { SessionsService } from './sessions.service';

export const SESSION_COOKIE = 'session_id';

const SESSION_SCHEMA = named('Session', () =>
  strict({
    session_id: text(),
    csrf_token: text(),
    expires_at: instant,
    user: USER_SCHEMA,
  }),
);

const cookieOptions = (req: Request) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: req.secure,
});

@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @Public()
  @Answers(201, SESSION_SCHEMA, 'Logged in; also sets the session_id cookie')
  @MayFail('login_failed', 'account_disabled', 'too_many_login_attempts')
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Audit() audit: AuditContext,
  ) {
    const result = await this.sessions.login(dto, audit);
    res.cookie(SESSION_COOKIE, result.session_id, cookieOptions(req));
    return result;
  }

  @Delete('current')
  @Authenticated()
  @HttpCode(204)
  @Answers(204)
  // An API key has no session to end.
  @MayFail('not_found')
  async logout(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Audit() audit: AuditContext,
  ) {
    await this.sessions.logout(authOf(req), audit);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
  }
}
