import { Agent } from 'node:http';
import request from 'supertest';
import { LoggedIn, createUser, login } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';
import { cookieFrom, ssoLogin } from './support/oidc/sso-flow';
import { TestProvider } from './support/oidc/test-provider';

/**
 * Whose account a single sign-on opens. The username comes from a claim or
 * a header that the provider's users may be able to choose (self-service
 * registration, an editable preferred_username): it must never open an
 * account that signs in another way, above all a local administrator.
 */
const REDIRECT = 'http://127.0.0.1:3000/api/sso/callback';
const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };
/** The trusted proxy is the second loopback address; 127.0.0.1 is anyone. */
const fromProxy = new Agent({ localAddress: '127.0.0.2' });

describe('single sign-on opens only accounts of its own source', () => {
  let provider: TestProvider;
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    provider = await TestProvider.start({
      clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }],
      accounts: {
        // Chose the name of opsgate's first administrator, in another case.
        mallory: { preferred_username: 'Admin', groups: [] },
        olga: { preferred_username: 'olga', groups: [] },
        zoe: { preferred_username: 'zoe', groups: [] },
        // Another person at the provider, given (or choosing) zoe's username.
        impostor: { preferred_username: 'Zoe', groups: [] },
      },
    });
    t = await createTestApp({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT.client_id,
      OIDC_CLIENT_SECRET: CLIENT.client_secret,
      OIDC_REDIRECT_URI: REDIRECT,
      SSO_HEADER_USERNAME: 'X-Forwarded-User',
      SSO_TRUSTED_PROXIES: '127.0.0.2',
      LOGIN_MAX_FAILURES: '1000',
    });
    await t.app.listen(0, '127.0.0.1');
    admin = await login(t.server);
  });
  afterAll(async () => {
    await t.close();
    await provider.stop();
  });

  const userNamed = (username: string) =>
    request(t.server)
      .get(`/api/users/${username}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);

  const viaProxy = (username: string) =>
    request(t.server)
      .get('/api/sso/header')
      .agent(fromProxy)
      .set('X-Forwarded-User', username);

  async function expectRefused(res: request.Response, method: string) {
    const body = expectProblem(res, 401, 'sso_failed');
    expect(body.reason).toBe('account_conflict');
    expect(cookieFrom(res, 'session_id')).toBeUndefined();
    const audit = await request(t.server)
      .get('/api/audit?action=session.login')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      outcome: 'failed',
      code: 'sso_failed',
      details: { method, reason: 'account_conflict' },
    });
  }

  it('refuses an OpenID sign-in naming a local administrator, leaving it untouched', async () => {
    const before = await userNamed('admin');
    await expectRefused(await ssoLogin(t.server, provider, 'mallory'), 'oidc');
    expect((await userNamed('admin')).body).toEqual(before.body);
  });

  it('refuses a trusted-header sign-in naming a local user', async () => {
    await createUser(t.server, admin, { username: 'lou' });
    await expectRefused(await viaProxy('LOU'), 'header');
    expect((await userNamed('lou')).body.source).toBe('local');
  });

  it('refuses a trusted-header sign-in naming an OpenID user, and the other way round', async () => {
    expect((await ssoLogin(t.server, provider, 'olga')).status).toBe(302);
    await expectRefused(await viaProxy('olga'), 'header');

    expect((await viaProxy('hal')).status).toBe(302);
    await provider.setAccount('hal', { preferred_username: 'hal' });
    await expectRefused(await ssoLogin(t.server, provider, 'hal'), 'oidc');
  });

  it('still signs in again the users it created', async () => {
    expect((await ssoLogin(t.server, provider, 'olga')).status).toBe(302);
    expect((await viaProxy('hal')).status).toBe(302);
  });

  it("refuses another provider account with an OpenID user's username: the user is its subject (sub)", async () => {
    expect((await ssoLogin(t.server, provider, 'zoe')).status).toBe(302);
    await expectRefused(await ssoLogin(t.server, provider, 'impostor'), 'oidc');
    expect((await ssoLogin(t.server, provider, 'zoe')).status).toBe(302);
  });

  it('binds a user created before subjects were kept to the first account that signs in', async () => {
    await provider.setAccount('old-timer', { preferred_username: 'otto' });
    await provider.setAccount('newcomer', { preferred_username: 'otto' });
    expect((await ssoLogin(t.server, provider, 'old-timer')).status).toBe(302);
    await t.dataSource.query(
      `UPDATE users SET sso_subject = NULL WHERE username_key = 'otto'`,
    );
    expect((await ssoLogin(t.server, provider, 'old-timer')).status).toBe(302);
    await expectRefused(await ssoLogin(t.server, provider, 'newcomer'), 'oidc');
  });

  it('still answers a disabled local user 401 account_disabled', async () => {
    await createUser(t.server, admin, { username: 'dora', active: false });
    expectProblem(await viaProxy('dora'), 401, 'account_disabled');
  });
});
