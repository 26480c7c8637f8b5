import {
  CreatedKey,
  LoggedIn,
  createKey,
  createUser,
  login,
  USER_PASSWORD,
  seedScope,
} from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { SPEC_CATALOG } from './helpers/spec-catalog';
import { TestApp, createTestApp } from './helpers/test-app';
import { iso } from './helpers/fake-clock';

describe('privileges', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let bareKey: CreatedKey;
  let plainUser: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod', 'staging'], ['web', 'db']);
    bareKey = await createKey(t.server, admin, { title: 'CI deploy' });
    await createUser(t.server, admin, {
      username: 'alice',
      full_name: 'Alice',
      privileges: ['run_jobs', 'create_events'],
      categories: ['prod', 'staging'],
      groups: ['web'],
    });
    plainUser = await login(t.server, 'alice', USER_PASSWORD);
  });
  afterAll(() => t.close());

  describe('GET /api/privileges', () => {
    it('lists every privilege of SPEC §5 to a key without privileges', async () => {
      const res = await t
        .http()
        .get('/api/privileges')
        .set('X-API-Key', bareKey.key);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'total']);
      expect(res.body.total).toBe(SPEC_CATALOG.length);
      expect(res.body.items).toHaveLength(SPEC_CATALOG.length);
      const ids = res.body.items.map((p: any) => p.id);
      expect([...ids].sort()).toEqual([...SPEC_CATALOG].sort());
    });

    it('gives each entry exactly an id, a title and a description', async () => {
      const res = await t
        .http()
        .get('/api/privileges')
        .set('X-Session-ID', plainUser.sessionId)
        .expect(200);
      for (const item of res.body.items) {
        expect(Object.keys(item).sort()).toEqual([
          'description',
          'id',
          'title',
        ]);
        expect(typeof item.title).toBe('string');
        expect(item.title).not.toBe('');
        expect(typeof item.description).toBe('string');
        expect(item.description).not.toBe('');
      }
    });

    it('describes admin as implying every privilege', async () => {
      const res = await t
        .http()
        .get('/api/privileges')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      const entry = res.body.items.find((p: any) => p.id === 'admin');
      expect(entry.title).toBe('Administrator');
    });

    it('returns 401 no_credentials without a credential', async () => {
      expectProblem(
        await t.http().get('/api/privileges'),
        401,
        'no_credentials',
      );
    });
  });

  describe('403 missing_privilege', () => {
    it('names the key, the required and the missing privileges', async () => {
      const res = await t.http().get('/api/keys').set('X-API-Key', bareKey.key);
      const body = expectProblem(res, 403, 'missing_privilege');
      expect(body).toEqual({
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        code: 'missing_privilege',
        detail: 'API key "CI deploy" lacks the privilege admin.',
        required_privileges: ['admin'],
        missing_privileges: ['admin'],
        request_id: res.headers['x-request-id'],
      });
    });

    it('names the user by username', async () => {
      const res = await t
        .http()
        .get('/api/users')
        .set('X-Session-ID', plainUser.sessionId);
      const body = expectProblem(res, 403, 'missing_privilege');
      expect(body.detail).toBe('User "alice" lacks the privilege admin.');
      expect(body.required_privileges).toEqual(['admin']);
      expect(body.missing_privileges).toEqual(['admin']);
    });

    it('uses the key title as it is now, after a rename', async () => {
      const key = await createKey(t.server, admin, { title: 'old title' });
      await t
        .http()
        .patch(`/api/keys/${key.id}`)
        .set('X-Session-ID', admin.sessionId)
        .send({ title: 'new title' })
        .expect(200);
      const res = await t.http().get('/api/keys').set('X-API-Key', key.key);
      expect(expectProblem(res, 403, 'missing_privilege').detail).toBe(
        'API key "new title" lacks the privilege admin.',
      );
    });

    it('does not carry WWW-Authenticate (the caller is known)', async () => {
      const res = await t.http().get('/api/keys').set('X-API-Key', bareKey.key);
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBeUndefined();
    });
  });

  describe('GET /api/me', () => {
    it('shows an admin user the whole catalog and no restriction', async () => {
      const res = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual([
        'categories',
        'csrf_token',
        'expires_at',
        'groups',
        'id',
        'name',
        'privileges',
        'roles',
        'type',
      ]);
      expect(res.body).toMatchObject({
        type: 'user',
        id: 'admin',
        name: 'Administrator',
        categories: [],
        groups: [],
        expires_at: iso(t.clock.now() + 1800_000),
      });
      expect([...res.body.privileges].sort()).toEqual([...SPEC_CATALOG].sort());
    });

    it('shows an admin with stored categories and groups as unrestricted', async () => {
      await createUser(t.server, admin, {
        username: 'scoped-admin',
        privileges: ['admin'],
        categories: ['prod'],
        groups: ['web'],
      });
      const session = await login(t.server, 'scoped-admin', USER_PASSWORD);
      const res = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', session.sessionId)
        .expect(200);
      expect(res.body.categories).toEqual([]);
      expect(res.body.groups).toEqual([]);
      expect(res.body.privileges).toHaveLength(SPEC_CATALOG.length);
    });

    it('shows a plain user its own privileges and scope', async () => {
      const res = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', plainUser.sessionId)
        .expect(200);
      expect(res.body).toEqual({
        type: 'user',
        id: 'alice',
        name: 'Alice',
        privileges: ['create_events', 'run_jobs'],
        categories: ['prod', 'staging'],
        groups: ['web'],
        roles: [],
        expires_at: iso(t.clock.now() + 1800_000),
        csrf_token: plainUser.csrfToken,
      });
    });

    it('names a user without a full name by its username', async () => {
      await createUser(t.server, admin, { username: 'nameless' });
      const session = await login(t.server, 'nameless', USER_PASSWORD);
      const res = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', session.sessionId)
        .expect(200);
      expect(res.body.name).toBe('nameless');
    });

    it('shows a key its id, title, privileges, scope, expiry and rate', async () => {
      const expiresAt = iso(t.clock.now() + 3_600_000);
      const key = await createKey(t.server, admin, {
        title: 'scoped key',
        privileges: ['run_jobs', 'abort_jobs'],
        categories: ['prod'],
        groups: ['db'],
        max_per_sec: 1000,
        expires_at: expiresAt,
      });
      const res = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', key.key)
        .expect(200);
      expect(res.body).toEqual({
        type: 'api_key',
        id: key.id,
        name: 'scoped key',
        privileges: ['run_jobs', 'abort_jobs'],
        categories: ['prod'],
        groups: ['db'],
        roles: [],
        expires_at: expiresAt,
        max_per_sec: 1000,
      });
    });

    it('shows a key without expiry or privileges as such', async () => {
      const res = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', bareKey.key)
        .expect(200);
      expect(res.body).toEqual({
        type: 'api_key',
        id: bareKey.id,
        name: 'CI deploy',
        privileges: [],
        categories: [],
        groups: [],
        roles: [],
        expires_at: null,
        max_per_sec: 0,
      });
    });

    it('shows an admin key the whole catalog and no restriction', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['admin'],
        categories: ['prod'],
        groups: ['db'],
      });
      const res = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', key.key)
        .expect(200);
      expect([...res.body.privileges].sort()).toEqual([...SPEC_CATALOG].sort());
      expect(res.body.categories).toEqual([]);
      expect(res.body.groups).toEqual([]);
    });
  });
});
