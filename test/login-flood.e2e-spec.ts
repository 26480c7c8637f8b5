import type { Response } from 'supertest';
import {
  LOGIN_HASH_CONCURRENCY,
  LOGIN_HASH_QUEUE,
} from '../src/sessions/hash-permits';
import { SessionsService } from '../src/sessions/sessions.service';
import * as passwords from '../src/users/passwords';
import { createUser, login, USER_PASSWORD } from './helpers/auth';
import { burst, retryAfterSeconds, statusCounts } from './helpers/burst';
import { FakeClock } from './helpers/fake-clock';
import { legacyScryptHash } from './helpers/legacy-hash';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';
import { sql } from './helpers/test-database';

const START = Date.UTC(2031, 0, 1);
let guesses = 0;
const randomUser = () => `nobody-${++guesses}`;

function send(t: TestApp, username: string, password: string, ip: string) {
  return t
    .http()
    .post('/api/sessions')
    .set('X-Forwarded-For', ip)
    .send({ username, password });
}

const expectTooMany = (res: Response) => {
  expectProblem(res, 429, 'too_many_login_attempts');
  expect(retryAfterSeconds(res)).toBeGreaterThanOrEqual(1);
};

describe('password hashing under a login flood (SPEC §4)', () => {
  let t: TestApp;
  let verify: jest.SpyInstance;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: 'true',
      LOGIN_IP_MAX_FAILURES: '0',
    });
  });
  afterAll(() => t.close());
  beforeEach(() => (verify = jest.spyOn(passwords, 'verifyPassword')));
  afterEach(() => jest.restoreAllMocks());

  it('hashes no more than the cap while 50 logins arrive at once; the excess is 429 at once', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    verify.mockImplementation(async () => {
      await gate;
      return false;
    });
    const answered: Response[] = [];
    let notify = () => {};
    const all = burst(50, (i) =>
      send(t, randomUser(), 'guess-password', `192.0.2.${i}`).then((res) => {
        answered.push(res);
        notify();
        return res;
      }),
    );
    const excess = 50 - LOGIN_HASH_CONCURRENCY - LOGIN_HASH_QUEUE;
    // Every hash is held at the gate: whatever answers now did not wait for one.
    await new Promise<void>((resolve) => {
      notify = () => answered.length >= excess && resolve();
    });
    const hashing = t.app.get(SessionsService).hashing;
    expect({ calls: verify.mock.calls.length, inUse: hashing.inUse }).toEqual({
      calls: LOGIN_HASH_CONCURRENCY,
      inUse: LOGIN_HASH_CONCURRENCY,
    });
    answered.forEach(expectTooMany);
    open();
    const responses = await all;
    expect(statusCounts(responses)).toEqual({
      401: LOGIN_HASH_CONCURRENCY + LOGIN_HASH_QUEUE,
      429: excess,
    });
    expect(hashing.peak).toBe(LOGIN_HASH_CONCURRENCY);
  });

  it('lets the next hash start only after a rest as long as the last one took: half a core at most', async () => {
    const spans: { start: number; end: number }[] = [];
    verify.mockImplementation(async () => {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      spans.push({ start, end: performance.now() });
      return false;
    });
    const responses = await burst(4, (i) =>
      send(t, randomUser(), 'guess-password', `198.51.100.${i}`),
    );
    expect(statusCounts(responses)).toEqual({ 401: 4 });
    expect(spans).toHaveLength(4);
    for (let i = 1; i < spans.length; i++) {
      const took = spans[i - 1].end - spans[i - 1].start;
      // Timers may fire a millisecond early; the rest is never skipped.
      expect(spans[i].start - spans[i - 1].end).toBeGreaterThanOrEqual(
        took - 2,
      );
    }
  });

  it('does the same work whether the username exists or not: one verification each', async () => {
    const admin = await login(t.server);
    await createUser(t.server, admin, { username: 'carol' });
    verify.mockClear();
    expectProblem(
      await send(t, 'carol', 'wrong-password', '192.0.2.200'),
      401,
      'login_failed',
    );
    expectProblem(
      await send(t, randomUser(), 'wrong-password', '192.0.2.201'),
      401,
      'login_failed',
    );
    expect(verify).toHaveBeenCalledTimes(2);
  });
});

