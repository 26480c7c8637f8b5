import type { Response } from 'supertest';
import {
  LoggedIn,
  createKey,
  createUser,
  login,
  sessionRequests,
  USER_PASSWORD,
} from './helpers/auth';
import { expectProblem, fieldsOf } from './helpers/problem';
import { SessionSweeper } from '../src/sessions/session-sweeper';
import { ADMIN_PASSWORD, TestApp, createTestApp } from './helpers/test-app';
import { USER_FIELDS } from './helpers/spec-catalog';
import { iso } from './helpers/fake-clock';

// Failed logins are part of these tests; lockout is tested elsewhere.
const NO_LOCKOUT = { LOGIN_MAX_FAILURES: '1000000' };

function setCookies(res: Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
}

/** The one Set-Cookie for session_id, split into its value and lower-cased attributes. */
function sessionCookie(res: Response): { value: string; attributes: string[] } {
  const cookies = setCookies(res).filter((c) => c.startsWith('session_id='));
  expect(cookies).toHaveLength(1);
  const [pair, ...attributes] = cookies[0].split(';').map((p) => p.trim());
  return {
    value: pair.slice('session_id='.length),
    attributes: attributes.map((a) => a.toLowerCase()),
  };
}

describe('sessions', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp(NO_LOCKOUT);
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const loginAs = (username: string, password: string) =>
    t.http().post('/api/sessions').send({ username, password });
  const meWith = (sessionId: string) =>
    t.http().get('/api/me').set('X-Session-ID', sessionId);
  const asAdmin = sessionRequests(
    () => t.http(),
    () => admin.sessionId,
  );

  describe('login', () => {
    it('returns 201 with session_id, csrf_token, expires_at and the user', async () => {
      const res = await loginAs('admin', ADMIN_PASSWORD);
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual([
        'csrf_token',
        'expires_at',
        'session_id',
        'user',
      ]);
      expect(res.body.session_id).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(res.body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(res.body.csrf_token).not.toBe(res.body.session_id);
      // Default SESSION_IDLE_TIMEOUT: 1800 s.
      expect(res.body.expires_at).toBe(iso(t.clock.now() + 1800_000));
      expect(res.body.user).toMatchObject({
        username: 'admin',
        active: true,
        privileges: ['admin'],
      });
    });

    it('returns the user without any password or hash field', async () => {
      const res = await loginAs('admin', ADMIN_PASSWORD).expect(201);
      expect(Object.keys(res.body.user).sort()).toEqual(USER_FIELDS);
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash|scrypt/i);
      expect(JSON.stringify(res.body)).not.toContain(ADMIN_PASSWORD);
    });

    it('returns a session that authenticates as that user', async () => {
      const res = await loginAs('admin', ADMIN_PASSWORD).expect(201);
      const me = await meWith(res.body.session_id).expect(200);
      expect(me.body).toMatchObject({ type: 'user', id: 'admin' });
    });

    it('sets the session_id cookie: Path=/; HttpOnly; SameSite=Lax, not Secure on plain HTTP', async () => {
      const res = await loginAs('admin', ADMIN_PASSWORD).expect(201);
      const cookie = sessionCookie(res);
      expect(cookie.value).toBe(res.body.session_id);
      expect(cookie.attributes).toEqual(
        expect.arrayContaining(['path=/', 'httponly', 'samesite=lax']),
      );
      expect(cookie.attributes).not.toContain('secure');
    });

    it('does not trust X-Forwarded-Proto without TRUST_PROXY', async () => {
      const res = await loginAs('admin', ADMIN_PASSWORD)
        .set('X-Forwarded-Proto', 'https')
        .expect(201);
      expect(sessionCookie(res).attributes).not.toContain('secure');
    });

    it('works with a stale session cookie and a bogus key on the request', async () => {
      const res = await loginAs('admin', ADMIN_PASSWORD)
        .set('Cookie', `session_id=${'s'.repeat(43)}`)
        .set('X-API-Key', 'not-a-key');
      expect(res.status).toBe(201);
    });
  });

  describe('session fixation', () => {
    it('mints a new session ID at each login', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add((await login(t.server)).sessionId);
      expect(ids.size).toBe(5);
    });

    it('does not reuse a valid session ID sent along with the login', async () => {
      const existing = await login(t.server);
      const res = await loginAs('admin', ADMIN_PASSWORD)
        .set('Cookie', `session_id=${existing.sessionId}`)
        .set('X-Session-ID', existing.sessionId)
        .expect(201);
      expect(res.body.session_id).not.toBe(existing.sessionId);
      expect(sessionCookie(res).value).toBe(res.body.session_id);
    });

    it('does not adopt an attacker-chosen session ID', async () => {
      const planted = 'A'.repeat(43);
      const res = await loginAs('admin', ADMIN_PASSWORD)
        .set('Cookie', `session_id=${planted}`)
        .query({ session_id: planted })
        .expect(201);
      expect(res.body.session_id).not.toBe(planted);
      expect(sessionCookie(res).value).not.toBe(planted);
      expectProblem(await meWith(planted), 401, 'invalid_session');
    });

    it('gives each login its own CSRF token', async () => {
      const a = await login(t.server);
      const b = await login(t.server);
      expect(a.csrfToken).not.toBe(b.csrfToken);
    });
  });

  describe('login failures', () => {
    beforeAll(async () => {
      await createUser(t.server, admin, { username: 'known' });
    });

    it('answers a wrong password and an unknown user alike: 401 login_failed, same body', async () => {
      const wrong = await loginAs('known', 'wrong-password');
      const unknown = await loginAs('nobody-here', 'wrong-password');
      expectProblem(wrong, 401, 'login_failed');
      expectProblem(unknown, 401, 'login_failed');
      // Alike but for the request id, which is each request's own.
      const { request_id: _wrongId, ...wrongBody } = wrong.body;
      const { request_id: _unknownId, ...unknownBody } = unknown.body;
      expect(wrongBody).toEqual(unknownBody);
      expect(wrong.body.detail).not.toContain('known');
    });

    it('sets no cookie on a failed login', async () => {
      const res = await loginAs('known', 'wrong-password').expect(401);
      expect(
        setCookies(res).filter((c) => c.startsWith('session_id=')),
      ).toEqual([]);
    });

    it('is case-sensitive about the password', async () => {
      expectProblem(
        await loginAs('known', USER_PASSWORD.toUpperCase()),
        401,
        'login_failed',
      );
    });

    it.each<[string, unknown]>([
      ['no username', { password: USER_PASSWORD }],
      ['no password', { username: 'known' }],
      ['an empty body', {}],
      ['an empty username', { username: '', password: USER_PASSWORD }],
      ['an empty password', { username: 'known', password: '' }],
      [
        'a username that is not a string',
        { username: 7, password: USER_PASSWORD },
      ],
      [
        'a password that is not a string',
        { username: 'known', password: ['x'] },
      ],
      [
        'a 257-character password',
        { username: 'known', password: 'p'.repeat(257) },
      ],
      [
        'an unknown property',
        { username: 'known', password: USER_PASSWORD, otp: '1' },
      ],
    ])('returns 400 validation_failed for %s', async (_name, body) => {
      const res = await t
        .http()
        .post('/api/sessions')
        .send(body as object);
      expectProblem(res, 400, 'validation_failed');
    });

    it('names the missing fields', async () => {
      const res = await t.http().post('/api/sessions').send({});
      expect(fieldsOf(res)).toEqual(
        expect.arrayContaining(['username', 'password']),
      );
    });
  });

  describe('logout', () => {
    it('returns 204, clears the cookie, and ends the session', async () => {
      const session = await login(t.server);
      const res = await t
        .http()
        .delete('/api/sessions/current')
        .set('X-Session-ID', session.sessionId);
      expect(res.status).toBe(204);
      const cookie = sessionCookie(res);
      expect(cookie.value).toBe('');
      expect(cookie.attributes).toContain('path=/');
      expect(
        cookie.attributes.some(
          (a) => a === 'max-age=0' || a.startsWith('expires=thu, 01 jan 1970'),
        ),
      ).toBe(true);
      expectProblem(await meWith(session.sessionId), 401, 'invalid_session');
      expectProblem(
        await t.http().get('/api/me').set('Cookie', session.cookie),
        401,
        'invalid_session',
      );
    });

    it('ends only that session', async () => {
      const first = await login(t.server);
      const second = await login(t.server);
      await t
        .http()
        .delete('/api/sessions/current')
        .set('X-Session-ID', first.sessionId)
        .expect(204);
      await meWith(second.sessionId).expect(200);
    });

    it('refuses a second logout of the same session with 401 invalid_session', async () => {
      const session = await login(t.server);
      const logout = () =>
        t
          .http()
          .delete('/api/sessions/current')
          .set('X-Session-ID', session.sessionId);
      await logout().expect(204);
      expectProblem(await logout(), 401, 'invalid_session');
    });

    it('returns 404 not_found for an API key: there is no session to end', async () => {
      const key = await createKey(t.server, admin);
      const res = await t
        .http()
        .delete('/api/sessions/current')
        .set('X-API-Key', key.key);
      expectProblem(res, 404, 'not_found');
      await t.http().get('/api/me').set('X-API-Key', key.key).expect(200);
    });

    it('returns 401 no_credentials without a session', async () => {
      expectProblem(
        await t.http().delete('/api/sessions/current'),
        401,
        'no_credentials',
      );
    });
  });

  describe('CSRF', () => {
    let cookieSession: LoggedIn;
    let other: LoggedIn;

    beforeAll(async () => {
      cookieSession = await login(t.server);
      other = await login(t.server);
    });

    const withCookie = (
      method: 'post' | 'patch' | 'delete' | 'get',
      path: string,
    ) => t.http()[method](path).set('Cookie', cookieSession.cookie);
    const keyCount = async () =>
      (await t.http().get('/api/keys').set('X-Session-ID', admin.sessionId))
        .body.total as number;

    it('refuses a cookie POST without X-CSRF-Token with 403 csrf_failed, and does nothing', async () => {
      const before = await keyCount();
      const res = await withCookie('post', '/api/keys').send({ title: 'x' });
      expectProblem(res, 403, 'csrf_failed');
      expect(await keyCount()).toBe(before);
    });

    it('refuses a cookie POST with a wrong X-CSRF-Token', async () => {
      const res = await withCookie('post', '/api/keys')
        .set('X-CSRF-Token', 'wrong')
        .send({ title: 'x' });
      expectProblem(res, 403, 'csrf_failed');
    });

    it("refuses a cookie POST with another session's CSRF token", async () => {
      const res = await withCookie('post', '/api/keys')
        .set('X-CSRF-Token', other.csrfToken)
        .send({ title: 'x' });
      expectProblem(res, 403, 'csrf_failed');
    });

    it('refuses a cookie POST with an empty X-CSRF-Token', async () => {
      const res = await withCookie('post', '/api/keys')
        .set('X-CSRF-Token', '')
        .send({ title: 'x' });
      expectProblem(res, 403, 'csrf_failed');
    });

    it('refuses the CSRF token sent as the session ID', async () => {
      const res = await withCookie('post', '/api/keys')
        .set('X-CSRF-Token', cookieSession.sessionId)
        .send({ title: 'x' });
      expectProblem(res, 403, 'csrf_failed');
    });

    it('accepts a cookie POST with the right X-CSRF-Token', async () => {
      const res = await withCookie('post', '/api/keys')
        .set('X-CSRF-Token', cookieSession.csrfToken)
        .send({ title: 'with csrf' });
      expect(res.status).toBe(201);
    });

    it('guards PATCH the same way', async () => {
      const key = await createKey(t.server, admin, { title: 'before' });
      const path = `/api/keys/${key.id}`;
      expectProblem(
        await withCookie('patch', path).send({ title: 'after' }),
        403,
        'csrf_failed',
      );
      await withCookie('patch', path)
        .set('X-CSRF-Token', cookieSession.csrfToken)
        .send({ title: 'after' })
        .expect(200);
    });

    it('guards DELETE the same way, leaving the record in place when refused', async () => {
      const key = await createKey(t.server, admin);
      const path = `/api/keys/${key.id}`;
      expectProblem(await withCookie('delete', path), 403, 'csrf_failed');
      await t.http().get(path).set('X-Session-ID', admin.sessionId).expect(200);
      await withCookie('delete', path)
        .set('X-CSRF-Token', cookieSession.csrfToken)
        .expect(204);
    });

    it('guards logout by cookie, leaving the session alive when refused', async () => {
      const session = await login(t.server);
      const logout = () =>
        t.http().delete('/api/sessions/current').set('Cookie', session.cookie);
      expectProblem(await logout(), 403, 'csrf_failed');
      await meWith(session.sessionId).expect(200);
      await logout().set('X-CSRF-Token', session.csrfToken).expect(204);
      expectProblem(await meWith(session.sessionId), 401, 'invalid_session');
    });

    it('needs no token for GET or HEAD with the cookie', async () => {
      await withCookie('get', '/api/me').expect(200);
      await withCookie('get', '/api/keys').expect(200);
      await t
        .http()
        .head('/api/me')
        .set('Cookie', cookieSession.cookie)
        .expect(200);
    });

    it('needs no token for a session in the X-Session-ID header', async () => {
      await t
        .http()
        .post('/api/keys')
        .set('X-Session-ID', cookieSession.sessionId)
        .send({ title: 'header session' })
        .expect(201);
    });

    it('needs no token for a session in the query', async () => {
      await t
        .http()
        .post(`/api/keys?session_id=${cookieSession.sessionId}`)
        .send({ title: 'query session' })
        .expect(201);
    });

    it('needs no token for an API key, in the header or the body', async () => {
      const key = await createKey(t.server, admin, { privileges: ['admin'] });
      await t
        .http()
        .post('/api/keys')
        .set('X-API-Key', key.key)
        .send({ title: 'header key' })
        .expect(201);
      await t
        .http()
        .post('/api/keys')
        .send({ title: 'body key', api_key: key.key })
        .expect(201);
    });

    it('needs no token when the header session is used even though the cookie is also sent', async () => {
      await withCookie('post', '/api/keys')
        .set('X-Session-ID', cookieSession.sessionId)
        .send({ title: 'header wins' })
        .expect(201);
    });
  });

  describe('a change to the user', () => {
    let seq = 0;
    /** A fresh user with a session, so each case starts clean. */
    async function userWithSession(): Promise<{
      username: string;
      session: LoggedIn;
    }> {
      const username = `person${++seq}`;
      await createUser(t.server, admin, { username });
      const session = await login(t.server, username, USER_PASSWORD);
      await meWith(session.sessionId).expect(200);
      return { username, session };
    }

    it('disabling: its sessions answer 401 account_disabled', async () => {
      const { username, session } = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ active: false })
        .expect(200);
      expectProblem(await meWith(session.sessionId), 401, 'account_disabled');
      expectProblem(
        await t.http().get('/api/me').set('Cookie', session.cookie),
        401,
        'account_disabled',
      );
    });

    it('disabling, then enabling again: the old sessions stay dead (invalid_session)', async () => {
      const { username, session } = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ active: false })
        .expect(200);
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ active: true })
        .expect(200);
      expectProblem(await meWith(session.sessionId), 401, 'invalid_session');
      const fresh = await login(t.server, username, USER_PASSWORD);
      await meWith(fresh.sessionId).expect(200);
    });

    it('a disabled user logging in with the right password gets 401 account_disabled', async () => {
      const { username } = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ active: false })
        .expect(200);
      const res = await loginAs(username, USER_PASSWORD);
      expectProblem(res, 401, 'account_disabled');
      expect(
        setCookies(res).filter((c) => c.startsWith('session_id=')),
      ).toEqual([]);
    });

    it('a disabled user logging in with a wrong password gets 401 login_failed', async () => {
      const { username } = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ active: false })
        .expect(200);
      expectProblem(
        await loginAs(username, 'wrong-password'),
        401,
        'login_failed',
      );
    });

    it('a new password ends its sessions (invalid_session) and only the new one logs in', async () => {
      const { username, session } = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ password: 'brand-new-password' })
        .expect(200);
      expectProblem(await meWith(session.sessionId), 401, 'invalid_session');
      expectProblem(
        await loginAs(username, USER_PASSWORD),
        401,
        'login_failed',
      );
      await loginAs(username, 'brand-new-password').expect(201);
    });

    it('deleting it ends its sessions', async () => {
      const { username, session } = await userWithSession();
      await asAdmin.delete(`/api/users/${username}`).expect(204);
      expectProblem(await meWith(session.sessionId), 401, 'invalid_session');
    });

    it('changing its name or privileges keeps its sessions', async () => {
      const { username, session } = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ full_name: 'Renamed', privileges: ['run_jobs'] })
        .expect(200);
      const me = await meWith(session.sessionId).expect(200);
      expect(me.body).toMatchObject({
        name: 'Renamed',
        privileges: ['run_jobs'],
      });
    });

    it("leaves other users' sessions alone", async () => {
      const { username } = await userWithSession();
      const bystander = await userWithSession();
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ password: 'brand-new-password' })
        .expect(200);
      await asAdmin.delete(`/api/users/${username}`).expect(204);
      await meWith(bystander.session.sessionId).expect(200);
      await meWith(admin.sessionId).expect(200);
    });
  });
});

