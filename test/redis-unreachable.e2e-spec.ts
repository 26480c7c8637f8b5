import { burst, statusCounts } from './helpers/burst';
import { createKey, login, type LoggedIn } from './helpers/auth';
import { LogCapture } from './helpers/log-capture';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, type TestApp } from './helpers/test-app';

/**
 * SPEC §14 with REDIS_URL set and Redis unreachable (nothing listens on port
 * 1): the instance starts and serves on its own. Needs no Redis, so it runs in
 * `npm test`; Redis killed and restarted is in test/integration.
 */
describe('REDIS_URL set, Redis unreachable', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = new LogCapture();
    t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    admin = await login(t.server);
  });
  afterAll(async () => {
    await t.close();
    logs.restore();
  });

  it('answers GET /api/health with 200 degraded, naming Redis as down', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body).toEqual({
      status: 'degraded',
      checks: { database: 'ok', redis: 'down' },
    });
  });

  it('logs the loss once, at warn, naming Redis', () => {
    const lines = logs.entries.filter((e) => e.context === 'Redis');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', context: 'Redis' });
  });

  it('verifies a key against the database on every request, as no change from elsewhere can be heard', async () => {
    const { key } = await createKey(t.server, admin);
    const spy = new SqlSpy();
    try {
      for (let i = 0; i < 3; i++) {
        await t.http().get('/api/me').set('X-API-Key', key).expect(200);
      }
      expect(spy.matching(/FROM "api_keys"/)).toHaveLength(3);
    } finally {
      spy.restore();
    }
  });

  it('enforces max_per_sec on its own', async () => {
    const { key } = await createKey(t.server, admin, { max_per_sec: 3 });
    const answers = await burst(10, () =>
      t.http().get('/api/me').set('X-API-Key', key),
    );
    expect(statusCounts(answers)).toEqual({ 200: 3, 429: 7 });
  });

  it('keeps the login lockout on its own', async () => {
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post('/api/sessions')
        .send({ username: 'admin', password: 'wrong-password' })
        .expect(401);
    }
    const res = await t
      .http()
      .post('/api/sessions')
      .send({ username: 'admin', password: 'wrong-password' });
    expect([res.status, res.body.code]).toEqual([
      429,
      'too_many_login_attempts',
    ]);
  });
});
