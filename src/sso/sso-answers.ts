import type { Request, Response } from 'express';
import type { AuditContext } from '../audit/audit-context';
import { setSessionCookie, signInClientOf } from '../sessions/session-cookie';
import type { LoginResult } from '../sessions/session-lifecycle';
import { SSO_LOGIN_TTL_SECONDS } from './sso-logins';
import type { SsoRequest } from './sso-sign-in';

/** Binds a sign-in under way to this browser; sent back only to /api/sso. */
export const SSO_COOKIE = 'opsgate_sso';
const SSO_COOKIE_PATH = '/api/sso';

const stateCookie = (req: Request) => ({
  path: SSO_COOKIE_PATH,
  httpOnly: true,
  // Lax: the provider sends the browser back with a top-level GET, which
  // carries Lax cookies; a cross-site subrequest does not.
  sameSite: 'lax' as const,
  secure: req.secure,
});

/** A 302 without a body (an HTML "Found" page would be one more thing to document and to escape). */
function redirect(res: Response, location: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Location', location);
  res.status(302).end();
}

export const ssoRequestOf = (
  req: Request,
  audit: AuditContext,
): SsoRequest => ({
  context: audit,
  client: signInClientOf(req),
});

/** GET /api/sso/login: the cookie binding the sign-in to this browser, and off to the provider. */
export function toProvider(
  req: Request,
  res: Response,
  { url, cookie }: { url: string; cookie: string },
): void {
  res.cookie(SSO_COOKIE, cookie, {
    ...stateCookie(req),
    maxAge: SSO_LOGIN_TTL_SECONDS * 1000,
  });
  redirect(res, url);
}

/** Signed in: the session cookie, as a password login sets it, and on to `location`. */
export function signedInTo(
  req: Request,
  res: Response,
  session: LoginResult,
  location: string,
): void {
  setSessionCookie(req, res, session.session_id);
  redirect(res, location);
}

/** The callback's answer: as signedInTo, the spent sign-in's cookie cleared first. */
export function backFromProvider(
  req: Request,
  res: Response,
  { session, returnTo }: { session: LoginResult; returnTo: string },
): void {
  // Spent (its state is marked used): the browser may forget it too.
  res.clearCookie(SSO_COOKIE, stateCookie(req));
  signedInTo(req, res, session, returnTo);
}
