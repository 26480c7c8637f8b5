import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Request, Response } from 'express';
import { Audit, type AuditContext } from '../audit/audit-context';
import { Authenticated, Public } from '../access/policy.decorator';
import { authOf } from '../access/request-auth';
import { Answers, MayFail, SetsCookie, Summary } from '../validation/schema';
import {
  SESSION_COOKIE,
  answerSignIn,
  signInClientOf,
} from '../sessions/session-cookie';
import {
  MfaSignInDto,
  MfaTokenDto,
  PasskeySignInDto,
  SecondFactorDto,
} from './mfa.dto';
import {
  ASSERTION_OPTIONS_SCHEMA,
  SIGNED_IN_SCHEMA,
  STEP_UP_SCHEMA,
} from './mfa.views';
import { MfaSignIn } from './mfa-sign-in.service';
import { presentedFactor } from './second-factor-check';
import { StepUpService } from './step-up.service';

const SIGNED_IN_COOKIE =
  'The session_id cookie, as POST /api/sessions sets it (HttpOnly, SameSite=Lax, Secure over HTTPS).';

/** Sign-in with a second factor or a passkey alone, and step-up (SPEC §18). */
@Controller('sessions')
export class MfaSessionsController {
  constructor(
    private readonly signIn: MfaSignIn,
    private readonly stepUps: StepUpService,
  ) {}

  @Post('mfa/options')
  @Summary("Passkey options for a sign-in's second step")
  @Public()
  @HttpCode(200)
  @Answers(200, ASSERTION_OPTIONS_SCHEMA, 'For navigator.credentials.get()')
  @MayFail('mfa_failed')
  options(@Body() dto: MfaTokenDto) {
    return this.signIn.options(dto.mfa_token);
  }

  @Post('mfa')
  @Summary('Sign in: the second factor after the password')
  @Public()
  @Answers(201, SIGNED_IN_SCHEMA, 'Signed in; also sets the session_id cookie')
  @SetsCookie([SESSION_COOKIE], SIGNED_IN_COOKIE)
  @MayFail('mfa_failed', 'account_disabled', 'too_many_login_attempts')
  async complete(
    @Body() dto: MfaSignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Audit() audit: AuditContext,
  ) {
    return answerSignIn(
      req,
      res,
      await this.signIn.complete(
        dto.mfa_token,
        presentedFactor(dto),
        signInClientOf(req),
        audit,
      ),
    );
  }

  @Post('passkey/options')
  @Summary('Passkey options for passwordless sign-in')
  @Public()
  @HttpCode(200)
  @Answers(
    200,
    ASSERTION_OPTIONS_SCHEMA,
    'For navigator.credentials.get() with any discoverable passkey',
  )
  passwordlessOptions() {
    return this.signIn.passwordlessOptions();
  }

  @Post('passkey')
  @Summary('Sign in with a passkey alone')
  @Public()
  @Answers(201, SIGNED_IN_SCHEMA, 'Signed in; also sets the session_id cookie')
  @SetsCookie([SESSION_COOKIE], SIGNED_IN_COOKIE)
  @MayFail('login_failed', 'account_disabled')
  async passwordless(
    @Body() dto: PasskeySignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Audit() audit: AuditContext,
  ) {
    return answerSignIn(
      req,
      res,
      await this.signIn.passwordless(
        dto.response as AuthenticationResponseJSON,
        signInClientOf(req),
        audit,
      ),
    );
  }

  @Post('current/step-up/options')
  @Summary('Passkey options for a step-up')
  @Authenticated()
  @HttpCode(200)
  @Answers(200, ASSERTION_OPTIONS_SCHEMA, 'For navigator.credentials.get()')
  @MayFail('not_found')
  stepUpOptions(@Req() req: Request) {
    return this.stepUps.options(authOf(req));
  }

  @Post('current/step-up')
  @Summary('Step up: a second factor now, for aal 2')
  @Authenticated()
  @HttpCode(200)
  @Answers(200, STEP_UP_SCHEMA, 'The session has aal 2 until `until`')
  @MayFail('not_found', 'reauthentication_failed', 'too_many_login_attempts')
  stepUp(
    @Body() dto: SecondFactorDto,
    @Req() req: Request,
    @Audit() audit: AuditContext,
  ) {
    return this.stepUps.stepUp(authOf(req), presentedFactor(dto), audit);
  }
}
