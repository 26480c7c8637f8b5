import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ApiKeyVerifier } from '../src/api-keys/api-key.verifier';
import { SessionVerifier } from '../src/sessions/session.verifier';
import {
  createKey,
  createUser,
  login,
  LoggedIn,
  USER_PASSWORD,
  seedScope,
} from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';
import { sql as inDialect } from './helpers/test-database';

const KEY_LOOKUP = /^SELECT .* FROM "api_keys"/;
const SESSION_LOOKUP = /^SELECT .* FROM "sessions"/;

describe('verification cache', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let sql: SqlSpy;

  beforeAll(async () => {
    t = await createTestApp({
      AUTH_CACHE_TTL: '30',
      AUTH_NEGATIVE_CACHE_TTL: '5',
      AUTH_CACHE_SIZE: '200',
      ACTIVITY_FLUSH_INTERVAL: '60',
      // The flood below measures the caches; the per-IP limit (SPEC §7) would
      // stop it first. test/auth-failures.e2e-spec.ts covers that limit.
      AUTH_FAILURE_LIMIT: '0',
    });
    admin = await login(t.server);
    await seedScope(t.server, admin, ['dev'], []);
  });
  beforeEach(() => (sql = new SqlSpy()));
  afterEach(() => sql.restore());
  afterAll(() => t.close());

  const me = (header: string, value: string) =>
    request(t.server).get('/api/me').set(header, value);

  it('verifies a repeated key and session without reading the database', async () => {
    const key = await createKey(t.server, admin);
    sql.reset();
    for (let i = 0; i < 50; i++) await me('X-API-Key', key.key).expect(200);
    for (let i = 0; i < 50; i++)
      await me('X-Session-ID', admin.sessionId).expect(200);
    expect(sql.matching(KEY_LOOKUP)).toHaveLength(1);
    expect(sql.matching(SESSION_LOOKUP).length).toBeLessThanOrEqual(1);
    expect(sql.statements).toHaveLength(
      sql.matching(/FROM "(api_keys|sessions)"/).length,
    );
  });

  it('still checks expiry against the clock on every cached request', async () => {
    const key = await createKey(t.server, admin, {
      expires_at: new Date(t.clock.now() + 10_000).toISOString(),
    });
    await me('X-API-Key', key.key).expect(200);
    t.clock.advance(10_000);
    const res = await me('X-API-Key', key.key).expect(401);
    expect(res.body.code).toBe('api_key_expired');
  });

  it('remembers an unknown key briefly, then asks the database again', async () => {
    const unknown = 'Z'.repeat(24);
    await me('X-API-Key', unknown).expect(401);
    await me('X-API-Key', unknown).expect(401);
    expect(sql.matching(KEY_LOOKUP)).toHaveLength(1);
    t.clock.advanceSeconds(5);
    await me('X-API-Key', unknown).expect(401);
    expect(sql.matching(KEY_LOOKUP)).toHaveLength(2);
  });

  it('keeps memory bounded under a flood of random keys', async () => {
    const key = await createKey(t.server, admin);
    await me('X-API-Key', key.key).expect(200);
    for (let i = 0; i < 600; i++) {
      await me('X-API-Key', `Flood${String(i).padStart(19, '0')}`).expect(401);
    }
    expect(t.app.get(ApiKeyVerifier).cacheSizes).toEqual({
      known: expect.any(Number),
      unknown: 200,
    });
    sql.reset();
    await me('X-API-Key', key.key).expect(200);
    expect(sql.matching(KEY_LOOKUP)).toHaveLength(0);
  });

  describe('a change made through the API shows on the very next request', () => {
    const check = async (
      change: (key: { id: string; key: string }) => Promise<unknown>,
      status: number,
      code?: string,
      path = '/api/me',
    ) => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_tickets'],
      });
      await me('X-API-Key', key.key).expect(200);
      await change(key);
      const res = await request(t.server)
        .post(path)
        .set('X-API-Key', key.key)
        .send({ subject: 's', category: 'prod' });
      expect([res.status, res.body.code]).toEqual([
        status,
        code ?? res.body.code,
      ]);
    };
    const patch = (id: string, body: object) =>
      request(t.server)
        .patch(`/api/keys/${id}`)
        .set('X-Session-ID', admin.sessionId)
        .send(body)
        .expect(200);

    beforeAll(async () => {
      await request(t.server)
        .post('/api/categories')
        .set('X-Session-ID', admin.sessionId)
        .send({ id: 'prod', title: 'prod' })
        .expect(201);
    });

    it('disabling a key', () =>
      check(
        (k) => patch(k.id, { active: false }),
        401,
        'api_key_disabled',
        '/api/tickets',
      ));
    it('deleting a key', () =>
      check(
        (k) =>
          request(t.server)
            .delete(`/api/keys/${k.id}`)
            .set('X-Session-ID', admin.sessionId)
            .expect(204),
        401,
        'invalid_api_key',
        '/api/tickets',
      ));
    it('rotating a key', () =>
      check(
        (k) =>
          request(t.server)
            .post(`/api/keys/${k.id}/rotate`)
            .set('X-Session-ID', admin.sessionId)
            .expect(201),
        401,
        'invalid_api_key',
        '/api/tickets',
      ));
    it('taking a privilege away', () =>
      check(
        (k) => patch(k.id, { privileges: [] }),
        403,
        'missing_privilege',
        '/api/tickets',
      ));
    it('narrowing the scope', () =>
      check(
        (k) => patch(k.id, { categories: ['dev'] }),
        403,
        'scope_denied',
        '/api/tickets',
      ));
    it('an expiry set in the near future, once it passes', () =>
      check(
        async (k) => {
          await patch(k.id, {
            expires_at: new Date(t.clock.now() + 1000).toISOString(),
          });
          t.clock.advance(1000);
        },
        401,
        'api_key_expired',
        '/api/tickets',
      ));

    it('changing, disabling and deleting a user, and logging out', async () => {
      await createUser(t.server, admin, {
        username: 'cached',
        privileges: ['create_tickets'],
      });
      const asAdmin = (method: 'patch' | 'delete', body?: object) =>
        request(t.server)
          [method]('/api/users/cached')
          .set('X-Session-ID', admin.sessionId)
          .send(body);
      const session = await login(t.server, 'cached', USER_PASSWORD);
      const post = () =>
        request(t.server)
          .post('/api/tickets')
          .set('X-Session-ID', session.sessionId)
          .send({ subject: 's', category: 'prod' });
      await post().expect(201);
      await asAdmin('patch', { privileges: [] }).expect(200);
      expect((await post()).body.code).toBe('missing_privilege');
      await asAdmin('patch', {
        privileges: ['create_tickets'],
        categories: ['dev'],
      });
      expect((await post()).body.code).toBe('scope_denied');
      await asAdmin('patch', { active: false }).expect(200);
      expect((await post()).body.code).toBe('account_disabled');
      await asAdmin('patch', { active: true }).expect(200);
      expect((await post()).body.code).toBe('invalid_session');

      const second = await login(t.server, 'cached', USER_PASSWORD);
      await me('X-Session-ID', second.sessionId).expect(200);
      await request(t.server)
        .delete('/api/sessions/current')
        .set('X-Session-ID', second.sessionId)
        .expect(204);
      expect((await me('X-Session-ID', second.sessionId)).body.code).toBe(
        'invalid_session',
      );

      const third = await login(t.server, 'cached', USER_PASSWORD);
      await me('X-Session-ID', third.sessionId).expect(200);
      await asAdmin('delete').expect(204);
      expect((await me('X-Session-ID', third.sessionId)).body.code).toBe(
        'invalid_session',
      );
    });
  });

  describe('batched bookkeeping', () => {
    it('turns a burst of requests on one key and one session into one UPDATE each', async () => {
      const key = await createKey(t.server, admin);
      const session = await login(t.server);
      await t.app.get(ApiKeyVerifier).flush();
      await t.app.get(SessionVerifier).activity.flush();
      sql.reset();
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          i % 2
            ? me('X-API-Key', key.key).expect(200)
            : me('X-Session-ID', session.sessionId).expect(200),
        ),
      );
      expect(sql.matching(/^UPDATE/)).toHaveLength(0);
      expect(await t.app.get(ApiKeyVerifier).flush()).toBe(1);
      expect(await t.app.get(SessionVerifier).activity.flush()).toBe(1);
      expect(sql.matching(/^UPDATE "api_keys"/)).toHaveLength(1);
      expect(sql.matching(/^UPDATE "sessions"/)).toHaveLength(1);
    });

    it('shows last_used_at before it is written, and writes it', async () => {
      const key = await createKey(t.server, admin);
      await me('X-API-Key', key.key).expect(200);
      const used = t.clock.now();
      const get = () =>
        request(t.server)
          .get(`/api/keys/${key.id}`)
          .set('X-Session-ID', admin.sessionId)
          .expect(200);
      expect((await get()).body.last_used_at).toBe(
        new Date(used).toISOString(),
      );
      await t.app.get(ApiKeyVerifier).flush();
      const [row] = await t.dataSource.query(
        inDialect('SELECT last_used_at FROM api_keys WHERE id = ?'),
        [key.id],
      );
      expect(Number(row.last_used_at)).toBe(used);
      expect((await get()).body.last_used_at).toBe(
        new Date(used).toISOString(),
      );
    });
  });
});