describe('sessions behind an HTTPS proxy (TRUST_PROXY=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  const loginReq = () =>
    t
      .http()
      .post('/api/sessions')
      .send({ username: 'admin', password: ADMIN_PASSWORD });

  it('marks the cookie Secure when X-Forwarded-Proto is https', async () => {
    const res = await loginReq().set('X-Forwarded-Proto', 'https').expect(201);
    expect(sessionCookie(res).attributes).toEqual(
      expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']),
    );
  });

  it('does not mark it Secure when the proxy says http', async () => {
    const res = await loginReq().set('X-Forwarded-Proto', 'http').expect(201);
    expect(sessionCookie(res).attributes).not.toContain('secure');
  });

  it('clears the cookie with the same Secure attribute at logout', async () => {
    const session = await login(t.server);
    const res = await t
      .http()
      .delete('/api/sessions/current')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Session-ID', session.sessionId)
      .expect(204);
    const cookie = sessionCookie(res);
    expect(cookie.value).toBe('');
    expect(cookie.attributes).toContain('secure');
  });
});

describe('session idle timeout (SESSION_IDLE_TIMEOUT=60)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...NO_LOCKOUT, SESSION_IDLE_TIMEOUT: '60' });
  });
  afterAll(() => t.close());

  const meWith = (sessionId: string) =>
    t.http().get('/api/me').set('X-Session-ID', sessionId);

  it('answers expires_at 60 s after login', async () => {
    const session = await login(t.server);
    expect(session.body.expires_at).toBe(iso(t.clock.now() + 60_000));
  });

  it('keeps a session alive with activity every 59 s', async () => {
    const session = await login(t.server);
    for (let i = 0; i < 4; i++) {
      t.clock.advanceSeconds(59);
      await meWith(session.sessionId).expect(200);
    }
  });

  it('returns 401 session_expired after 60 s without a request', async () => {
    const session = await login(t.server);
    t.clock.advanceSeconds(30);
    await meWith(session.sessionId).expect(200);
    t.clock.advanceSeconds(60);
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
  });

  it('expires exactly at 60 s idle, not a millisecond before', async () => {
    const session = await login(t.server);
    t.clock.advance(59_999);
    await meWith(session.sessionId).expect(200);
    t.clock.advance(60_000);
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
  });

  it('stays expired: a refused request is not activity', async () => {
    const session = await login(t.server);
    t.clock.advanceSeconds(61);
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
    expectProblem(
      await t
        .http()
        .get('/api/me')
        .set('Cookie', `session_id=${session.sessionId}`),
      401,
      'session_expired',
    );
  });

  it('expires each session on its own activity', async () => {
    const busy = await login(t.server);
    const idle = await login(t.server);
    t.clock.advanceSeconds(40);
    await meWith(busy.sessionId).expect(200);
    t.clock.advanceSeconds(40);
    await meWith(busy.sessionId).expect(200);
    expectProblem(await meWith(idle.sessionId), 401, 'session_expired');
  });

  it('shows expires_at moving with activity in GET /api/me', async () => {
    const session = await login(t.server);
    const start = t.clock.now();
    t.clock.advanceSeconds(30);
    const first = await meWith(session.sessionId).expect(200);
    expect(first.body.expires_at).toBe(iso(start + 30_000 + 60_000));
    t.clock.advanceSeconds(45);
    const second = await meWith(session.sessionId).expect(200);
    expect(second.body.expires_at).toBe(iso(start + 75_000 + 60_000));
  });

  it('counts activity by any transport, e.g. the cookie', async () => {
    const session = await login(t.server);
    t.clock.advanceSeconds(50);
    await t.http().get('/api/me').set('Cookie', session.cookie).expect(200);
    t.clock.advanceSeconds(50);
    await meWith(session.sessionId).expect(200);
  });
});

