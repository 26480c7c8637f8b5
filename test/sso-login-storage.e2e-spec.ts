import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SsoLogins } from '../src/sso/sso-logins';
import { FakeClock } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { SqlSpy } from './helpers/sql-spy';
import { TestApp, createTestApp } from './helpers/test-app';
import { ProviderAgent } from './support/oidc/provider-agent';
import { cookieFrom, finish, startLogin } from './support/oidc/sso-flow';
import { TestProvider } from './support/oidc/test-provider';

const REDIRECT = 'http://127.0.0.1:3000/api/sso/callback';
const CLIENT = { client_id: 'opsgate', client_secret: 'opsgate-client-secret' };

/**
 * GET /api/sso/login is public. It used to write a row per request (the
 * state, nonce and PKCE verifier, found again by the cookie), so an
 * unauthenticated flood filled the database. The sign-in is now sealed into
 * its own HttpOnly cookie under the server's key; only the callback that
 * uses a state writes, a marker making that state one use on every instance.
 */
describe('OpenID sign-ins under way kept in their cookie (SPEC §17)', () => {
  let provider: TestProvider;
  let dir: string;
  const clock = new FakeClock();

  beforeAll(async () => {
    provider = await TestProvider.start({
      clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }],
      accounts: { alice: { preferred_username: 'alice' } },
    });
    dir = mkdtempSync(join(tmpdir(), 'opsgate-sso-login-'));
  });
  afterAll(async () => {
    await provider.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An instance; all of them on one database (a file, or one PostgreSQL database). */
  const instance = (env: Record<string, string> = {}) =>
    createTestApp(
      {
        DATABASE_PATH: join(dir, 'shared.sqlite'),
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: CLIENT.client_id,
        OIDC_CLIENT_SECRET: CLIENT.client_secret,
        OIDC_REDIRECT_URI: REDIRECT,
        ...env,
      },
      clock,
    );

  const spentStates = async (t: TestApp) =>
    Number(
      (
        await t.dataSource.query('SELECT COUNT(*) AS n FROM sso_spent_states')
      )[0].n,
    );

  describe('on one instance', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await instance();
    });
    afterAll(() => t.close());

    it('GET /api/sso/login writes nothing to the database, however often it is called', async () => {
      const spy = new SqlSpy();
      try {
        for (let i = 0; i < 50; i++) await startLogin(t.server);
        expect(spy.matching(/^\s*(INSERT|UPDATE|DELETE)\b/i)).toEqual([]);
      } finally {
        spy.restore();
      }
    });

    it('seals the sign-in into the cookie: the PKCE verifier cannot be read, a changed cookie is refused', async () => {
      const started = await startLogin(t.server);
      const state = new URL(started.location).searchParams.get('state')!;
      const value = started.cookie.slice('opsgate_sso='.length);
      const raw = Buffer.from(value.replace(/^v\d+\./, ''), 'base64url');
      expect(raw.toString('latin1')).not.toContain(state);
      expect(value).not.toContain(state);

      const back = await new ProviderAgent(provider.issuer).signIn(
        started.location,
        'alice',
      );
      const last = value.at(-2) === 'A' ? 'B' : 'A';
      const changed = `opsgate_sso=${value.slice(0, -2)}${last}${value.at(-1)}`;
      const refused = await finish(t.server, back, changed);
      expect(expectProblem(refused, 401, 'sso_failed').reason).toBe(
        'state_mismatch',
      );
      expect((await finish(t.server, back, started.cookie)).status).toBe(302);
    });

    it('ignores a return_to too long for the cookie once percent-encoded; the cookie stays small', async () => {
      const long = `/${'é'.repeat(1000)}`;
      const started = await startLogin(
        t.server,
        `?return_to=${encodeURIComponent(long)}`,
      );
      expect(cookieFrom(started.res, 'opsgate_sso')!.length).toBeLessThan(4096);
      const back = await new ProviderAgent(provider.issuer).signIn(
        started.location,
        'alice',
      );
      const res = await finish(t.server, back, started.cookie);
      expect([res.status, res.headers.location]).toEqual([302, '/']);
    });

    it('marks a used state spent until it would have expired, then sweeps the marker', async () => {
      await t.app.get(SsoLogins).sweep();
      clock.advanceSeconds(601);
      await t.app.get(SsoLogins).sweep();
      expect(await spentStates(t)).toBe(0);
      const started = await startLogin(t.server);
      const back = await new ProviderAgent(provider.issuer).signIn(
        started.location,
        'alice',
      );
      expect((await finish(t.server, back, started.cookie)).status).toBe(302);
      expect(await spentStates(t)).toBe(1);
      clock.advanceSeconds(599);
      await t.app.get(SsoLogins).sweep();
      expect(await spentStates(t)).toBe(1);
      clock.advanceSeconds(2);
      await t.app.get(SsoLogins).sweep();
      expect(await spentStates(t)).toBe(0);
    });
  });

  it('finishes on another instance a sign-in started on one, and only once on any', async () => {
    const a = await instance();
    const b = await instance();
    try {
      const started = await startLogin(a.server);
      const back = await new ProviderAgent(provider.issuer).signIn(
        started.location,
        'alice',
      );
      expect((await finish(b.server, back, started.cookie)).status).toBe(302);
      const again = await finish(a.server, back, started.cookie);
      expect(expectProblem(again, 401, 'sso_failed').reason).toBe(
        'state_mismatch',
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a cookie sealed under another MFA_SECRET_KEY', async () => {
    const a = await instance({ MFA_SECRET_KEY: 'a'.repeat(40) });
    const b = await instance({ MFA_SECRET_KEY: 'b'.repeat(40) });
    try {
      const started = await startLogin(a.server);
      const back = await new ProviderAgent(provider.issuer).signIn(
        started.location,
        'alice',
      );
      const res = await finish(b.server, back, started.cookie);
      expect(expectProblem(res, 401, 'sso_failed').reason).toBe(
        'state_mismatch',
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});
