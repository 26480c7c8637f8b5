import { LoggedIn, USER_PASSWORD, createUser, login } from './helpers/auth';
import { enrolTotp, loginWithTotp, totpAt } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

const NEW_PASSWORD = 'violet-harbour-93';

/**
 * An mfa_token (SPEC §18) is half a sign-in: proof of the password, waiting
 * for the second factor. A new password ends every session of the user
 * (SPEC §4) because whoever knew the old one must be shut out; a pending
 * token issued on the old password outlived the change, so someone who had
 * the old password and then got hold of a code (a phished one, a recovery
 * code) could still finish signing in within MFA_TOKEN_TTL.
 */
describe('pending second-factor sign-ins end with the password', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  /** A user with an authenticator app. */
  async function enrolled() {
    const username = `holder-${++counter}`;
    await createUser(t.server, admin, { username });
    const { secret } = await enrolTotp(
      t,
      await login(t.server, username, USER_PASSWORD),
    );
    return { username, secret };
  }

  async function pendingToken(username: string, password = USER_PASSWORD) {
    const res = await t
      .http()
      .post('/api/sessions')
      .send({ username, password })
      .expect(200);
    return res.body.mfa_token as string;
  }

  const finish = (mfaToken: string, secret: string) =>
    t
      .http()
      .post('/api/sessions/mfa')
      .send({ mfa_token: mfaToken, code: totpAt(secret, t.clock.now()) });

  it('an admin setting a new password (as reset-password does) ends them', async () => {
    const { username, secret } = await enrolled();
    const other = await enrolled();
    const token = await pendingToken(username);
    const untouched = await pendingToken(other.username);
    await t
      .http()
      .patch(`/api/users/${username}`)
      .set('X-Session-ID', admin.sessionId)
      .send({ password: NEW_PASSWORD })
      .expect(200);
    expectProblem(await finish(token, secret), 401, 'mfa_failed');
    // Another user's pending sign-in is not concerned.
    expect((await finish(untouched, other.secret)).status).toBe(201);
    t.clock.advanceSeconds(30);
    // One begun with the new password works.
    const fresh = await pendingToken(username, NEW_PASSWORD);
    expect((await finish(fresh, secret)).status).toBe(201);
    t.clock.advanceSeconds(30);
  });

  it('the user changing their own password ends them, and keeps the session that changed it', async () => {
    const { username, secret } = await enrolled();
    const session = await loginWithTotp(t, username, USER_PASSWORD, secret);
    const token = await pendingToken(username);
    await t
      .http()
      .put('/api/me/password')
      .set('X-Session-ID', session.sessionId)
      .send({ current_password: USER_PASSWORD, new_password: NEW_PASSWORD })
      .expect(204);
    expectProblem(await finish(token, secret), 401, 'mfa_failed');
    await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', session.sessionId)
      .expect(200);
  });
});
