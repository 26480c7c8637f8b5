import { authenticator } from 'otplib';
import type { LoggedIn } from './auth';
import type { TestApp } from './test-app';

/** The code an authenticator app shows at `at` (epoch ms; the app's fake clock). */
export const totpAt = (secret: string, at: number): string =>
  authenticator.clone({ epoch: at }).generate(secret);

export interface EnrolledTotp {
  secret: string;
  recoveryCodes: string[];
}

/**
 * Sets up and confirms an authenticator app for the session's user, then
 * moves the clock to the next 30-second step, so the next code is a fresh one.
 */
export async function enrolTotp(
  t: TestApp,
  session: LoggedIn,
): Promise<EnrolledTotp> {
  const begun = await t
    .http()
    .post('/api/me/mfa/totp')
    .set('X-Session-ID', session.sessionId)
    .expect(200);
  const secret = begun.body.secret as string;
  const confirmed = await t
    .http()
    .post('/api/me/mfa/totp/confirm')
    .set('X-Session-ID', session.sessionId)
    .send({ code: totpAt(secret, t.clock.now()) })
    .expect(200);
  t.clock.advanceSeconds(30);
  return { secret, recoveryCodes: confirmed.body.recovery_codes as string[] };
}

/** A session from password + TOTP: the sign-in's two steps. */
export async function loginWithTotp(
  t: TestApp,
  username: string,
  password: string,
  secret: string,
): Promise<LoggedIn> {
  const first = await t
    .http()
    .post('/api/sessions')
    .send({ username, password })
    .expect(200);
  const res = await t
    .http()
    .post('/api/sessions/mfa')
    .send({
      mfa_token: first.body.mfa_token,
      code: totpAt(secret, t.clock.now()),
    })
    .expect(201);
  t.clock.advanceSeconds(30);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0];
  return {
    sessionId: res.body.session_id,
    csrfToken: res.body.csrf_token,
    cookie: cookie?.split(';')[0] ?? '',
    body: res.body,
  };
}