describe('session absolute age (SESSION_IDLE_TIMEOUT=60, SESSION_MAX_AGE=150)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      ...NO_LOCKOUT,
      SESSION_IDLE_TIMEOUT: '60',
      SESSION_MAX_AGE: '150',
    });
  });
  afterAll(() => t.close());

  const meWith = (sessionId: string) =>
    t.http().get('/api/me').set('X-Session-ID', sessionId);

  it('expires at SESSION_MAX_AGE after login even with constant activity', async () => {
    const session = await login(t.server);
    const start = t.clock.now();
    for (let elapsed = 30; elapsed < 150; elapsed += 30) {
      t.clock.advanceSeconds(30);
      await meWith(session.sessionId).expect(200);
    }
    t.clock.advanceSeconds(30); // 150 s after login
    expect(t.clock.now() - start).toBe(150_000);
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
  });

  it('caps expires_at at the absolute end', async () => {
    const session = await login(t.server);
    const start = t.clock.now();
    t.clock.advanceSeconds(50);
    await meWith(session.sessionId).expect(200);
    t.clock.advanceSeconds(50);
    const me = await meWith(session.sessionId).expect(200);
    expect(me.body.expires_at).toBe(iso(start + 150_000));
  });

  it('is alive a millisecond before the absolute end', async () => {
    const session = await login(t.server);
    for (let i = 0; i < 2; i++) {
      t.clock.advanceSeconds(59);
      await meWith(session.sessionId).expect(200);
    }
    t.clock.advance(150_000 - 2 * 59_000 - 1);
    await meWith(session.sessionId).expect(200);
    t.clock.advance(1);
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
  });
});

