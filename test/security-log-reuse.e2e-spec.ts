import request from 'supertest';
import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
} from './helpers/auth';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * The security log is "the audit entries whose actor is the caller or whose
 * target is the caller's user" (SPEC §16). Audit entries name users by
 * username, and a username is freed when its user is deleted: a new user
 * given it (a new colleague's jsmith, created again by SSO) must not read
 * the former holder's sign-ins, addresses and changes as its own.
 */
describe('a security log under a username that was used before', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it('starts at the creation of the caller’s user', async () => {
    await createUser(t.server, admin, {
      username: 'jsmith',
      privileges: ['admin'],
    });
    const former = await login(t.server, 'jsmith', USER_PASSWORD);
    await createKey(t.server, former, { title: 'former key' });
    await request(t.server)
      .delete('/api/users/jsmith')
      .set('X-Session-ID', admin.sessionId)
      .expect(204);

    await createUser(t.server, admin, { username: 'JSmith' });
    const next = await login(t.server, 'JSmith', USER_PASSWORD);
    const log = await request(t.server)
      .get('/api/me/activity')
      .set('X-Session-ID', next.sessionId)
      .expect(200);
    const actions = (log.body.items as { action: string }[]).map(
      (entry) => entry.action,
    );
    expect(actions).toEqual(['session.login', 'user.create']);
    expect(log.body.total).toBe(2);
  });
});
