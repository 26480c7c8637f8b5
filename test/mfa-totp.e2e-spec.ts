import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
} from './helpers/auth';
import { enrolTotp, loginWithTotp, totpAt } from './helpers/mfa';
import { expectProblem, fieldsOf } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

describe('TOTP second factor (SPEC §18)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let users = 0;

  beforeAll(async () => {
    t = await createTestApp({
      LOGIN_MAX_FAILURES: '8',
      LOGIN_IP_MAX_FAILURES: '0',
    });
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  /** A fresh user, signed in with the password alone. */
  async function newUser(): Promise<{ username: string; session: LoggedIn }> {
    const username = `person-${++users}`;
    await createUser(t.server, admin, { username });
    return {
      username,
      session: await login(t.server, username, USER_PASSWORD),
    };
  }

  const as = (session: LoggedIn) => ({
    get: (path: string) =>
      t.http().get(path).set('X-Session-ID', session.sessionId),
    post: (path: string) =>
      t.http().post(path).set('X-Session-ID', session.sessionId),
    delete: (path: string) =>
      t.http().delete(path).set('X-Session-ID', session.sessionId),
  });

  const password = (username: string) =>
    t.http().post('/api/sessions').send({ username, password: USER_PASSWORD });
  const second = (body: Record<string, unknown>) =>
    t.http().post('/api/sessions/mfa').send(body);

  async function auditOf(username: string) {
    const res = await as(admin).get(
      `/api/audit?target_id=${username}&limit=100`,
    );
    return res.body.items as Record<string, any>[];
  }

  describe('enrolment', () => {
    it('starts with nothing enrolled', async () => {
      const { session } = await newUser();
      const res = await as(session).get('/api/me/mfa').expect(200);
      expect(res.body).toEqual({
        totp: false,
        passkeys: 0,
        recovery_codes_left: 0,
      });
    });

    it('answers a base32 secret and its otpauth URL, pending until confirmed', async () => {
      const { username, session } = await newUser();
      const res = await as(session).post('/api/me/mfa/totp').expect(200);
      expect(res.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      const url = new URL(res.body.otpauth_url);
      expect(url.searchParams.get('secret')).toBe(res.body.secret);
      expect(decodeURIComponent(url.pathname)).toBe(`/opsgate:${username}`);
      const status = await as(session).get('/api/me/mfa').expect(200);
      expect(status.body.totp).toBe(false);
      // A pending secret asks nothing at sign-in.
      expect((await password(username)).status).toBe(201);
    });

    it('replaces a pending secret with a new call', async () => {
      const { session } = await newUser();
      const first = await as(session).post('/api/me/mfa/totp').expect(200);
      const again = await as(session).post('/api/me/mfa/totp').expect(200);
      expect(again.body.secret).not.toBe(first.body.secret);
      const stale = await as(session)
        .post('/api/me/mfa/totp/confirm')
        .send({ code: totpAt(first.body.secret, t.clock.now()) });
      expect(fieldsOf(stale)).toEqual(['code']);
      expectProblem(stale, 400, 'validation_failed');
      await as(session)
        .post('/api/me/mfa/totp/confirm')
        .send({ code: totpAt(again.body.secret, t.clock.now()) })
        .expect(200);
    });

    it('confirms with a code, answering ten distinct recovery codes once', async () => {
      const { username, session } = await newUser();
      const { secret, recoveryCodes } = await enrolTotp(t, session);
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      const status = await as(session).get('/api/me/mfa').expect(200);
      expect(status.body).toEqual({
        totp: true,
        passkeys: 0,
        recovery_codes_left: 10,
      });
      const entries = await auditOf(username);
      expect(entries.map((e) => e.action)).toContain('mfa.enroll');
      const text = JSON.stringify(entries);
      expect(text).not.toContain(secret);
      for (const code of recoveryCodes) expect(text).not.toContain(code);
    });

    it('refuses a wrong code with 400 validation_failed on code', async () => {
      const { session } = await newUser();
      await as(session).post('/api/me/mfa/totp').expect(200);
      const res = await as(session)
        .post('/api/me/mfa/totp/confirm')
        .send({ code: '000000' });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['code']);
    });

    it('answers 409 to a second setup, and to a confirmation with nothing pending', async () => {
      const { session } = await newUser();
      expectProblem(
        await as(session)
          .post('/api/me/mfa/totp/confirm')
          .send({ code: '123456' }),
        409,
        'conflict',
      );
      await enrolTotp(t, session);
      expectProblem(
        await as(session).post('/api/me/mfa/totp'),
        409,
        'conflict',
      );
    });

    it('keeps the secret sealed at rest and the recovery codes as digests', async () => {
      const { username, session } = await newUser();
      const { secret, recoveryCodes } = await enrolTotp(t, session);
      const rows = JSON.stringify(
        await t.dataSource.query(
          'SELECT f.*, r.code_hash FROM totp_factors f JOIN users u ON u.id = f.user_id JOIN recovery_codes r ON r.user_id = u.id WHERE u.username = $1',
          [username],
        ),
      );
      expect(rows).toContain('sealed_secret');
      expect(rows).not.toContain(secret);
      for (const code of recoveryCodes) {
        expect(rows).not.toContain(code);
        expect(rows).not.toContain(code.replace('-', ''));
      }
    });

    it('answers 404 to an API key: keys have no second factors', async () => {
      const key = await createKey(t.server, admin);
      const res = await t.http().get('/api/me/mfa').set('X-API-Key', key.key);
      expectProblem(res, 404, 'not_found');
      const begin = await t
        .http()
        .post('/api/me/mfa/totp')
        .set('X-API-Key', key.key);
      expectProblem(begin, 404, 'not_found');
    });
  });

  describe('signing in', () => {
    it('answers a right password with mfa_required and no session, then 201 with aal 2', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      const first = await password(username).expect(200);
      expect(first.body).toEqual({
        mfa_required: true,
        mfa_token: expect.any(String),
        methods: ['totp', 'recovery_code'],
      });
      expect(first.headers['set-cookie']).toBeUndefined();
      const res = await second({
        mfa_token: first.body.mfa_token,
        code: totpAt(secret, t.clock.now()),
      }).expect(201);
      expect(Object.keys(res.body).sort()).toEqual([
        'aal',
        'csrf_token',
        'expires_at',
        'session_id',
        'user',
      ]);
      expect(res.body.aal).toBe(2);
      expect(res.body.user.username).toBe(username);
      expect(String(res.headers['set-cookie'])).toMatch(/^session_id=/);
      await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', res.body.session_id)
        .expect(200);
      const [current] = await t.dataSource.query(
        'SELECT s.method, s.aal FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = $1 ORDER BY s.created_at DESC LIMIT 1',
        [username],
      );
      expect(current).toMatchObject({ method: 'password', aal: 2 });
    });

    it('accepts one step of drift either way, and not two', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      // Past the confirming code's step, so an earlier step is no replay.
      t.clock.advanceSeconds(60);
      for (const [offset, status] of [
        [-60_000, 401],
        [60_000, 401],
        [-30_000, 201],
      ] as const) {
        const first = await password(username).expect(200);
        const res = await second({
          mfa_token: first.body.mfa_token,
          code: totpAt(secret, t.clock.now() + offset),
        });
        expect(res.status).toBe(status);
      }
      t.clock.advanceSeconds(60);
      const first = await password(username).expect(200);
      await second({
        mfa_token: first.body.mfa_token,
        code: totpAt(secret, t.clock.now() + 30_000),
      }).expect(201);
    });

    it('refuses a code already accepted, for its whole window (no replay)', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      const code = totpAt(secret, t.clock.now());
      const first = await password(username).expect(200);
      await second({ mfa_token: first.body.mfa_token, code }).expect(201);
      for (const wait of [0, 20, 30]) {
        t.clock.advanceSeconds(wait);
        const again = await password(username).expect(200);
        const res = await second({ mfa_token: again.body.mfa_token, code });
        expectProblem(res, 401, 'mfa_failed');
      }
    });

    it('takes a recovery code once, in any case and without the dash', async () => {
      const { username, session } = await newUser();
      const { recoveryCodes } = await enrolTotp(t, session);
      const typed = recoveryCodes[3].replace('-', '').toUpperCase();
      const first = await password(username).expect(200);
      await second({ mfa_token: first.body.mfa_token, code: typed }).expect(
        201,
      );
      const again = await password(username).expect(200);
      expectProblem(
        await second({
          mfa_token: again.body.mfa_token,
          code: recoveryCodes[3],
        }),
        401,
        'mfa_failed',
      );
      const status = await as(session).get('/api/me/mfa').expect(200);
      expect(status.body.recovery_codes_left).toBe(9);
      const used = (await auditOf(username)).filter(
        (e) => e.action === 'mfa.recovery_code_used',
      );
      expect(used).toHaveLength(1);
      expect(JSON.stringify(used)).not.toContain(recoveryCodes[3].slice(0, 5));
    });

    it('serves one success per mfa_token', async () => {
      const { username, session } = await newUser();
      const { secret, recoveryCodes } = await enrolTotp(t, session);
      const first = await password(username).expect(200);
      await second({
        mfa_token: first.body.mfa_token,
        code: totpAt(secret, t.clock.now()),
      }).expect(201);
      const res = await second({
        mfa_token: first.body.mfa_token,
        code: recoveryCodes[0],
      });
      expectProblem(res, 401, 'mfa_failed');
    });

    it('lets an mfa_token live MFA_TOKEN_TTL seconds', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      const first = await password(username).expect(200);
      t.clock.advanceSeconds(300);
      const res = await second({
        mfa_token: first.body.mfa_token,
        code: totpAt(secret, t.clock.now()),
      });
      expectProblem(res, 401, 'mfa_failed');
    });

    it('spends an mfa_token at its fifth failure, even for a right code after', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      const first = await password(username).expect(200);
      for (let i = 0; i < 5; i++) {
        expectProblem(
          await second({ mfa_token: first.body.mfa_token, code: '000000' }),
          401,
          'mfa_failed',
        );
      }
      const res = await second({
        mfa_token: first.body.mfa_token,
        code: totpAt(secret, t.clock.now()),
      });
      expectProblem(res, 401, 'mfa_failed');
      // The failures were not forgotten by the next right password either.
      await password(username).expect(200);
    });

    it('counts wrong codes toward the username+IP lockout of the password login', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      // LOGIN_MAX_FAILURES is 8: 3 wrong passwords, then 5 wrong codes.
      for (let i = 0; i < 3; i++) {
        await t
          .http()
          .post('/api/sessions')
          .send({ username, password: 'wrong-password' })
          .expect(401);
      }
      const first = await password(username).expect(200);
      for (let i = 0; i < 5; i++) {
        await second({
          mfa_token: first.body.mfa_token,
          code: '000000',
        }).expect(401);
      }
      expectProblem(await password(username), 429, 'too_many_login_attempts');
      const locked = (await auditOf(username)).filter(
        (e) => e.action === 'session.lockout',
      );
      expect(locked).toHaveLength(1);
      t.clock.advanceSeconds(61);
      const res = await password(username).expect(200);
      await second({
        mfa_token: res.body.mfa_token,
        code: totpAt(secret, t.clock.now()),
      }).expect(201);
    });

    it('answers 400 to both a code and a passkey, or neither', async () => {
      const bad = [
        { mfa_token: 'x', code: '123456', passkey: {} },
        { mfa_token: 'x' },
      ];
      for (const body of bad) {
        const res = await second(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res)).toEqual(['code']);
      }
    });

    it('answers 401 mfa_failed to an unknown mfa_token', async () => {
      expectProblem(
        await second({ mfa_token: 'nope', code: '123456' }),
        401,
        'mfa_failed',
      );
      expectProblem(
        await t
          .http()
          .post('/api/sessions/mfa/options')
          .send({ mfa_token: 'nope' }),
        401,
        'mfa_failed',
      );
    });
  });

  describe('step-up', () => {
    it('raises a password session to aal 2 until STEP_UP_WINDOW from now', async () => {
      const { username, session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      const res = await as(session)
        .post('/api/sessions/current/step-up')
        .send({ code: totpAt(secret, t.clock.now()) })
        .expect(200);
      expect(res.body).toEqual({
        aal: 2,
        until: new Date(t.clock.now() + 600_000).toISOString(),
      });
      const entries = (await auditOf(username)).filter(
        (e) => e.action === 'session.step_up',
      );
      expect(entries).toHaveLength(1);
      expect(entries[0].details).toEqual({ method: 'totp' });
    });

    it('answers 403 reauthentication_failed to a wrong or reused code', async () => {
      const { session } = await newUser();
      const { secret } = await enrolTotp(t, session);
      const code = totpAt(secret, t.clock.now());
      await as(session)
        .post('/api/sessions/current/step-up')
        .send({ code })
        .expect(200);
      for (const wrong of ['000000', code]) {
        const res = await as(session)
          .post('/api/sessions/current/step-up')
          .send({ code: wrong });
        expectProblem(res, 403, 'reauthentication_failed');
      }
    });

    it('takes a recovery code', async () => {
      const { session } = await newUser();
      const { recoveryCodes } = await enrolTotp(t, session);
      await as(session)
        .post('/api/sessions/current/step-up')
        .send({ code: recoveryCodes[9] })
        .expect(200);
    });

    it('answers 404 to an API key: keys are never asked to step up', async () => {
      const key = await createKey(t.server, admin);
      const res = await t
        .http()
        .post('/api/sessions/current/step-up')
        .set('X-API-Key', key.key)
        .send({ code: '123456' });
      expectProblem(res, 404, 'not_found');
    });

    it('offers passkey options bound to the relying party', async () => {
      const { session } = await newUser();
      const res = await as(session)
        .post('/api/sessions/current/step-up/options')
        .expect(200);
      expect(res.body).toMatchObject({
        challenge: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        rpId: 'localhost',
        userVerification: 'required',
      });
    });
  });

  it('signs in with the helper used elsewhere', async () => {
    const { username, session } = await newUser();
    const { secret } = await enrolTotp(t, session);
    const signed = await loginWithTotp(t, username, USER_PASSWORD, secret);
    expect(signed.body.aal).toBe(2);
  });
});
