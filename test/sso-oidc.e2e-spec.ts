import { once } from 'node:events';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import request from 'supertest';
import {
  LoggedIn,
  USER_PASSWORD,
  createUser,
  login,
  sessionRequests,
} from './helpers/auth';
import { freePort } from './helpers/free-port';
import { LogCapture } from './helpers/log-capture';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';
import { ProviderAgent } from './support/oidc/provider-agent';
import {
  cookieFrom,
  finish,
  sessionCookie,
  ssoLogin,
  startLogin,
} from './support/oidc/sso-flow';
import { TestProvider } from './support/oidc/test-provider';

/** Registered at the provider; nothing listens there: the agent stops at it and hands over to supertest. */
const REDIRECT = 'http://127.0.0.1:3000/api/sso/callback';
const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };
const OTHER = { client_id: 'other-app', client_secret: 'other-client-secret' };

const oidcEnv = (provider: TestProvider, env: Record<string, string> = {}) => ({
  OIDC_ISSUER: provider.issuer,
  OIDC_CLIENT_ID: CLIENT.client_id,
  OIDC_CLIENT_SECRET: CLIENT.client_secret,
  OIDC_REDIRECT_URI: REDIRECT,
  SSO_GROUP_ROLES: 'ops=operator;sre=operator,deployer;ghosts=phantom',
  SSO_ADMIN_GROUPS: 'admins',
  LOGIN_MAX_FAILURES: '1000',
  ...env,
});

/** The failed session.login entries of the audit log, newest first. */
async function failedLogins(t: TestApp, admin: LoggedIn) {
  const res = await request(t.server)
    .get('/api/audit?action=session.login')
    .set('X-Session-ID', admin.sessionId)
    .expect(200);
  return (res.body.items as Record<string, any>[]).filter(
    (entry) => entry.outcome === 'failed',
  );
}

async function userCount(t: TestApp, admin: LoggedIn): Promise<number> {
  const res = await request(t.server)
    .get('/api/users')
    .set('X-Session-ID', admin.sessionId)
    .expect(200);
  return res.body.total as number;
}

async function createRoles(t: TestApp, admin: LoggedIn) {
  for (const [id, privileges] of [
    ['operator', ['run_jobs']],
    ['deployer', ['create_events']],
  ] as const) {
    await request(t.server)
      .post('/api/roles')
      .set('X-Session-ID', admin.sessionId)
      .send({ id, title: id, privileges })
      .expect(201);
  }
}

