import { randomBytes } from 'node:crypto';
import { AuditEntry } from '../src/audit/audit-entry.entity';
import { AuditLog, SWEEP_BATCH } from '../src/audit/audit-log';
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

const ENTRY_FIELDS = [
  'action',
  'actor',
  'at',
  'code',
  'details',
  'id',
  'ip',
  'outcome',
  'request_id',
  'target_id',
  'target_type',
];

type Entry = Record<string, any>;

describe('audit log (SPEC §13)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${++counter}`;

  beforeAll(async () => {
    // No per-IP failure limit: the flood below must reach the verifiers.
    t = await createTestApp({
      LOGIN_MAX_FAILURES: '3',
      AUTH_FAILURE_LIMIT: '0',
    });
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod', 'dev'], ['web']);
  });
  afterAll(() => t.close());

  const asAdmin = sessionRequests(
    () => t.http(),
    () => admin.sessionId,
  );
  const asKey = (key: string) => keyRequests(() => t.http(), key);
  async function entries(query: Record<string, string> = {}): Promise<Entry[]> {
    const res = await asAdmin
      .get('/api/audit')
      .query({ limit: '1000', ...query })
      .expect(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items as Entry[];
  }
  const auditTotal = async () =>
    (await asAdmin.get('/api/audit?limit=1').expect(200)).body.total as number;
  const latest = async (query: Record<string, string>) =>
    (await entries(query))[0];

  describe('what is recorded', () => {
    it('api_key.create, update, rotate and delete with their fields, and never the secret', async () => {
      const created = await asAdmin
        .post('/api/keys')
        .set('X-Request-Id', 'req-create-1')
        .send({
          title: 'CI deploy',
          privileges: ['run_jobs'],
          categories: ['prod'],
        })
        .expect(201);
      const id = created.body.id as string;
      const entry = await latest({ target_id: id });
      expect(Object.keys(entry).sort()).toEqual(ENTRY_FIELDS);
      expect(entry).toMatchObject({
        at: iso(t.clock.now()),
        actor: 'admin',
        action: 'api_key.create',
        target_type: 'api_key',
        target_id: id,
        outcome: 'success',
        code: null,
        request_id: 'req-create-1',
      });
      expect(typeof entry.id).toBe('string');
      expect(entry.ip).toMatch(/127\.0\.0\.1/);
      expect(entry.details).toMatchObject({
        title: 'CI deploy',
        privileges: ['run_jobs'],
        categories: ['prod'],
        active: true,
      });
      expect(entry.details).not.toHaveProperty('mask');
      expect(JSON.stringify(entry)).not.toContain(created.body.key);

      await asAdmin
        .patch(`/api/keys/${id}`)
        .send({ title: 'CD deploy', active: true })
        .expect(200);
      expect((await latest({ target_id: id })).details).toEqual({
        title: 'CD deploy',
      });

      const rotated = await asAdmin
        .post(`/api/keys/${id}/rotate`)
        .send({ grace_seconds: 60 })
        .expect(201);
      const rotation = await latest({ target_id: id });
      expect(rotation).toMatchObject({
        action: 'api_key.rotate',
        details: {
          grace_seconds: 60,
          previous_valid_until: iso(t.clock.now() + 60_000),
        },
      });
      expect(JSON.stringify(rotation)).not.toContain(rotated.body.key);

      await asAdmin.delete(`/api/keys/${id}`).expect(204);
      expect(await latest({ target_id: id })).toMatchObject({
        action: 'api_key.delete',
        actor: 'admin',
        details: { title: 'CD deploy' },
      });
      expect((await entries({ target_id: id })).map((e) => e.action)).toEqual([
        'api_key.delete',
        'api_key.rotate',
        'api_key.update',
        'api_key.create',
      ]);
    });

    it('user.create, update (a new password only as changed) and delete', async () => {
      const username = fresh('audited');
      await createUser(t.server, admin, { username, privileges: ['run_jobs'] });
      expect(await latest({ target_id: username })).toMatchObject({
        action: 'user.create',
        target_type: 'user',
        details: {
          username,
          privileges: ['run_jobs'],
          active: true,
          full_name: '',
        },
      });
      await asAdmin
        .patch(`/api/users/${username}`)
        .send({ password: 'a-new-password-1', full_name: 'Audited' })
        .expect(200);
      const update = await latest({ target_id: username });
      expect(update).toMatchObject({
        action: 'user.update',
        details: { full_name: 'Audited', password: '(changed)' },
      });
      expect(JSON.stringify(update)).not.toContain('a-new-password-1');
      await asAdmin.delete(`/api/users/${username}`).expect(204);
      expect((await latest({ target_id: username })).action).toBe(
        'user.delete',
      );
    });

    it('role.create, update and delete', async () => {
      const id = fresh('role');
      await asAdmin
        .post('/api/roles')
        .send({ id, title: 'R', privileges: ['run_jobs'] })
        .expect(201);
      await asAdmin
        .patch(`/api/roles/${id}`)
        .send({ enabled: false })
        .expect(200);
      await asAdmin.delete(`/api/roles/${id}`).expect(204);
      const [deleted, updated, created] = await entries({
        target_type: 'role',
        target_id: id,
      });
      expect(created).toMatchObject({
        action: 'role.create',
        actor: 'admin',
        details: { title: 'R', privileges: ['run_jobs'], enabled: true },
      });
      expect(updated).toMatchObject({
        action: 'role.update',
        details: { enabled: false },
      });
      expect(deleted).toMatchObject({
        action: 'role.delete',
        outcome: 'success',
      });
    });

    it('session.login success and failed, session.lockout once, session.logout', async () => {
      const username = fresh('login');
      await createUser(t.server, admin, { username });
      const session = await login(t.server, username, USER_PASSWORD);
      expect(await latest({ target_id: username })).toMatchObject({
        action: 'session.login',
        actor: username,
        outcome: 'success',
        code: null,
      });
      for (let i = 0; i < 5; i++) {
        await t
          .http()
          .post('/api/sessions')
          .send({ username, password: 'wrong-password' });
      }
      const failures = await entries({
        target_id: username,
        action: 'session.login',
      });
      // Three failures fill the window; the two after it are 429s, not logins.
      expect(failures.filter((e) => e.outcome === 'failed')).toHaveLength(3);
      expect(failures[0]).toMatchObject({ actor: null, code: 'login_failed' });
      const lockouts = await entries({
        target_id: username,
        action: 'session.lockout',
      });
      expect(lockouts).toHaveLength(1);
      expect(lockouts[0]).toMatchObject({
        outcome: 'denied',
        code: 'too_many_login_attempts',
        details: { failures: 3, window_seconds: 60 },
      });
      await t
        .http()
        .delete('/api/sessions/current')
        .set('X-Session-ID', session.sessionId)
        .expect(204);
      expect(await latest({ target_id: username })).toMatchObject({
        action: 'session.logout',
        actor: username,
        target_type: 'user',
      });
    });

    it('access.denied for a 403, naming the caller and the code', async () => {
      const key = await createKey(t.server, admin, { categories: ['prod'] });
      expectProblem(
        await asKey(key.key).post('/api/keys').send({ title: 'x' }),
        403,
        'missing_privilege',
      );
      expect(await latest({ actor: `key:${key.id}` })).toMatchObject({
        action: 'access.denied',
        target_type: 'api_key',
        target_id: key.id,
        outcome: 'denied',
        code: 'missing_privilege',
        details: { method: 'POST', path: '/api/keys', status: 403 },
      });
      const other = await asAdmin
        .post('/api/events')
        .send({ title: 'e', category: 'dev' })
        .expect(201);
      expectProblem(
        await asKey(key.key).get(`/api/events/${other.body.id}`),
        403,
        'scope_denied',
      );
      expect((await latest({ actor: `key:${key.id}` })).code).toBe(
        'scope_denied',
      );
    });

    it('access.denied for csrf_failed on a cookie session', async () => {
      const username = fresh('csrf');
      await createUser(t.server, admin, { username });
      const session = await login(t.server, username, USER_PASSWORD);
      expectProblem(
        await t
          .http()
          .delete('/api/sessions/current')
          .set('Cookie', session.cookie),
        403,
        'csrf_failed',
      );
      expect(await latest({ actor: username })).toMatchObject({
        action: 'access.denied',
        code: 'csrf_failed',
        target_type: 'user',
      });
    });

    it('access.denied for a 401 on a key or session that exists (disabled, expired)', async () => {
      const key = await createKey(t.server, admin, { active: false });
      expectProblem(
        await asKey(key.key).get('/api/me'),
        401,
        'api_key_disabled',
      );
      expect(await latest({ target_id: key.id })).toMatchObject({
        action: 'access.denied',
        actor: `key:${key.id}`,
        code: 'api_key_disabled',
        details: { status: 401 },
      });
      const username = fresh('expiring');
      await createUser(t.server, admin, { username });
      const session = await login(t.server, username, USER_PASSWORD);
      t.clock.advanceSeconds(t.config.sessionIdleTimeout + 1);
      // The admin's own session idled out too.
      admin = await login(t.server);
      expectProblem(
        await t.http().get('/api/me').set('X-Session-ID', session.sessionId),
        401,
        'session_expired',
      );
      expect(await latest({ target_id: username })).toMatchObject({
        action: 'access.denied',
        code: 'session_expired',
      });
    });

    it('records no unknown credentials one by one, and no 400 or 409', async () => {
      const before = await auditTotal();
      for (let i = 0; i < 30; i++) {
        const unknownKey = randomBytes(18)
          .toString('base64url')
          .replace(/[-_]/g, 'a');
        await t.http().get('/api/me').set('X-API-Key', unknownKey).expect(401);
        await t
          .http()
          .get('/api/me')
          .set('X-Session-ID', randomBytes(32).toString('base64url'))
          .expect(401);
      }
      await t.http().get('/api/me').expect(401);
      await asAdmin.post('/api/keys').send({}).expect(400);
      await asAdmin
        .post('/api/categories')
        .send({ id: 'prod', title: 'again' })
        .expect(409);
      expect(await auditTotal()).toBe(before);
    });
  });

  describe('GET /api/audit', () => {
    it('is newest first, paged, and filtered by every field', async () => {
      const start = t.clock.now();
      t.clock.advance(1000);
      const first = fresh('filter');
      const second = fresh('filter');
      await asAdmin
        .post('/api/roles')
        .send({ id: first, title: 'F' })
        .expect(201);
      t.clock.advance(1000);
      await asAdmin
        .post('/api/roles')
        .send({ id: second, title: 'S' })
        .expect(201);
      const since = await entries({ since: iso(start + 500) });
      expect(since.map((e) => e.target_id)).toEqual([second, first]);
      expect(
        (
          await entries({ since: iso(start + 500), until: iso(start + 1500) })
        ).map((e) => e.target_id),
      ).toEqual([first]);
      const page = await asAdmin
        .get('/api/audit')
        .query({ limit: 1, offset: 1, action: 'role.create' })
        .expect(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0].target_id).toBe(first);
      expect(page.body.total).toBeGreaterThanOrEqual(2);
      const byActor = await entries({
        actor: 'admin',
        target_type: 'role',
        target_id: second,
      });
      expect(byActor.map((e) => e.action)).toEqual(['role.create']);
      expect(await entries({ actor: 'nobody' })).toEqual([]);
      const ids = (await entries()).map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });

    it.each([
      ['since', 'yesterday'],
      ['until', '2026-13-01T00:00:00Z'],
      ['target_type', 'event'],
      ['action', 'DROP TABLE'],
      ['limit', '0'],
      ['colour', 'red'],
    ])('refuses %s=%s with 400 validation_failed', async (name, value) => {
      const res = await asAdmin.get('/api/audit').query({ [name]: value });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toContain(name);
    });

    it('needs admin', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_roles'],
      });
      expectProblem(
        await asKey(key.key).get('/api/audit'),
        403,
        'missing_privilege',
      );
    });
  });

  describe('atomicity: an entry is written in the transaction of its change', () => {
    let spy: jest.SpyInstance | undefined;
    const failNextAuditWrite = () => {
      spy = jest
        .spyOn(AuditLog.prototype, 'record')
        .mockRejectedValueOnce(new Error('audit write failed'));
    };
    afterEach(() => spy?.mockRestore());

    it('rolls back a key created, changed or deleted when its entry cannot be written', async () => {
      const total = async () =>
        (await asAdmin.get('/api/keys').expect(200)).body.total as number;
      const before = await total();
      failNextAuditWrite();
      expectProblem(
        await asAdmin.post('/api/keys').send({ title: 'lost' }),
        500,
        'internal_error',
      );
      expect(await total()).toBe(before);
      const key = await createKey(t.server, admin, { title: 'kept' });
      failNextAuditWrite();
      await asAdmin
        .patch(`/api/keys/${key.id}`)
        .send({ title: 'changed' })
        .expect(500);
      failNextAuditWrite();
      await asAdmin.delete(`/api/keys/${key.id}`).expect(500);
      const stored = await asAdmin.get(`/api/keys/${key.id}`).expect(200);
      expect(stored.body.title).toBe('kept');
      // The key still works: its cache was not told of a change that never happened.
      await asKey(key.key).get('/api/me').expect(200);
    });

    it('rolls back a user, a role and a login', async () => {
      const username = fresh('atomic');
      failNextAuditWrite();
      await asAdmin
        .post('/api/users')
        .send({ username, password: USER_PASSWORD })
        .expect(500);
      await asAdmin.get(`/api/users/${username}`).expect(404);
      const id = fresh('atomic-role');
      failNextAuditWrite();
      await asAdmin.post('/api/roles').send({ id, title: 'x' }).expect(500);
      await asAdmin.get(`/api/roles/${id}`).expect(404);
      await createUser(t.server, admin, { username });
      const sessions = async () =>
        (await t.dataSource.query('SELECT COUNT(*) AS n FROM sessions'))[0]
          .n as number;
      const before = await sessions();
      failNextAuditWrite();
      await t
        .http()
        .post('/api/sessions')
        .send({ username, password: USER_PASSWORD })
        .expect(500);
      expect(await sessions()).toBe(before);
    });
  });

  describe('retention (AUDIT_RETENTION_DAYS)', () => {
    it('deletes entries older than the retention in batches, and keeps the rest', async () => {
      const repo = t.dataSource.getRepository(AuditEntry);
      const old = new Date(t.clock.now() - 91 * 86_400_000);
      const rows = Array.from({ length: SWEEP_BATCH * 2 + 10 }, () => ({
        at: old,
        actor: 'old',
        action: 'api_key.update',
        targetType: 'api_key' as const,
        targetId: 'gone',
        outcome: 'success' as const,
        code: null,
        ip: null,
        requestId: null,
        details: {},
      }));
      for (let i = 0; i < rows.length; i += 200)
        await repo.insert(rows.slice(i, i + 200));
      const recent = await repo.count({ where: { actor: 'admin' } });
      const sql = new SqlSpy();
      try {
        expect(await t.app.get(AuditLog).sweep()).toBe(rows.length);
        expect(sql.matching(/^DELETE FROM "audit_log"/)).toHaveLength(3);
      } finally {
        sql.restore();
      }
      expect(await repo.count({ where: { actor: 'old' } })).toBe(0);
      expect(await repo.count({ where: { actor: 'admin' } })).toBe(recent);
    });
  });
});