describe('verification cache across instances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-cache-'));
  const env = {
    DATABASE_PATH: join(dir, 'db.sqlite'),
    AUTH_CACHE_TTL: '10',
    ACTIVITY_FLUSH_INTERVAL: '60',
  };
  let a: TestApp;
  let b: TestApp;
  const clock = new FakeClock();

  beforeAll(async () => {
    a = await createTestApp(env, clock);
    b = await createTestApp(env, clock);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees a change made on another instance within AUTH_CACHE_TTL, and no later', async () => {
    const admin = await login(a.server);
    const key = await createKey(a.server, admin);
    await request(b.server)
      .get('/api/me')
      .set('X-API-Key', key.key)
      .expect(200);
    await request(a.server)
      .patch(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .send({ active: false })
      .expect(200);
    await request(a.server)
      .get('/api/me')
      .set('X-API-Key', key.key)
      .expect(401);
    clock.advanceSeconds(9);
    await request(b.server)
      .get('/api/me')
      .set('X-API-Key', key.key)
      .expect(200);
    clock.advanceSeconds(1);
    const res = await request(b.server)
      .get('/api/me')
      .set('X-API-Key', key.key);
    expect([res.status, res.body.code]).toEqual([401, 'api_key_disabled']);
  });

  it('writes pending activity when the app shuts down', async () => {
    const other = await createTestApp(env, clock);
    const admin = await login(other.server);
    const key = await createKey(other.server, admin);
    clock.advanceSeconds(1);
    await request(other.server)
      .get('/api/me')
      .set('X-API-Key', key.key)
      .expect(200);
    await other.close();
    const [row] = await a.dataSource.query(
      inDialect('SELECT last_used_at FROM api_keys WHERE id = ?'),
      [key.id],
    );
    expect(Number(row.last_used_at)).toBe(clock.now());
  });
});
