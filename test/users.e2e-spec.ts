import {
  LoggedIn,
  createKey,
  createUser,
  login,
  sessionRequests,
  USER_PASSWORD,
  seedScope,
} from './helpers/auth';
import { expectProblem, fieldsOf } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';
import { USER_FIELDS } from './helpers/spec-catalog';
import { iso } from './helpers/fake-clock';

describe('users', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod'], ['web', 'db']);
  });
  afterAll(() => t.close());

  const asAdmin = sessionRequests(
    () => t.http(),
    () => admin.sessionId,
  );
  const expectUserShape = (body: Record<string, unknown>) => {
    expect(Object.keys(body).sort()).toEqual(USER_FIELDS);
    expect(JSON.stringify(body)).not.toMatch(/password|hash|scrypt/i);
  };

  describe('CRUD', () => {
    it('POST returns 201 and the user, exactly its public fields', async () => {
      const res = await asAdmin.post('/api/users').send({
        username: 'crud1',
        password: USER_PASSWORD,
        full_name: 'Crud One',
        privileges: ['run_jobs'],
        categories: ['prod'],
        groups: ['web'],
      });
      expect(res.status).toBe(201);
      expectUserShape(res.body);
      expect(res.body).toEqual({
        username: 'crud1',
        full_name: 'Crud One',
        active: true,
        privileges: ['run_jobs'],
        categories: ['prod'],
        groups: ['web'],
        roles: [],
        source: 'local',
        created_at: iso(t.clock.now()),
        updated_at: iso(t.clock.now()),
      });
    });

    it('POST fills the defaults: no name, active, no privileges, unrestricted', async () => {
      const res = await asAdmin
        .post('/api/users')
        .send({ username: 'crud2', password: USER_PASSWORD })
        .expect(201);
      expect(res.body).toMatchObject({
        full_name: '',
        active: true,
        privileges: [],
        categories: [],
        groups: [],
      });
    });

    it('GET /api/users/:username returns the user', async () => {
      const created = await createUser(t.server, admin, { username: 'crud3' });
      const res = await asAdmin.get('/api/users/crud3').expect(200);
      expectUserShape(res.body);
      expect(res.body).toEqual(created);
    });

    it('GET /api/users lists users ordered by username, with limit, offset and total', async () => {
      for (const username of ['list-c', 'list-a', 'list-b']) {
        await createUser(t.server, admin, { username });
      }
      const all = await asAdmin.get('/api/users?limit=1000').expect(200);
      const names: string[] = all.body.items.map((u: any) => u.username);
      expect(all.body.total).toBe(names.length);
      expect(names).toEqual([...names].sort());
      for (const item of all.body.items) expectUserShape(item);

      const page = await asAdmin.get('/api/users?limit=2&offset=1').expect(200);
      expect(page.body.items.map((u: any) => u.username)).toEqual(
        names.slice(1, 3),
      );
      expect(page.body.total).toBe(names.length);
    });

    it.each(['limit=0', 'limit=1001', 'offset=-1', 'limit=x'])(
      'GET /api/users?%s returns 400 validation_failed',
      async (query) => {
        expectProblem(
          await asAdmin.get(`/api/users?${query}`),
          400,
          'validation_failed',
        );
      },
    );

    it('PATCH returns 200 with the change and moves updated_at', async () => {
      const created = await createUser(t.server, admin, { username: 'crud4' });
      t.clock.advanceSeconds(10);
      const res = await asAdmin
        .patch('/api/users/crud4')
        .send({ full_name: 'Crud Four', groups: ['db'] });
      expect(res.status).toBe(200);
      expectUserShape(res.body);
      expect(res.body).toEqual({
        ...created,
        full_name: 'Crud Four',
        groups: ['db'],
        updated_at: iso(t.clock.now()),
      });
      expect((await asAdmin.get('/api/users/crud4')).body).toEqual(res.body);
    });

    it('PATCH can change the username', async () => {
      await createUser(t.server, admin, { username: 'oldname' });
      const session = await login(t.server, 'oldname', USER_PASSWORD);
      const res = await asAdmin
        .patch('/api/users/oldname')
        .send({ username: 'newname' })
        .expect(200);
      expect(res.body.username).toBe('newname');
      await asAdmin.get('/api/users/newname').expect(200);
      expectProblem(await asAdmin.get('/api/users/oldname'), 404, 'not_found');
      const me = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', session.sessionId)
        .expect(200);
      expect(me.body.id).toBe('newname');
    });

    it('PATCH password: the new password logs in', async () => {
      await createUser(t.server, admin, { username: 'repass' });
      const res = await asAdmin
        .patch('/api/users/repass')
        .send({ password: 'another-password' })
        .expect(200);
      expectUserShape(res.body);
      await login(t.server, 'repass', 'another-password');
    });

    it('DELETE returns 204, then the user is gone and cannot log in', async () => {
      await createUser(t.server, admin, { username: 'crud5' });
      const res = await asAdmin.delete('/api/users/crud5');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await asAdmin.get('/api/users/crud5'), 404, 'not_found');
      expectProblem(
        await t
          .http()
          .post('/api/sessions')
          .send({ username: 'crud5', password: USER_PASSWORD }),
        401,
        'login_failed',
      );
    });

    it.each([
      ['GET', () => asAdmin.get('/api/users/ghost')],
      [
        'PATCH',
        () => asAdmin.patch('/api/users/ghost').send({ full_name: 'x' }),
      ],
      ['DELETE', () => asAdmin.delete('/api/users/ghost')],
    ])('%s of an unknown username returns 404 not_found', async (_m, send) => {
      expectProblem(await send(), 404, 'not_found');
    });
  });

  describe('usernames', () => {
    it.each(['a', 'x'.repeat(64), 'a_b.c-D9', 'UPPER', '0', '...'])(
      'accepts %j',
      async (username) => {
        await asAdmin
          .post('/api/users')
          .send({ username, password: USER_PASSWORD })
          .expect(201);
      },
    );

    it.each([
      ['empty', ''],
      ['with a space', 'bad name'],
      ['of 65 characters', 'y'.repeat(65)],
      ['with a slash', 'al/ice'],
      ['with an @', 'alice@example.com'],
      ['with angle brackets', '<alice>'],
      ['with a non-ASCII letter', 'älice'],
      ['with a trailing newline', 'alice\n'],
      ['not a string', 42],
      ['null', null],
    ])('refuses one %s with 400 validation_failed', async (_name, username) => {
      const res = await asAdmin
        .post('/api/users')
        .send({ username, password: USER_PASSWORD });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain('username');
    });

    it('refuses a missing username', async () => {
      const res = await asAdmin
        .post('/api/users')
        .send({ password: USER_PASSWORD });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain('username');
    });

    it('refuses an invalid new username on PATCH', async () => {
      await createUser(t.server, admin, { username: 'renamer' });
      const res = await asAdmin
        .patch('/api/users/renamer')
        .send({ username: 'bad name' });
      expectProblem(res, 400, 'validation_failed');
    });

    describe('are unique case-insensitively', () => {
      it('creating "Dave" and "dave" at once: one 201, one 409 conflict', async () => {
        const results = await Promise.all(
          ['Dave', 'dave'].map((username) =>
            asAdmin
              .post('/api/users')
              .send({ username, password: USER_PASSWORD }),
          ),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
        expectProblem(
          results.find((r) => r.status === 409)!,
          409,
          'conflict',
        );
      });

      beforeAll(async () => {
        await createUser(t.server, admin, { username: 'alice' });
      });

      it('creating "Alice" after "alice" returns 409 conflict', async () => {
        const res = await asAdmin
          .post('/api/users')
          .send({ username: 'Alice', password: USER_PASSWORD });
        expectProblem(res, 409, 'conflict');
      });

      it('creating "alice" again returns 409 conflict', async () => {
        const res = await asAdmin
          .post('/api/users')
          .send({ username: 'alice', password: USER_PASSWORD });
        expectProblem(res, 409, 'conflict');
      });

      it('GET /api/users/ALICE finds alice', async () => {
        const res = await asAdmin.get('/api/users/ALICE').expect(200);
        expect(res.body.username).toBe('alice');
      });

      it('renaming another user to "ALICE" returns 409 conflict', async () => {
        await createUser(t.server, admin, { username: 'bob' });
        const res = await asAdmin
          .patch('/api/users/bob')
          .send({ username: 'ALICE' });
        expectProblem(res, 409, 'conflict');
        await asAdmin.get('/api/users/bob').expect(200);
      });

      it('renaming a user to its own name in another case is allowed', async () => {
        await createUser(t.server, admin, { username: 'carol' });
        const res = await asAdmin
          .patch('/api/users/carol')
          .send({ username: 'Carol' })
          .expect(200);
        expect(res.body.username).toBe('Carol');
      });
    });
  });

  describe('passwords', () => {
    it.each([
      ['8', 'p'.repeat(8)],
      ['256', 'p'.repeat(256)],
    ])('accepts %s characters', async (length, password) => {
      await asAdmin
        .post('/api/users')
        .send({ username: `pw${length}`, password })
        .expect(201);
      await login(t.server, `pw${length}`, password);
    });

    it.each([
      ['7 characters', 'p'.repeat(7)],
      ['257 characters', 'p'.repeat(257)],
      ['empty', ''],
      ['not a string', 12345678],
    ])('refuses a password of %s', async (_name, password) => {
      const res = await asAdmin
        .post('/api/users')
        .send({ username: 'pwbad', password });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain('password');
    });

    it('refuses a missing password', async () => {
      const res = await asAdmin.post('/api/users').send({ username: 'pwnone' });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain('password');
    });

    it('refuses a 7-character password on PATCH', async () => {
      await createUser(t.server, admin, { username: 'pwpatch' });
      const res = await asAdmin
        .patch('/api/users/pwpatch')
        .send({ password: 'short' });
      expectProblem(res, 400, 'validation_failed');
      await login(t.server, 'pwpatch', USER_PASSWORD);
    });
  });

  describe('other validation', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown privilege', { privileges: ['nope'] }, 'privileges'],
      ['a bad category id', { categories: ['Bad Id'] }, 'categories'],
      ['a bad group id', { groups: ['x y'] }, 'groups'],
      ['active that is not a boolean', { active: 'yes' }, 'active'],
      ['an unknown property', { email: 'a@b.c' }, 'email'],
    ])('POST refuses %s with 400', async (_name, extra, field) => {
      const res = await asAdmin
        .post('/api/users')
        .send({ username: 'val', password: USER_PASSWORD, ...extra });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain(field);
    });

    it('names the unknown privilege', async () => {
      const res = await asAdmin.post('/api/users').send({
        username: 'val',
        password: USER_PASSWORD,
        privileges: ['fly'],
      });
      expect(JSON.stringify(res.body.errors)).toContain('fly');
    });

    it.each([
      'username',
      'password',
      'full_name',
      'active',
      'privileges',
      'categories',
      'groups',
    ])(
      'PATCH with %s: null returns 400 validation_failed, not 500, and changes nothing',
      async (field) => {
        const username = `nulls-${field}`.replace('_', '-');
        const created = await createUser(t.server, admin, { username });
        const res = await asAdmin
          .patch(`/api/users/${username}`)
          .send({ [field]: null });
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res)).toContain(field);
        expect((await asAdmin.get(`/api/users/${username}`)).body).toEqual(
          created,
        );
        await login(t.server, username, USER_PASSWORD);
      },
    );
  });

  describe('admin only', () => {
    let plainUser: LoggedIn;
    let plainKeySecret: string;

    beforeAll(async () => {
      await createUser(t.server, admin, {
        username: 'plain',
        privileges: ['run_jobs', 'create_events'],
      });
      plainUser = await login(t.server, 'plain', USER_PASSWORD);
      plainKeySecret = (
        await createKey(t.server, admin, { privileges: ['run_jobs'] })
      ).key;
    });

    const routes: [string, string][] = [
      ['post', '/api/users'],
      ['get', '/api/users'],
      ['get', '/api/users/plain'],
      ['patch', '/api/users/plain'],
      ['delete', '/api/users/plain'],
    ];

    it.each(routes)(
      '%s %s returns 403 missing_privilege to a user without admin',
      async (verb, path) => {
        const res = await (t.http() as any)
          [verb](path)
          .set('X-Session-ID', plainUser.sessionId)
          .send({
            username: 'x',
            password: USER_PASSWORD,
            privileges: ['admin'],
          });
        const body = expectProblem(res, 403, 'missing_privilege');
        expect(body.missing_privileges).toEqual(['admin']);
      },
    );

    it.each(routes)(
      '%s %s returns 403 missing_privilege to a key without admin',
      async (verb, path) => {
        const res = await (t.http() as any)
          [verb](path)
          .set('X-API-Key', plainKeySecret)
          .send({ username: 'x', password: USER_PASSWORD });
        expectProblem(res, 403, 'missing_privilege');
      },
    );

    it('leaves the user unchanged after the refused calls (no self-promotion)', async () => {
      const res = await asAdmin.get('/api/users/plain').expect(200);
      expect(res.body.privileges).toEqual(['run_jobs', 'create_events']);
      expectProblem(await asAdmin.get('/api/users/x'), 404, 'not_found');
    });
  });

  describe("changes show on the user's next request", () => {
    it('privileges, categories, groups and name in GET /api/me', async () => {
      await createUser(t.server, admin, { username: 'watched' });
      const session = await login(t.server, 'watched', USER_PASSWORD);
      const me = () =>
        t.http().get('/api/me').set('X-Session-ID', session.sessionId);
      expect((await me().expect(200)).body).toMatchObject({
        name: 'watched',
        privileges: [],
        categories: [],
        groups: [],
      });
      await asAdmin
        .patch('/api/users/watched')
        .send({
          full_name: 'Watched User',
          privileges: ['run_jobs', 'abort_jobs'],
          categories: ['prod'],
          groups: ['web', 'db'],
        })
        .expect(200);
      expect((await me().expect(200)).body).toMatchObject({
        name: 'Watched User',
        privileges: ['run_jobs', 'abort_jobs'],
        categories: ['prod'],
        groups: ['web', 'db'],
      });
    });

    it('granting and revoking admin', async () => {
      await createUser(t.server, admin, { username: 'promoted' });
      const session = await login(t.server, 'promoted', USER_PASSWORD);
      const list = () =>
        t.http().get('/api/users').set('X-Session-ID', session.sessionId);
      expectProblem(await list(), 403, 'missing_privilege');
      await asAdmin
        .patch('/api/users/promoted')
        .send({ privileges: ['admin'] })
        .expect(200);
      await list().expect(200);
      await asAdmin
        .patch('/api/users/promoted')
        .send({ privileges: [] })
        .expect(200);
      expectProblem(await list(), 403, 'missing_privilege');
    });
  });
});

