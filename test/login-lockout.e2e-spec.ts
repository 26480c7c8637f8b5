import {
  LOGIN_HASH_CONCURRENCY,
  LOGIN_HASH_QUEUE,
} from '../src/sessions/hash-permits';
import type { Response } from 'supertest';
import { createUser, login, LoggedIn, USER_PASSWORD } from './helpers/auth';
import { burst, retryAfterSeconds, statusCounts } from './helpers/burst';
import { FakeClock } from './helpers/fake-clock';
import { createTestApp, TestApp } from './helpers/test-app';

const WRONG = 'wrong-password-9';
const START = Date.UTC(2031, 0, 1);

describe('login lockout (SPEC §4)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let users = 0;
  let ips = 0;

  beforeAll(async () => {
    t = await createTestApp(
      { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW: '60', TRUST_PROXY: 'true' },
      new FakeClock(START),
    );
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  /** A fresh user and client address per test, so no test sees another's failures. */
  const freshUser = async () => {
    const username = `user${++users}`;
    await createUser(t.server, admin, { username });
    return username;
  };
  const freshIp = () => `198.51.100.${++ips}`;

  const attempt = (username: string, password: string, ip: string) =>
    t
      .http()
      .post('/api/sessions')
      .set('X-Forwarded-For', ip)
      .send({ username, password });

  const expectFailed = (res: Response) => {
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 401,
      code: 'login_failed',
    });
  };

  const expectLockedOut = (res: Response) => {
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 429,
      code: 'too_many_login_attempts',
    });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
    });
    expect(res.body.session_id).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    const retryAfter = retryAfterSeconds(res);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    return retryAfter;
  };

  const failThrice = async (username: string, ip: string) => {
    for (let i = 0; i < 3; i++)
      expectFailed(await attempt(username, WRONG, ip));
  };

  it('answers 401 login_failed to 3 wrong passwords, then 429 too_many_login_attempts even to the right one', async () => {
    const username = await freshUser();
    const ip = freshIp();
    await failThrice(username, ip);
    const locked = await attempt(username, USER_PASSWORD, ip);
    expect(expectLockedOut(locked)).toBe(60);
    expectLockedOut(await attempt(username, WRONG, ip));
  });

  it('counts Retry-After down to when the window lets an attempt in again', async () => {
    const username = await freshUser();
    const ip = freshIp();
    await failThrice(username, ip);
    t.clock.advance(20_000);
    const locked = await attempt(username, USER_PASSWORD, ip);
    expect(expectLockedOut(locked)).toBe(40);
    t.clock.advance(retryAfterSeconds(locked) * 1000);
    expect((await attempt(username, USER_PASSWORD, ip)).status).toBe(201);
  });

  it('does not lock out another username from the same IP, nor the same username from another IP', async () => {
    const alice = await freshUser();
    const bob = await freshUser();
    const ip = freshIp();
    await failThrice(alice, ip);
    expectLockedOut(await attempt(alice, USER_PASSWORD, ip));

    expect((await attempt(bob, USER_PASSWORD, ip)).status).toBe(201);
    expect((await attempt(alice, USER_PASSWORD, freshIp())).status).toBe(201);
    // A wrong password elsewhere is an ordinary failure, not a lockout.
    expectFailed(await attempt(alice, WRONG, freshIp()));
    // And the locked pair stays locked.
    expectLockedOut(await attempt(alice, USER_PASSWORD, ip));
  });

  it('locks the username whatever its letter case, since usernames are case-insensitive', async () => {
    const username = await freshUser();
    const ip = freshIp();
    await failThrice(username, ip);
    expectLockedOut(await attempt(username.toUpperCase(), USER_PASSWORD, ip));
  });

  it('lets the right password in once the window has passed, and counts afresh after it', async () => {
    const username = await freshUser();
    const ip = freshIp();
    await failThrice(username, ip);
    t.clock.advance(59_000);
    expectLockedOut(await attempt(username, USER_PASSWORD, ip));
    t.clock.advance(2000); // 61 s after the failures
    const res = await attempt(username, USER_PASSWORD, ip);
    expect(res.status).toBe(201);
    expect(res.body.user.username).toBe(username);

    await failThrice(username, ip);
    expectLockedOut(await attempt(username, USER_PASSWORD, ip));
  });

  it('resets the failure count on a successful login', async () => {
    const username = await freshUser();
    const ip = freshIp();
    expectFailed(await attempt(username, WRONG, ip));
    expectFailed(await attempt(username, WRONG, ip));
    expect((await attempt(username, USER_PASSWORD, ip)).status).toBe(201);
    // Three more failures are allowed, not one.
    await failThrice(username, ip);
    expectLockedOut(await attempt(username, USER_PASSWORD, ip));
  });

  it('locks out an unknown username the same way as a known one', async () => {
    const ip = freshIp();
    await failThrice('nobody-here', ip);
    expectLockedOut(await attempt('nobody-here', WRONG, ip));
  });

  it('lets at most 3 of 10 simultaneous wrong passwords be checked, refusing the rest with 429', async () => {
    const username = await freshUser();
    const ip = freshIp();
    const responses = await burst(10, () => attempt(username, WRONG, ip));
    expect(statusCounts(responses)).toEqual({ 401: 3, 429: 7 });
    responses.filter((r) => r.status === 401).forEach(expectFailed);
    responses.filter((r) => r.status === 429).forEach(expectLockedOut);
    expectLockedOut(await attempt(username, USER_PASSWORD, ip));
  });

  it('lets exactly 3 of 10 simultaneous guesses at an unknown username through', async () => {
    const ip = freshIp();
    const responses = await burst(10, (i) =>
      attempt('ghost', `guess-number-${i}`, ip),
    );
    expect(statusCounts(responses)).toEqual({ 401: 3, 429: 7 });
  });

  // SPEC §4: 429 comes only "after LOGIN_MAX_FAILURES failures", never
  // because other attempts are merely in flight.
  it('does not lock out simultaneous logins with the right password, since none failed', async () => {
    const username = await freshUser();
    const ip = freshIp();
    // As many as the hash permits and their queue admit at once (SPEC §4 caps them).
    const n = LOGIN_HASH_CONCURRENCY + LOGIN_HASH_QUEUE;
    const responses = await burst(n, () =>
      attempt(username, USER_PASSWORD, ip),
    );
    expect(statusCounts(responses)).toEqual({ 201: n });
  });

  describe('without TRUST_PROXY', () => {
    let direct: TestApp;
    beforeAll(async () => {
      direct = await createTestApp(
        { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW: '60' },
        new FakeClock(START),
      );
    });
    afterAll(() => direct.close());

    it('ignores X-Forwarded-For, so a client cannot escape the lockout by forging it', async () => {
      const send = (password: string, forwardedFor: string) =>
        direct
          .http()
          .post('/api/sessions')
          .set('X-Forwarded-For', forwardedFor)
          .send({ username: 'admin', password });
      for (let i = 1; i <= 3; i++) {
        expectFailed(await send(WRONG, `203.0.113.${i}`));
      }
      expectLockedOut(await send(WRONG, '203.0.113.200'));
    });
  });
});
