import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USER_PASSWORD, createUser, login } from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { enrolTotp, totpAt } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * The key that seals TOTP secrets (SPEC §18: encrypted at rest): generated
 * once into the database when MFA_SECRET_KEY is unset, read again after a
 * restart; taken from MFA_SECRET_KEY when set.
 */
describe('the TOTP sealing key', () => {
  let dir: string;
  const clock = new FakeClock();
  const KEY_A = 'a'.repeat(40);
  const KEY_B = 'b'.repeat(40);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-mfa-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (env: Record<string, string> = {}) =>
    createTestApp({ DATABASE_PATH: join(dir, 'db.sqlite'), ...env }, clock);

  async function enrolled(t: TestApp) {
    const admin = await login(t.server);
    await createUser(t.server, admin, { username: 'alice' });
    return enrolTotp(t, await login(t.server, 'alice', USER_PASSWORD));
  }

  async function signIn(t: TestApp, code: string) {
    const first = await t
      .http()
      .post('/api/sessions')
      .send({ username: 'alice', password: USER_PASSWORD })
      .expect(200);
    return t
      .http()
      .post('/api/sessions/mfa')
      .send({ mfa_token: first.body.mfa_token, code });
  }

  it('is generated once and kept in the database, so a restart still opens secrets', async () => {
    let t = await open();
    const { secret } = await enrolled(t);
    const [stored] = await t.dataSource.query(
      'SELECT name FROM server_secrets',
    );
    expect(stored).toEqual({ name: 'mfa_key' });
    await t.close();
    t = await open();
    try {
      expect((await signIn(t, totpAt(secret, clock.now()))).status).toBe(201);
      clock.advanceSeconds(30);
    } finally {
      await t.close();
    }
  });

  it('comes from MFA_SECRET_KEY when set; under another key the app is refused, recovery codes still work', async () => {
    let t = await open({ MFA_SECRET_KEY: KEY_A });
    const { secret, recoveryCodes } = await enrolled(t);
    expect(await t.dataSource.query('SELECT name FROM server_secrets')).toEqual(
      [],
    );
    await t.close();
    t = await open({ MFA_SECRET_KEY: KEY_B });
    try {
      expectProblem(
        await signIn(t, totpAt(secret, clock.now())),
        401,
        'mfa_failed',
      );
      expect((await signIn(t, recoveryCodes[0])).status).toBe(201);
    } finally {
      await t.close();
    }
  });
});