describe('failed logins per IP, any username (SPEC §4 LOGIN_IP_MAX_FAILURES)', () => {
  let t: TestApp;
  let clock: FakeClock;
  let verify: jest.SpyInstance;
  beforeAll(async () => {
    clock = new FakeClock(START);
    t = await createTestApp(
      { TRUST_PROXY: 'true', LOGIN_IP_MAX_FAILURES: '3', LOGIN_WINDOW: '60' },
      clock,
    );
    const admin = await login(t.server);
    await createUser(t.server, admin, { username: 'dave' });
  });
  afterAll(() => t.close());
  beforeEach(() => (verify = jest.spyOn(passwords, 'verifyPassword')));
  afterEach(() => jest.restoreAllMocks());

  it('refuses an IP after 3 failures with random usernames, hashing nothing more, until the window passes', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await send(t, randomUser(), 'guess-password', ip),
        401,
        'login_failed',
      );
    }
    verify.mockClear();
    expectTooMany(await send(t, randomUser(), 'guess-password', ip));
    // The right password too: the IP is refused before any hashing.
    expectTooMany(await send(t, 'dave', USER_PASSWORD, ip));
    expect(verify).not.toHaveBeenCalled();
    // Another IP is not affected.
    expect((await send(t, 'dave', USER_PASSWORD, '203.0.113.11')).status).toBe(
      201,
    );
    clock.advanceSeconds(60);
    expect((await send(t, 'dave', USER_PASSWORD, ip)).status).toBe(201);
  });

  it('does not let a successful login reset the IP count', async () => {
    const ip = '203.0.113.20';
    for (let i = 0; i < 2; i++)
      await send(t, randomUser(), 'guess-password', ip);
    expect((await send(t, 'dave', USER_PASSWORD, ip)).status).toBe(201);
    await send(t, randomUser(), 'guess-password', ip);
    expectTooMany(await send(t, randomUser(), 'guess-password', ip));
  });

  it('is off with LOGIN_IP_MAX_FAILURES=0', async () => {
    const off = await createTestApp({
      TRUST_PROXY: 'true',
      LOGIN_IP_MAX_FAILURES: '0',
    });
    try {
      const statuses = [];
      for (let i = 0; i < 8; i++) {
        statuses.push(
          (await send(off, randomUser(), 'guess-password', '203.0.113.30'))
            .status,
        );
      }
      expect(statuses).toEqual(Array(8).fill(401));
    } finally {
      await off.close();
    }
  });
});

describe('passwords stored with scrypt (SPEC §15)', () => {
  let t: TestApp;
  const hashOf = async (username: string) =>
    (
      await t.dataSource.query<{ password_hash: string }[]>(
        sql('SELECT password_hash FROM users WHERE username = ?'),
        [username],
      )
    )[0].password_hash;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await login(t.server);
    await createUser(t.server, admin, { username: 'erin' });
    await t.dataSource.query(
      sql('UPDATE users SET password_hash = ? WHERE username = ?'),
      [legacyScryptHash(USER_PASSWORD), 'erin'],
    );
  });
  afterAll(() => t.close());

  it('are verified, kept on a wrong password, and replaced by Argon2id at the next successful login', async () => {
    const legacy = await hashOf('erin');
    expectProblem(
      await t
        .http()
        .post('/api/sessions')
        .send({ username: 'erin', password: 'wrong-password' }),
      401,
      'login_failed',
    );
    expect(await hashOf('erin')).toBe(legacy);
    const first = await login(t.server, 'erin', USER_PASSWORD);
    const upgraded = await hashOf('erin');
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(
      passwords.verifyPassword(USER_PASSWORD, upgraded),
    ).resolves.toBe(true);
    // The same password: the session opened with the old hash lives on.
    await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', first.sessionId)
      .expect(200);
    await login(t.server, 'erin', USER_PASSWORD);
    expect(await hashOf('erin')).toBe(upgraded);
  });
});
