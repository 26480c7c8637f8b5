import { hash } from '@node-rs/argon2';
import { createUser, LoggedIn, login, USER_PASSWORD } from './helpers/auth';
import { legacyScryptHash } from './helpers/legacy-hash';
import { expectProblem, fieldsOf } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';
import { sql } from './helpers/test-database';

describe('the password policy (SPEC §16, NIST SP 800-63B)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const asAdmin = {
    post: (path: string) =>
      t.http().post(path).set('X-Session-ID', admin.sessionId),
    patch: (path: string) =>
      t.http().patch(path).set('X-Session-ID', admin.sessionId),
    get: (path: string) =>
      t.http().get(path).set('X-Session-ID', admin.sessionId),
  };
  const loginStatus = async (username: string, password: string) =>
    (await t.http().post('/api/sessions').send({ username, password })).status;

  describe('on user creation', () => {
    it.each([
      ['a common password', 'dave', 'password1', /common/],
      ['a common password in capitals', 'dave', 'QWERTY123', /common/],
      ['one equal to the username', 'dave.smith', 'Dave.Smith', /username/],
      ['one containing the username', 'dave', 'i-am-DAVE-ok', /username/],
      [
        'one of 7 characters after NFKC',
        'dave',
        'e\u0301'.repeat(7),
        /at least 8/,
      ],
    ])(
      'answers 400 validation_failed on password for %s',
      async (_name, username, password, message) => {
        const res = await asAdmin
          .post('/api/users')
          .send({ username, password });
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res)).toEqual(['password']);
        expect(res.body.errors[0].message).toMatch(message);
        await asAdmin.get(`/api/users/${username}`).expect(404);
      },
    );

    it('accepts any characters without composition rules, and a short username inside', async () => {
      await asAdmin
        .post('/api/users')
        .send({ username: 'al', password: 'all lowercase words' })
        .expect(201);
      expect(await loginStatus('al', 'all lowercase words')).toBe(201);
    });

    it('compares in NFKC: a password typed in another form logs in', async () => {
      await asAdmin
        .post('/api/users')
        .send({ username: 'zoe', password: 'ｃａｆｅ-au-lait-9' })
        .expect(201);
      expect(await loginStatus('zoe', 'cafe-au-lait-9')).toBe(201);
      await asAdmin
        .post('/api/users')
        .send({ username: 'zed', password: 'cre\u0300me-bru\u0302le\u0301e' })
        .expect(201);
      expect(await loginStatus('zed', 'crème-brûlée')).toBe(201);
    });
  });

  describe('on PATCH /api/users/:username', () => {
    beforeAll(() => createUser(t.server, admin, { username: 'erin' }));

    it('refuses a password containing the username named only in the URL', async () => {
      const res = await asAdmin
        .patch('/api/users/erin')
        .send({ password: 'erin-2031-spring' });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['password']);
      expect(await loginStatus('erin', USER_PASSWORD)).toBe(201);
    });

    it('refuses a common password', async () => {
      expectProblem(
        await asAdmin.patch('/api/users/erin').send({ password: 'iloveyou' }),
        400,
        'validation_failed',
      );
    });

    it('audits the change user.password_change, beside user.update', async () => {
      await asAdmin
        .patch('/api/users/erin')
        .send({ password: 'quiet-meadow-31' })
        .expect(200);
      const entries = (
        await asAdmin.get('/api/audit?target_id=erin&limit=2').expect(200)
      ).body.items;
      expect(entries.map((e: { action: string }) => e.action).sort()).toEqual([
        'user.password_change',
        'user.update',
      ]);
      expect(JSON.stringify(entries)).not.toContain('quiet-meadow-31');
    });
  });

  describe('existing passwords', () => {
    it.each([
      ['Argon2id', (password: string) => hash(password)],
      [
        'scrypt',
        (password: string) => Promise.resolve(legacyScryptHash(password)),
      ],
    ])(
      'keep working though the policy refuses them (%s)',
      async (_scheme, hashOf) => {
        const username = `old-${_scheme.toLowerCase()}`;
        await createUser(t.server, admin, { username });
        await t.dataSource.query(
          sql('UPDATE users SET password_hash = ? WHERE username = ?'),
          [await hashOf('password1'), username],
        );
        expect(await loginStatus(username, 'password1')).toBe(201);
      },
    );

    it('keep working when set before NFKC, in the form they were typed', async () => {
      await createUser(t.server, admin, { username: 'ned' });
      await t.dataSource.query(
        sql('UPDATE users SET password_hash = ? WHERE username = ?'),
        [await hash('ｗｉｄｅ-ｌｅｔｔｅｒｓ'), 'ned'],
      );
      expect(await loginStatus('ned', 'ｗｉｄｅ-ｌｅｔｔｅｒｓ')).toBe(201);
      expect(await loginStatus('ned', 'wide-letters')).toBe(401);
    });
  });
});
