import { createUser, LoggedIn, login, USER_PASSWORD } from './helpers/auth';
import { expectProblem, fieldsOf } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';
import { sql } from './helpers/test-database';

const NEW_PASSWORD = 'violet-harbour-93';

describe('PUT /api/me/password (SPEC §16)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let counter = 0;

  beforeAll(async () => {
    // Three failures per username and IP lock it out (as a login's would).
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  async function person(sessions = 1) {
    const username = `owner-${++counter}`;
    await createUser(t.server, admin, { username });
    const logins: LoggedIn[] = [];
    for (let i = 0; i < sessions; i++) {
      logins.push(await login(t.server, username, USER_PASSWORD));
    }
    return { username, logins };
  }

  const change = (session: LoggedIn, body: Record<string, unknown>) =>
    t
      .http()
      .put('/api/me/password')
      .set('X-Session-ID', session.sessionId)
      .send(body);
  const works = async (session: LoggedIn) =>
    (await t.http().get('/api/me').set('X-Session-ID', session.sessionId))
      .status === 200;
  const loginStatus = async (username: string, password: string) =>
    (await t.http().post('/api/sessions').send({ username, password })).status;
  const audit = async (query: string) =>
    (
      await t
        .http()
        .get(`/api/audit?${query}`)
        .set('X-Session-ID', admin.sessionId)
        .expect(200)
    ).body.items as Record<string, any>[];

  it('changes the password: 204, the new one logs in, the old one not', async () => {
    const { username, logins } = await person();
    const res = await change(logins[0], {
      current_password: USER_PASSWORD,
      new_password: NEW_PASSWORD,
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await loginStatus(username, NEW_PASSWORD)).toBe(201);
    expect(await loginStatus(username, USER_PASSWORD)).toBe(401);
  });

  it('ends every other session of the user at once; the current one stays', async () => {
    const { logins } = await person(3);
    for (const session of logins) expect(await works(session)).toBe(true);
    await change(logins[1], {
      current_password: USER_PASSWORD,
      new_password: NEW_PASSWORD,
    }).expect(204);
    expect(await works(logins[1])).toBe(true);
    expect(await works(logins[0])).toBe(false);
    expect(await works(logins[2])).toBe(false);
    expect(await works(admin)).toBe(true);
  });

  it('is audited user.password_change, never with the password', async () => {
    const { username, logins } = await person();
    await change(logins[0], {
      current_password: USER_PASSWORD,
      new_password: NEW_PASSWORD,
    }).expect(204);
    const [entry] = await audit(
      `action=user.password_change&target_id=${username}`,
    );
    expect(entry).toMatchObject({
      actor: username,
      target_type: 'user',
      outcome: 'success',
    });
    const all = JSON.stringify(await audit(`target_id=${username}`));
    expect(all).not.toContain(NEW_PASSWORD);
    expect(all).not.toContain(USER_PASSWORD);
  });

  it('answers 403 reauthentication_failed for a wrong current password, audited access.denied', async () => {
    const { username, logins } = await person(2);
    const res = await change(logins[0], {
      current_password: 'not-my-password',
      new_password: NEW_PASSWORD,
    });
    expectProblem(res, 403, 'reauthentication_failed');
    expect(await loginStatus(username, USER_PASSWORD)).toBe(201);
    expect(await works(logins[1])).toBe(true);
    const [denied] = await audit(`action=access.denied&actor=${username}`);
    expect(denied).toMatchObject({
      outcome: 'denied',
      code: 'reauthentication_failed',
      target_id: username,
    });
  });

  it('counts a wrong current password as a failed login toward the username+IP lockout', async () => {
    const { username, logins } = await person();
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await change(logins[0], {
          current_password: `wrong-${i}-password`,
          new_password: NEW_PASSWORD,
        }),
        403,
        'reauthentication_failed',
      );
    }
    // Locked out now: the right password is refused, at login and here.
    expectProblem(
      await t
        .http()
        .post('/api/sessions')
        .send({ username, password: USER_PASSWORD }),
      429,
      'too_many_login_attempts',
    );
    expectProblem(
      await change(logins[0], {
        current_password: USER_PASSWORD,
        new_password: NEW_PASSWORD,
      }),
      429,
      'too_many_login_attempts',
    );
    const lockouts = await audit(
      `action=session.lockout&target_id=${username}`,
    );
    expect(lockouts).toHaveLength(1);
    t.clock.advance(61_000);
    admin = await login(t.server);
    expect(await loginStatus(username, USER_PASSWORD)).toBe(201);
  });

  it.each([
    ['a common password', 'password1', /common/],
    [
      'a common password in full-width letters (NFKC)',
      'ｐａｓｓｗｏｒｄ１',
      /common/,
    ],
    ['one containing the username', 'my-{username}-pw', /username/],
    ['one of 7 characters', 'x7-kq!z', /at least 8/],
    ['one of 257 characters', 'k'.repeat(257), /at most 256/],
    ['a number', 12345678, /string/],
  ])(
    'answers 400 validation_failed on new_password for %s, and changes nothing',
    async (_name, password, message) => {
      const { username, logins } = await person(2);
      const res = await change(logins[0], {
        current_password: USER_PASSWORD,
        new_password:
          typeof password === 'string'
            ? password.replace('{username}', username.toUpperCase())
            : password,
      });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['new_password']);
      expect(res.body.errors[0].message).toMatch(message);
      expect(await works(logins[1])).toBe(true);
      expect(await loginStatus(username, USER_PASSWORD)).toBe(201);
    },
  );

  it('answers 409 conflict to a user without a password (single sign-on)', async () => {
    const { username, logins } = await person();
    // How single sign-on stores a user it created: no password (SPEC §17).
    await t.dataSource.query(
      sql('UPDATE users SET password_hash = ? WHERE username = ?'),
      ['', username],
    );
    expectProblem(
      await change(logins[0], {
        current_password: USER_PASSWORD,
        new_password: NEW_PASSWORD,
      }),
      409,
      'conflict',
    );
  });

  it('answers 400 for a missing current password or an unknown field', async () => {
    const { logins } = await person();
    const missing = await change(logins[0], { new_password: NEW_PASSWORD });
    expectProblem(missing, 400, 'validation_failed');
    expect(fieldsOf(missing)).toEqual(['current_password']);
    expectProblem(
      await change(logins[0], {
        current_password: USER_PASSWORD,
        new_password: NEW_PASSWORD,
        password: NEW_PASSWORD,
      }),
      400,
      'validation_failed',
    );
  });

  it('needs the CSRF token with the session cookie', async () => {
    const { logins } = await person();
    expectProblem(
      await t
        .http()
        .put('/api/me/password')
        .set('Cookie', logins[0].cookie)
        .send({ current_password: USER_PASSWORD, new_password: NEW_PASSWORD }),
      403,
      'csrf_failed',
    );
    await t
      .http()
      .put('/api/me/password')
      .set('Cookie', logins[0].cookie)
      .set('X-CSRF-Token', logins[0].csrfToken)
      .send({ current_password: USER_PASSWORD, new_password: NEW_PASSWORD })
      .expect(204);
  });
});
