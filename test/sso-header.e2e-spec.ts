import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ConfigError } from '../src/config/app-config';
import { LoggedIn, createUser, login } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';
import { cookieFrom, sessionCookie } from './support/oidc/sso-flow';

/** Requests whose TCP peer address, as the server sees it, is 127.0.0.2 (loopback answers all of 127/8). */
const fromSecondLoopback = new Agent({ localAddress: '127.0.0.2' });

const HEADERS = {
  SSO_HEADER_USERNAME: 'X-Forwarded-User',
  SSO_HEADER_GROUPS: 'X-Forwarded-Groups',
  SSO_HEADER_NAME: 'X-Forwarded-Name',
  SSO_GROUP_ROLES: 'ops=operator',
  SSO_ADMIN_GROUPS: 'admins',
  // Only the second loopback address is the proxy; 127.0.0.1 is "anyone".
  SSO_TRUSTED_PROXIES: '127.0.0.2',
  // Express's idea of the client IP must not matter to the trust decision.
  TRUST_PROXY: 'true',
};

describe('single sign-on with trusted headers (SPEC §17)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp(HEADERS);
    // A real listener, so a request can come from a chosen local address.
    await t.app.listen(0, '127.0.0.1');
    expect((t.app.getHttpServer().address() as AddressInfo).address).toBe(
      '127.0.0.1',
    );
    admin = await login(t.server);
    await request(t.server)
      .post('/api/roles')
      .set('X-Session-ID', admin.sessionId)
      .send({ id: 'operator', title: 'Operator', privileges: ['run_jobs'] })
      .expect(201);
  });
  afterAll(() => t.close());

  const viaProxy = (path = '/api/sso/header') =>
    request(t.server).get(path).agent(fromSecondLoopback);

  const userNamed = (username: string) =>
    request(t.server)
      .get(`/api/users/${username}`)
      .set('X-Session-ID', admin.sessionId);

  it('GET /api/sso says trusted headers are on', async () => {
    const res = await t.http().get('/api/sso').expect(200);
    expect(res.body).toEqual({
      oidc: false,
      header: true,
      local_login: true,
      login_url: null,
    });
  });

  it('signs in the user a trusted proxy names: created (source header), groups mapped, a session cookie, 302 to /', async () => {
    const res = await viaProxy()
      .set('X-Forwarded-User', 'grace')
      .set('X-Forwarded-Groups', 'ops, admins')
      .set(
        'X-Forwarded-Name',
        Buffer.from('Grace Hopper ✓', 'utf8').toString('latin1'),
      );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    expect(cookieFrom(res, 'session_id')).toMatch(/; HttpOnly/);
    const user = await userNamed('grace').expect(200);
    expect(user.body).toMatchObject({
      source: 'header',
      full_name: 'Grace Hopper ✓',
      roles: ['operator'],
      privileges: ['admin'],
    });
    const me = await t
      .http()
      .get('/api/me')
      .set('Cookie', sessionCookie(res))
      .expect(200);
    expect(me.body).toMatchObject({ type: 'user', id: 'grace' });
    const audit = await request(t.server)
      .get('/api/audit?action=session.login&target_id=grace')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      outcome: 'success',
      details: { method: 'header' },
    });
  });

  it('sets roles from the groups at each sign-in', async () => {
    await viaProxy()
      .set('X-Forwarded-User', 'heidi')
      .set('X-Forwarded-Groups', 'ops')
      .expect(302);
    expect((await userNamed('heidi').expect(200)).body.roles).toEqual([
      'operator',
    ]);
    await viaProxy().set('X-Forwarded-User', 'heidi').expect(302);
    expect((await userNamed('heidi').expect(200)).body.roles).toEqual([]);
  });

  it('ignores the headers from any other peer: 401 untrusted_proxy, no session, no user, audited', async () => {
    const res = await t
      .http()
      .get('/api/sso/header')
      .set('X-Forwarded-User', 'ivan')
      // The client IP Express sees (TRUST_PROXY) is the trusted one: no matter.
      .set('X-Forwarded-For', '127.0.0.2');
    expect(expectProblem(res, 401, 'sso_failed').reason).toBe(
      'untrusted_proxy',
    );
    expect(cookieFrom(res, 'session_id')).toBeUndefined();
    await userNamed('ivan').expect(404);
    const audit = await request(t.server)
      .get('/api/audit?action=session.login')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      outcome: 'failed',
      code: 'sso_failed',
      details: { method: 'header', reason: 'untrusted_proxy' },
    });
  });

  it('answers a trusted peer without the username header with 401 no_username', async () => {
    const res = await viaProxy().set('X-Forwarded-Groups', 'admins');
    expect(expectProblem(res, 401, 'sso_failed').reason).toBe('no_username');
    expect(cookieFrom(res, 'session_id')).toBeUndefined();
  });

  it('refuses a disabled user with 401 account_disabled', async () => {
    await createUser(t.server, admin, { username: 'judy', active: false });
    const res = await viaProxy().set('X-Forwarded-User', 'judy');
    expectProblem(res, 401, 'account_disabled');
  });

  it.each([
    ['GET', '/api/me'],
    ['GET', '/api/users'],
    ['GET', '/api/sso'],
  ])(
    'never reads the headers as a credential on %s %s, even from the proxy',
    async (_method, path) => {
      const res = await viaProxy(path)
        .set('X-Forwarded-User', 'admin')
        .set('X-Forwarded-Groups', 'admins');
      if (path === '/api/sso') {
        expect(res.status).toBe(200);
        expect(cookieFrom(res, 'session_id')).toBeUndefined();
      } else {
        expectProblem(res, 401, 'no_credentials');
      }
    },
  );

  it('keeps a password login unaffected by the headers', async () => {
    const res = await request(t.server)
      .post('/api/sessions')
      .agent(fromSecondLoopback)
      .set('X-Forwarded-User', 'admin')
      .send({ username: 'nobody', password: 'wrong-password' });
    expectProblem(res, 401, 'login_failed');
  });
});

describe('trusted headers, off or misconfigured', () => {
  it('refuses to start without SSO_TRUSTED_PROXIES, naming it', async () => {
    await expect(
      createTestApp({ SSO_HEADER_USERNAME: 'X-Forwarded-User' }),
    ).rejects.toThrow(ConfigError);
    await expect(
      createTestApp({ SSO_HEADER_USERNAME: 'X-Forwarded-User' }),
    ).rejects.toThrow(/SSO_TRUSTED_PROXIES/);
  });

  it('answers 401 untrusted_proxy when trusted headers are off', async () => {
    const t = await createTestApp();
    try {
      const res = await t
        .http()
        .get('/api/sso/header')
        .set('X-Forwarded-User', 'admin');
      expect(expectProblem(res, 401, 'sso_failed').reason).toBe(
        'untrusted_proxy',
      );
    } finally {
      await t.close();
    }
  });
});
