import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
  seedScope,
  sessionRequests,
  keyRequests,
} from './helpers/auth';
import { iso } from './helpers/fake-clock';
import { expectProblem, fieldsOf } from './helpers/problem';
import { SqlSpy } from './helpers/sql-spy';
import { TestApp, createTestApp } from './helpers/test-app';

const ROLE_FIELDS = [
  'categories',
  'created_at',
  'created_by',
  'description',
  'enabled',
  'groups',
  'id',
  'privileges',
  'title',
  'updated_at',
];

describe('roles (SPEC §12)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${++counter}`;

  beforeAll(async () => {
    t = await createTestApp({
      AUTH_CACHE_TTL: '60',
      LOGIN_MAX_FAILURES: '1000',
    });
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod', 'dev'], ['web', 'db']);
  });
  afterAll(() => t.close());

  const asAdmin = sessionRequests(
    () => t.http(),
    () => admin.sessionId,
  );
  const asKey = (key: string) => keyRequests(() => t.http(), key);
  async function createRole(body: Record<string, unknown> = {}) {
    const id = fresh('role');
    const res = await asAdmin
      .post('/api/roles')
      .send({ id, title: `Role ${id}`, ...body })
      .expect(201);
    return res.body as Record<string, any>;
  }
  const meOf = async (key: string) =>
    (await asKey(key).get('/api/me').expect(200)).body as Record<string, any>;

  describe('CRUD', () => {
    it('creates a role with exactly the SPEC fields and its defaults', async () => {
      const res = await asAdmin
        .post('/api/roles')
        .send({ id: 'ops', title: 'Operators' })
        .expect(201);
      expect(Object.keys(res.body).sort()).toEqual(ROLE_FIELDS);
      expect(res.body).toEqual({
        id: 'ops',
        title: 'Operators',
        description: '',
        enabled: true,
        privileges: [],
        categories: [],
        groups: [],
        created_at: iso(t.clock.now()),
        updated_at: iso(t.clock.now()),
        created_by: 'admin',
      });
    });

    it('reads, lists, updates and deletes a role', async () => {
      const role = await createRole({ privileges: ['run_jobs'] });
      await asAdmin.get(`/api/roles/${role.id}`).expect(200, role);
      const list = await asAdmin.get('/api/roles?limit=1000').expect(200);
      expect(list.body.total).toBe(list.body.items.length);
      expect(list.body.items).toContainEqual(role);
      t.clock.advance(1000);
      const patched = await asAdmin
        .patch(`/api/roles/${role.id}`)
        .send({ enabled: false, categories: ['prod'], description: 'd' })
        .expect(200);
      expect(patched.body).toMatchObject({
        enabled: false,
        categories: ['prod'],
        description: 'd',
        privileges: ['run_jobs'],
        updated_at: iso(t.clock.now()),
        created_at: role.created_at,
      });
      await asAdmin.delete(`/api/roles/${role.id}`).expect(204);
      expectProblem(
        await asAdmin.get(`/api/roles/${role.id}`),
        404,
        'not_found',
      );
    });

    it.each([
      ['an id of the wrong form', { id: 'Not OK', title: 't' }, 'id'],
      ['a missing title', { id: 'x1' }, 'title'],
      [
        'an unknown privilege',
        { id: 'x2', title: 't', privileges: ['nope'] },
        'privileges',
      ],
      ['an unknown property', { id: 'x3', title: 't', roles: [] }, 'roles'],
      [
        'a non-boolean enabled',
        { id: 'x4', title: 't', enabled: 'yes' },
        'enabled',
      ],
    ])('refuses %s with 400 validation_failed', async (_name, body, field) => {
      const res = await asAdmin.post('/api/roles').send(body);
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain(field);
    });

    it('answers 409 for a duplicate id', async () => {
      const role = await createRole();
      expectProblem(
        await asAdmin.post('/api/roles').send({ id: role.id, title: 'again' }),
        409,
        'conflict',
      );
    });
  });

  describe('restrictions must name things that exist (SPEC §15)', () => {
    it('refuses a role naming an unknown category or group, naming the id', async () => {
      const res = await asAdmin.post('/api/roles').send({
        id: fresh('r'),
        title: 't',
        categories: ['prod', 'ghost'],
        groups: ['nowhere'],
      });
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors).toEqual([
        { field: 'categories', message: 'unknown category "ghost"' },
        { field: 'groups', message: 'unknown group "nowhere"' },
      ]);
    });

    it('refuses a key or user naming an unknown role, category or group', async () => {
      for (const [path, base] of [
        ['/api/keys', { title: 'k' }],
        ['/api/users', { username: fresh('u'), password: USER_PASSWORD }],
      ] as const) {
        const res = await asAdmin.post(path).send({
          ...base,
          roles: ['ghost-role'],
          categories: ['ghost'],
          groups: ['web'],
        });
        const body = expectProblem(res, 400, 'validation_failed');
        expect(body.errors).toEqual([
          { field: 'categories', message: 'unknown category "ghost"' },
          { field: 'roles', message: 'unknown role "ghost-role"' },
        ]);
      }
      const key = await createKey(t.server, admin);
      const patched = await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ roles: ['ghost-role'] });
      expect(expectProblem(patched, 400, 'validation_failed').detail).toMatch(
        /ghost-role/,
      );
    });

    it('refuses to delete a role while a user or key holds it, then allows it', async () => {
      const role = await createRole();
      const key = await createKey(t.server, admin, { roles: [role.id] });
      const user = await createUser(t.server, admin, {
        username: fresh('holder'),
        roles: [role.id],
      });
      const first = await asAdmin.delete(`/api/roles/${role.id}`);
      expect(expectProblem(first, 409, 'conflict').detail).toMatch(role.id);
      await asAdmin
        .patch(`/api/users/${user.username}`)
        .send({ roles: [] })
        .expect(200);
      expectProblem(
        await asAdmin.delete(`/api/roles/${role.id}`),
        409,
        'conflict',
      );
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ roles: [] })
        .expect(200);
      await asAdmin.delete(`/api/roles/${role.id}`).expect(204);
    });

    it('refuses to delete a category or group that a role, user or key names', async () => {
      await seedScope(
        t.server,
        admin,
        ['named-c1', 'named-c2', 'named-c3'],
        ['named-g'],
      );
      const role = await createRole({
        categories: ['named-c1'],
        groups: ['named-g'],
      });
      await createUser(t.server, admin, {
        username: fresh('u'),
        categories: ['named-c2'],
      });
      await createKey(t.server, admin, { categories: ['named-c3'] });
      for (const path of [
        '/api/categories/named-c1',
        '/api/categories/named-c2',
        '/api/categories/named-c3',
        '/api/groups/named-g',
      ]) {
        expectProblem(await asAdmin.delete(path), 409, 'conflict');
      }
      await asAdmin.delete(`/api/roles/${role.id}`).expect(204);
      await asAdmin.delete('/api/categories/named-c1').expect(204);
      await asAdmin.delete('/api/groups/named-g').expect(204);
    });
  });

  describe('effective rights', () => {
    let eventIds: Record<string, string>;
    beforeAll(async () => {
      eventIds = {};
      for (const [category, targets] of [
        ['prod', ['web']],
        ['prod', ['db']],
        ['dev', ['web']],
      ] as const) {
        const res = await asAdmin
          .post('/api/events')
          .send({ title: 'e', category, targets })
          .expect(201);
        eventIds[`${category}/${targets[0]}`] = res.body.id;
      }
    });
    const visibleEvents = async (key: string) => {
      const res = await asKey(key).get('/api/events?limit=1000').expect(200);
      const ids = new Set(Object.values(eventIds));
      const mine = (res.body.items as { id: string }[]).filter((e) =>
        ids.has(e.id),
      );
      return { total: res.body.total as number, count: mine.length };
    };

    it('shows own ∪ enabled roles in GET /api/me, with the roles held', async () => {
      const a = await createRole({
        privileges: ['run_jobs'],
        categories: ['prod'],
      });
      const b = await createRole({
        privileges: ['abort_jobs'],
        groups: ['web'],
        enabled: false,
      });
      const key = await createKey(t.server, admin, {
        privileges: ['tag_jobs'],
        roles: [a.id, b.id],
      });
      expect(await meOf(key.key)).toMatchObject({
        privileges: ['run_jobs', 'tag_jobs'],
        categories: ['prod'],
        groups: [],
        roles: [a.id, b.id],
      });
      const user = await createUser(t.server, admin, {
        username: fresh('rights'),
        categories: ['dev'],
        roles: [a.id],
      });
      const session = await login(t.server, user.username, USER_PASSWORD);
      const me = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', session.sessionId)
        .expect(200);
      expect(me.body).toMatchObject({
        privileges: ['run_jobs'],
        roles: [a.id],
      });
      expect([...me.body.categories].sort()).toEqual(['dev', 'prod']);
    });

    it.each([
      ['unrestricted own, unrestricted role', [], [], 3],
      ['unrestricted own, a role restricted to prod', [], ['prod'], 2],
      ['own dev, no role restriction', ['dev'], [], 1],
      ['own dev, a role restricted to prod', ['dev'], ['prod'], 3],
    ])(
      'filters lists and totals in SQL by the effective scope: %s',
      async (_n, own, roleCategories, visible) => {
        const role = await createRole({ categories: roleCategories });
        const key = await createKey(t.server, admin, {
          categories: own,
          roles: [role.id],
        });
        const before = await visibleEvents(key.key);
        expect(before.count).toBe(visible);
        // The total counts what the caller sees, not the table.
        const all = (await asAdmin.get('/api/events?limit=1').expect(200)).body
          .total;
        if (visible < 3) expect(before.total).toBeLessThan(all);
      },
    );

    it('enforces a role restriction on single records with 403 scope_denied', async () => {
      const role = await createRole({
        privileges: ['edit_events'],
        groups: ['web'],
      });
      const key = await createKey(t.server, admin, { roles: [role.id] });
      await asKey(key.key)
        .get(`/api/events/${eventIds['prod/web']}`)
        .expect(200);
      expectProblem(
        await asKey(key.key).get(`/api/events/${eventIds['prod/db']}`),
        403,
        'scope_denied',
      );
      await asKey(key.key)
        .patch(`/api/events/${eventIds['prod/web']}`)
        .send({ title: 'via role' })
        .expect(200);
    });
  });

  describe('a change to a role shows on the very next request of every holder', () => {
    let sql: SqlSpy;
    beforeEach(() => (sql = new SqlSpy()));
    afterEach(() => sql.restore());

    it('new privileges and scope, disabling and enabling, through the cache', async () => {
      const role = await createRole({ privileges: ['run_jobs'] });
      const key = await createKey(t.server, admin, { roles: [role.id] });
      const user = await createUser(t.server, admin, {
        username: fresh('h'),
        roles: [role.id],
      });
      const session = await login(t.server, user.username, USER_PASSWORD);
      const userMe = async () =>
        (
          await t
            .http()
            .get('/api/me')
            .set('X-Session-ID', session.sessionId)
            .expect(200)
        ).body;
      await meOf(key.key);
      await userMe();
      sql.reset();
      // Cached: repeated requests read nothing.
      await meOf(key.key);
      await userMe();
      expect(sql.matching(/FROM "(api_keys|sessions|roles)"/)).toEqual([]);

      await asAdmin
        .patch(`/api/roles/${role.id}`)
        .send({ privileges: ['abort_jobs'], groups: ['db'] })
        .expect(200);
      expect(await meOf(key.key)).toMatchObject({
        privileges: ['abort_jobs'],
        groups: ['db'],
      });
      expect(await userMe()).toMatchObject({
        privileges: ['abort_jobs'],
        groups: ['db'],
      });

      await asAdmin
        .patch(`/api/roles/${role.id}`)
        .send({ enabled: false })
        .expect(200);
      expect(await meOf(key.key)).toMatchObject({ privileges: [], groups: [] });
      expect(await userMe()).toMatchObject({ privileges: [], groups: [] });
      expectProblem(
        await asKey(key.key).post(`/api/events/nosuch/run`),
        403,
        'missing_privilege',
      );

      await asAdmin
        .patch(`/api/roles/${role.id}`)
        .send({ enabled: true })
        .expect(200);
      expect(await meOf(key.key)).toMatchObject({ privileges: ['abort_jobs'] });
    });

    it('drops only the holders of the changed role from the cache', async () => {
      const changed = await createRole({ privileges: ['run_jobs'] });
      const other = await createRole({ privileges: ['run_jobs'] });
      const holder = await createKey(t.server, admin, { roles: [changed.id] });
      const bystander = await createKey(t.server, admin, { roles: [other.id] });
      await meOf(holder.key);
      await meOf(bystander.key);
      await asAdmin
        .patch(`/api/roles/${changed.id}`)
        .send({ title: 'x' })
        .expect(200);
      sql.reset();
      await meOf(holder.key);
      await meOf(bystander.key);
      expect(sql.matching(/^SELECT .* FROM "api_keys"/)).toHaveLength(1);
    });

    it('removing a role from a key shows on its next request', async () => {
      const role = await createRole({ privileges: ['run_jobs'] });
      const key = await createKey(t.server, admin, { roles: [role.id] });
      expect((await meOf(key.key)).privileges).toEqual(['run_jobs']);
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ roles: [] })
        .expect(200);
      expect(await meOf(key.key)).toMatchObject({ privileges: [], roles: [] });
    });
  });

  describe('no escalation', () => {
    it('refuses a non-admin granting a privilege it lacks, naming it', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_roles', 'edit_roles', 'run_jobs'],
      });
      const res = await asKey(key.key)
        .post('/api/roles')
        .send({
          id: fresh('esc'),
          title: 't',
          privileges: ['run_jobs', 'delete_events'],
        });
      expect(
        expectProblem(res, 403, 'missing_privilege').missing_privileges,
      ).toEqual(['delete_events']);
      const admin403 = await asKey(key.key)
        .post('/api/roles')
        .send({ id: fresh('esc'), title: 't', privileges: ['admin'] });
      expect(
        expectProblem(admin403, 403, 'missing_privilege').missing_privileges,
      ).toEqual(['admin']);
      await asKey(key.key)
        .post('/api/roles')
        .send({ id: fresh('ok'), title: 't', privileges: ['run_jobs'] })
        .expect(201);
    });

    it('counts privileges held through a role as held', async () => {
      const granter = await createRole({
        privileges: ['create_roles', 'abort_jobs'],
      });
      const key = await createKey(t.server, admin, { roles: [granter.id] });
      await asKey(key.key)
        .post('/api/roles')
        .send({ id: fresh('ok'), title: 't', privileges: ['abort_jobs'] })
        .expect(201);
    });

    it('refuses a restricted caller granting scope beyond its own, or none', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_roles', 'edit_roles'],
        categories: ['prod'],
      });
      const outside = await asKey(key.key)
        .post('/api/roles')
        .send({ id: fresh('esc'), title: 't', categories: ['prod', 'dev'] });
      expect(expectProblem(outside, 403, 'scope_denied').categories).toEqual([
        'dev',
      ]);
      expectProblem(
        await asKey(key.key)
          .post('/api/roles')
          .send({ id: fresh('esc'), title: 't' }),
        403,
        'scope_denied',
      );
      // Scope is checked before existence: an unknown id out of scope is a 403, not a 400.
      expectProblem(
        await asKey(key.key)
          .post('/api/roles')
          .send({ id: fresh('esc'), title: 't', categories: ['ghost'] }),
        403,
        'scope_denied',
      );
      const inside = await asKey(key.key)
        .post('/api/roles')
        .send({
          id: fresh('ok'),
          title: 't',
          categories: ['prod'],
          groups: ['db'],
        })
        .expect(201);
      // Widening it later is refused too, and changes nothing.
      expectProblem(
        await asKey(key.key)
          .patch(`/api/roles/${inside.body.id}`)
          .send({ categories: [] }),
        403,
        'scope_denied',
      );
      const stored = await asAdmin
        .get(`/api/roles/${inside.body.id}`)
        .expect(200);
      expect(stored.body.categories).toEqual(['prod']);
    });

    it('refuses a restricted caller deleting a role beyond its scope, as documented', async () => {
      const wide = await createRole({ categories: ['prod', 'dev'] });
      const key = await createKey(t.server, admin, {
        privileges: ['delete_roles'],
        categories: ['prod'],
      });
      // The OpenAPI hook checks the answer against the DELETE operation's responses.
      const res = await asKey(key.key).delete(`/api/roles/${wide.id}`);
      expect(expectProblem(res, 403, 'scope_denied').categories).toEqual([
        'dev',
      ]);
      await asAdmin.get(`/api/roles/${wide.id}`).expect(200);
    });

    it('refuses a non-admin editing or enabling a role that grants more than it has', async () => {
      const strong = await createRole({
        privileges: ['admin'],
        enabled: false,
      });
      const key = await createKey(t.server, admin, {
        privileges: ['edit_roles', 'delete_roles'],
      });
      expectProblem(
        await asKey(key.key)
          .patch(`/api/roles/${strong.id}`)
          .send({ enabled: true }),
        403,
        'missing_privilege',
      );
      expectProblem(
        await asKey(key.key).delete(`/api/roles/${strong.id}`),
        403,
        'missing_privilege',
      );
      const stored = await asAdmin.get(`/api/roles/${strong.id}`).expect(200);
      expect(stored.body.enabled).toBe(false);
    });
  });
});
