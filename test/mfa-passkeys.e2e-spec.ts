import { Passkey } from '../src/mfa/passkey.entity';
import { User } from '../src/users/user.entity';
import { LoggedIn, USER_PASSWORD, createUser, login } from './helpers/auth';
import { enrolTotp, totpAt } from './helpers/mfa';
import { expectProblem, fieldsOf } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * The passkey routes without a browser: what a server decides on its own.
 * The ceremonies themselves run in Chromium (test/integration/passkeys.int-spec.ts).
 */
describe('passkeys (SPEC §18)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let alice: LoggedIn;
  let bob: LoggedIn;
  let serial = 0;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    admin = await login(t.server);
    await createUser(t.server, admin, { username: 'alice' });
    await createUser(t.server, admin, { username: 'bob' });
    alice = await login(t.server, 'alice', USER_PASSWORD);
    bob = await login(t.server, 'bob', USER_PASSWORD);
  });
  afterAll(() => t.close());

  const as = (session: LoggedIn) => ({
    get: (path: string) =>
      t.http().get(path).set('X-Session-ID', session.sessionId),
    post: (path: string) =>
      t.http().post(path).set('X-Session-ID', session.sessionId),
    delete: (path: string) =>
      t.http().delete(path).set('X-Session-ID', session.sessionId),
  });

  /** A stored passkey (as a registration would leave it), for the routes that only read or delete. */
  async function storedPasskey(
    username: string,
    name = 'Laptop',
  ): Promise<string> {
    const user = await t.dataSource
      .getRepository(User)
      .findOneByOrFail({ username });
    const id = `pk${++serial}`.padEnd(16, '0');
    await t.dataSource.getRepository(Passkey).insert({
      id,
      userId: user.id,
      credentialId: `credential-${serial}`,
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: ['internal'],
      name,
      createdAt: new Date(t.clock.now()),
      lastUsedAt: null,
    });
    return id;
  }

  it('gives registration options for a resident key with user verification, excluding those held', async () => {
    await storedPasskey('alice', 'Phone');
    const res = await as(alice).post('/api/me/passkeys/options').expect(200);
    expect(res.body).toMatchObject({
      rp: { id: 'localhost', name: 'opsgate' },
      user: { name: 'alice' },
      attestation: 'none',
      authenticatorSelection: {
        residentKey: 'required',
        userVerification: 'required',
      },
      excludeCredentials: [{ id: 'credential-1', type: 'public-key' }],
    });
    // The WebAuthn user handle is opaque, never the username.
    expect(Buffer.from(res.body.user.id, 'base64url').toString()).not.toContain(
      'alice',
    );
    const again = await as(alice).post('/api/me/passkeys/options').expect(200);
    expect(again.body.challenge).not.toBe(res.body.challenge);
  });

  it('refuses a response that is not a registration with 400 on response', async () => {
    for (const response of [
      {},
      { id: 'x', rawId: 'x', type: 'public-key', response: {} },
    ]) {
      const res = await as(bob)
        .post('/api/me/passkeys')
        .send({ name: 'Key', response });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['response']);
    }
    const unnamed = await as(bob)
      .post('/api/me/passkeys')
      .send({ name: '', response: {} });
    expect(fieldsOf(unnamed)).toEqual(['name']);
  });

  it("lists a user's own passkeys only, and counts them in GET /api/me/mfa", async () => {
    const id = await storedPasskey('bob', 'Security key');
    const res = await as(bob).get('/api/me/passkeys').expect(200);
    expect(res.body).toEqual({
      items: [
        {
          id,
          name: 'Security key',
          created_at: expect.any(String),
          last_used_at: null,
        },
      ],
      total: 1,
    });
    const status = await as(bob).get('/api/me/mfa').expect(200);
    expect(status.body).toEqual({
      totp: false,
      passkeys: 1,
      recovery_codes_left: 0,
    });
  });

  it("answers 404 to removing another user's passkey", async () => {
    const id = await storedPasskey('alice', 'Tablet');
    // The admin has no factor, so no step-up stands in the way: only ownership.
    const res = await as(admin).delete(`/api/me/passkeys/${id}`);
    expectProblem(res, 404, 'not_found');
  });

  it('asks for a password sign-in second step, and lists the passkey for it', async () => {
    const first = await t
      .http()
      .post('/api/sessions')
      .send({ username: 'bob', password: USER_PASSWORD })
      .expect(200);
    expect(first.body.methods).toEqual(['passkey']);
    const options = await t
      .http()
      .post('/api/sessions/mfa/options')
      .send({ mfa_token: first.body.mfa_token })
      .expect(200);
    expect(options.body).toMatchObject({
      rpId: 'localhost',
      userVerification: 'required',
      allowCredentials: [{ id: 'credential-2', type: 'public-key' }],
    });
    // An assertion that does not verify is a failure of the second step.
    const res = await t
      .http()
      .post('/api/sessions/mfa')
      .send({
        mfa_token: first.body.mfa_token,
        passkey: { id: 'credential-2' },
      });
    expectProblem(res, 401, 'mfa_failed');
  });

  it('refuses a passwordless assertion that does not verify with 401 login_failed', async () => {
    await t.http().post('/api/sessions/passkey/options').expect(200);
    const bad = [
      {},
      { id: 'unknown', rawId: 'unknown', type: 'public-key', response: {} },
    ];
    for (const response of bad) {
      const res = await t
        .http()
        .post('/api/sessions/passkey')
        .send({ response });
      expectProblem(res, 401, 'login_failed');
    }
    const missing = await t.http().post('/api/sessions/passkey').send({});
    expectProblem(missing, 400, 'validation_failed');
  });

  it('removes a passkey after a step-up, audited without secrets', async () => {
    const { secret } = await enrolTotp(t, alice);
    const [, second] = (await as(alice).get('/api/me/passkeys').expect(200))
      .body.items;
    const refused = expectProblem(
      await as(alice).delete(`/api/me/passkeys/${second.id}`),
      403,
      'step_up_required',
    );
    expect(refused.methods).toEqual(['totp', 'passkey', 'recovery_code']);
    await as(alice)
      .post('/api/sessions/current/step-up')
      .send({ code: totpAt(secret, t.clock.now()) })
      .expect(200);
    await as(alice).delete(`/api/me/passkeys/${second.id}`).expect(204);
    const list = await as(alice).get('/api/me/passkeys').expect(200);
    expect(list.body.total).toBe(1);
    const audit = await as(admin)
      .get('/api/audit?target_id=alice&action=mfa.remove')
      .expect(200);
    expect(audit.body.items[0].details).toEqual({
      method: 'passkey',
      passkey: second.id,
      name: 'Tablet',
    });
  });
});
