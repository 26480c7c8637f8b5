import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Audit, type AuditContext } from '../audit/audit-context';
import { Public } from '../access/policy.decorator';
import {
  Answers,
  MayFail,
  SetsCookie,
  Summary,
  bool,
  named,
  orNull,
  strict,
  text,
} from '../validation/schema';
import { cookieValue } from '../http/cookies';
import { SESSION_COOKIE } from '../sessions/session-cookie';
import { HeaderSignIn } from './header-sign-in';
import { OidcSignIn } from './oidc-sign-in';
import {
  SSO_COOKIE,
  backFromProvider,
  signedInTo,
  ssoRequestOf,
  toProvider,
} from './sso-answers';
import { SsoLoginQuery } from './sso-login.dto';
import { SsoService } from './sso.service';

const SSO_STATUS_SCHEMA = named('SsoStatus', () =>
  strict({
    oidc: bool,
    header: bool,
    local_login: {
      anyOf: [{ type: 'boolean', enum: [true] }, text({ enum: ['admins'] })],
      description: 'true, or "admins" when LOCAL_LOGIN=false',
    },
    login_url: orNull(text()),
  }),
);

/** Documents the 302 of redirect() (sso-answers.ts): a Location, no body. */
const Redirects = (description: string) =>
  ApiResponse({
    status: 302,
    description,
    headers: { Location: { schema: text(), description: 'Where to go next' } },
  });

@Controller('sso')
export class SsoController {
  constructor(
    private readonly sso: SsoService,
    private readonly oidc: OidcSignIn,
    private readonly headers: HeaderSignIn,
  ) {}

  @Get()
  @Public()
  @Answers(200, SSO_STATUS_SCHEMA)
  @Summary('Which single sign-on ways are on, for the sign-in screen')
  status() {
    return this.sso.status();
  }

  @Get('login')
  @Public()
  @Redirects("To the OpenID provider's authorization endpoint")
  @SetsCookie(
    [SSO_COOKIE],
    "Binds this sign-in to the browser: its state, nonce, PKCE verifier and return_to, sealed under the server's key. HttpOnly, SameSite=Lax, Path=/api/sso, Max-Age=600.",
  )
  @Summary('Start signing in with the OpenID provider')
  @MayFail('sso_failed', 'too_many_failures')
  async login(
    @Query() query: SsoLoginQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Audit() audit: AuditContext,
  ) {
    toProvider(req, res, await this.oidc.begin(query.return_to, audit));
  }

  @Get('callback')
  @Public()
  @Redirects('Signed in (session_id cookie set): to return_to or /')
  @SetsCookie(
    [SESSION_COOKIE, SSO_COOKIE],
    'Sets the session_id cookie, as a password login does, and clears the spent opsgate_sso cookie.',
  )
  @Summary('Finish signing in with the OpenID provider')
  @MayFail('sso_failed', 'account_disabled', 'too_many_failures')
  async callback(
    @Req() req: Request,
    @Res() res: Response,
    @Audit() audit: AuditContext,
  ) {
    backFromProvider(
      req,
      res,
      await this.oidc.callback(
        req.originalUrl,
        cookieValue(req.headers.cookie, SSO_COOKIE),
        ssoRequestOf(req, audit),
      ),
    );
  }

  @Get('header')
  @Public()
  @Redirects('Signed in (session_id cookie set): to /')
  @SetsCookie(
    [SESSION_COOKIE],
    'Sets the session_id cookie, as a password login does.',
  )
  @Summary('Sign in with the headers of a trusted authenticating proxy')
  @MayFail('sso_failed', 'account_disabled', 'too_many_failures')
  async header(
    @Req() req: Request,
    @Res() res: Response,
    @Audit() audit: AuditContext,
  ) {
    signedInTo(
      req,
      res,
      await this.headers.fromHeaders(
        req.socket.remoteAddress,
        req.headers,
        ssoRequestOf(req, audit),
      ),
      '/',
    );
  }
}
