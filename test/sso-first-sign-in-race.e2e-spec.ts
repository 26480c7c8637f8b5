import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import request from 'supertest';
import { EntityManager } from 'typeorm';
import { User } from '../src/users/user.entity';
import { login } from './helpers/auth';
import { TestApp, createTestApp } from './helpers/test-app';
import { onPostgres } from './helpers/test-database';
import { ProviderAgent } from './support/oidc/provider-agent';
import { finish, sessionCookie, startLogin } from './support/oidc/sso-flow';
import { TestProvider } from './support/oidc/test-provider';

const REDIRECT = 'http://127.0.0.1:3000/api/sso/callback';
const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };
/** The trusted proxy is the second loopback address. */
const fromProxy = new Agent({ localAddress: '127.0.0.2', keepAlive: false });

/**
 * A person's first single sign-on creates their user. Two of them at once
 * (two tabs, a retried redirect, two instances behind a load balancer) may
 * both find no user and both insert one: the second insert meets the
 * unique username index, and that sign-in was a 500. Both must sign in, the
 * second to the user the first created. Today the write lock (one process
 * on SQLite, an advisory lock on PostgreSQL) keeps the two apart; the last
 * test makes the lookup miss as it would without it.
 */
describe('two first single sign-ons of one person at once', () => {
  let provider: TestProvider;
  let dir: string;

  beforeAll(async () => {
    provider = await TestProvider.start({
      clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }],
      accounts: {
        nina: { preferred_username: 'nina', groups: [] },
        omar: { preferred_username: 'omar', groups: [] },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'opsgate-sso-race-'));
  });
  afterAll(async () => {
    await provider.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Instances on one database (a file, or one PostgreSQL database). */
  const instance = async () => {
    const t = await createTestApp({
      DATABASE_PATH: join(dir, 'shared.sqlite'),
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT.client_id,
      OIDC_CLIENT_SECRET: CLIENT.client_secret,
      OIDC_REDIRECT_URI: REDIRECT,
      SSO_HEADER_USERNAME: 'X-Forwarded-User',
      SSO_TRUSTED_PROXIES: '127.0.0.2',
    });
    await t.app.listen(0, '127.0.0.1');
    return t;
  };

  /** A sign-in at the provider, up to the callback that finishes it. */
  async function atProvider(t: TestApp, account: string) {
    const started = await startLogin(t.server);
    const back = await new ProviderAgent(provider.issuer).signIn(
      started.location,
      account,
    );
    return () => finish(t.server, back, started.cookie);
  }

  async function expectOneUser(t: TestApp, username: string) {
    const admin = await login(t.server);
    const res = await request(t.server)
      .get('/api/users?limit=1000')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    const named = (res.body.items as { username: string }[]).filter(
      (user) => user.username === username,
    );
    expect(named).toHaveLength(1);
  }

  async function expectSignedIn(t: TestApp, res: request.Response) {
    expect(res.status).toBe(302);
    await t.http().get('/api/me').set('Cookie', sessionCookie(res)).expect(200);
  }

  /**
   * Two instances on PostgreSQL; SQLite is served by one process (SPEC
   * §14), so there both requests go to the one app.
   */
  async function twoInstances(): Promise<[TestApp, TestApp]> {
    const a = await instance();
    return [a, onPostgres() ? await instance() : a];
  }
  const closeAll = async (apps: TestApp[]) => {
    for (const t of new Set(apps)) await t.close();
  };

  it('through the OpenID provider: both signed in, one user', async () => {
    const [a, b] = await twoInstances();
    try {
      const one = await atProvider(a, 'nina');
      const two = await atProvider(b, 'nina');
      const [first, second] = await Promise.all([one(), two()]);
      await expectSignedIn(a, first);
      await expectSignedIn(b, second);
      await expectOneUser(a, 'nina');
    } finally {
      await closeAll([a, b]);
    }
  });

  it('through trusted headers, several at once: all signed in, one user', async () => {
    const [a, b] = await twoInstances();
    try {
      const viaProxy = (t: TestApp) =>
        request(t.server)
          .get('/api/sso/header')
          .agent(fromProxy)
          .set('X-Forwarded-User', 'pia');
      const answers = await Promise.all([a, b, a, b].map(viaProxy));
      expect(answers.map((res) => res.status)).toEqual([302, 302, 302, 302]);
      await expectOneUser(a, 'pia');
    } finally {
      await closeAll([a, b]);
    }
  });

  it('signs in to the user another sign-in created after this one looked for it', async () => {
    const t = await instance();
    try {
      await expectSignedIn(t, await (await atProvider(t, 'omar'))());
      // The other sign-in's insert lands between this one's lookup and insert.
      const lookup = EntityManager.prototype.findOneBy;
      let missed = false;
      const spy = jest
        .spyOn(EntityManager.prototype, 'findOneBy')
        .mockImplementation(function (this: EntityManager, ...args) {
          const where = args[1] as { usernameKey?: string };
          if (args[0] === User && where.usernameKey === 'omar' && !missed) {
            missed = true;
            return Promise.resolve(null);
          }
          return lookup.apply(this, args);
        });
      try {
        const res = await (await atProvider(t, 'omar'))();
        expect(missed).toBe(true);
        await expectSignedIn(t, res);
      } finally {
        spy.mockRestore();
      }
      await expectOneUser(t, 'omar');
    } finally {
      await t.close();
    }
  });
});
