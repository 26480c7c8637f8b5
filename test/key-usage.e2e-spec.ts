import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyUsage } from '../src/api-keys/key-usage';
import {
  createKey,
  login,
  LoggedIn,
  seedScope,
  keyRequests,
} from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';

/** Noon, 10 January 2031 (UTC): far from a day's edge unless a test moves there. */
const START = Date.UTC(2031, 0, 10, 12);
const DAY = 86_400_000;

describe('usage per key (SPEC §19)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let eventId: string;

  const usage = (id: string, days?: number) =>
    t
      .http()
      .get(`/api/keys/${id}/usage${days ? `?days=${days}` : ''}`)
      .set('X-Session-ID', admin.sessionId);
  const asKey = (key: string) => keyRequests(() => t.http(), key);

  beforeAll(async () => {
    t = await createTestApp(
      { ACTIVITY_FLUSH_INTERVAL: '60' },
      new FakeClock(START),
    );
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod']);
    const res = await t
      .http()
      .post('/api/events')
      .set('X-Session-ID', admin.sessionId)
      .send({ title: 'e', category: 'prod' })
      .expect(201);
    eventId = res.body.id;
  });
  afterAll(() => t.close());

  it('counts successes, denials and rate limiting per day, with routes and least-privilege advice', async () => {
    const key = await createKey(t.server, admin, {
      privileges: ['edit_events', 'create_events', 'delete_events'],
      max_per_sec: 2,
    });
    const as = asKey(key.key);
    await as.get('/api/events').expect(200);
    await as.patch(`/api/events/${eventId}`).send({ title: 'f' }).expect(200);
    await as.get('/api/events').expect(429);
    t.clock.advance(1000);
    await as.get('/api/keys').expect(403);
    await as.get(`/api/events/${eventId}`).expect(200);
    // Not a success, a denial nor a limit: counted in none.
    t.clock.advance(1000);
    await as.get('/api/events/nope').expect(404);

    const res = await usage(key.id, 3).expect(200);
    expect(res.body).toEqual({
      days: [
        { date: '2031-01-08', success: 0, denied: 0, rate_limited: 0 },
        { date: '2031-01-09', success: 0, denied: 0, rate_limited: 0 },
        { date: '2031-01-10', success: 3, denied: 1, rate_limited: 1 },
      ],
      routes: [
        { route: 'GET /api/events', count: 1 },
        { route: 'GET /api/events/:id', count: 1 },
        { route: 'PATCH /api/events/:id', count: 1 },
      ],
      privileges_used: ['edit_events'],
      unused_privileges: ['create_events', 'delete_events'],
    });
  });

  it('shows 14 days by default, and survives a flush without counting twice', async () => {
    const key = await createKey(t.server, admin);
    for (let i = 0; i < 3; i++) await asKey(key.key).get('/api/me').expect(200);
    const before = await usage(key.id).expect(200);
    expect(before.body.days).toHaveLength(14);
    await t.app.get(KeyUsage).flush();
    const after = await usage(key.id).expect(200);
    expect(after.body).toEqual(before.body);
    expect(after.body.days[13]).toEqual({
      date: '2031-01-10',
      success: 3,
      denied: 0,
      rate_limited: 0,
    });
    await asKey(key.key).get('/api/me').expect(200);
    expect((await usage(key.id).expect(200)).body.days[13].success).toBe(4);
  });

  it('reports admin as used only when a request needed it', async () => {
    const key = await createKey(t.server, admin, {
      privileges: ['admin', 'run_jobs'],
    });
    await asKey(key.key).get('/api/events').expect(200);
    expect((await usage(key.id).expect(200)).body).toMatchObject({
      privileges_used: [],
      unused_privileges: ['admin', 'run_jobs'],
    });
    await asKey(key.key).get('/api/keys').expect(200);
    expect((await usage(key.id).expect(200)).body).toMatchObject({
      privileges_used: ['admin'],
      unused_privileges: ['run_jobs'],
    });
  });

  it("counts a disabled key's refusals as denied, and records the client IP of its last request", async () => {
    const key = await createKey(t.server, admin);
    await asKey(key.key).get('/api/me').expect(200);
    await t
      .http()
      .patch(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .send({ active: false })
      .expect(200);
    await asKey(key.key).get('/api/me').expect(401);
    const res = await usage(key.id, 1).expect(200);
    expect(res.body.days).toEqual([
      { date: '2031-01-10', success: 1, denied: 1, rate_limited: 0 },
    ]);
    const record = await t
      .http()
      .get(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(record.body.last_used_ip).toBe('127.0.0.1');
    await t.app.get(KeyUsage).flush();
    const written = await t
      .http()
      .get(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(written.body.last_used_ip).toBe('127.0.0.1');
  });

  it('starts a new row at midnight UTC, oldest day first', async () => {
    const key = await createKey(t.server, admin);
    const edge = Math.ceil(t.clock.now() / DAY) * DAY;
    t.clock.advance(edge - t.clock.now() - 1);
    await asKey(key.key).get('/api/me').expect(200);
    t.clock.advance(1);
    await asKey(key.key).get('/api/me').expect(200);
    await asKey(key.key).get('/api/me').expect(200);
    // Half a day on: the admin's session has gone idle.
    admin = await login(t.server);
    const res = await usage(key.id, 2).expect(200);
    expect(res.body.days.map((d: { success: number }) => d.success)).toEqual([
      1, 2,
    ]);
    await t.app.get(KeyUsage).flush();
    const rows = await t.dataSource.query(
      `SELECT day, success FROM api_key_usage WHERE key_id = '${key.id}' ORDER BY day`,
    );
    expect(rows).toEqual([
      { day: new Date(edge - DAY).toISOString().slice(0, 10), success: 1 },
      { day: new Date(edge).toISOString().slice(0, 10), success: 2 },
    ]);
  });

  it('writes nothing per request: one row per key and day, added to at each flush', async () => {
    const key = await createKey(t.server, admin);
    await t.app.get(KeyUsage).flush();
    const spy = new SqlSpy();
    try {
      for (let i = 0; i < 30; i++)
        await asKey(key.key).get('/api/me').expect(200);
      expect(spy.matching(/api_key_usage/)).toEqual([]);
      await t.app.get(KeyUsage).flush();
      expect(
        spy.matching(/^\s*(INSERT|UPDATE)\b.*api_key_usage/i),
      ).toHaveLength(1);
    } finally {
      spy.restore();
    }
  });

  it('refuses days outside 1–90 and an unknown key', async () => {
    const key = await createKey(t.server, admin);
    for (const days of ['0', '91', 'x']) {
      const res = await t
        .http()
        .get(`/api/keys/${key.id}/usage?days=${days}`)
        .set('X-Session-ID', admin.sessionId);
      expectProblem(res, 400, 'validation_failed');
    }
    expectProblem(await usage('nope'), 404, 'not_found');
  });

  it('deletes a key’s usage with the key', async () => {
    const key = await createKey(t.server, admin);
    await asKey(key.key).get('/api/me').expect(200);
    await t.app.get(KeyUsage).flush();
    await t
      .http()
      .delete(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(204);
    const rows = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM api_key_usage WHERE key_id = '${key.id}'`,
    );
    expect(Number(rows[0].n)).toBe(0);
  });
});

describe('usage per key across a restart', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is exact after the server stops and starts again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-usage-'));
    const env = { DATABASE_PATH: join(dir, 'opsgate.sqlite') };
    const first = await createTestApp(env, new FakeClock(START));
    const admin = await login(first.server);
    const key = await createKey(first.server, admin);
    for (let i = 0; i < 5; i++) {
      await first.http().get('/api/me').set('X-API-Key', key.key).expect(200);
    }
    // Shutdown flushes what is pending.
    await first.close();
    const second = await createTestApp(env, new FakeClock(START));
    try {
      const again = await login(second.server);
      const res = await second
        .http()
        .get(`/api/keys/${key.id}/usage?days=1`)
        .set('X-Session-ID', again.sessionId)
        .expect(200);
      expect(res.body.days).toEqual([
        { date: '2031-01-10', success: 5, denied: 0, rate_limited: 0 },
      ]);
      expect(res.body.routes).toEqual([{ route: 'GET /api/me', count: 5 }]);
    } finally {
      await second.close();
    }
  });
});
