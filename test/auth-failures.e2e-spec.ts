import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveCredentials } from '../src/auth/live-credentials';
import { ChangeBus } from '../src/bus/change-bus';
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
  });

  describe('a live credential is never locked out (SPEC §7, amended)', () => {
    it('serves a key this instance has never verified, from an IP over the limit', async () => {
      const ip = freshIp();
      await trip(ip);
      const fresh = await createKey(t.server, admin);
      await withKey(ip, fresh.key).expect(200);
    });

    it('serves a working key whose cache entry expired, after a flood from its IP', async () => {
      const ip = freshIp();
      const key = await createKey(t.server, admin);
      await withKey(ip, key.key).expect(200);
      await trip(ip);
      clock.advanceSeconds(t.config.authCacheTtl + 1);
      await withKey(ip, key.key).expect(200);
      // The flood goes on, and is still refused without a lookup.
      expectTooMany(await withKey(ip, randomKey()));
    });

    it('serves a session begun after the flood, and a rotated secret in its grace', async () => {
      const ip = freshIp();
      const key = await createKey(t.server, admin);
      await trip(ip);
      const session = await login(t.server);
      await me(ip, 'X-Session-ID', session.sessionId).expect(200);
      const rotated = await t
        .http()
        .post(`/api/keys/${key.id}/rotate`)
        .set('X-Session-ID', admin.sessionId)
        .send({ grace_seconds: 60 })
        .expect(201);
      await withKey(ip, key.key).expect(200);
      await withKey(ip, rotated.body.key as string).expect(200);
    });

    it('refuses a credential that is not live like a guess: disabled, deleted, rotated out', async () => {
      const ip = freshIp();
      const disabled = await createKey(t.server, admin);
      const deleted = await createKey(t.server, admin);
      const rotated = await createKey(t.server, admin);
      const admin2 = (method: 'patch' | 'delete' | 'post', path: string) =>
        t.http()[method](path).set('X-Session-ID', admin.sessionId);
      await admin2('patch', `/api/keys/${disabled.id}`)
        .send({ active: false })
        .expect(200);
      await admin2('delete', `/api/keys/${deleted.id}`).expect(204);
      await admin2('post', `/api/keys/${rotated.id}/rotate`)
        .send({})
        .expect(201);
      await trip(ip);
      const spy = new SqlSpy();
      try {
        for (const key of [disabled, deleted, rotated]) {
          expectTooMany(await withKey(ip, key.key));
        }
        expect(spy.statements).toEqual([]);
      } finally {
        spy.restore();
      }
      // Enabled again: live again.
      await admin2('patch', `/api/keys/${disabled.id}`)
        .send({ active: true })
        .expect(200);
      await withKey(ip, disabled.key).expect(200);
    });
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

  it('knows the live credentials of the database at start-up, and reloads them when changes may have been missed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsgate-live-'));
    const env = {
      DATABASE_PATH: join(dir, 'opsgate.sqlite'),
      AUTH_FAILURE_LIMIT: String(LIMIT),
      TRUST_PROXY: 'true',
    };
    try {
      const first = await createTestApp(env, new FakeClock(START));
      const firstAdmin = await login(first.server);
      const key = await createKey(first.server, firstAdmin);
      const session = await login(first.server);
      await first.close();
      const second = await createTestApp(env, new FakeClock(START));
      try {
        const from = (header: string, value: string) =>
          second
            .http()
            .get('/api/me')
            .set('X-Forwarded-For', '192.0.2.9')
            .set(header, value);
        for (let i = 0; i < LIMIT; i++)
          await from('X-API-Key', randomKey()).expect(401);
        await from('X-API-Key', key.key).expect(200);
        await from('X-Session-ID', session.sessionId).expect(200);
        const live = second.app.get(LiveCredentials);
        const size = live.size;
        second.app.get(ChangeBus).deliver({ kind: 'all' });
        await live.reload();
        expect(live.size).toBe(size);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
