import { Challenges, CHALLENGE_TTL_MS } from '../src/mfa/challenges';
import { TestApp, createTestApp } from './helpers/test-app';
import { LoggedIn, createKey, login } from './helpers/auth';
import { expectProblem } from './helpers/problem';

const text = (challenge: Uint8Array) =>
  Buffer.from(challenge).toString('base64url');

/**
 * WebAuthn challenges (SPEC §18: single-use, short-lived), as the passkey
 * routes spend them; the ceremonies around them run in Chromium.
 */
describe('WebAuthn challenges', () => {
  let t: TestApp;
  let challenges: Challenges;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    challenges = t.app.get(Challenges);
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it('works once', async () => {
    const challenge = text(challenges.issue('step_up', 1));
    expect(await challenges.spend(challenge, 'step_up', 1)).toBe(true);
    expect(await challenges.spend(challenge, 'step_up', 1)).toBe(false);
  });

  it('expires after two minutes', async () => {
    const challenge = text(challenges.issue('sign_in', null));
    t.clock.advance(CHALLENGE_TTL_MS);
    expect(await challenges.spend(challenge, 'sign_in', null)).toBe(false);
  });

  it('is bound to its purpose and its user', async () => {
    const challenge = text(challenges.issue('second_factor', 1));
    expect(await challenges.spend(challenge, 'step_up', 1)).toBe(false);
    expect(await challenges.spend(challenge, 'second_factor', 2)).toBe(false);
    expect(await challenges.spend(challenge, 'second_factor', null)).toBe(
      false,
    );
    expect(await challenges.spend(challenge, 'second_factor', 1)).toBe(true);
  });

  it('cannot be forged or altered', async () => {
    const raw = Buffer.from(challenges.issue('register', 1));
    raw[20] ^= 1;
    expect(
      await challenges.spend(raw.toString('base64url'), 'register', 1),
    ).toBe(false);
    expect(await challenges.spend('AAAA', 'register', 1)).toBe(false);
  });

  it('forgets spent challenges once they would have expired', async () => {
    const challenge = text(challenges.issue('step_up', 3));
    await challenges.spend(challenge, 'step_up', 3);
    t.clock.advance(CHALLENGE_TTL_MS + 1);
    await challenges.sweep();
    const rows: unknown[] = await t.dataSource.query(
      'SELECT digest FROM spent_challenges',
    );
    expect(rows).toEqual([]);
  });

  it('answers 404 to the remaining refusals of the self routes', async () => {
    expectProblem(
      await t
        .http()
        .delete('/api/me/mfa/totp')
        .set('X-Session-ID', admin.sessionId),
      404,
      'not_found',
    );
    const key = await createKey(t.server, admin);
    expectProblem(
      await t
        .http()
        .post('/api/sessions/current/step-up/options')
        .set('X-API-Key', key.key),
      404,
      'not_found',
    );
    expectProblem(
      await t.http().get('/api/me/passkeys').set('X-API-Key', key.key),
      404,
      'not_found',
    );
  });
});
