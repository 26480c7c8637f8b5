import { login, type LoggedIn } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { createTestApp, type TestApp } from './helpers/test-app';

const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
];

describe('headers for the console and the API (SPEC §2, §10)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it.each([
    ['a JSON answer', '/api/health', 200],
    ['a problem answer', '/api/nothing', 404],
  ])(
    'sends a self-only Content-Security-Policy on %s',
    async (_name, path, status) => {
      const res = await t.http().get(path).expect(status);
      const policy = String(res.headers['content-security-policy']);
      for (const directive of CSP_DIRECTIVES) {
        expect(policy.split(/;\s*/)).toContain(directive);
      }
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      // data: only for images (the TOTP QR code), never for script or style.
      expect(policy.split(/;\s*/).filter((d) => d.includes('data:'))).toEqual([
        "img-src 'self' data:",
      ]);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('answers an unknown path outside /api with the problem+json 404', async () => {
    const res = await t.http().get('/no-such-page');
    expectProblem(res, 404, 'not_found');
  });

  describe('GET /api/me csrf_token (a console reloaded keeps working)', () => {
    it('gives a cookie session the csrf_token of its login', async () => {
      const res = await t
        .http()
        .get('/api/me')
        .set('Cookie', admin.cookie)
        .expect(200);
      expect(res.body.csrf_token).toBe(admin.csrfToken);
    });

    it('accepts that token on a cookie write, and refuses another session’s', async () => {
      const other = await login(t.server);
      expect(other.csrfToken).not.toBe(admin.csrfToken);
      const me = await t.http().get('/api/me').set('Cookie', admin.cookie);
      const write = (token: string) =>
        t
          .http()
          .post('/api/categories')
          .set('Cookie', admin.cookie)
          .set('X-CSRF-Token', token)
          .send({ id: `c${token.slice(0, 6).toLowerCase()}`, title: 'C' });
      expectProblem(await write(other.csrfToken), 403, 'csrf_failed');
      expect((await write(me.body.csrf_token)).status).toBe(201);
    });

    it('is absent for an API key', async () => {
      const key = await t
        .http()
        .post('/api/keys')
        .set('X-Session-ID', admin.sessionId)
        .send({ title: 'k' })
        .expect(201);
      const res = await t
        .http()
        .get('/api/me')
        .set('X-API-Key', key.body.key)
        .expect(200);
      expect(res.body).not.toHaveProperty('csrf_token');
    });
  });
});
