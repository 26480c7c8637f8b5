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
import { Authenticated, Public } from '../access/policy.decorator';
import { authOf } from '../access/request-auth';
import { Answers, MayFail, SetsCookie, Summary } from '../validation/schema';
import { LoginDto } from './login.dto';
import {
  SESSION_COOKIE,
  answerSignIn,
  clearSessionCookie,
  signInClientOf,
} from './session-cookie';
import { SessionLifecycle } from './session-lifecycle';
import { SessionsService } from './sessions.service';
import { MFA_REQUIRED_SCHEMA, SESSION_SCHEMA } from './sign-in.views';

@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly lifecycle: SessionLifecycle,
  ) {}

  @Post()
  @Public()
  @Answers(201, SESSION_SCHEMA, 'Logged in; also sets the session_id cookie')
  @Summary('Log in: open a session')
  @Answers(
    200,
    MFA_REQUIRED_SCHEMA,
    'The password is right and the user has a second factor: no session yet; continue with POST /api/sessions/mfa',
  )
  @SetsCookie(
    [SESSION_COOKIE],
    'On 201: the session_id cookie (HttpOnly, SameSite=Lax, Secure over HTTPS), the same session as session_id in the body; unsafe requests with it need X-CSRF-Token.',
  )
  @MayFail('login_failed', 'account_disabled', 'too_many_login_attempts')
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Audit() audit: AuditContext,
  ) {
    return answerSignIn(
      req,
      res,
      await this.sessions.login(dto, audit, signInClientOf(req)),
    );
  }

  @Delete('current')
  @Authenticated()
  @HttpCode(204)
  @Answers(204)
  @Summary('Log out: end the calling session')
  @SetsCookie([SESSION_COOKIE], 'Clears the session_id cookie.')
  // An API key has no session to end.
  @MayFail('not_found')
  logout(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Audit() audit: AuditContext,
  ) {
    // The cookie goes only once the session is gone.
    return this.lifecycle
      .logout(authOf(req), audit)
      .then(() => clearSessionCookie(req, res));
  }
}