describe('single sign-on with OpenID Connect (SPEC §17)', () => {
  let provider: TestProvider;

  beforeAll(async () => {
    provider = await TestProvider.start({
      clients: [
        { ...CLIENT, redirect_uris: [REDIRECT] },
        { ...OTHER, redirect_uris: [REDIRECT] },
      ],
      accounts: {
        alice: {
          preferred_username: 'alice',
          name: 'Alice Liddell',
          email: 'alice@example.com',
          groups: ['ops'],
        },
        chief: { preferred_username: 'chief', groups: ['admins'] },
      },
    });
  });
  afterAll(() => provider.stop());

  describe('with the provider up', () => {
    let t: TestApp;
    let admin: LoggedIn;
    let logs: LogCapture;
    const asAdmin = sessionRequests(
      () => t.http(),
      () => admin.sessionId,
    );

    beforeAll(async () => {
      logs = new LogCapture();
      t = await createTestApp(oidcEnv(provider));
      admin = await login(t.server);
      await createRoles(t, admin);
    });
    afterAll(async () => {
      await t.close();
      logs.restore();
    });

    it('GET /api/sso says OIDC is on, with its login URL', async () => {
      const res = await t.http().get('/api/sso').expect(200);
      expect(res.body).toEqual({
        oidc: true,
        header: false,
        local_login: true,
        login_url: '/api/sso/login',
      });
    });

    it('GET /api/sso/login redirects to the provider with PKCE S256, a state and a nonce, bound by a short-lived cookie', async () => {
      const { location, res } = await startLogin(t.server);
      const url = new URL(location);
      expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/auth`);
      const params = url.searchParams;
      expect(params.get('response_type')).toBe('code');
      expect(params.get('client_id')).toBe(CLIENT.client_id);
      expect(params.get('redirect_uri')).toBe(REDIRECT);
      expect(params.get('scope')).toBe('openid profile email');
      expect(params.get('code_challenge_method')).toBe('S256');
      expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = cookieFrom(res, 'opsgate_sso') ?? '';
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\/api\/sso/);
      const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(600);
      // Each sign-in its own state and nonce.
      const again = new URL((await startLogin(t.server)).location).searchParams;
      expect(again.get('state')).not.toBe(params.get('state'));
      expect(again.get('nonce')).not.toBe(params.get('nonce'));
    });

    it('signs a new user in: created from the claims (source oidc, no password), roles mapped, a session like a password login', async () => {
      const res = await ssoLogin(t.server, provider, 'alice');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/');
      const line = cookieFrom(res, 'session_id') ?? '';
      expect(line).toMatch(/; Path=\//);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      // The state cookie is spent.
      expect(cookieFrom(res, 'opsgate_sso')).toMatch(
        /Expires=Thu, 01 Jan 1970/,
      );

      const user = await asAdmin.get('/api/users/alice').expect(200);
      expect(user.body).toMatchObject({
        username: 'alice',
        full_name: 'Alice Liddell',
        source: 'oidc',
        active: true,
        roles: ['operator'],
        privileges: [],
      });

      const me = await t
        .http()
        .get('/api/me')
        .set('Cookie', sessionCookie(res))
        .expect(200);
      expect(me.body).toMatchObject({
        type: 'user',
        id: 'alice',
        name: 'Alice Liddell',
        privileges: ['run_jobs'],
        roles: ['operator'],
        expires_at: new Date(t.clock.now() + 1800_000).toISOString(),
      });
      // The cookie session needs its CSRF token for an unsafe method, as any.
      const logout = await t
        .http()
        .delete('/api/sessions/current')
        .set('Cookie', sessionCookie(res));
      expectProblem(logout, 403, 'csrf_failed');
      await t
        .http()
        .delete('/api/sessions/current')
        .set('Cookie', sessionCookie(res))
        .set('X-CSRF-Token', me.body.csrf_token)
        .expect(204);

      const audit = await asAdmin
        .get('/api/audit?target_type=user&target_id=alice')
        .expect(200);
      const actions = (audit.body.items as Record<string, any>[]).map(
        (entry) => [entry.action, entry.outcome, entry.details.method],
      );
      expect(actions).toEqual(
        expect.arrayContaining([
          ['user.create', 'success', undefined],
          ['session.login', 'success', 'oidc'],
        ]),
      );
    });

    it('lets no password sign in a user created by SSO: 401 login_failed', async () => {
      await ssoLogin(t.server, provider, 'alice');
      for (const password of ['', USER_PASSWORD, 'anything-at-all']) {
        const res = await t
          .http()
          .post('/api/sessions')
          .send({ username: 'alice', password: password || 'x'.repeat(8) });
        expectProblem(res, 401, 'login_failed');
      }
    });

    it('gives admin to members of SSO_ADMIN_GROUPS', async () => {
      const res = await ssoLogin(t.server, provider, 'chief');
      expect(res.status).toBe(302);
      const user = await asAdmin.get('/api/users/chief').expect(200);
      expect(user.body.privileges).toEqual(['admin']);
    });

    it('maps an e-mail-like username claim with _ for each other character', async () => {
      await provider.setAccount('carol', {
        preferred_username: 'carol@example.com',
        groups: [],
      });
      expect((await ssoLogin(t.server, provider, 'carol')).status).toBe(302);
      await asAdmin.get('/api/users/carol_example.com').expect(200);
    });

    it('returns to return_to when it is a same-site path, else to /', async () => {
      const cases: [string, string][] = [
        ['/jobs?tab=recent', '/jobs?tab=recent'],
        ['/', '/'],
        ['//evil.example/x', '/'],
        ['/\\evil.example', '/'],
        ['https://evil.example/', '/'],
        ['evil', '/'],
        ['/\t/evil.example', '/'],
      ];
      for (const [returnTo, location] of cases) {
        const res = await ssoLogin(
          t.server,
          provider,
          'alice',
          `?return_to=${encodeURIComponent(returnTo)}`,
        );
        expect([returnTo, res.status, res.headers.location]).toEqual([
          returnTo,
          302,
          location,
        ]);
      }
    });

    describe('refuses, creates nothing and audits', () => {
      async function expectRefused(
        res: request.Response,
        reason: string,
        before: number,
      ) {
        const body = expectProblem(res, 401, 'sso_failed');
        expect(body.reason).toBe(reason);
        expect(cookieFrom(res, 'session_id')).toBeUndefined();
        expect(await userCount(t, admin)).toBe(before);
        const [entry] = await failedLogins(t, admin);
        expect(entry).toMatchObject({
          action: 'session.login',
          outcome: 'failed',
          code: 'sso_failed',
          details: { method: 'oidc', reason },
        });
      }

      it('a tampered state: state_mismatch', async () => {
        await provider.setAccount('tampered', {
          preferred_username: 'tampered',
        });
        const before = await userCount(t, admin);
        const started = await startLogin(t.server);
        const back = await new ProviderAgent(provider.issuer).signIn(
          started.location,
          'tampered',
        );
        back.searchParams.set('state', 'x'.repeat(43));
        await expectRefused(
          await finish(t.server, back, started.cookie),
          'state_mismatch',
          before,
        );
      });

      it('a replayed state, even with its cookie: state_mismatch the second time', async () => {
        await provider.setAccount('replayed', {
          preferred_username: 'replayed',
        });
        const started = await startLogin(t.server);
        const back = await new ProviderAgent(provider.issuer).signIn(
          started.location,
          'replayed',
        );
        expect((await finish(t.server, back, started.cookie)).status).toBe(302);
        const before = await userCount(t, admin);
        await expectRefused(
          await finish(t.server, back, started.cookie),
          'state_mismatch',
          before,
        );
      });

      it("a callback without this browser's cookie, or with another sign-in's: state_mismatch", async () => {
        await provider.setAccount('cookieless', {
          preferred_username: 'cookieless',
        });
        const before = await userCount(t, admin);
        const started = await startLogin(t.server);
        const other = await startLogin(t.server);
        const back = await new ProviderAgent(provider.issuer).signIn(
          started.location,
          'cookieless',
        );
        await expectRefused(
          await request(t.server).get(`${back.pathname}${back.search}`),
          'state_mismatch',
          before,
        );
        await expectRefused(
          await finish(t.server, back, other.cookie),
          'state_mismatch',
          before,
        );
      });

      it('a state older than 600 s: state_mismatch', async () => {
        await provider.setAccount('slow', { preferred_username: 'slow' });
        const before = await userCount(t, admin);
        const started = await startLogin(t.server);
        const back = await new ProviderAgent(provider.issuer).signIn(
          started.location,
          'slow',
        );
        t.clock.advanceSeconds(601);
        await expectRefused(
          await finish(t.server, back, started.cookie),
          'state_mismatch',
          before,
        );
      });

      it('a code from another sign-in (PKCE verifier and nonce are not its own): provider_error', async () => {
        await provider.setAccount('mallory', { preferred_username: 'mallory' });
        const before = await userCount(t, admin);
        const victim = await startLogin(t.server);
        const attacker = await startLogin(t.server);
        const stolen = await new ProviderAgent(provider.issuer).signIn(
          attacker.location,
          'mallory',
        );
        const own = await new ProviderAgent(provider.issuer).signIn(
          victim.location,
          'mallory',
        );
        own.searchParams.set('code', stolen.searchParams.get('code') ?? '');
        await expectRefused(
          await finish(t.server, own, victim.cookie),
          'provider_error',
          before,
        );
      });

      it('an ID token for another client (wrong aud): token_invalid', async () => {
        await provider.setAccount('wrongaud', {
          preferred_username: 'wrongaud',
        });
        const before = await userCount(t, admin);
        await provider.settings({ idTokenAudience: OTHER.client_id });
        try {
          await expectRefused(
            await ssoLogin(t.server, provider, 'wrongaud'),
            'token_invalid',
            before,
          );
        } finally {
          await provider.settings({ idTokenAudience: null });
        }
      });

      it('an expired ID token: token_invalid', async () => {
        await provider.setAccount('late', { preferred_username: 'late' });
        const before = await userCount(t, admin);
        await provider.settings({ idTokenTtl: -60 });
        try {
          await expectRefused(
            await ssoLogin(t.server, provider, 'late'),
            'token_invalid',
            before,
          );
        } finally {
          await provider.settings({ idTokenTtl: 3600 });
        }
      });

      it('no username claim: no_username', async () => {
        await provider.setAccount('nameless', {
          name: 'No Name',
          groups: ['ops'],
        });
        const before = await userCount(t, admin);
        await expectRefused(
          await ssoLogin(t.server, provider, 'nameless'),
          'no_username',
          before,
        );
      });
    });

    it('accepts an ID token expired by less than the 10 s leeway for clocks that differ', async () => {
      await provider.setAccount('skewed', { preferred_username: 'skewed' });
      await provider.settings({ idTokenTtl: -5 });
      try {
        expect((await ssoLogin(t.server, provider, 'skewed')).status).toBe(302);
      } finally {
        await provider.settings({ idTokenTtl: 3600 });
      }
    });

    it('refuses a disabled user with 401 account_disabled, changing nothing', async () => {
      await provider.setAccount('dave', {
        preferred_username: 'dave',
        groups: ['sre'],
      });
      await createUser(t.server, admin, { username: 'dave', active: false });
      const res = await ssoLogin(t.server, provider, 'dave');
      expectProblem(res, 401, 'account_disabled');
      expect(cookieFrom(res, 'session_id')).toBeUndefined();
      const user = await asAdmin.get('/api/users/dave').expect(200);
      expect(user.body).toMatchObject({
        active: false,
        roles: [],
        source: 'local',
      });
      const [entry] = await failedLogins(t, admin);
      expect(entry).toMatchObject({
        target_id: 'dave',
        code: 'account_disabled',
        details: { method: 'oidc' },
      });
    });

    it('takes roles away at the next login when the provider removes a group (SSO_REPLACE_ROLES=true)', async () => {
      await provider.setAccount('bob', {
        preferred_username: 'bob',
        groups: ['ops', 'sre'],
      });
      await ssoLogin(t.server, provider, 'bob');
      let user = await asAdmin.get('/api/users/bob').expect(200);
      expect(user.body.roles).toEqual(['operator', 'deployer']);
      await provider.setAccount('bob', {
        preferred_username: 'bob',
        groups: ['ops'],
      });
      await ssoLogin(t.server, provider, 'bob');
      user = await asAdmin.get('/api/users/bob').expect(200);
      expect(user.body.roles).toEqual(['operator']);
      const audit = await asAdmin
        .get('/api/audit?action=user.update&target_id=bob')
        .expect(200);
      expect(audit.body.items[0].details).toEqual({ roles: ['operator'] });
    });

    it('skips a mapped role that does not exist, with a warn line naming it at start-up and at the login', async () => {
      const warnings = () =>
        logs.entries
          .filter(
            (entry) =>
              entry.level === 'warn' && entry.message.includes('"phantom"'),
          )
          .map((entry) => entry.message);
      expect(warnings()).toEqual([expect.stringMatching(/start-up/)]);
      await provider.setAccount('casper', {
        preferred_username: 'casper',
        groups: ['ghosts', 'ops'],
      });
      expect((await ssoLogin(t.server, provider, 'casper')).status).toBe(302);
      const user = await asAdmin.get('/api/users/casper').expect(200);
      expect(user.body.roles).toEqual(['operator']);
      expect(warnings()).toEqual([
        expect.stringMatching(/start-up/),
        expect.stringMatching(/casper/),
      ]);
    });
  });

  it('keeps roles the provider no longer grants with SSO_REPLACE_ROLES=false', async () => {
    const t = await createTestApp(
      oidcEnv(provider, { SSO_REPLACE_ROLES: 'false' }),
    );
    try {
      const admin = await login(t.server);
      await createRoles(t, admin);
      await provider.setAccount('erin', {
        preferred_username: 'erin',
        groups: ['sre'],
      });
      await ssoLogin(t.server, provider, 'erin');
      await provider.setAccount('erin', {
        preferred_username: 'erin',
        groups: [],
      });
      expect((await ssoLogin(t.server, provider, 'erin')).status).toBe(302);
      const user = await request(t.server)
        .get('/api/users/erin')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      expect(user.body.roles).toEqual(['operator', 'deployer']);
    } finally {
      await t.close();
    }
  });

  it('reads the claims from the ID token when the provider puts them there', async () => {
    const rich = await TestProvider.start({
      clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }],
      accounts: {
        frank: { preferred_username: 'frank', name: 'Frank', groups: ['ops'] },
      },
      conformIdTokenClaims: false,
    });
    const t = await createTestApp(oidcEnv(rich));
    try {
      const admin = await login(t.server);
      await createRoles(t, admin);
      expect((await ssoLogin(t.server, rich, 'frank')).status).toBe(302);
      const user = await request(t.server)
        .get('/api/users/frank')
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      expect(user.body).toMatchObject({
        full_name: 'Frank',
        roles: ['operator'],
      });
    } finally {
      await t.close();
      await rich.stop();
    }
  });

  describe('LOCAL_LOGIN=false', () => {
    let t: TestApp;
    let admin: LoggedIn;
    beforeAll(async () => {
      t = await createTestApp(oidcEnv(provider, { LOCAL_LOGIN: 'false' }));
      admin = await login(t.server);
    });
    afterAll(() => t.close());

    it('GET /api/sso says local login is for admins', async () => {
      const res = await t.http().get('/api/sso').expect(200);
      expect(res.body.local_login).toBe('admins');
    });

    it('refuses a password login to everyone but admins (break-glass): 401 login_failed', async () => {
      await createUser(t.server, admin, { username: 'plain' });
      const res = await t
        .http()
        .post('/api/sessions')
        .send({ username: 'plain', password: USER_PASSWORD });
      expectProblem(res, 401, 'login_failed');
      await login(t.server);
    });

    it('lets an admin through a role sign in with a password too', async () => {
      await request(t.server)
        .post('/api/roles')
        .set('X-Session-ID', admin.sessionId)
        .send({ id: 'admins', title: 'Admins', privileges: ['admin'] })
        .expect(201);
      await createUser(t.server, admin, {
        username: 'deputy',
        roles: ['admins'],
      });
      await login(t.server, 'deputy', USER_PASSWORD);
    });

    it('still signs people in through the provider', async () => {
      expect((await ssoLogin(t.server, provider, 'alice')).status).toBe(302);
    });
  });

  describe('when discovery has not succeeded', () => {
    it('waits at most 10 s at start-up for a provider that does not answer', async () => {
      const sockets = new Set<Socket>();
      const silent = createServer((socket) => sockets.add(socket));
      silent.listen(0, '127.0.0.1');
      await once(silent, 'listening');
      const { port } = silent.address() as AddressInfo;
      const began = Date.now();
      const t = await createTestApp(
        oidcEnv(provider, { OIDC_ISSUER: `http://127.0.0.1:${port}` }),
      );
      try {
        expect(Date.now() - began).toBeLessThan(10_500);
        const res = await t.http().get('/api/sso/login');
        expect(expectProblem(res, 401, 'sso_failed').reason).toBe(
          'unavailable',
        );
      } finally {
        await t.close();
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it('serves with sign-ins unavailable, and sees the provider once it answers', async () => {
      const port = await freePort();
      const t = await createTestApp(
        oidcEnv(provider, { OIDC_ISSUER: `http://127.0.0.1:${port}` }),
      );
      let laterProvider: TestProvider | undefined;
      try {
        expect((await t.http().get('/api/sso').expect(200)).body.oidc).toBe(
          true,
        );
        const res = await t.http().get('/api/sso/login');
        expect(expectProblem(res, 401, 'sso_failed').reason).toBe(
          'unavailable',
        );
        laterProvider = await TestProvider.start({
          port,
          clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }],
          accounts: { alice: { preferred_username: 'alice' } },
        });
        // Retried at least every 10 s, not at every request.
        t.clock.advanceSeconds(10);
        expect((await ssoLogin(t.server, laterProvider, 'alice')).status).toBe(
          302,
        );
      } finally {
        await t.close();
        await laterProvider?.stop();
      }
    });
  });
});
