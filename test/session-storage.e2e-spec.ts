import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../src/secrets/secrets';
import { SessionDetails1796518758159 } from '../src/database/migrations/1796518758159-session-details';
import { SessionDetails1796518769181 } from '../src/database/postgres/migrations/1796518769181-session-details';
import { Session } from '../src/sessions/session.entity';
import { SessionVerifier } from '../src/sessions/session.verifier';
import { SessionLifecycle } from '../src/sessions/session-lifecycle';
import { User } from '../src/users/user.entity';
import { login } from './helpers/auth';
import { createTestApp, TestApp } from './helpers/test-app';
import { onPostgres } from './helpers/test-database';

const CONTEXT = { actor: null, ip: '127.0.0.1', requestId: null };

/** The session row of a session token, as stored. */
const rowOf = (t: TestApp, token: string) =>
  t.dataSource
    .getRepository(Session)
    .findOneByOrFail({ tokenHash: sha256Hex(token) });

describe('session storage (SPEC §16)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('records handle, IP, user agent cut to 256, method password and aal 1 at login', async () => {
    const res = await t
      .http()
      .post('/api/sessions')
      .set('User-Agent', `Agent/${'x'.repeat(500)}`)
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(201);
    const row = await rowOf(t, res.body.session_id);
    expect(row.handle).toMatch(/^[A-Za-z0-9]{16,32}$/);
    expect(row.handle).not.toBe(row.id);
    expect(res.body.session_id).not.toContain(row.handle);
    expect(row.tokenHash).not.toContain(row.handle);
    expect(row.userAgent).toBe(`Agent/${'x'.repeat(250)}`);
    expect(row.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(row).toMatchObject({ method: 'password', aal: 1 });
    expect(row.steppedUpAt).toBeNull();
  });

  it('gives every session a handle of its own', async () => {
    const a = await login(t.server);
    const b = await login(t.server);
    expect((await rowOf(t, a.sessionId)).handle).not.toBe(
      (await rowOf(t, b.sessionId)).handle,
    );
  });

  it('audits session.login with details.method', async () => {
    await login(t.server);
    const res = await t
      .http()
      .get('/api/audit?action=session.login&limit=1')
      .set('X-Session-ID', (await login(t.server)).sessionId)
      .expect(200);
    expect(res.body.items[0].details).toEqual({ method: 'password' });
  });

  describe('startSession, the entry point of every other sign-in', () => {
    it('answers the login body and a session that works, with its method and aal', async () => {
      const admin = await t.dataSource
        .getRepository(User)
        .findOneByOrFail({ usernameKey: 'admin' });
      const started = await t.app
        .get(SessionLifecycle)
        .startSession(
          admin,
          { method: 'oidc', aal: 2, ip: '10.0.0.9', userAgent: 'UA' },
          CONTEXT,
        );
      expect(Object.keys(started).sort()).toEqual([
        'csrf_token',
        'expires_at',
        'session_id',
        'user',
      ]);
      const me = await t
        .http()
        .get('/api/me')
        .set('X-Session-ID', started.session_id)
        .expect(200);
      expect(me.body).toMatchObject({
        id: 'admin',
        csrf_token: started.csrf_token,
      });
      const row = await rowOf(t, started.session_id);
      expect(row).toMatchObject({
        method: 'oidc',
        aal: 2,
        ip: '10.0.0.9',
        userAgent: 'UA',
      });
      expect(row.steppedUpAt?.getTime()).toBe(t.clock.now());
    });
  });

  describe('markSteppedUp', () => {
    it('raises the session to aal 2 now, seen by the very next verification, and audits it', async () => {
      const session = await login(t.server);
      const verifier = t.app.get(SessionVerifier);
      const before = await verifier.verify(session.sessionId);
      expect(before.session.aal).toBe(1);
      t.clock.advance(5_000);
      const at = await t.app
        .get(SessionLifecycle)
        .markSteppedUp(
          { sessionRecordId: before.session.id, username: 'admin' },
          { method: 'totp' },
          CONTEXT,
        );
      expect(at.getTime()).toBe(t.clock.now());
      const after = await verifier.verify(session.sessionId);
      expect(after.session.aal).toBe(2);
      expect(after.session.steppedUpAt?.getTime()).toBe(t.clock.now());
      const audit = await t
        .http()
        .get('/api/audit?action=session.step_up&limit=1')
        .set('X-Session-ID', session.sessionId)
        .expect(200);
      expect(audit.body.items[0]).toMatchObject({
        target_id: 'admin',
        details: { method: 'totp' },
      });
    });
  });
});

describe('the session-details migration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-session-details-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps sessions of before working, each with a handle of its own, method password, aal 1', async () => {
    const DATABASE_PATH = join(dir, 'opsgate.sqlite');
    const first = await createTestApp({ DATABASE_PATH });
    const sessions = [await login(first.server), await login(first.server)];
    const mine = onPostgres()
      ? new SessionDetails1796518769181().name
      : new SessionDetails1796518758159().name;
    // Back to the schema before sessions had details (later migrations first).
    const applied = async () => {
      const rows: { name: string }[] = await first.dataSource.query(
        'SELECT name FROM migrations',
      );
      return rows.map((row) => row.name);
    };
    while ((await applied()).includes(mine)) {
      await first.dataSource.undoLastMigration();
    }
    await first.dataSource.runMigrations();
    await first.close();

    const second = await createTestApp({ DATABASE_PATH });
    try {
      const handles = new Set<string>();
      for (const session of sessions) {
        await second
          .http()
          .get('/api/me')
          .set('X-Session-ID', session.sessionId)
          .expect(200);
        const row = await rowOf(second, session.sessionId);
        expect(row.handle).toMatch(/^[0-9a-f]{24,32}$/);
        expect(row).toMatchObject({ method: 'password', aal: 1, ip: null });
        handles.add(row.handle);
      }
      expect(handles.size).toBe(2);
    } finally {
      await second.close();
    }
  });
});
