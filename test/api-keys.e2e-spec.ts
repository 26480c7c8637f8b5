import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../src/secrets/secrets';
import {
  CreatedKey,
  LoggedIn,
  createKey,
  createUser,
  login,
  sessionRequests,
  USER_PASSWORD,
  seedScope,
} from './helpers/auth';
import { FakeClock, iso } from './helpers/fake-clock';
import { expectProblem, fieldsOf } from './helpers/problem';
import { ADMIN_PASSWORD, TestApp, createTestApp } from './helpers/test-app';
import { describeOnSqlite } from './helpers/test-database';

const RECORD_FIELDS = [
  'active',
  'allowed_ips',
  'categories',
  'created_at',
  'created_by',
  'description',
  'expires_at',
  'groups',
  'id',
  'ip_policy',
  'last_used_at',
  'last_used_ip',
  'mask',
  'max_per_sec',
  'privileges',
  'roles',
  'title',
  'updated_at',
];

const maskOf = (key: string) => `${key.slice(0, 4)}********${key.slice(-4)}`;

describe('API keys', () => {
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
  const meWith = (key: string) => t.http().get('/api/me').set('X-API-Key', key);

  describe('create', () => {
    it('returns 201 with the record and the plaintext key', async () => {
      const res = await asAdmin.post('/api/keys').send({ title: 'CI deploy' });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(
        [...RECORD_FIELDS, 'key'].sort(),
      );
      expect(res.body).toMatchObject({
        title: 'CI deploy',
        description: '',
        active: true,
        privileges: [],
        categories: [],
        groups: [],
        max_per_sec: 0,
        expires_at: null,
        last_used_at: null,
        created_by: 'admin',
        created_at: iso(t.clock.now()),
        updated_at: iso(t.clock.now()),
      });
      expect(typeof res.body.id).toBe('string');
      expect(res.body.id).not.toBe('');
    });

    it('generates a 24-character [A-Za-z0-9] key by default', async () => {
      const { key } = await createKey(t.server, admin);
      expect(key).toMatch(/^[A-Za-z0-9]{24}$/);
    });

    it('generates a different key each time', async () => {
      const keys = new Set<string>();
      for (let i = 0; i < 5; i++)
        keys.add((await createKey(t.server, admin)).key);
      expect(keys.size).toBe(5);
    });

    it('masks the key as its first 4 characters, 8 stars and its last 4', async () => {
      const created = await createKey(t.server, admin);
      expect(created.body.mask).toBe(maskOf(created.key));
      expect(created.body.mask).toMatch(/^[A-Za-z0-9]{4}\*{8}[A-Za-z0-9]{4}$/);
    });

    it('stores every field given', async () => {
      const expiresAt = iso(t.clock.now() + 86_400_000);
      const res = await asAdmin.post('/api/keys').send({
        title: 'full',
        description: 'all the fields',
        privileges: ['create_events', 'run_jobs'],
        categories: ['prod'],
        groups: ['web', 'db'],
        max_per_sec: 10,
        expires_at: expiresAt,
        active: false,
      });
      expect(res.status).toBe(201);
      const fetched = await asAdmin.get(`/api/keys/${res.body.id}`).expect(200);
      expect(fetched.body).toMatchObject({
        title: 'full',
        description: 'all the fields',
        privileges: ['create_events', 'run_jobs'],
        categories: ['prod'],
        groups: ['web', 'db'],
        max_per_sec: 10,
        expires_at: expiresAt,
        active: false,
      });
    });

    it('reads an expires_at without a zone as UTC', async () => {
      const res = await asAdmin
        .post('/api/keys')
        .send({ title: 'utc', expires_at: '2099-06-01T12:00:00' });
      expect(res.status).toBe(201);
      expect(res.body.expires_at).toBe('2099-06-01T12:00:00.000Z');
    });

    it('accepts the boundaries: 100-character title, 1000-character description, max_per_sec 0 and 100000', async () => {
      for (const body of [
        { title: 'x'.repeat(100) },
        { title: 'd', description: 'y'.repeat(1000) },
        { title: 'm0', max_per_sec: 0 },
        { title: 'm1', max_per_sec: 100000 },
      ]) {
        const res = await asAdmin.post('/api/keys').send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 201 });
      }
    });
  });

  describe('the plaintext key is shown once', () => {
    let created: CreatedKey;

    beforeAll(async () => {
      created = await createKey(t.server, admin, { title: 'shown once' });
    });

    it('is not in GET /api/keys/:id', async () => {
      const res = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(RECORD_FIELDS);
      expect(JSON.stringify(res.body)).not.toContain(created.key);
    });

    it('is not in GET /api/keys', async () => {
      const res = await asAdmin.get('/api/keys?limit=1000').expect(200);
      const item = res.body.items.find((k: any) => k.id === created.id);
      expect(Object.keys(item).sort()).toEqual(RECORD_FIELDS);
      expect(JSON.stringify(res.body)).not.toContain(created.key);
    });

    it('is not in the PATCH response', async () => {
      const res = await asAdmin
        .patch(`/api/keys/${created.id}`)
        .send({ description: 'changed' })
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(RECORD_FIELDS);
      expect(JSON.stringify(res.body)).not.toContain(created.key);
    });

    it('never exposes a digest of it either', async () => {
      const res = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      expect(JSON.stringify(res.body)).not.toContain(sha256Hex(created.key));
    });
  });

  describe('read, update, delete', () => {
    it('GET /api/keys/:id returns the record', async () => {
      const created = await createKey(t.server, admin, { title: 'readable' });
      const res = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      const { key: _key, ...record } = created.body;
      expect(res.body).toEqual(record);
    });

    it('PATCH changes only the fields given and moves updated_at', async () => {
      const created = await createKey(t.server, admin, {
        title: 'patch me',
        description: 'keep',
        privileges: ['run_jobs'],
      });
      t.clock.advanceSeconds(5);
      const res = await asAdmin
        .patch(`/api/keys/${created.id}`)
        .send({ title: 'patched', max_per_sec: 3 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        title: 'patched',
        description: 'keep',
        privileges: ['run_jobs'],
        max_per_sec: 3,
        mask: created.body.mask,
        created_at: created.body.created_at,
        updated_at: iso(t.clock.now()),
      });
      const fetched = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      expect(fetched.body).toEqual(res.body);
    });

    it('PATCH with an empty body changes nothing but updated_at', async () => {
      const created = await createKey(t.server, admin, {
        title: 'empty patch',
      });
      const res = await asAdmin
        .patch(`/api/keys/${created.id}`)
        .send({})
        .expect(200);
      const { key: _key, updated_at: _u, ...before } = created.body;
      expect(res.body).toMatchObject(before);
    });

    it('PATCH expires_at: null removes the expiry', async () => {
      const created = await createKey(t.server, admin, {
        expires_at: iso(t.clock.now() + 60_000),
      });
      const res = await asAdmin
        .patch(`/api/keys/${created.id}`)
        .send({ expires_at: null });
      expect(res.status).toBe(200);
      expect(res.body.expires_at).toBeNull();
    });

    it('PATCH does not change the key itself', async () => {
      const created = await createKey(t.server, admin);
      await asAdmin
        .patch(`/api/keys/${created.id}`)
        .send({ title: 'renamed' })
        .expect(200);
      const res = await meWith(created.key).expect(200);
      expect(res.body.name).toBe('renamed');
    });

    it('DELETE returns 204, then the key is gone', async () => {
      const created = await createKey(t.server, admin);
      const res = await asAdmin.delete(`/api/keys/${created.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(
        await asAdmin.get(`/api/keys/${created.id}`),
        404,
        'not_found',
      );
    });

    it.each([
      ['GET', () => asAdmin.get('/api/keys/nosuchkey')],
      [
        'PATCH',
        () => asAdmin.patch('/api/keys/nosuchkey').send({ title: 'x' }),
      ],
      ['DELETE', () => asAdmin.delete('/api/keys/nosuchkey')],
      [
        'POST rotate',
        () => asAdmin.post('/api/keys/nosuchkey/rotate').send({}),
      ],
    ])('%s of an unknown id returns 404 not_found', async (_name, send) => {
      expectProblem(await send(), 404, 'not_found');
    });

    it('DELETE of an already deleted key returns 404 not_found', async () => {
      const created = await createKey(t.server, admin);
      await asAdmin.delete(`/api/keys/${created.id}`).expect(204);
      expectProblem(
        await asAdmin.delete(`/api/keys/${created.id}`),
        404,
        'not_found',
      );
    });
  });

  describe('list and pagination', () => {
    let p: TestApp;
    let padmin: LoggedIn;
    const ids: string[] = [];

    beforeAll(async () => {
      p = await createTestApp();
      padmin = await login(p.server);
      for (let i = 0; i < 105; i++) {
        p.clock.advance(1);
        ids.push((await createKey(p.server, padmin, { title: `k${i}` })).id);
      }
    });
    afterAll(() => p.close());

    const list = (query: string) =>
      p.http().get(`/api/keys${query}`).set('X-Session-ID', padmin.sessionId);

    it('returns the first 100 in creation order by default, with the total', async () => {
      const res = await list('').expect(200);
      expect(res.body.total).toBe(105);
      expect(res.body.items.map((k: any) => k.id)).toEqual(ids.slice(0, 100));
    });

    it('honours limit and offset', async () => {
      const res = await list('?limit=3&offset=10').expect(200);
      expect(res.body.total).toBe(105);
      expect(res.body.items.map((k: any) => k.id)).toEqual(ids.slice(10, 13));
    });

    it('returns the tail past the end of a short last page', async () => {
      const res = await list('?limit=10&offset=100').expect(200);
      expect(res.body.items.map((k: any) => k.id)).toEqual(ids.slice(100));
    });

    it('returns no items, and the total, past the end', async () => {
      const res = await list('?offset=1000').expect(200);
      expect(res.body).toEqual({ items: [], total: 105 });
    });

    it('accepts limit 1 and 1000', async () => {
      expect((await list('?limit=1').expect(200)).body.items).toHaveLength(1);
      expect((await list('?limit=1000').expect(200)).body.items).toHaveLength(
        105,
      );
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=abc', 'offset'],
      ['limit=5&limit=6', 'limit'],
    ])('returns 400 validation_failed for %s', async (query, field) => {
      const res = await list(`?${query}`);
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain(field);
    });
  });

  describe('validation', () => {
    const past = () => iso(t.clock.now() - 1000);

    it.each<[string, Record<string, unknown>, string]>([
      ['title is missing', {}, 'title'],
      ['title is empty', { title: '' }, 'title'],
      ['title has 101 characters', { title: 'x'.repeat(101) }, 'title'],
      ['title contains "<"', { title: 'a <b> key' }, 'title'],
      ['title contains ">"', { title: 'a > b' }, 'title'],
      ['title is not a string', { title: 42 }, 'title'],
      ['title is null', { title: null }, 'title'],
      [
        'description has 1001 characters',
        { title: 't', description: 'x'.repeat(1001) },
        'description',
      ],
      [
        'privileges is not an array',
        { title: 't', privileges: 'admin' },
        'privileges',
      ],
      [
        'privileges repeats an id',
        { title: 't', privileges: ['run_jobs', 'run_jobs'] },
        'privileges',
      ],
      [
        'categories holds a bad id',
        { title: 't', categories: ['Not An Id'] },
        'categories',
      ],
      ['groups is not an array', { title: 't', groups: 'web' }, 'groups'],
      ['max_per_sec is -1', { title: 't', max_per_sec: -1 }, 'max_per_sec'],
      [
        'max_per_sec is 100001',
        { title: 't', max_per_sec: 100001 },
        'max_per_sec',
      ],
      ['max_per_sec is 1.5', { title: 't', max_per_sec: 1.5 }, 'max_per_sec'],
      [
        'max_per_sec is a string',
        { title: 't', max_per_sec: '5' },
        'max_per_sec',
      ],
      [
        'expires_at is not a timestamp',
        { title: 't', expires_at: 'tomorrow' },
        'expires_at',
      ],
      ['active is not a boolean', { title: 't', active: 'yes' }, 'active'],
      ['an unknown property is sent', { title: 't', owner: 'bob' }, 'owner'],
    ])(
      'POST returns 400 validation_failed when %s',
      async (_name, body, field) => {
        const res = await asAdmin.post('/api/keys').send(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res)).toContain(field);
      },
    );

    it('POST returns 400 naming an unknown privilege id', async () => {
      const res = await asAdmin
        .post('/api/keys')
        .send({ title: 't', privileges: ['run_jobs', 'launch_missiles'] });
      expectProblem(res, 400, 'validation_failed');
      const error = res.body.errors.find((e: any) => e.field === 'privileges');
      expect(error.message).toContain('launch_missiles');
      expect(error.message).not.toContain('run_jobs');
    });

    it('POST returns 400 when expires_at is in the past by the server clock', async () => {
      // A clock far in the future: a timestamp that is future in real time is past here.
      const clock = new FakeClock(Date.parse('2100-01-01T00:00:00Z'));
      const future = await createTestApp({}, clock);
      try {
        const session = await login(future.server);
        const res = await future
          .http()
          .post('/api/keys')
          .set('X-Session-ID', session.sessionId)
          .send({ title: 't', expires_at: '2099-12-31T23:59:59Z' });
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res)).toEqual(['expires_at']);
      } finally {
        await future.close();
      }
    });

    it('POST returns 400 when expires_at is now', async () => {
      const res = await asAdmin
        .post('/api/keys')
        .send({ title: 't', expires_at: iso(t.clock.now()) });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['expires_at']);
    });

    it('POST returns 400 when expires_at is a second in the past', async () => {
      const res = await asAdmin
        .post('/api/keys')
        .send({ title: 't', expires_at: past() });
      expectProblem(res, 400, 'validation_failed');
    });

    it('POST creates nothing when validation fails', async () => {
      const before = (await asAdmin.get('/api/keys').expect(200)).body.total;
      await asAdmin.post('/api/keys').send({ title: '<bad>' }).expect(400);
      const after = (await asAdmin.get('/api/keys').expect(200)).body.total;
      expect(after).toBe(before);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['title is null', { title: null }, 'title'],
      ['title is empty', { title: '' }, 'title'],
      ['description is null', { description: null }, 'description'],
      ['active is null', { active: null }, 'active'],
      ['privileges is null', { privileges: null }, 'privileges'],
      [
        'privileges holds an unknown id',
        { privileges: ['nope'] },
        'privileges',
      ],
      ['max_per_sec is null', { max_per_sec: null }, 'max_per_sec'],
      ['max_per_sec is 100001', { max_per_sec: 100001 }, 'max_per_sec'],
      [
        'an unknown property is sent',
        { key: 'AAAAAAAAAAAAAAAAAAAAAAAA' },
        'key',
      ],
    ])(
      'PATCH returns 400 validation_failed when %s',
      async (_name, body, field) => {
        const created = await createKey(t.server, admin);
        const res = await asAdmin.patch(`/api/keys/${created.id}`).send(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res)).toContain(field);
        const after = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
        const { key: _key, ...record } = created.body;
        expect(after.body).toEqual(record);
      },
    );

    it('PATCH returns 400 when expires_at is in the past', async () => {
      const created = await createKey(t.server, admin);
      const res = await asAdmin
        .patch(`/api/keys/${created.id}`)
        .send({ expires_at: past() });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['expires_at']);
    });
  });

  describe('admin only', () => {
    let plainKey: CreatedKey;
    let plainUser: LoggedIn;
    let target: CreatedKey;

    beforeAll(async () => {
      plainKey = await createKey(t.server, admin, {
        title: 'almost everything',
        privileges: [
          'create_events',
          'edit_events',
          'delete_events',
          'run_jobs',
        ],
      });
      await createUser(t.server, admin, {
        username: 'keyless',
        privileges: ['run_jobs'],
      });
      plainUser = await login(t.server, 'keyless', USER_PASSWORD);
      target = await createKey(t.server, admin, { title: 'target' });
    });

    const routes: [string, string, string][] = [
      ['POST', '/api/keys', 'post'],
      ['GET', '/api/keys', 'get'],
      ['GET', '/api/keys/:id', 'get'],
      ['PATCH', '/api/keys/:id', 'patch'],
      ['POST', '/api/keys/:id/rotate', 'post'],
      ['DELETE', '/api/keys/:id', 'delete'],
    ];

    it.each(routes)(
      '%s %s returns 403 missing_privilege to a key without admin',
      async (_method, path, verb) => {
        const res = await (t.http() as any)
          [verb](path.replace(':id', target.id))
          .set('X-API-Key', plainKey.key)
          .send({ title: 'x' });
        const body = expectProblem(res, 403, 'missing_privilege');
        expect(body.missing_privileges).toEqual(['admin']);
      },
    );

    it.each(routes)(
      '%s %s returns 403 missing_privilege to a user without admin',
      async (_method, path, verb) => {
        const res = await (t.http() as any)
          [verb](path.replace(':id', target.id))
          .set('X-Session-ID', plainUser.sessionId)
          .send({ title: 'x' });
        expectProblem(res, 403, 'missing_privilege');
      },
    );

    it('leaves the target untouched after the refused calls', async () => {
      const res = await asAdmin.get(`/api/keys/${target.id}`).expect(200);
      expect(res.body.title).toBe('target');
      await meWith(target.key).expect(200);
    });

    it('lets a key with admin manage keys', async () => {
      const adminKey = await createKey(t.server, admin, {
        privileges: ['admin'],
      });
      await t
        .http()
        .get('/api/keys')
        .set('X-API-Key', adminKey.key)
        .expect(200);
    });
  });

  describe('created_by', () => {
    it("is the admin's username when a session creates the key", async () => {
      const created = await createKey(t.server, admin);
      expect(created.body.created_by).toBe('admin');
    });

    it('is key:<id> when an admin key creates the key', async () => {
      const adminKey = await createKey(t.server, admin, {
        privileges: ['admin'],
      });
      const res = await t
        .http()
        .post('/api/keys')
        .set('X-API-Key', adminKey.key)
        .send({ title: 'child' })
        .expect(201);
      expect(res.body.created_by).toBe(`key:${adminKey.id}`);
      const fetched = await asAdmin.get(`/api/keys/${res.body.id}`).expect(200);
      expect(fetched.body.created_by).toBe(`key:${adminKey.id}`);
    });

    it('cannot be set by the caller', async () => {
      const res = await asAdmin
        .post('/api/keys')
        .send({ title: 't', created_by: 'mallory' });
      expectProblem(res, 400, 'validation_failed');
    });
  });

  describe('last_used_at', () => {
    it('is null until the key is used, then the time of the latest use', async () => {
      const created = await createKey(t.server, admin);
      expect(created.body.last_used_at).toBeNull();
      t.clock.advanceSeconds(3);
      const firstUse = t.clock.now();
      await meWith(created.key).expect(200);
      let res = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      expect(res.body.last_used_at).toBe(iso(firstUse));

      t.clock.advanceSeconds(7);
      await meWith(created.key).expect(200);
      res = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      expect(res.body.last_used_at).toBe(iso(t.clock.now()));
    });

    it('is not set by a refused use', async () => {
      const created = await createKey(t.server, admin, { active: false });
      await meWith(created.key).expect(401);
      const res = await asAdmin.get(`/api/keys/${created.id}`).expect(200);
      expect(res.body.last_used_at).toBeNull();
    });
  });

  describe('refused keys', () => {
    it('returns 401 api_key_disabled for a key created inactive', async () => {
      const created = await createKey(t.server, admin, { active: false });
      expectProblem(await meWith(created.key), 401, 'api_key_disabled');
    });

    it('returns 401 api_key_expired once expires_at has passed', async () => {
      const created = await createKey(t.server, admin, {
        expires_at: iso(t.clock.now() + 60_000),
      });
      await meWith(created.key).expect(200);
      t.clock.advanceSeconds(61);
      expectProblem(await meWith(created.key), 401, 'api_key_expired');
    });

    it('refuses the key from the very instant of expires_at', async () => {
      const created = await createKey(t.server, admin, {
        expires_at: iso(t.clock.now() + 10_000),
      });
      t.clock.advance(9_999);
      await meWith(created.key).expect(200);
      t.clock.advance(1);
      expectProblem(await meWith(created.key), 401, 'api_key_expired');
    });

    it('returns 401 invalid_api_key for a deleted key', async () => {
      const created = await createKey(t.server, admin);
      await asAdmin.delete(`/api/keys/${created.id}`).expect(204);
      expectProblem(await meWith(created.key), 401, 'invalid_api_key');
    });

    it('returns 401 invalid_api_key for a well-formed key that never existed', async () => {
      expectProblem(
        await meWith('QQQQQQQQQQQQQQQQQQQQQQQQ'),
        401,
        'invalid_api_key',
      );
    });

    it('names no secret in the error', async () => {
      const created = await createKey(t.server, admin, { active: false });
      const res = await meWith(created.key);
      expect(res.text).not.toContain(created.key);
    });
  });

  describe('a change takes effect on the very next request', () => {
    let key: CreatedKey;

    beforeEach(async () => {
      key = await createKey(t.server, admin, { title: 'changing' });
      // Warm every cache with a successful use first.
      await meWith(key.key).expect(200);
      await meWith(key.key).expect(200);
    });

    it('disabling and enabling again', async () => {
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ active: false })
        .expect(200);
      expectProblem(await meWith(key.key), 401, 'api_key_disabled');
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ active: true })
        .expect(200);
      await meWith(key.key).expect(200);
    });

    it('deleting', async () => {
      await asAdmin.delete(`/api/keys/${key.id}`).expect(204);
      expectProblem(await meWith(key.key), 401, 'invalid_api_key');
    });

    it('granting and revoking privileges', async () => {
      const listKeys = () =>
        t.http().get('/api/keys').set('X-API-Key', key.key);
      expectProblem(await listKeys(), 403, 'missing_privilege');
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ privileges: ['admin'] })
        .expect(200);
      await listKeys().expect(200);
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ privileges: ['run_jobs'] })
        .expect(200);
      expectProblem(await listKeys(), 403, 'missing_privilege');
      const me = await meWith(key.key).expect(200);
      expect(me.body.privileges).toEqual(['run_jobs']);
    });

    it('changing categories and groups', async () => {
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ categories: ['prod'], groups: ['web'] })
        .expect(200);
      const me = await meWith(key.key).expect(200);
      expect(me.body).toMatchObject({ categories: ['prod'], groups: ['web'] });
    });

    it('setting an expiry that has passed, and lifting it again', async () => {
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ expires_at: iso(t.clock.now() + 5_000) })
        .expect(200);
      await meWith(key.key).expect(200);
      t.clock.advanceSeconds(5);
      expectProblem(await meWith(key.key), 401, 'api_key_expired');
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ expires_at: null })
        .expect(200);
      await meWith(key.key).expect(200);
    });
  });
});

describe('API keys with API_KEY_LENGTH=40', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ API_KEY_LENGTH: '40' });
  });
  afterAll(() => t.close());

  it('generates 40-character [A-Za-z0-9] keys that work', async () => {
    const admin = await login(t.server);
    const created = await createKey(t.server, admin);
    expect(created.key).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created.body.mask).toBe(maskOf(created.key));
    await t.http().get('/api/me').set('X-API-Key', created.key).expect(200);
  });
});

// What reaches the disk is SQLite's file here; test/integration/postgres.int-spec.ts reads PostgreSQL's rows.
describeOnSqlite('API key and session storage', () => {
  let dir: string;
  let path: string;
  let key: CreatedKey;
  let adminKey: CreatedKey;
  let session: LoggedIn;
  let bytes: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-keys-'));
    path = join(dir, 'opsgate.sqlite');
    const t = await createTestApp({ DATABASE_PATH: path });
    try {
      session = await login(t.server);
      key = await createKey(t.server, session, { title: 'stored' });
      adminKey = await createKey(t.server, session, { privileges: ['admin'] });
      await t.http().get('/api/me').set('X-API-Key', key.key).expect(200);
      await t
        .http()
        .get('/api/keys')
        .set('X-API-Key', adminKey.key)
        .expect(200);
    } finally {
      await t.close();
    }
    bytes = Buffer.concat(
      [path, `${path}-wal`, `${path}-journal`]
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file)),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('wrote a database file', () => {
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes('SQLite format 3')).toBe(true);
  });

  it('holds no plaintext API key', () => {
    expect(bytes.includes(key.key)).toBe(false);
    expect(bytes.includes(adminKey.key)).toBe(false);
  });

  it('holds the SHA-256 hex digest of each API key', () => {
    expect(bytes.includes(sha256Hex(key.key))).toBe(true);
    expect(bytes.includes(sha256Hex(adminKey.key))).toBe(true);
  });

  it('holds no plaintext session ID or CSRF token', () => {
    expect(bytes.includes(session.sessionId)).toBe(false);
    expect(bytes.includes(session.csrfToken)).toBe(false);
  });

  it('holds the SHA-256 hex digest of the session ID', () => {
    expect(bytes.includes(sha256Hex(session.sessionId))).toBe(true);
  });

  it('holds no plaintext password', () => {
    expect(bytes.includes(ADMIN_PASSWORD)).toBe(false);
  });
});
