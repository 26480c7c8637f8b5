import {
  createKey,
  createUser,
  LoggedIn,
  login,
  USER_PASSWORD,
} from './helpers/auth';
import { iso } from './helpers/fake-clock';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

type Entry = Record<string, any>;

describe('GET /api/me/activity, the security log (SPEC §16)', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '2' });
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const activity = async (session: LoggedIn, query = '') =>
    (
      await t
        .http()
        .get(`/api/me/activity${query}`)
        .set('X-Session-ID', session.sessionId)
        .expect(200)
    ).body as { items: Entry[]; total: number };
  const actions = (entries: Entry[]) => entries.map((e) => e.action);

  describe('for a user', () => {
    let bob: LoggedIn;

    beforeAll(async () => {
      await createUser(t.server, admin, { username: 'bob' });
      // Failed logins under another spelling of the name, then a lockout.
      for (const username of ['BOB', 'bob']) {
        await t
          .http()
          .post('/api/sessions')
          .send({ username, password: 'not-bobs-password' });
      }
      t.clock.advance(61_000);
      admin = await login(t.server);
      bob = await login(t.server, 'bob', USER_PASSWORD);
      const second = await login(t.server, 'bob', USER_PASSWORD);
      await t
        .http()
        .patch('/api/users/bob')
        .set('X-Session-ID', admin.sessionId)
        .send({ full_name: 'Bob B' })
        .expect(200);
      const handle = (
        await t
          .http()
          .get('/api/me/sessions')
          .set('X-Session-ID', second.sessionId)
          .expect(200)
      ).body.items.find((s: Entry) => s.current).id as string;
      await t
        .http()
        .delete(`/api/me/sessions/${handle}`)
        .set('X-Session-ID', bob.sessionId)
        .expect(204);
      await t
        .http()
        .put('/api/me/password')
        .set('X-Session-ID', bob.sessionId)
        .send({
          current_password: USER_PASSWORD,
          new_password: 'river-lamp-77',
        })
        .expect(204);
      // Someone else's business, which bob's log must not show.
      await createUser(t.server, admin, { username: 'carol' });
      await login(t.server, 'carol', USER_PASSWORD);
    });

    it('holds its logins, failures, lockout, changes by others, revocations and password changes, newest first', async () => {
      const log = await activity(bob);
      expect(actions(log.items)).toEqual([
        'user.password_change',
        'session.revoke',
        'user.update',
        'session.login',
        'session.login',
        'session.lockout',
        'session.login',
        'session.login',
        'user.create',
      ]);
      expect(log.total).toBe(9);
      const failed = log.items.filter((e) => e.outcome === 'failed');
      expect(failed.map((e) => e.target_id)).toEqual(['bob', 'BOB']);
      expect(failed[0]).toMatchObject({ actor: null, code: 'login_failed' });
    });

    it('keeps the details of entries about its own user', async () => {
      const log = await activity(bob);
      const update = log.items.find((e) => e.action === 'user.update')!;
      expect(update).toMatchObject({
        actor: 'admin',
        target_id: 'bob',
        details: { full_name: 'Bob B' },
      });
      expect(
        log.items.find((e) => e.action === 'session.revoke')!.details,
      ).toMatchObject({ session: expect.any(String) });
    });

    it('holds nothing of other users', () =>
      activity(bob).then((log) =>
        expect(
          log.items.filter(
            (e) => e.target_id?.toLowerCase() !== 'bob' && e.actor !== 'bob',
          ),
        ).toEqual([]),
      ));

    it('pages with limit and offset', async () => {
      const all = await activity(bob);
      const page = await activity(bob, '?limit=2&offset=1');
      expect(page.total).toBe(all.total);
      expect(page.items).toEqual(all.items.slice(1, 3));
    });

    it('filters by since and until', async () => {
      const all = await activity(bob);
      const lockout = all.items.find((e) => e.action === 'session.lockout')!;
      const until = await activity(bob, `?until=${lockout.at}`);
      expect(actions(until.items)).toEqual([
        'session.lockout',
        'session.login',
        'session.login',
        'user.create',
      ]);
      const since = await activity(
        bob,
        `?since=${iso(Date.parse(lockout.at as string) + 1)}`,
      );
      expect(since.total).toBe(all.total - 4);
      expectProblem(
        await t
          .http()
          .get('/api/me/activity?since=yesterday')
          .set('X-Session-ID', bob.sessionId),
        400,
        'validation_failed',
      );
    });
  });

  describe('for an admin', () => {
    it('holds the changes it made, with no details for other users’ records', async () => {
      const log = await activity(admin);
      const created = log.items.find(
        (e) => e.action === 'user.create' && e.target_id === 'carol',
      )!;
      expect(created).toMatchObject({ actor: 'admin', details: {} });
      const update = log.items.find((e) => e.action === 'user.update')!;
      expect(update.details).toEqual({});
    });

    it('keeps the details of its changes to keys', async () => {
      const key = await createKey(t.server, admin, { title: 'log me' });
      const log = await activity(admin, '?limit=1');
      expect(log.items[0]).toMatchObject({
        action: 'api_key.create',
        target_id: key.id,
        details: expect.objectContaining({ title: 'log me' }),
      });
    });
  });

  it('answers 404 to an API key', async () => {
    const key = await createKey(t.server, admin, { privileges: ['admin'] });
    expectProblem(
      await t.http().get('/api/me/activity').set('X-API-Key', key.key),
      404,
      'not_found',
    );
  });
});
