import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, login, LoggedIn } from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

const START = Date.UTC(2031, 5, 1, 12);
const DAY = 86_400_000;
const inDays = (days: number) => new Date(START + days * DAY).toISOString();

describe('key expiry (SPEC §19)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({}, new FakeClock(START));
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  describe('X-API-Key-Expires', () => {
    it('is on every answer authenticated by a key that expires, refusals included', async () => {
      const key = await createKey(t.server, admin, { expires_at: inDays(3) });
      const as = (path: string) => t.http().get(path).set('X-API-Key', key.key);
      for (const [path, status] of [
        ['/api/me', 200],
        ['/api/keys', 403],
        ['/api/events/nope', 404],
      ] as const) {
        const res = await as(path);
        expect(res.status).toBe(status);
        expect(res.headers['x-api-key-expires']).toBe(inDays(3));
      }
    });

    it('is not on a key that never expires, a session, or a refused key', async () => {
      const key = await createKey(t.server, admin);
      const res = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', key.key)
        .expect(200);
      expect(res.headers).not.toHaveProperty('x-api-key-expires');
      const session = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      expect(session.headers).not.toHaveProperty('x-api-key-expires');
      const soon = await createKey(t.server, admin, {
        expires_at: inDays(1),
        active: false,
      });
      const refused = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', soon.key)
        .expect(401);
      expect(refused.headers).not.toHaveProperty('x-api-key-expires');
    });

    it('follows a new expires_at on the very next request', async () => {
      const key = await createKey(t.server, admin, { expires_at: inDays(3) });
      await t
        .http()
        .patch(`/api/keys/${key.id}`)
        .set('X-Session-ID', admin.sessionId)
        .send({ expires_at: inDays(5) })
        .expect(200);
      const res = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', key.key)
        .expect(200);
      expect(res.headers['x-api-key-expires']).toBe(inDays(5));
    });
  });

  describe('GET /api/keys filters', () => {
    const ids: Record<string, string> = {};
    const list = async (query: string) => {
      const res = await t
        .http()
        .get(`/api/keys?limit=1000&${query}`)
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      const mine = new Set(Object.values(ids));
      // Made in the same instant: ordered by id, which is random; compare as sets.
      return (res.body.items as Array<{ id: string }>)
        .filter((k) => mine.has(k.id))
        .map((k) => Object.keys(ids).find((name) => ids[name] === k.id))
        .sort();
    };

    beforeAll(async () => {
      const made = {
        live: { title: 'Filter Deploy', description: 'ships 100% of builds' },
        never: { title: 'filter reader', description: 'reads_only' },
        soon: { title: 'Filter soon', expires_at: inDays(2) },
        gone: { title: 'Filter gone', expires_at: inDays(1) },
        off: { title: 'Filter off', active: false },
        offGone: {
          title: 'Filter off gone',
          active: false,
          expires_at: inDays(1),
        },
      };
      for (const [name, body] of Object.entries(made)) {
        ids[name] = (await createKey(t.server, admin, body)).id;
      }
      // `gone` and `offGone` expire.
      t.clock.advance(DAY + 1);
      admin = await login(t.server);
    });

    it('filters by status: active, disabled (whatever its expiry), expired', async () => {
      expect(await list('status=active')).toEqual(['live', 'never', 'soon']);
      expect(await list('status=disabled')).toEqual(['off', 'offGone']);
      expect(await list('status=expired')).toEqual(['gone']);
    });

    it('filters keys expiring before an instant, leaving out those that never expire', async () => {
      expect(
        await list(`expires_before=${encodeURIComponent(inDays(3))}`),
      ).toEqual(['gone', 'offGone', 'soon']);
      expect(
        await list(`expires_before=${encodeURIComponent(inDays(2))}`),
      ).toEqual(['gone', 'offGone']);
    });

    it('finds a case-insensitive substring of the title, description or id, taking % and _ literally', async () => {
      expect(await list('q=DEPLOY')).toEqual(['live']);
      expect(await list('q=100%25')).toEqual(['live']);
      expect(await list('q=s_o')).toEqual(['never']);
      expect(await list('q=s%25o')).toEqual([]);
      expect(await list(`q=${ids.soon.toUpperCase()}`)).toEqual(['soon']);
      expect(await list('q=filter')).toHaveLength(6);
      expect(await list('q=')).toHaveLength(6);
    });

    it('combines filters, and counts only what matches in total', async () => {
      const res = await t
        .http()
        .get('/api/keys?status=active&q=filter&limit=1')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      expect(res.body.total).toBe(3);
      expect(res.body.items).toHaveLength(1);
    });

    it.each([
      ['status=gone', 'status'],
      ['expires_before=tomorrow', 'expires_before'],
      [`q=${'x'.repeat(201)}`, 'q'],
    ])('refuses %s with 400', async (query, field) => {
      const res = await t
        .http()
        .get(`/api/keys?${query}`)
        .set('X-Session-ID', admin.sessionId);
      expect(expectProblem(res, 400, 'validation_failed').errors[0].field).toBe(
        field,
      );
    });
  });
});

describe('MAX_KEY_LIFETIME_DAYS', () => {
  let dir: string;
  let path: string;
  let early: { id: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-lifetime-'));
    path = join(dir, 'opsgate.sqlite');
    // Keys made before the limit was set: one that never expires.
    const before = await createTestApp(
      { DATABASE_PATH: path },
      new FakeClock(START),
    );
    early = await createKey(before.server, await login(before.server));
    await before.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('requires new keys to expire within the limit, and refuses to rotate one that outlives it', async () => {
    const t = await createTestApp(
      { DATABASE_PATH: path, MAX_KEY_LIFETIME_DAYS: '30' },
      new FakeClock(START),
    );
    try {
      const admin = await login(t.server);
      const post = (body: object) =>
        t
          .http()
          .post('/api/keys')
          .set('X-Session-ID', admin.sessionId)
          .send({ title: 'k', ...body });
      for (const body of [
        {},
        { expires_at: null },
        { expires_at: inDays(31) },
      ]) {
        const problem = expectProblem(
          await post(body),
          400,
          'validation_failed',
        );
        expect(problem.errors[0]).toEqual({
          field: 'expires_at',
          message: expect.stringContaining('MAX_KEY_LIFETIME_DAYS'),
        });
      }
      const ok = await post({ expires_at: inDays(30) }).expect(201);
      const patch = (id: string, body: object) =>
        t
          .http()
          .patch(`/api/keys/${id}`)
          .set('X-Session-ID', admin.sessionId)
          .send(body);
      expectProblem(
        await patch(ok.body.id, { expires_at: null }),
        400,
        'validation_failed',
      );
      await patch(ok.body.id, { title: 'renamed' }).expect(200);
      const rotate = (id: string) =>
        t
          .http()
          .post(`/api/keys/${id}/rotate`)
          .set('X-Session-ID', admin.sessionId)
          .send({});
      await rotate(ok.body.id).expect(201);
      expectProblem(await rotate(early.id), 400, 'validation_failed');
      await patch(early.id, { expires_at: inDays(10) }).expect(200);
      await rotate(early.id).expect(201);
    } finally {
      await t.close();
    }
  });
});