describe('the last active admin', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const as = (session: LoggedIn) => ({
    patch: (path: string) =>
      t.http().patch(path).set('X-Session-ID', session.sessionId),
    delete: (path: string) =>
      t.http().delete(path).set('X-Session-ID', session.sessionId),
  });

  it('cannot be disabled (409 conflict)', async () => {
    const res = await as(admin)
      .patch('/api/users/admin')
      .send({ active: false });
    expectProblem(res, 409, 'conflict');
  });

  it('cannot be demoted to no privileges (409 conflict)', async () => {
    const res = await as(admin)
      .patch('/api/users/admin')
      .send({ privileges: [] });
    expectProblem(res, 409, 'conflict');
  });

  it('cannot be demoted to other privileges (409 conflict)', async () => {
    const res = await as(admin)
      .patch('/api/users/admin')
      .send({ privileges: ['run_jobs', 'bulk_export'] });
    expectProblem(res, 409, 'conflict');
  });

  it('cannot be deleted (409 conflict)', async () => {
    const res = await as(admin).delete('/api/users/admin');
    expectProblem(res, 409, 'conflict');
  });

  it('is still an active admin after the refused changes', async () => {
    const res = await t
      .http()
      .get('/api/users/admin')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(res.body).toMatchObject({ active: true, privileges: ['admin'] });
  });

  it('may keep admin while other fields change', async () => {
    await as(admin)
      .patch('/api/users/admin')
      .send({ privileges: ['admin', 'run_jobs'], full_name: 'Root' })
      .expect(200);
  });

  it('is still protected when the only other admin is disabled', async () => {
    await createUser(t.server, admin, {
      username: 'dormant',
      privileges: ['admin'],
      active: false,
    });
    expectProblem(
      await as(admin).patch('/api/users/admin').send({ active: false }),
      409,
      'conflict',
    );
    expectProblem(await as(admin).delete('/api/users/admin'), 409, 'conflict');
  });

  it('can be disabled, demoted or deleted once another active admin exists', async () => {
    await createUser(t.server, admin, {
      username: 'second',
      privileges: ['admin'],
    });
    const second = await login(t.server, 'second', USER_PASSWORD);

    await as(second)
      .patch('/api/users/admin')
      .send({ active: false })
      .expect(200);
    // Now "second" is the last active admin.
    expectProblem(
      await as(second).patch('/api/users/second').send({ privileges: [] }),
      409,
      'conflict',
    );
    expectProblem(
      await as(second).delete('/api/users/second'),
      409,
      'conflict',
    );

    await as(second)
      .patch('/api/users/admin')
      .send({ active: true })
      .expect(200);
    await as(second)
      .patch('/api/users/admin')
      .send({ privileges: [] })
      .expect(200);
    await as(second)
      .patch('/api/users/admin')
      .send({ privileges: ['admin'] })
      .expect(200);
    const again = await login(t.server);
    await as(again).delete('/api/users/second').expect(204);
    expectProblem(await as(again).delete('/api/users/admin'), 409, 'conflict');
  });

  it('lets the last admin delete a non-admin user', async () => {
    const current = await login(t.server);
    await createUser(t.server, current, { username: 'ordinary' });
    await as(current).delete('/api/users/ordinary').expect(204);
  });

  it('lets only one of two admins disabling each other at once succeed', async () => {
    const current = await login(t.server);
    for (const username of ['twin-a', 'twin-b']) {
      await createUser(t.server, current, { username, privileges: ['admin'] });
    }
    // Only the twins stay active admins.
    const a = await login(t.server, 'twin-a', USER_PASSWORD);
    const b = await login(t.server, 'twin-b', USER_PASSWORD);
    await as(a).patch('/api/users/admin').send({ active: false }).expect(200);
    const results = await Promise.all([
      as(a).patch('/api/users/twin-b').send({ active: false }),
      as(b).patch('/api/users/twin-a').send({ active: false }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const list = await t
      .http()
      .get('/api/users?limit=1000')
      .set('X-Session-ID', (results[0].status === 200 ? a : b).sessionId)
      .expect(200);
    const activeAdmins = list.body.items.filter(
      (u: any) => u.active && u.privileges.includes('admin'),
    );
    expect(activeAdmins).toHaveLength(1);
  });
});
