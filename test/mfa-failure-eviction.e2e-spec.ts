import request from 'supertest';
import { clientFailureKey } from '../src/rate-limits/client-failures';
import {
  type FailureCounters,
  MAX_COUNTED_KEYS,
  RATE_LIMIT_STORE,
} from '../src/rate-limits/rate-limit.store';
import { USER_PASSWORD, createUser, login } from './helpers/auth';
import { enrolTotp, totpAt } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * A user's wrong second factors are bounded from every address together
 * (100 an hour, src/mfa/factor-failures.ts). That count lived in the same
 * in-process table as the per-IP failure counts, which forgets its oldest
 * key once it holds MAX_COUNTED_KEYS: after 100 wrong codes an attacker
 * with the password made refused requests from that many spoofed or cheap
 * addresses (X-Forwarded-For under TRUST_PROXY, an IPv6 prefix), the
 * user's count was pushed out, and 100 more guesses began. Per-IP floods
 * now only push out per-IP counts.
 */
describe("a flood of client addresses and a user's second-factor lockout", () => {
  let t: TestApp;
  let secret: string;
  let address = 0;
  const nextAddress = () =>
    `10.9.${Math.floor(++address / 250)}.${address % 250}`;

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'true' });
    const admin = await login(t.server);
    await createUser(t.server, admin, { username: 'wes' });
    secret = (await enrolTotp(t, await login(t.server, 'wes', USER_PASSWORD)))
      .secret;
  });
  afterAll(() => t.close());

  async function mfaToken(ip: string): Promise<string> {
    const res = await request(t.server)
      .post('/api/sessions')
      .set('X-Forwarded-For', ip)
      .send({ username: 'wes', password: USER_PASSWORD })
      .expect(200);
    return res.body.mfa_token as string;
  }

  const code = (offset: number) =>
    String(
      (Number(totpAt(secret, t.clock.now())) + offset) % 1_000_000,
    ).padStart(6, '0');

  const tryCode = async (offset: number) => {
    const ip = nextAddress();
    return request(t.server)
      .post('/api/sessions/mfa')
      .set('X-Forwarded-For', ip)
      .send({ mfa_token: await mfaToken(ip), code: code(offset) });
  };

  it('keeps the user locked out after refused credentials from more addresses than the table holds', async () => {
    let failed = 0;
    while (failed < 100) {
      const ip = nextAddress();
      const token = await mfaToken(ip);
      for (let i = 0; i < 4 && failed < 100; i++) {
        const res = await request(t.server)
          .post('/api/sessions/mfa')
          .set('X-Forwarded-For', ip)
          .send({ mfa_token: token, code: code(500_000) });
        if (res.status === 401) failed++;
      }
    }
    expectProblem(await tryCode(0), 429, 'too_many_login_attempts');

    // A few through HTTP, the bulk straight into the store: the same
    // record each refused credential makes (SPEC §7), without 50,000
    // requests' time.
    for (let i = 0; i < 3; i++) {
      await request(t.server)
        .get('/api/me')
        .set('X-Forwarded-For', `172.16.0.${i}`)
        .set('X-API-Key', 'k'.repeat(40))
        .expect(401);
    }
    const store = t.app.get<FailureCounters>(RATE_LIMIT_STORE);
    for (let i = 0; i <= MAX_COUNTED_KEYS; i++) {
      const ip = `2001:db8::${i.toString(16)}`;
      await store.record(clientFailureKey(ip), 50, 60_000);
    }

    // The right code is still not checked: the count survived the flood.
    expectProblem(await tryCode(0), 429, 'too_many_login_attempts');
    t.clock.advanceSeconds(3600);
    expect((await tryCode(0)).status).toBe(201);
  });
});
