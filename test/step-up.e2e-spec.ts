import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
} from './helpers/auth';
import { enrolTotp, loginWithTotp, totpAt } from './helpers/mfa';
import { STEP_UP_ACTS } from '../src/auth/step-up-acts';
import { expectProblem } from './helpers/problem';
import { mountedRoutes } from './helpers/routes';
import { ADMIN_PASSWORD, TestApp, createTestApp } from './helpers/test-app';

const as = (t: TestApp, session: LoggedIn) => ({
  get: (path: string) =>
    t.http().get(path).set('X-Session-ID', session.sessionId),
  post: (path: string) =>
    t.http().post(path).set('X-Session-ID', session.sessionId),
  patch: (path: string) =>
    t.http().patch(path).set('X-Session-ID', session.sessionId),
  delete: (path: string) =>
    t.http().delete(path).set('X-Session-ID', session.sessionId),
});

describe('step-up (SPEC §18)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let secret: string;
  let recovery: string[];
  let key: { key: string };

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    const first = await login(t.server);
    ({ secret, recoveryCodes: recovery } = await enrolTotp(t, first));
    // A password-only session of an admin with a factor: aal 1.
    const res = await t
      .http()
      .post('/api/sessions')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    const signed = await t
      .http()
      .post('/api/sessions/mfa')
      .send({ mfa_token: res.body.mfa_token, code: recovery[0] })
      .expect(201);
    admin = {
      sessionId: signed.body.session_id,
      csrfToken: signed.body.csrf_token,
      cookie: '',
      body: signed.body,
    };
    // A recovery-code sign-in is aal 2 too: within its window, make an
    // admin key, then let the window pass.
    key = await createKey(t.server, admin, {
      title: 'admin',
      privileges: ['admin'],
    });
    await as(t, admin)
      .post('/api/roles')
      .send({ id: 'super', title: 'Super', privileges: ['admin'] })
      .expect(201);
    t.clock.advanceSeconds(601);
    await as(t, admin)
      .post('/api/roles')
      .send({
        id: 'root',
        title: 'Root',
        privileges: ['admin'],
        enabled: false,
      })
      .expect(201);
    await as(t, admin)
      .post('/api/roles')
      .send({ id: 'viewer', title: 'Viewer', privileges: ['run_jobs'] })
      .expect(201);
  });
  afterAll(() => t.close());

  const stepUp = async (session = admin) => {
    await as(t, session)
      .post('/api/sessions/current/step-up')
      .send({ code: totpAt(secret, t.clock.now()) })
      .expect(200);
    t.clock.advanceSeconds(30);
  };
  const refused = (res: import('supertest').Response) => {
    const body = expectProblem(res, 403, 'step_up_required');
    expect(body.methods).toEqual(['totp', 'recovery_code']);
  };

  describe('a password session of a user with a factor', () => {
    it('needs step-up to create a key that holds admin, directly or through a role', async () => {
      refused(
        await as(t, admin)
          .post('/api/keys')
          .send({ title: 'k', privileges: ['admin'] }),
      );
      await as(t, admin)
        .patch('/api/roles/root')
        .send({ enabled: true })
        .expect(403);
    });

    it('creates keys that do not hold admin without asking', async () => {
      await as(t, admin)
        .post('/api/keys')
        .send({ title: 'plain', privileges: ['run_jobs'], roles: ['viewer'] })
        .expect(201);
    });

    it('needs step-up to rotate a key that holds admin, not another', async () => {
      const holder = await t
        .http()
        .post('/api/keys')
        .set('X-API-Key', (await adminKey()).key)
        .send({ title: 'holder', privileges: ['admin'] })
        .expect(201);
      refused(
        await as(t, admin).post(`/api/keys/${holder.body.id}/rotate`).send({}),
      );
      const plain = await createKey(t.server, admin, { title: 'plain' });
      await as(t, admin)
        .post(`/api/keys/${plain.id}/rotate`)
        .send({})
        .expect(201);
      // Editing a key that already holds admin grants nothing.
      await as(t, admin)
        .patch(`/api/keys/${holder.body.id}`)
        .send({ title: 'renamed', privileges: ['admin'] })
        .expect(200);
      refused(
        await as(t, admin)
          .patch(`/api/keys/${plain.id}`)
          .send({ privileges: ['admin'] }),
      );
    });

    it("needs step-up to grant admin to a user or a role, or change another user's password", async () => {
      refused(
        await as(t, admin)
          .post('/api/users')
          .send({
            username: 'boss',
            password: USER_PASSWORD,
            privileges: ['admin'],
          }),
      );
      await createUser(t.server, admin, { username: 'worker' });
      refused(
        await as(t, admin)
          .patch('/api/users/worker')
          .send({ password: 'new-pass-123' }),
      );
      refused(
        await as(t, admin)
          .patch('/api/users/worker')
          .send({ roles: ['viewer', 'super'] }),
      );
      refused(
        await as(t, admin)
          .post('/api/roles')
          .send({ id: 'root2', title: 'Root 2', privileges: ['admin'] }),
      );
      // Only what grants admin: a role that does not, and an admin's own record.
      await as(t, admin)
        .patch('/api/users/worker')
        .send({ roles: ['viewer'] })
        .expect(200);
      await as(t, admin)
        .patch('/api/users/admin')
        .send({ full_name: 'Admin' })
        .expect(200);
    });

    it('records each refusal as access.denied with step_up_required', async () => {
      const res = await as(t, admin)
        .get('/api/audit?action=access.denied&limit=1')
        .expect(200);
      expect(res.body.items[0]).toMatchObject({
        actor: 'admin',
        outcome: 'denied',
        code: 'step_up_required',
      });
    });

    it('may do all of it within STEP_UP_WINDOW of a step-up, and not after', async () => {
      await stepUp();
      await as(t, admin)
        .post('/api/keys')
        .send({ title: 'admin key', privileges: ['admin'] })
        .expect(201);
      await as(t, admin)
        .patch('/api/users/worker')
        .send({ password: 'new-pass-456' })
        .expect(200);
      t.clock.advanceSeconds(600);
      refused(
        await as(t, admin)
          .post('/api/keys')
          .send({ title: 'k2', privileges: ['admin'] }),
      );
    });

    it('needs step-up to remove its own factor, and then removes it (audited)', async () => {
      const user = await createUser(t.server, admin, { username: 'leaver' });
      const session = await login(t.server, user.username, USER_PASSWORD);
      const own = await enrolTotp(t, session);
      const fresh = await loginWithTotp(t, 'leaver', USER_PASSWORD, own.secret);
      // A sign-in with a second factor is aal 2 at once.
      await as(t, fresh).delete('/api/me/mfa/totp').expect(204);
      const status = await as(t, fresh).get('/api/me/mfa').expect(200);
      expect(status.body).toEqual({
        totp: false,
        passkeys: 0,
        recovery_codes_left: 0,
      });
      const audit = await as(t, admin)
        .get('/api/audit?target_id=leaver&action=mfa.remove')
        .expect(200);
      expect(audit.body.items[0].details).toEqual({ method: 'totp' });
      // The password alone signs in again.
      await t
        .http()
        .post('/api/sessions')
        .send({ username: 'leaver', password: USER_PASSWORD })
        .expect(201);
      void session;
    });

    it('asks before removing a factor on a password session', async () => {
      t.clock.advanceSeconds(601);
      const res = await as(t, admin).delete('/api/me/mfa/totp');
      refused(res);
    });
  });

  it('names only mounted routes in its table of acts (a renamed route fails here)', () => {
    const mounted = new Set(mountedRoutes(t.app));
    expect(
      Object.keys(STEP_UP_ACTS).filter((route) => !mounted.has(route)),
    ).toEqual([]);
  });

  it('never asks an API key', async () => {
    const key = await adminKey();
    await t
      .http()
      .post('/api/keys')
      .set('X-API-Key', key.key)
      .send({ title: 'by key', privileges: ['admin'] })
      .expect(201);
  });

  it('never asks a user with no factor (nothing to step up with)', async () => {
    await createUser(t.server, admin, {
      username: 'lead',
      privileges: ['admin'],
    }).catch(() => undefined);
    await stepUp();
    await as(t, admin)
      .post('/api/users')
      .send({
        username: 'lead2',
        password: USER_PASSWORD,
        privileges: ['admin'],
      })
      .expect(201);
    const lead = await login(t.server, 'lead2', USER_PASSWORD);
    await as(t, lead)
      .post('/api/keys')
      .send({ title: 'by lead', privileges: ['admin'] })
      .expect(201);
  });

  const adminKey = () => Promise.resolve(key);
});

