import { randomBytes } from 'node:crypto';
import { LeakedKeys } from '../src/api-keys/leaked-keys';
import { type Change, ChangeBus } from '../src/bus/change-bus';
import { WriteLock } from '../src/database/write-lock';
import { createKey, login, LoggedIn } from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

const randomKey = () =>
  randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');

describe('POST /api/keys/revoke-leaked (SPEC §19)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let ip = 0;
  /** Each call from a fresh client IP, unless a test is about the per-IP count. */
  const handIn = (keys: unknown, from = `198.51.100.${++ip % 250}`) =>
    t
      .http()
      .post('/api/keys/revoke-leaked')
      .set('X-Forwarded-For', from)
      .send({ keys });
  const me = (key: string) => t.http().get('/api/me').set('X-API-Key', key);
  const record = (id: string) =>
    t
      .http()
      .get(`/api/keys/${id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
  const revokedEntries = async (id: string) =>
    (
      await t
        .http()
        .get(`/api/audit?action=api_key.revoke_leaked&target_id=${id}`)
        .set('X-Session-ID', admin.sessionId)
        .expect(200)
    ).body.items as Array<Record<string, any>>;

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' }, new FakeClock());
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it('answers 202 with the count received, the same whether anything matched', async () => {
    const key = await createKey(t.server, admin);
    const none = await handIn([randomKey(), randomKey()]).expect(202);
    const some = await handIn([randomKey(), key.key]).expect(202);
    expect(none.body).toEqual({ received: 2 });
    expect(some.body).toEqual(none.body);
  });

  it('disables a matched key at once, audited with actor null and the source IP', async () => {
    const key = await createKey(t.server, admin);
    await me(key.key).expect(200);
    await handIn(['not a key', key.key], '203.0.113.77').expect(202);
    // Refused from the answer on, before the write lands.
    expectProblem(await me(key.key), 401, 'api_key_disabled');
    await t.app.get(LeakedKeys).settled();
    expect((await record(key.id)).body.active).toBe(false);
    expectProblem(await me(key.key), 401, 'api_key_disabled');
    const [entry, ...more] = await revokedEntries(key.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: null,
      action: 'api_key.revoke_leaked',
      target_type: 'api_key',
      target_id: key.id,
      outcome: 'success',
      ip: '203.0.113.77',
      details: { active: false, source_ip: '203.0.113.77' },
    });
    expect(JSON.stringify(entry)).not.toContain(key.key);
  });

  it('leaves a key matched a second time as it is', async () => {
    const key = await createKey(t.server, admin);
    await handIn([key.key]).expect(202);
    await t.app.get(LeakedKeys).settled();
    const before = (await record(key.id)).body;
    t.clock.advance(1000);
    await handIn([key.key, key.key]).expect(202);
    await t.app.get(LeakedKeys).settled();
    expect((await record(key.id)).body).toEqual(before);
    expect(await revokedEntries(key.id)).toHaveLength(1);
  });

  it('matches a rotated secret in its grace, not one past it', async () => {
    const rotate = async (grace: number) => {
      const key = await createKey(t.server, admin);
      await t
        .http()
        .post(`/api/keys/${key.id}/rotate`)
        .set('X-Session-ID', admin.sessionId)
        .send({ grace_seconds: grace })
        .expect(201);
      return key;
    };
    const inGrace = await rotate(600);
    const past = await rotate(0);
    await handIn([inGrace.key, past.key]).expect(202);
    await t.app.get(LeakedKeys).settled();
    expect((await record(inGrace.id)).body.active).toBe(false);
    expect((await record(past.id)).body.active).toBe(true);
  });

  it('tells every instance: the change goes out on the bus once written', async () => {
    const key = await createKey(t.server, admin);
    const seen: Change[] = [];
    t.app.get(ChangeBus).subscribe((change) => seen.push(change));
    await handIn([key.key]).expect(202);
    await t.app.get(LeakedKeys).settled();
    expect(seen).toContainEqual({
      kind: 'api_key',
      id: key.id,
      digests: [expect.any(String)],
    });
  });

  it.each([
    ['1,001 keys', Array.from({ length: 1001 }, () => 'k')],
    ['no keys', []],
    ['a number among them', ['abc', 7]],
    ['an empty string', ['']],
    ['a string over 256 characters', ['x'.repeat(257)]],
    ['not a list', 'abc'],
  ])('refuses %s with 400 validation_failed', async (_name, keys) => {
    const problem = expectProblem(await handIn(keys), 400, 'validation_failed');
    expect(problem.errors[0].field).toBe('keys');
  });

  it('takes 1,000 keys, repeats included', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? 'same' : randomKey(),
    );
    expect((await handIn(keys).expect(202)).body).toEqual({ received: 1000 });
  });
});

describe('revoke-leaked and the failed-authentication limit', () => {
  it('counts each call as one failed authentication of its IP (AUTH_FAILURE_LIMIT)', async () => {
    const t = await createTestApp({
      TRUST_PROXY: 'loopback',
      AUTH_FAILURE_LIMIT: '3',
    });
    try {
      const from = (ip: string) =>
        t
          .http()
          .post('/api/keys/revoke-leaked')
          .set('X-Forwarded-For', ip)
          .send({ keys: ['abc'] });
      for (let i = 0; i < 3; i++) await from('192.0.2.1').expect(202);
      const res = await from('192.0.2.1');
      expectProblem(res, 429, 'too_many_failures');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // The limit is per IP, and shared with refused credentials.
      await from('192.0.2.2').expect(202);
      const guessed = await t
        .http()
        .get('/api/me')
        .set('X-Forwarded-For', '192.0.2.1')
        .set('X-API-Key', randomKey());
      expectProblem(guessed, 429, 'too_many_failures');
    } finally {
      await t.close();
    }
  });
});

describe('revoke-leaked answers in a time that does not depend on matches', () => {
  it('answers as fast with a match as without, even while every write waits', async () => {
    const t = await createTestApp({
      TRUST_PROXY: 'loopback',
      AUTH_FAILURE_LIMIT: '0',
    });
    try {
      const admin = await login(t.server);
      const ROUNDS = 30;
      const keys: string[] = [];
      for (let i = 0; i < ROUNDS; i++)
        keys.push((await createKey(t.server, admin)).key);
      // Every write (the disabling, its audit entries) queues behind this
      // one until the end: an answer that waited for one would time out.
      const TIMEOUT_MS = 1000;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      void t.app.get(WriteLock).exclusive(() => held);
      const timed = async (list: string[]) => {
        const started = process.hrtime.bigint();
        await t
          .http()
          .post('/api/keys/revoke-leaked')
          .send({ keys: list })
          .timeout(TIMEOUT_MS)
          .expect(202);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const matched: number[] = [];
      const unmatched: number[] = [];
      try {
        for (let i = 0; i < ROUNDS; i++) {
          const filler = Array.from({ length: 9 }, randomKey);
          unmatched.push(await timed([...filler, randomKey()]));
          matched.push(await timed([...filler, keys[i]]));
        }
      } finally {
        release();
      }
      await t.app.get(LeakedKeys).settled();
      const median = (xs: number[]) =>
        [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // Same work on the answer's path: medians within a few milliseconds
      // (they are ~2-5 ms each here; a write on the path never answers).
      expect(Math.abs(median(matched) - median(unmatched))).toBeLessThan(15);
      // And every key handed in was disabled once the writes could run.
      for (const key of keys) {
        expectProblem(
          await t.http().get('/api/me').set('X-API-Key', key),
          401,
          'api_key_disabled',
        );
      }
    } finally {
      await t.close();
    }
  });
});
