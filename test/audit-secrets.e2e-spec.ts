import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../src/secrets/secrets';
import { createKey, createUser, login, USER_PASSWORD } from './helpers/auth';
import { ADMIN_PASSWORD, TestApp, createTestApp } from './helpers/test-app';
import { onPostgres } from './helpers/test-database';

/**
 * The secret canary (SPEC §13): every secret this run handles — keys, their
 * digests, passwords, password hashes, session ids, CSRF tokens — must appear
 * in no audit entry, and the plaintext ones nowhere in the database files.
 */
async function tableDumps(t: TestApp): Promise<string[]> {
  const tables: { tablename: string }[] = await t.dataSource.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
  );
  const dumps: string[] = [];
  for (const { tablename } of tables) {
    dumps.push(
      JSON.stringify(await t.dataSource.query(`SELECT * FROM "${tablename}"`)),
    );
  }
  return dumps;
}

describe('audit log: no secret, ever', () => {
  let dir: string;
  let t: TestApp;
  const plaintext: string[] = [];
  const digests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-canary-'));
    t = await createTestApp({
      DATABASE_PATH: join(dir, 'canary.sqlite'),
      LOGIN_MAX_FAILURES: '2',
    });
    plaintext.push(ADMIN_PASSWORD, USER_PASSWORD);
    const admin = await login(t.server);
    plaintext.push(admin.sessionId, admin.csrfToken);
    const key = await createKey(t.server, admin, { title: 'canary' });
    plaintext.push(key.key);
    const rotated = await t
      .http()
      .post(`/api/keys/${key.id}/rotate`)
      .set('X-Session-ID', admin.sessionId)
      .send({ grace_seconds: 60 })
      .expect(201);
    plaintext.push(rotated.body.key);
    await createUser(t.server, admin, {
      username: 'canary',
      privileges: ['run_jobs'],
    });
    const newPassword = 'sparrow-new-password-1';
    plaintext.push(newPassword);
    await t
      .http()
      .patch('/api/users/canary')
      .set('X-Session-ID', admin.sessionId)
      .send({ password: newPassword })
      .expect(200);
    // A refused key and session (access.denied), failed logins and a lockout.
    await t
      .http()
      .post('/api/keys')
      .set('X-API-Key', rotated.body.key)
      .send({ title: 'x' })
      .expect(403);
    const wrong = 'canary-wrong-password';
    plaintext.push(wrong);
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post('/api/sessions')
        .send({ username: 'canary', password: wrong });
    }
    t.clock.advanceSeconds(t.config.loginWindow + 1);
    const user = await login(t.server, 'canary', newPassword);
    plaintext.push(user.sessionId, user.csrfToken);
    // The person's own password change, once wrong (access.denied), once right.
    const own = 'finch-own-password-2';
    plaintext.push(own);
    for (const current of [wrong, newPassword]) {
      await t
        .http()
        .put('/api/me/password')
        .set('X-Session-ID', user.sessionId)
        .send({ current_password: current, new_password: own })
        .expect(current === wrong ? 403 : 204);
    }
    await t
      .http()
      .delete('/api/sessions/current')
      .set('Cookie', user.cookie)
      .expect(403);
    await t
      .http()
      .delete('/api/sessions/current')
      .set('Cookie', user.cookie)
      .set('X-CSRF-Token', user.csrfToken)
      .expect(204);
    await t
      .http()
      .delete(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(204);
    digests.push(...plaintext.map(sha256Hex));
    const hashes: { password_hash: string }[] = await t.dataSource.query(
      'SELECT password_hash FROM users',
    );
    digests.push(...hashes.map((row) => row.password_hash));
    // Every page of the audit log, as an admin reads it.
    const pages: string[] = [];
    for (let offset = 0; ; offset += 5) {
      const res = await t
        .http()
        .get('/api/audit')
        .query({ limit: 5, offset })
        .set('X-Session-ID', admin.sessionId)
        .expect(200);
      pages.push(res.text);
      if (offset + 5 >= res.body.total) break;
    }
    auditText = pages.join('\n');
    // On PostgreSQL the "files" are every row of every table, as text.
    if (onPostgres()) files = await tableDumps(t);
    await t.close();
    if (!onPostgres()) {
      files = readdirSync(dir).map((name) =>
        readFileSync(join(dir, name)).toString('latin1'),
      );
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let auditText = '';
  let files: string[] = [];

  it('recorded the run (the canary has something to look at)', () => {
    for (const action of [
      'api_key.create',
      'api_key.rotate',
      'api_key.delete',
      'user.update',
      'session.login',
      'session.lockout',
      'session.logout',
      'access.denied',
    ]) {
      expect(auditText).toContain(`"${action}"`);
    }
    expect(files.join('').length).toBeGreaterThan(0);
  });

  it('has no plaintext secret, digest or password hash in any audit page', () => {
    for (const secret of [...plaintext, ...digests]) {
      expect({ secret, found: auditText.includes(secret) }).toEqual({
        secret,
        found: false,
      });
    }
  });

  it('has no plaintext secret anywhere in the database files', () => {
    for (const secret of plaintext) {
      expect({ secret, found: files.some((f) => f.includes(secret)) }).toEqual({
        secret,
        found: false,
      });
    }
  });
});
