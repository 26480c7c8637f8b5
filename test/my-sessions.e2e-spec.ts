import {
  createKey,
  createUser,
  LoggedIn,
  login,
  USER_PASSWORD,
} from './helpers/auth';
import { SessionVerifier } from '../src/sessions/session.verifier';
import { SessionLifecycle } from '../src/sessions/session-lifecycle';
import { iso } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { ADMIN_PASSWORD, createTestApp, TestApp } from './helpers/test-app';

const SESSION_FIELDS = [
  'aal',
  'created_at',
  'current',
  'expires_at',
  'id',
  'ip',
  'last_active_at',
  'method',
  'user_agent',
];

describe('a person’s sessions (SPEC §16)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  /** A new user with `sessions` sessions, oldest first (the clock moves between them). */
  async function person(sessions = 1) {
    const username = `person-${++counter}`;
    await createUser(t.server, admin, { username });
    const logins: LoggedIn[] = [];
    for (let i = 0; i < sessions; i++) {
      t.clock.advance(1000);
      logins.push(await login(t.server, username, USER_PASSWORD));
    }
    return { username, logins };
  }

  const as = (session: LoggedIn) => ({
    get: (path: string) =>
      t.http().get(path).set('X-Session-ID', session.sessionId),
    delete: (path: string) =>
      t.http().delete(path).set('X-Session-ID', session.sessionId),
  });
  const mine = async (session: LoggedIn) =>
    (await as(session).get('/api/me/sessions').expect(200)).body as {
      items: Record<string, any>[];
      total: number;
    };
  const works = async (session: LoggedIn) =>
    (await as(session).get('/api/me')).status === 200;

  describe('GET /api/me/sessions', () => {
    it('lists the caller’s sessions newest first, marking the current one', async () => {
      const { logins } = await person(3);
      const list = await mine(logins[1]);
      expect(list.total).toBe(3);
      expect(list.items.map((s) => s.current)).toEqual([false, true, false]);
      const created = list.items.map((s) => s.created_at as string);
      expect([...created].sort().reverse()).toEqual(created);
      for (const item of list.items) {
        expect(Object.keys(item).sort()).toEqual(SESSION_FIELDS);
        expect(item.id).toMatch(/^[A-Za-z0-9]{16,32}$/);
        expect(item).toMatchObject({ method: 'password', aal: 1 });
        expect(item.ip).toMatch(/127\.0\.0\.1|::1/);
      }
      const handles = new Set(list.items.map((s) => s.id));
      expect(handles.size).toBe(3);
      for (const session of logins) {
        expect(JSON.stringify(list)).not.toContain(session.sessionId);
        expect(handles.has(session.sessionId)).toBe(false);
      }
    });

    it('shows created, last active and expiry times that follow activity', async () => {
      const { logins } = await person(1);
      const loggedInAt = t.clock.now();
      t.clock.advance(60_000);
      const item = (await mine(logins[0])).items[0];
      expect(item.created_at).toBe(iso(loggedInAt));
      expect(item.last_active_at).toBe(iso(t.clock.now()));
      // Default SESSION_IDLE_TIMEOUT: 1800 s from the last request.
      expect(item.expires_at).toBe(iso(t.clock.now() + 1800_000));
    });

    it('shows aal 2 for STEP_UP_WINDOW seconds after a second factor, then 1', async () => {
      const { username, logins } = await person(1);
      const found = await t.app
        .get(SessionVerifier)
        .verify(logins[0].sessionId);
      await t.app
        .get(SessionLifecycle)
        .markSteppedUp(
          { sessionRecordId: found.session.id, username },
          { method: 'totp' },
          { actor: username, ip: null, requestId: null },
        );
      expect((await mine(logins[0])).items[0].aal).toBe(2);
      // Default STEP_UP_WINDOW: 600 s.
      t.clock.advance(600_000);
      expect((await mine(logins[0])).items[0].aal).toBe(1);
    });

    it('records the user agent at login, cut to 256 characters', async () => {
      const { username } = await person(0);
      const res = await t
        .http()
        .post('/api/sessions')
        .set('User-Agent', `Browser/1.0 ${'z'.repeat(1000)}`)
        .send({ username, password: USER_PASSWORD })
        .expect(201);
      const item = (await mine({ sessionId: res.body.session_id } as LoggedIn))
        .items[0];
      expect(item.user_agent).toHaveLength(256);
      expect(item.user_agent).toMatch(/^Browser\/1\.0 z+$/);
    });

    it('leaves out ended and expired sessions', async () => {
      const { logins } = await person(3);
      await as(logins[0]).delete('/api/sessions/current').expect(204);
      // logins[1] stays active; logins[2] goes idle past the timeout.
      t.clock.advance(1000_000);
      await as(logins[1]).get('/api/me').expect(200);
      t.clock.advance(1000_000);
      const list = await mine(logins[1]);
      expect(list.total).toBe(1);
      expect(list.items).toHaveLength(1);
      expect(list.items[0].current).toBe(true);
      // The admin's session idled out too.
      admin = await login(t.server);
    });

    it('pages with limit and offset, total counting them all', async () => {
      const { logins } = await person(3);
      const page = await as(logins[0])
        .get('/api/me/sessions?limit=1&offset=1')
        .expect(200);
      expect(page.body.total).toBe(3);
      expect(page.body.items).toHaveLength(1);
      expectProblem(
        await as(logins[0]).get('/api/me/sessions?limit=0'),
        400,
        'validation_failed',
      );
    });

    it('lists no other user’s sessions', async () => {
      const a = await person(2);
      const b = await person(1);
      expect((await mine(b.logins[0])).total).toBe(1);
      expect((await mine(a.logins[0])).total).toBe(2);
    });
  });

  describe('DELETE /api/me/sessions/:id', () => {
    it('ends that session at once, even one cached by a request just before', async () => {
      const { username, logins } = await person(2);
      expect(await works(logins[0])).toBe(true);
      const other = (await mine(logins[1])).items.find((s) => !s.current)!;
      await as(logins[1]).delete(`/api/me/sessions/${other.id}`).expect(204);
      expectProblem(await as(logins[0]).get('/api/me'), 401, 'invalid_session');
      expect(await works(logins[1])).toBe(true);
      const entry = (
        await t
          .http()
          .get(`/api/audit?action=session.revoke&target_id=${username}`)
          .set('X-Session-ID', admin.sessionId)
          .expect(200)
      ).body.items[0];
      expect(entry).toMatchObject({
        actor: username,
        target_type: 'user',
        target_id: username,
        outcome: 'success',
        details: { session: other.id },
      });
    });

    it('may end the current session too', async () => {
      const { logins } = await person(1);
      const current = (await mine(logins[0])).items[0];
      await as(logins[0]).delete(`/api/me/sessions/${current.id}`).expect(204);
      expect(await works(logins[0])).toBe(false);
    });

    it.each([
      ['an unknown handle', () => 'AbCdEfGhIjKlMnOpQrStUv'],
      ['a malformed handle', () => 'not a handle!'],
      ['an overlong handle', () => 'x'.repeat(500)],
    ])('answers 404 for %s', async (_name, handle) => {
      const { logins } = await person(1);
      expectProblem(
        await as(logins[0]).delete(
          `/api/me/sessions/${encodeURIComponent(handle())}`,
        ),
        404,
        'not_found',
      );
    });

    it('answers 404 for another user’s session, which keeps working', async () => {
      const a = await person(1);
      const b = await person(1);
      const theirs = (await mine(a.logins[0])).items[0];
      expectProblem(
        await as(b.logins[0]).delete(`/api/me/sessions/${theirs.id}`),
        404,
        'not_found',
      );
      expect(await works(a.logins[0])).toBe(true);
    });

    it('answers 404 for a session already ended', async () => {
      const { logins } = await person(2);
      const other = (await mine(logins[1])).items.find((s) => !s.current)!;
      await as(logins[1]).delete(`/api/me/sessions/${other.id}`).expect(204);
      expectProblem(
        await as(logins[1]).delete(`/api/me/sessions/${other.id}`),
        404,
        'not_found',
      );
    });
  });

  describe('DELETE /api/me/sessions', () => {
    it('ends every session but the current one and says how many', async () => {
      const { username, logins } = await person(4);
      for (const session of logins) expect(await works(session)).toBe(true);
      const res = await as(logins[2]).delete('/api/me/sessions').expect(200);
      expect(res.body).toEqual({ revoked: 3 });
      expect(await works(logins[2])).toBe(true);
      for (const i of [0, 1, 3]) expect(await works(logins[i])).toBe(false);
      expect((await mine(logins[2])).total).toBe(1);
      const entry = (
        await t
          .http()
          .get(`/api/audit?action=session.revoke&target_id=${username}`)
          .set('X-Session-ID', admin.sessionId)
          .expect(200)
      ).body.items[0];
      expect(entry.details).toEqual({ revoked: 3 });
      await as(logins[2]).delete('/api/me/sessions').expect(200, {
        revoked: 0,
      });
    });
  });

  describe('with an API key', () => {
    it.each([
      ['get', '/api/me/sessions'],
      ['delete', '/api/me/sessions'],
      ['delete', '/api/me/sessions/AbCdEfGhIjKlMnOpQrStUv'],
      ['get', '/api/me/activity'],
      ['put', '/api/me/password'],
    ] as const)('%s %s answers 404', async (method, path) => {
      const key = await createKey(t.server, admin, { privileges: ['admin'] });
      const res = await t
        .http()
        [method](path)
        .set('X-API-Key', key.key)
        .send(
          method === 'put'
            ? { current_password: ADMIN_PASSWORD, new_password: 'n3w-secret' }
            : undefined,
        );
      expectProblem(res, 404, 'not_found');
    });
  });

  describe('an admin, for any user', () => {
    const asAdmin = () => as(admin);

    it('lists the user’s sessions, none of them current', async () => {
      const { username } = await person(2);
      const res = await asAdmin()
        .get(`/api/users/${username}/sessions`)
        .expect(200);
      expect(res.body.total).toBe(2);
      expect(res.body.items.map((s: any) => s.current)).toEqual([false, false]);
      expect(Object.keys(res.body.items[0]).sort()).toEqual(SESSION_FIELDS);
    });

    it('ends one session by its handle, 404 for a handle of another user', async () => {
      const a = await person(2);
      const b = await person(1);
      const target = (await mine(a.logins[0])).items.find((s) => s.current)!;
      expectProblem(
        await asAdmin().delete(
          `/api/users/${b.username}/sessions/${target.id}`,
        ),
        404,
        'not_found',
      );
      await asAdmin()
        .delete(`/api/users/${a.username}/sessions/${target.id}`)
        .expect(204);
      expect(await works(a.logins[0])).toBe(false);
      expect(await works(a.logins[1])).toBe(true);
      const entry = (
        await asAdmin()
          .get(`/api/audit?action=session.revoke&target_id=${a.username}`)
          .expect(200)
      ).body.items[0];
      expect(entry).toMatchObject({
        actor: 'admin',
        details: { session: target.id },
      });
    });

    it('signs a user out everywhere', async () => {
      const { username, logins } = await person(3);
      const res = await asAdmin()
        .delete(`/api/users/${username.toUpperCase()}/sessions`)
        .expect(200);
      expect(res.body).toEqual({ revoked: 3 });
      for (const session of logins) expect(await works(session)).toBe(false);
      expect(await works(admin)).toBe(true);
      await login(t.server, username, USER_PASSWORD);
    });

    it('answers 404 for a user that does not exist, or could not (a NUL byte)', async () => {
      for (const res of [
        await asAdmin().get('/api/users/a%00b/sessions'),
        await asAdmin().delete('/api/users/a%00b/sessions'),
        await asAdmin().get('/api/users/a%00b'),
        await asAdmin().get('/api/users/nobody-here/sessions'),
        await asAdmin().delete('/api/users/nobody-here/sessions'),
        await asAdmin().delete(
          '/api/users/nobody-here/sessions/AbCdEfGhIjKlMnOpQrStUv',
        ),
      ]) {
        expectProblem(res, 404, 'not_found');
      }
    });

    it('is refused to a user without admin', async () => {
      const a = await person(1);
      const b = await person(1);
      expectProblem(
        await as(b.logins[0]).get(`/api/users/${a.username}/sessions`),
        403,
        'missing_privilege',
      );
      expectProblem(
        await as(b.logins[0]).delete(`/api/users/${a.username}/sessions`),
        403,
        'missing_privilege',
      );
      expect(await works(a.logins[0])).toBe(true);
    });
  });
});
