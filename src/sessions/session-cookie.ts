import type { Request, Response } from 'express';
import { USER_AGENT_MAX } from './session.entity';

export const SESSION_COOKIE = 'session_id';

/** SPEC §4: the same cookie whichever way the session was signed in. */
const cookieOptions = (req: Request) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: req.secure,
});

/** Sets the session cookie of a session just started (SessionLifecycle.startSession). */
export function setSessionCookie(
  req: Request,
  res: Response,
  sessionId: string,
): void {
  res.cookie(SESSION_COOKIE, sessionId, cookieOptions(req));
}

/**
 * A sign-in route's answer: with a session, its cookie is set (201); a
 * second step still to come (SPEC §18) is a 200 with no cookie yet.
 */
export function answerSignIn<
  T extends { session_id: string } | { mfa_required: true },
>(req: Request, res: Response, result: T): T {
  if ('mfa_required' in result) res.status(200);
  else setSessionCookie(req, res, result.session_id);
  return result;
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}

/** Where a sign-in comes from, as a session records it once, at sign-in. */
export interface SignInClient {
  /** The client IP per TRUST_PROXY (Express's req.ip). */
  ip: string | null;
  /** The User-Agent header, cut to USER_AGENT_MAX characters. */
  userAgent: string | null;
}

export function signInClientOf(req: Request): SignInClient {
  const agent = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    // Node reads header values as Latin-1, one character per byte: a cut
    // cannot split a character.
    userAgent: agent ? agent.slice(0, USER_AGENT_MAX) : null,
  };
}