describe('MFA_REQUIRED (SPEC §18)', () => {
  it('admins: an admin without a factor may only enrol; others and keys are not held', async () => {
    const t = await createTestApp({ MFA_REQUIRED: 'admins' });
    try {
      const admin = await login(t.server);
      const key = await createKey(t.server, admin).catch(() => null);
      expect(key).toBeNull();
      const blocked = await as(t, admin).get('/api/keys');
      const body = expectProblem(blocked, 403, 'step_up_required');
      expect(body.methods).toEqual([]);
      await as(t, admin).get('/api/me').expect(200);
      await as(t, admin).get('/api/privileges').expect(200);
      await as(t, admin).get('/api/me/mfa').expect(200);
      await as(t, admin).post('/api/me/passkeys/options').expect(200);
      await enrolTotp(t, admin);
      await as(t, admin).get('/api/keys').expect(200);
      await createUser(t.server, admin, { username: 'plain' });
      const plain = await login(t.server, 'plain', USER_PASSWORD);
      await as(t, plain).get('/api/categories').expect(200);
      await as(t, admin).delete('/api/sessions/current').expect(204);
    } finally {
      await t.close();
    }
  });

  it('all: every user must enrol first; API keys go on', async () => {
    const t = await createTestApp({ MFA_REQUIRED: 'all' });
    try {
      const admin = await login(t.server);
      const { secret } = await enrolTotp(t, admin);
      const signed = await loginWithTotp(t, 'admin', ADMIN_PASSWORD, secret);
      const key = await createKey(t.server, signed);
      await createUser(t.server, signed, { username: 'someone' });
      const someone = await login(t.server, 'someone', USER_PASSWORD);
      expectProblem(
        await as(t, someone).get('/api/categories'),
        403,
        'step_up_required',
      );
      await as(t, someone).delete('/api/sessions/current').expect(204);
      await t
        .http()
        .get('/api/categories')
        .set('X-API-Key', key.key)
        .expect(200);
    } finally {
      await t.close();
    }
  });
});
