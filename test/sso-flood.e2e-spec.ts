import request from 'supertest';
import { LoggedIn, login } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

const LIMIT = 4;

/**
 * The single sign-on routes are public, and every refusal of theirs is
 * audited as a failed session.login, one row each (SPEC §17). Unbounded, a
 * flood from one address fills the audit log (hiding what matters in it)
 * and takes the database's write lock once per request. Each refusal now
 * counts as a failed authentication of the client IP (SPEC §7,
 * AUTH_FAILURE_LIMIT), and beyond the limit the routes answer 429
 * too_many_failures before any work, writing nothing.
 */
describe('a flood of failing single sign-ons from one address', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    // No SSO configured at all: the routes still answer, and still audit.
    t = await createTestApp({
      AUTH_FAILURE_LIMIT: String(LIMIT),
      TRUST_PROXY: 'true',
    });
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const get = (path: string, ip: string) =>
    request(t.server).get(path).set('X-Forwarded-For', ip);

  async function failedSignIns(ip: string): Promise<number> {
    const res = await request(t.server)
      .get('/api/audit?action=session.login&limit=1000')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    return (res.body.items as { ip: string }[]).filter(
      (entry) => entry.ip === ip,
    ).length;
  }

  it.each([
    '/api/sso/callback?code=x&state=y',
    '/api/sso/header',
    '/api/sso/login',
  ])(
    'GET %s: 401 sso_failed up to AUTH_FAILURE_LIMIT, then 429 too_many_failures, audited no more',
    async (path) => {
      const ip = `10.1.0.${path.length}`;
      for (let i = 0; i < LIMIT; i++) {
        expectProblem(await get(path, ip), 401, 'sso_failed');
      }
      const refused = await get(path, ip);
      expectProblem(refused, 429, 'too_many_failures');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await failedSignIns(ip)).toBe(LIMIT);

      // Another address is not concerned; this one may try again a minute on.
      expectProblem(await get(path, '10.2.0.1'), 401, 'sso_failed');
      t.clock.advanceSeconds(60);
      expectProblem(await get(path, ip), 401, 'sso_failed');
    },
  );

  it('shares the limit with refused credentials from the same address', async () => {
    const ip = '10.3.0.1';
    for (let i = 0; i < LIMIT - 1; i++) {
      await get('/api/me', ip).set('X-Session-ID', 'x'.repeat(43)).expect(401);
    }
    expectProblem(await get('/api/sso/header', ip), 401, 'sso_failed');
    expectProblem(await get('/api/sso/header', ip), 429, 'too_many_failures');
    const me = await get('/api/me', ip).set('X-Session-ID', 'y'.repeat(43));
    expectProblem(me, 429, 'too_many_failures');
  });
});