describe('session expiry shorter than the idle timeout (SESSION_MAX_AGE=30)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      SESSION_IDLE_TIMEOUT: '60',
      SESSION_MAX_AGE: '30',
    });
  });
  afterAll(() => t.close());

  it('answers expires_at at the absolute end at login', async () => {
    const session = await login(t.server);
    expect(session.body.expires_at).toBe(iso(t.clock.now() + 30_000));
    t.clock.advanceSeconds(30);
    expectProblem(
      await t.http().get('/api/me').set('X-Session-ID', session.sessionId),
      401,
      'session_expired',
    );
  });
});

describe('the sweep of ended sessions (SESSION_IDLE_TIMEOUT=60)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SESSION_IDLE_TIMEOUT: '60' });
  });
  afterAll(() => t.close());

  const meWith = (sessionId: string) =>
    t.http().get('/api/me').set('X-Session-ID', sessionId);
  // The hourly job of SessionSweeper (a real-time interval), run by hand.
  const sweep = () => t.app.get(SessionSweeper).sweep();

  it('keeps a live session', async () => {
    const session = await login(t.server);
    await sweep();
    t.clock.advanceSeconds(30); // past the credential cache, within the idle timeout
    await meWith(session.sessionId).expect(200);
  });

  it('keeps an ended session for a day, so it still answers session_expired', async () => {
    const session = await login(t.server);
    t.clock.advanceSeconds(61);
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
    t.clock.advanceSeconds(86_400 - 3600);
    await sweep();
    expectProblem(await meWith(session.sessionId), 401, 'session_expired');
  });

  it('deletes a session that ended more than a day ago (then invalid_session)', async () => {
    const session = await login(t.server);
    t.clock.advanceSeconds(60 + 86_400 + 60);
    await sweep();
    expectProblem(await meWith(session.sessionId), 401, 'invalid_session');
  });
});
