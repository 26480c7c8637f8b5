import { randomBytes } from 'node:crypto';
import { createKey, login, LoggedIn } from './helpers/auth';
import { retryAfterSeconds } from './helpers/burst';
import { FakeClock } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';

const START = Date.UTC(2031, 0, 1);
const LIMIT = 5;
const randomKey = () =>
  randomBytes(18).toString('base64url').replace(/[-_]/g, 'a').slice(0, 24);

describe('failed authentication per client IP (SPEC §7)', () => {
  let t: TestApp;
  let clock: FakeClock;
  let admin: LoggedIn;
  let ips = 0;
  const freshIp = () => `198.51.100.${++ips}`;
  const me = (ip: string, header: string, value: string) =>
    t.http().get('/api/me').set('X-Forwarded-For', ip).set(header, value);
  const withKey = (ip: string, key: string) => me(ip, 'X-API-Key', key);

  const trip = async (ip: string) => {
    for (let i = 0; i < LIMIT; i++) {
      expectProblem(await withKey(ip, randomKey()), 401, 'invalid_api_key');
    }
  };
  const expectTooMany = (res: Awaited<ReturnType<typeof withKey>>) => {
    expectProblem(res, 429, 'too_many_failures');
    expect(retryAfterSeconds(res)).toBeGreaterThanOrEqual(1);
  };

  beforeAll(async () => {
    clock = new FakeClock(START);
    t = await createTestApp(
      { AUTH_FAILURE_LIMIT: String(LIMIT), TRUST_PROXY: 'true' },
      clock,
    );
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it('refuses an IP after the limit with 429, and then reads no database for new keys', async () => {
    const ip = freshIp();
    await trip(ip);
    const spy = new SqlSpy();
    try {
      for (let i = 0; i < 30; i++)
        expectTooMany(await withKey(ip, randomKey()));
      expect(spy.statements).toEqual([]);
    } finally {
      spy.restore();
    }
  });

  it('refuses sessions and malformed credentials from that IP too, and counts them', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT - 2; i++) await withKey(ip, randomKey());
    expectProblem(await withKey(ip, 'short'), 401, 'invalid_api_key');
    expectProblem(
      await me(ip, 'X-Session-ID', randomBytes(32).toString('base64url')),
      401,
      'invalid_session',
    );
    expectTooMany(
      await me(ip, 'X-Session-ID', randomBytes(32).toString('base64url')),
    );
    expectTooMany(await withKey(ip, 'short'));
  });

  it('keeps serving a credential this instance already verified, from the same IP', async () => {
    const ip = freshIp();
    const key = await createKey(t.server, admin);
    await withKey(ip, key.key).expect(200);
    await trip(ip);
    await withKey(ip, key.key).expect(200);
    await me(ip, 'X-Session-ID', admin.sessionId).expect(200);
    // A key not verified yet is not told apart from a guess.
    const fresh = await createKey(t.server, admin);
    expectTooMany(await withKey(ip, fresh.key));
  });

  it('does not count its 429 answers: the IP is free once the counted failures leave the window', async () => {
    const ip = freshIp();
    await trip(ip);
    clock.advanceSeconds(30);
    for (let i = 0; i < 20; i++) expectTooMany(await withKey(ip, randomKey()));
    clock.advanceSeconds(30);
    expectProblem(await withKey(ip, randomKey()), 401, 'invalid_api_key');
  });

  it('keeps other IPs apart, and takes the IP from X-Forwarded-For only with TRUST_PROXY', async () => {
    await trip(freshIp());
    expectProblem(
      await withKey(freshIp(), randomKey()),
      401,
      'invalid_api_key',
    );
    const direct = await createTestApp({ AUTH_FAILURE_LIMIT: String(LIMIT) });
    try {
      const send = (forwarded: string) =>
        direct
          .http()
          .get('/api/me')
          .set('X-Forwarded-For', forwarded)
          .set('X-API-Key', randomKey());
      for (let i = 0; i < LIMIT; i++)
        expect((await send(`203.0.113.${i}`)).status).toBe(401);
      expectTooMany(await send('203.0.113.99'));
    } finally {
      await direct.close();
    }
  });

  it('does not count requests without a credential, nor public routes', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT * 2; i++) {
      expectProblem(
        await t.http().get('/api/me').set('X-Forwarded-For', ip),
        401,
        'no_credentials',
      );
      await t
        .http()
        .get('/api/health/live')
        .set('X-Forwarded-For', ip)
        .set('X-API-Key', randomKey())
        .expect(200);
    }
    expectProblem(await withKey(ip, randomKey()), 401, 'invalid_api_key');
  });

  it('is off with AUTH_FAILURE_LIMIT=0', async () => {
    const off = await createTestApp({ AUTH_FAILURE_LIMIT: '0' });
    try {
      for (let i = 0; i < 60; i++) {
        const res = await off
          .http()
          .get('/api/me')
          .set('X-API-Key', randomKey());
        expect(res.status).toBe(401);
      }
    } finally {
      await off.close();
    }
  });
});
