import { login, createKey } from './helpers/auth';
import { createTestApp, TestApp } from './helpers/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('logs in and uses a key', async () => {
    const admin = await login(t.server);
    const key = await createKey(t.server, admin, { privileges: ['run_jobs'] });
    const res = await t
      .http()
      .get('/api/me')
      .set('X-API-Key', key.key)
      .expect(200);
    expect(res.body.type).toBe('api_key');
  });
});
