import type { ClassProvider, ExistingProvider, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Response } from 'supertest';
import { AppModule } from '../src/app/app.module';
import { AuthGuard } from '../src/auth/auth.guard';
import { AccessDecision } from '../src/auth/access-decision';
import { AccessGuard } from '../src/auth/access.guard';
import { keyBucket } from '../src/rate-limits/key-bucket';
import {
  RATE_LIMIT_STORE,
  RateLimitStore,
} from '../src/rate-limits/rate-limit.store';
import { createKey, login, LoggedIn } from './helpers/auth';
import { burst, retryAfterSeconds, statusCounts } from './helpers/burst';
import { FakeClock } from './helpers/fake-clock';
import { createTestApp, TestApp } from './helpers/test-app';

/** On a whole second, so "t = 900 ms" below means 900 ms past a wall-clock second. */
const START = Date.UTC(2031, 0, 1);

describe('per-key rate limits (SPEC §7)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({}, new FakeClock(START));
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const limitedKey = (maxPerSec: number, body: Record<string, unknown> = {}) =>
    createKey(t.server, admin, { max_per_sec: maxPerSec, ...body });

  const get = (secret: string, path = '/api/me') =>
    t.http().get(path).set('X-API-Key', secret);

  const patchKey = (id: string, body: Record<string, unknown>) =>
    t
      .http()
      .patch(`/api/keys/${id}`)
      .set('X-Session-ID', admin.sessionId)
      .send(body)
      .expect(200);

  /** Moves the clock forward to the next instant that is `ms` past a whole second. */
  const advanceToMsPastSecond = (ms: number) => {
    const nextSecond = Math.floor(t.clock.now() / 1000) * 1000 + 1000;
    t.clock.advance(nextSecond + ms - t.clock.now());
  };

  const expectRateLimited = (res: Response) => {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(retryAfterSeconds(res)).toBeGreaterThanOrEqual(1);
  };

  describe('exactness under concurrency', () => {
    it('lets exactly 10 of 50 simultaneous requests through on a key limited to 10, five rounds in a row', async () => {
      const key = await limitedKey(10);
      for (let round = 0; round < 5; round++) {
        const responses = await burst(50, () => get(key.key));
        expect({ round, ...statusCounts(responses) }).toEqual({
          round,
          200: 10,
          429: 40,
        });
        responses.filter((r) => r.status === 429).forEach(expectRateLimited);
        for (const ok of responses.filter((r) => r.status === 200)) {
          expect(ok.body).toMatchObject({ type: 'api_key', id: key.id });
        }
        t.clock.advance(1001);
      }
    });

    it('lets exactly 1 of 30 simultaneous requests through on a key limited to 1', async () => {
      const key = await limitedKey(1);
      const responses = await burst(30, () => get(key.key));
      expect(statusCounts(responses)).toEqual({ 200: 1, 429: 29 });
    });
  });

  describe('the sliding one-second window', () => {
    it('never holds more than N successes in any sliding second of a sustained run, and is not starved', async () => {
      const N = 7;
      const key = await limitedKey(N);
      // Irregular small steps (1–60 ms) and 1–3 simultaneous requests per step.
      const steps = [37, 11, 53, 2, 29, 41, 17, 60, 5, 23, 47, 1, 31, 13];
      const perStep = [2, 1, 3, 1, 2, 3, 1];
      const start = t.clock.now();
      const successes: number[] = [];
      const refusals: number[] = [];
      for (let i = 0; t.clock.now() - start < 6000; i++) {
        const now = t.clock.now();
        const responses = await burst(perStep[i % perStep.length], () =>
          get(key.key),
        );
        for (const res of responses) {
          if (res.status === 200) successes.push(now);
          else if (res.status === 429) refusals.push(now);
          else throw new Error(`unexpected status ${res.status}`);
        }
        t.clock.advance(steps[i % steps.length]);
      }
      const elapsed = t.clock.now() - start;
      const inSecondEndingAt = (at: number) =>
        successes.filter((s) => s > at - 1000 && s <= at).length;

      // No window [s, s + 1000 ms) holds more than N successes...
      const worst = Math.max(
        ...successes.map(
          (s) => successes.filter((x) => x >= s && x < s + 1000).length,
        ),
      );
      expect(worst).toBe(N);
      // ...every refusal came when the last second already held N successes...
      const unjustified = refusals.filter((r) => inSecondEndingAt(r) !== N);
      expect(unjustified).toEqual([]);
      expect(refusals.length).toBeGreaterThan(0);
      // ...so the throughput stays close to N per second.
      const perSecond = successes.length / (elapsed / 1000);
      expect(perSecond).toBeGreaterThan(N * 0.9);
      expect(successes.length).toBeLessThanOrEqual(
        N * Math.ceil(elapsed / 1000),
      );
    });

    it('refuses a second batch of N at t=1100 ms after N at t=900 ms (where a fixed window would allow 2N), and lets N through from t=1900 ms', async () => {
      const N = 5;
      const key = await limitedKey(N);
      advanceToMsPastSecond(900);
      expect(statusCounts(await burst(N, () => get(key.key)))).toEqual({
        200: N,
      });

      t.clock.advance(200); // t = 1100 ms: a new wall-clock second
      const second = await burst(N, () => get(key.key));
      expect(statusCounts(second)).toEqual({ 429: N });
      second.forEach(expectRateLimited);

      t.clock.advance(799); // t = 1899 ms: the batch at 900 ms is still in the window
      expectRateLimited(await get(key.key));

      t.clock.advance(1); // t = 1900 ms: it has left
      expect(statusCounts(await burst(N + 3, () => get(key.key)))).toEqual({
        200: N,
        429: 3,
      });
    });

    it('does not let refused requests use up the next window', async () => {
      const N = 3;
      const key = await limitedKey(N);
      expect(statusCounts(await burst(N, () => get(key.key)))).toEqual({
        200: N,
      });
      // Hammer through the rest of the second while blocked.
      for (let elapsed = 0; elapsed < 990; elapsed += 90) {
        t.clock.advance(90);
        expect(statusCounts(await burst(5, () => get(key.key)))).toEqual({
          429: 5,
        });
      }
      t.clock.advance(10); // exactly one second after the N successes
      expect(statusCounts(await burst(10, () => get(key.key)))).toEqual({
        200: N,
        429: 10 - N,
      });
    });

    it('lets a client that waits Retry-After seconds through', async () => {
      const key = await limitedKey(2);
      await burst(2, () => get(key.key));
      t.clock.advance(350);
      const refused = await get(key.key);
      expectRateLimited(refused);
      t.clock.advance(retryAfterSeconds(refused) * 1000);
      expect((await get(key.key)).status).toBe(200);
    });
  });

  describe('who is limited', () => {
    it('keeps two keys apart: exhausting one leaves the other its full allowance, even interleaved', async () => {
      const a = await limitedKey(5);
      const b = await limitedKey(3);
      const responses = await burst(40, (i) => get(i % 2 ? a.key : b.key));
      const forKey = (secret: string) =>
        statusCounts(
          responses.filter((_, i) => (i % 2 ? a.key : b.key) === secret),
        );
      expect(forKey(a.key)).toEqual({ 200: 5, 429: 15 });
      expect(forKey(b.key)).toEqual({ 200: 3, 429: 17 });

      const c = await limitedKey(4);
      expect(statusCounts(await burst(4, () => get(c.key)))).toEqual({
        200: 4,
      });
      expectRateLimited(await get(a.key));
    });

    it('does not limit a key with max_per_sec 0, and sends it no RateLimit headers', async () => {
      const key = await limitedKey(0);
      const responses = await burst(200, () => get(key.key));
      expect(statusCounts(responses)).toEqual({ 200: 200 });
      for (const res of responses) {
        expect(res.headers['ratelimit']).toBeUndefined();
        expect(res.headers['ratelimit-policy']).toBeUndefined();
      }
    });

    it('does not rate limit sessions', async () => {
      const responses = await burst(60, () =>
        t.http().get('/api/me').set('X-Session-ID', admin.sessionId),
      );
      expect(statusCounts(responses)).toEqual({ 200: 60 });
      expect(responses[0].body.type).toBe('user');
      for (const res of responses) {
        expect(res.headers['ratelimit']).toBeUndefined();
      }
    });
  });

  describe('headers', () => {
    it('sends RateLimit-Policy and a RateLimit that counts down on every response, then Retry-After on the 429', async () => {
      const key = await limitedKey(4);
      for (const remaining of [3, 2, 1, 0]) {
        const res = await get(key.key).expect(200);
        expect(res.headers['ratelimit-policy']).toBe('"key";q=4;w=1');
        expect(res.headers['ratelimit']).toBe(`"key";r=${remaining};t=1`);
        expect(res.headers['retry-after']).toBeUndefined();
        t.clock.advance(100);
      }
      const refused = await get(key.key);
      expectRateLimited(refused);
      expect(refused.body).toMatchObject({
        type: 'about:blank',
        title: 'Too Many Requests',
      });
      expect(retryAfterSeconds(refused)).toBe(1);
      expect(refused.headers['ratelimit-policy']).toBe('"key";q=4;w=1');
      expect(refused.headers['ratelimit']).toBe('"key";r=0;t=1');

      // The first hit (at +0) has left 1000 ms after it was made; the others have not.
      t.clock.advance(600);
      const next = await get(key.key).expect(200);
      expect(next.headers['ratelimit']).toBe('"key";r=0;t=1');
    });

    it('sends the RateLimit headers on a 403 too, and counts that request', async () => {
      const key = await limitedKey(2, { privileges: ['run_jobs'] });
      const first = await get(key.key, '/api/keys');
      expect(first.status).toBe(403);
      expect(first.body.code).toBe('missing_privilege');
      expect(first.headers['ratelimit-policy']).toBe('"key";q=2;w=1');
      expect(first.headers['ratelimit']).toBe('"key";r=1;t=1');
      const second = await get(key.key, '/api/keys').expect(403);
      expect(second.headers['ratelimit']).toBe('"key";r=0;t=1');
    });

    it('sends the RateLimit headers on a 404 from a handler', async () => {
      const key = await limitedKey(3, { privileges: ['admin'] });
      const res = await get(key.key, '/api/keys/no-such-key').expect(404);
      expect(res.body.code).toBe('not_found');
      expect(res.headers['ratelimit-policy']).toBe('"key";q=3;w=1');
      expect(res.headers['ratelimit']).toBe('"key";r=2;t=1');
    });

    it('sends no RateLimit headers when the key is refused by authentication', async () => {
      const key = await limitedKey(2);
      await patchKey(key.id, { active: false });
      const res = await get(key.key).expect(401);
      expect(res.body.code).toBe('api_key_disabled');
      expect(res.headers['ratelimit']).toBeUndefined();
      expect(res.headers['ratelimit-policy']).toBeUndefined();
    });
  });

  describe('changes to a key', () => {
    it('applies a raised max_per_sec on the very next request', async () => {
      const key = await limitedKey(2);
      await burst(2, () => get(key.key));
      expectRateLimited(await get(key.key));
      await patchKey(key.id, { max_per_sec: 5 });
      const after = await burst(6, () => get(key.key));
      expect(statusCounts(after)).toEqual({ 200: 3, 429: 3 });
      expect(after[0].headers['ratelimit-policy']).toBe('"key";q=5;w=1');
    });

    it('applies a lowered max_per_sec on the very next request, counting the hits already made', async () => {
      const key = await limitedKey(10);
      expect(statusCounts(await burst(6, () => get(key.key)))).toEqual({
        200: 6,
      });
      await patchKey(key.id, { max_per_sec: 3 });
      const refused = await get(key.key);
      expectRateLimited(refused);
      expect(refused.headers['ratelimit-policy']).toBe('"key";q=3;w=1');
      expect(refused.headers['ratelimit']).toBe('"key";r=0;t=1');
      t.clock.advance(1000);
      expect(statusCounts(await burst(6, () => get(key.key)))).toEqual({
        200: 3,
        429: 3,
      });
    });

    it('stops limiting a key whose max_per_sec is set to 0', async () => {
      const key = await limitedKey(1);
      await get(key.key).expect(200);
      expectRateLimited(await get(key.key));
      await patchKey(key.id, { max_per_sec: 0 });
      const responses = await burst(20, () => get(key.key));
      expect(statusCounts(responses)).toEqual({ 200: 20 });
      expect(responses[0].headers['ratelimit']).toBeUndefined();
    });

    it('drops the rate-limit state of a deleted key', async () => {
      const store = t.app.get<RateLimitStore>(RATE_LIMIT_STORE);
      const key = await limitedKey(2);
      await burst(2, () => get(key.key));
      // The store sees the key as full (a refused probe records nothing).
      expect(
        (await store.increment(keyBucket(key.id), 1000, 2, 1000, 'key'))
          .isBlocked,
      ).toBe(true);

      await t
        .http()
        .delete(`/api/keys/${key.id}`)
        .set('X-Session-ID', admin.sessionId)
        .expect(204);

      expect(
        await store.increment(keyBucket(key.id), 1000, 2, 1000, 'key'),
      ).toMatchObject({ totalHits: 1, isBlocked: false });
      await store.forget(keyBucket(key.id));
      expect((await get(key.key)).body.code).toBe('invalid_api_key');
    });
  });

  describe('order: the credential, then the rate limit, then privileges', () => {
    it('registers the AuthGuard, then the decision function, in AppModule', () => {
      const providers = Reflect.getMetadata(
        'providers',
        AppModule,
      ) as Provider[];
      const guards = providers
        .filter(
          (p): p is ExistingProvider | ClassProvider =>
            typeof p === 'object' && 'provide' in p && p.provide === APP_GUARD,
        )
        .map((p) => ('useExisting' in p ? p.useExisting : p.useClass));
      expect(guards.slice(0, 2)).toEqual([AuthGuard, AccessGuard]);
    });

    it('runs the rate limit before privileges and scope (SPEC §19 order)', () => {
      const names = t.app.get(AccessDecision).names;
      expect(names.indexOf('rate_limit')).toBeLessThan(
        names.indexOf('privileges'),
      );
      expect(names.indexOf('privileges')).toBeLessThan(names.indexOf('scope'));
    });

    it('answers an unknown key 401 invalid_api_key, never 429', async () => {
      const responses = await burst(20, () => get('Zz9' + 'x'.repeat(21)));
      expect(statusCounts(responses)).toEqual({ 401: 20 });
      expect(responses[0].body.code).toBe('invalid_api_key');
    });

    it('does not charge failed authentications to the key', async () => {
      const key = await limitedKey(2);
      await patchKey(key.id, { active: false });
      const refused = await burst(10, () => get(key.key));
      expect(statusCounts(refused)).toEqual({ 401: 10 });
      await patchKey(key.id, { active: true });
      expect(statusCounts(await burst(4, () => get(key.key)))).toEqual({
        200: 2,
        429: 2,
      });
    });

    it('answers 429 rather than 403 when a key over its limit calls a route it lacks the privilege for', async () => {
      const key = await limitedKey(2);
      await burst(2, () => get(key.key));
      const res = await get(key.key, '/api/keys');
      expectRateLimited(res);
    });
  });
});
