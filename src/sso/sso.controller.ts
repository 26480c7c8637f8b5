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
import {
  SESSION_COOKIE,
  setSessionCookie,
  signInClientOf,
} from '../sessions/session-cookie';
import { SsoLoginQuery } from './sso-login.dto';
import { SSO_LOGIN_TTL_SECONDS } from './sso-logins';
import { SsoService } from './sso.service';

/** Binds a sign-in under way to this browser; sent back only to /api/sso. */
export const SSO_COOKIE = 'opsgate_sso';
const SSO_COOKIE_PATH = '/api/sso';

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

/** A 302 without a body (an HTML "Found" page would be one more thing to document and to escape). */
const Redirects = (description: string) =>
  ApiResponse({
    status: 302,
    description,
    headers: { Location: { schema: text(), description: 'Where to go next' } },
  });

function redirect(res: Response, location: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Location', location);
  res.status(302).end();
}

const stateCookie = (req: Request) => ({
  path: SSO_COOKIE_PATH,
  httpOnly: true,
  // Lax: the provider sends the browser back with a top-level GET, which
  // carries Lax cookies; a cross-site subrequest does not.
  sameSite: 'lax' as const,
  secure: req.secure,
});

@Controller('sso')
export class SsoController {
  constructor(private readonly sso: SsoService) {}

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
    'Binds this sign-in (its state, nonce and PKCE verifier) to the browser: HttpOnly, SameSite=Lax, Path=/api/sso, Max-Age=600.',
  )
  @Summary('Start signing in with the OpenID provider')
  @MayFail('sso_failed', 'too_many_failures')
  async login(
    @Query() query: SsoLoginQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Audit() audit: AuditContext,
  ) {
    const { url, cookie } = await this.sso.begin(query.return_to, audit);
    res.cookie(SSO_COOKIE, cookie, {
      ...stateCookie(req),
      maxAge: SSO_LOGIN_TTL_SECONDS * 1000,
    });
    redirect(res, url);
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
    const { session, returnTo } = await this.sso.callback(
      req.originalUrl,
      cookieValue(req.headers.cookie, SSO_COOKIE),
      { context: audit, client: signInClientOf(req) },
    );
    // Spent (the server forgot its state as it read it): the browser may forget it too.
    res.clearCookie(SSO_COOKIE, stateCookie(req));
    setSessionCookie(req, res, session.session_id);
    redirect(res, returnTo);
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
    const session = await this.sso.fromHeaders(
      req.socket.remoteAddress,
      req.headers,
      { context: audit, client: signInClientOf(req) },
    );
    setSessionCookie(req, res, session.session_id);
    redirect(res, '/');
  }
}

/**
 * One cookie's value; undefined when absent or sent more than once (then
 * which is the browser's own is unknown). Hand-written: Express parses no
 * cookies without cookie-parser, and this is all that is needed of one.
 */
function cookieValue(header: string | undefined, name: string) {
  const values = (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
  return values.length === 1 ? values[0] : undefined;
}
