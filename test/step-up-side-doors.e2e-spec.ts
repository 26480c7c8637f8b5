import request from 'supertest';
import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
} from './helpers/auth';
import { enrolTotp, loginWithTotp } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { ADMIN_PASSWORD, TestApp, createTestApp } from './helpers/test-app';

/**
 * Acts that need step-up (SPEC §18), reached another way than the one the
 * table names. The attacker holds an admin's session cookie whose second
 * factor is older than STEP_UP_WINDOW (aal 1), and must not be able to
 * make admin usable again: a key that holds admin but was disabled (a
 * leaked one, revoked), or a disabled admin (a former colleague's account).
 */
describe('step-up: making admin usable again is granting it', () => {
  let t: TestApp;
  let secret: string;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    ({ secret } = await enrolTotp(t, await login(t.server)));
  });
  afterAll(() => t.close());

  /** A fresh admin session with its second factor just completed (aal 2). */
  const strongSession = () => loginWithTotp(t, 'admin', ADMIN_PASSWORD, secret);
  /** The same session once STEP_UP_WINDOW has passed: aal 1, as stolen. */
  const stale = (session: LoggedIn) => {
    t.clock.advanceSeconds(t.config.stepUpWindow + 1);
    return {
      patch: (path: string) =>
        request(t.server).patch(path).set('X-Session-ID', session.sessionId),
    };
  };

  it('re-enabling a disabled key that holds admin needs step-up', async () => {
    const session = await strongSession();
    const key = await createKey(t.server, session, { privileges: ['admin'] });
    await request(t.server)
      .patch(`/api/keys/${key.id}`)
      .set('X-Session-ID', session.sessionId)
      .send({ active: false })
      .expect(200);
    const res = await stale(session)
      .patch(`/api/keys/${key.id}`)
      .send({ active: true });
    expectProblem(res, 403, 'step_up_required');
    const use = await request(t.server)
      .get('/api/me')
      .set('X-API-Key', key.key);
    expectProblem(use, 401, 'api_key_disabled');
  });

  it('re-enabling a disabled admin needs step-up', async () => {
    const session = await strongSession();
    await createUser(t.server, session, {
      username: 'former',
      privileges: ['admin'],
      active: false,
    });
    const res = await stale(session)
      .patch('/api/users/former')
      .send({ active: true });
    expectProblem(res, 403, 'step_up_required');
    const signIn = await request(t.server)
      .post('/api/sessions')
      .send({ username: 'former', password: USER_PASSWORD });
    expectProblem(signIn, 401, 'account_disabled');
  });

  it('disabling either needs no step-up', async () => {
    const session = await strongSession();
    const key = await createKey(t.server, session, { privileges: ['admin'] });
    await createUser(t.server, session, {
      username: 'leaving',
      privileges: ['admin'],
    });
    const weak = stale(session);
    await weak.patch(`/api/keys/${key.id}`).send({ active: false }).expect(200);
    await weak.patch('/api/users/leaving').send({ active: false }).expect(200);
  });
});

describe('MFA_REQUIRED: which routes an unenrolled user may use', () => {
  it('does not depend on whether a HEAD request reached a route first', async () => {
    const t = await createTestApp({ MFA_REQUIRED: 'all' });
    try {
      const admin = await login(t.server);
      const head = () =>
        request(t.server).head('/api/me').set('X-Session-ID', admin.sessionId);
      // Before anyone's GET: the route's facts are met first by a HEAD.
      expect((await head()).status).toBe(200);
      await request(t.server)
        .get('/api/me')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
    } finally {
      await t.close();
    }
  });
});
