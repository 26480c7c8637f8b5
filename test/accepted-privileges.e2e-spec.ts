import { createKey, login, LoggedIn } from './helpers/auth';
import { createTestApp, TestApp } from './helpers/test-app';

/** SPEC §19: X-Accepted-Privileges on every answer of a route that requires privileges, and on no other. */
describe('X-Accepted-Privileges', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let reader: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    reader = (await createKey(t.server, admin)).key;
  });
  afterAll(() => t.close());

  const header = 'x-accepted-privileges';

  it.each([
    [
      'a success',
      () => t.http().get('/api/keys').set('X-Session-ID', admin.sessionId),
      200,
      'admin',
    ],
    [
      'a 403 missing_privilege',
      () => t.http().delete('/api/events/e1').set('X-API-Key', reader),
      403,
      'delete_events',
    ],
    [
      'a 401 without a credential',
      () => t.http().post('/api/events').send({ title: 'x' }),
      401,
      'create_events',
    ],
    [
      'a 401 for an unknown key',
      () =>
        t.http().post('/api/events/e1/run').set('X-API-Key', 'Zz'.repeat(12)),
      401,
      'run_jobs',
    ],
    [
      'a 404 for no such record',
      () =>
        t
          .http()
          .delete('/api/events/nope')
          .set('X-Session-ID', admin.sessionId),
      404,
      'delete_events',
    ],
    [
      'a 400 validation_failed',
      () =>
        t
          .http()
          .post('/api/events')
          .set('X-Session-ID', admin.sessionId)
          .send({ nope: 1 }),
      400,
      'create_events',
    ],
  ])('is on %s', async (_name, send, status, value) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers[header]).toBe(value);
  });

  it.each([
    [
      'an authenticated read',
      () => t.http().get('/api/events').set('X-API-Key', reader),
    ],
    ['a public route', () => t.http().get('/api/health')],
    [
      'explain',
      () =>
        t
          .http()
          .post('/api/auth/explain')
          .set('X-API-Key', reader)
          .send({ method: 'DELETE', path: '/api/events/e1' }),
    ],
    [
      'an unknown route',
      () => t.http().get('/api/nope').set('X-API-Key', reader),
    ],
  ])('is not on %s', async (_name, send) => {
    const res = await send();
    expect(res.status).toBeLessThan(500);
    expect(res.headers).not.toHaveProperty(header);
  });
});
