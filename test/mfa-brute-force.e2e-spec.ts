import request from 'supertest';
import { LoggedIn, USER_PASSWORD, createUser, login } from './helpers/auth';
import { enrolTotp, totpAt } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * An attacker who has a user's password guesses the second factor from many
 * addresses, each kept under its own lockout (SPEC §4: LOGIN_MAX_FAILURES
 * per username and IP, LOGIN_IP_MAX_FAILURES per IP). Addresses are cheap
 * (a botnet, a cloud's pool); here TRUST_PROXY stands them in by
 * X-Forwarded-For. A 6-digit code with a step of drift either way is 3 in a
 * million: unbounded, a few million guesses a day win in hours. So a user's
 * wrong second factors are bounded from all addresses together (NIST SP
 * 800-63B §5.2.2: at most 100 consecutive failures per account).
 */
describe('a second factor guessed from many addresses', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let secret: string;
  let vic: LoggedIn;
  let address = 0;
  /** A fresh client address for each round of guesses. */
  const nextAddress = () =>
    `10.0.${Math.floor(++address / 250)}.${address % 250}`;

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'true' });
    admin = await login(t.server);
    await createUser(t.server, admin, { username: 'vic' });
    vic = await login(t.server, 'vic', USER_PASSWORD);
    secret = (await enrolTotp(t, vic)).secret;
  });
  afterAll(() => t.close());

  const from = (ip: string) => ({
    post: (path: string) =>
      request(t.server).post(path).set('X-Forwarded-For', ip),
  });

  async function mfaToken(ip: string): Promise<string> {
    const res = await from(ip)
      .post('/api/sessions')
      .send({ username: 'vic', password: USER_PASSWORD })
      .expect(200);
    return res.body.mfa_token as string;
  }

  const wrongCode = () =>
    String(
      (Number(totpAt(secret, t.clock.now())) + 500_000) % 1_000_000,
    ).padStart(6, '0');

  /** Four wrong codes from a new address: under every per-address limit. */
  async function guessRound(): Promise<number> {
    const ip = nextAddress();
    const token = await mfaToken(ip);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await from(ip)
        .post('/api/sessions/mfa')
        .send({ mfa_token: token, code: wrongCode() });
      statuses.push(res.status);
    }
    return statuses.filter((status) => status === 401).length;
  }

  it("refuses the user's second factor from every address once 100 have failed in an hour, then lets it through", async () => {
    let failed = 0;
    while (failed < 100) failed += await guessRound();
    expect(failed).toBe(100);

    // Even the right code, from an address never seen, is not checked now.
    const ip = nextAddress();
    const token = await mfaToken(ip);
    const right = { mfa_token: token, code: totpAt(secret, t.clock.now()) };
    const refused = await from(ip).post('/api/sessions/mfa').send(right);
    expectProblem(refused, 429, 'too_many_login_attempts');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Nor is a step-up's (a stolen session guessing from its own addresses).
    const stepUp = await from(nextAddress())
      .post('/api/sessions/current/step-up')
      .set('X-Session-ID', vic.sessionId)
      .send({ code: right.code });
    expectProblem(stepUp, 429, 'too_many_login_attempts');

    const audit = await request(t.server)
      .get('/api/audit?action=session.lockout&target_id=vic')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        code: 'too_many_login_attempts',
        details: { failures: 100, window_seconds: 3600 },
      }),
    ]);

    t.clock.advanceSeconds(3600);
    await from(ip)
      .post('/api/sessions/mfa')
      .send({
        mfa_token: await mfaToken(ip),
        code: totpAt(secret, t.clock.now()),
      })
      .expect(201);
  });
});
