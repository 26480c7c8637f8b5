import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
  seedScope,
  sessionRequests,
  keyRequests,
} from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * SPEC §20, no escalation, whole rule: a change to a role by a non-admin
 * may not widen any holder beyond the caller. The cases the review found
 * (test/rights-never-widen.e2e-spec.ts proves the rule in general).
 */
describe('no escalation through a role’s holders (SPEC §20)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${++counter}`;

  beforeAll(async () => {
    t = await createTestApp({
      AUTH_CACHE_TTL: '60',
      LOGIN_MAX_FAILURES: '1000',
    });
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod', 'dev'], ['web', 'db']);
  });
  afterAll(() => t.close());

  const asAdmin = sessionRequests(
    () => t.http(),
    () => admin.sessionId,
  );
  const asKey = (key: string) => keyRequests(() => t.http(), key);
  async function createRole(body: Record<string, unknown> = {}) {
    const id = fresh('role');
    await asAdmin
      .post('/api/roles')
      .send({ id, title: id, ...body })
      .expect(201);
    return id;
  }
  const roleOf = async (id: string) =>
    (await asAdmin.get(`/api/roles/${id}`).expect(200)).body as Record<
      string,
      unknown
    >;
  const meOf = async (key: string) =>
    (await asKey(key).get('/api/me').expect(200)).body as Record<string, any>;
  const latestAudit = async (actor: string) =>
    (
      await asAdmin
        .get(`/api/audit?actor=${encodeURIComponent(actor)}&limit=1`)
        .expect(200)
    ).body.items[0] as Record<string, unknown>;

  it('refuses a key disabling the role that restricts it (the review’s attack)', async () => {
    const role = await createRole({
      privileges: ['edit_roles', 'edit_events'],
      categories: ['prod'],
    });
    const key = await createKey(t.server, admin, { roles: [role] });
    const before = await roleOf(role);
    const res = await asKey(key.key)
      .patch(`/api/roles/${role}`)
      .send({ enabled: false });
    const body = expectProblem(res, 403, 'escalation_denied');
    expect(body.holders).toEqual([`key:${key.id}`]);
    expect(body.detail).toMatch(/every category/);
    expect(await roleOf(role)).toEqual(before);
    expect(await meOf(key.key)).toMatchObject({ categories: ['prod'] });
    expect(await latestAudit(`key:${key.id}`)).toMatchObject({
      action: 'access.denied',
      outcome: 'denied',
      code: 'escalation_denied',
      details: { method: 'PATCH', path: `/api/roles/${role}`, status: 403 },
    });
  });

  it('names every kind of holder widened, users and keys, at most ten', async () => {
    const role = await createRole({ groups: ['web'] });
    const users: string[] = [];
    for (let i = 0; i < 6; i++) {
      const username = fresh('held');
      await createUser(t.server, admin, { username, roles: [role] });
      users.push(username);
    }
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) {
      keys.push(
        `key:${(await createKey(t.server, admin, { roles: [role] })).id}`,
      );
    }
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles'],
      groups: ['web'],
    });
    const res = await asKey(caller.key)
      .patch(`/api/roles/${role}`)
      .send({ enabled: false });
    const holders = expectProblem(res, 403, 'escalation_denied')
      .holders as string[];
    expect(holders).toHaveLength(10);
    expect(new Set(holders).size).toBe(10);
    for (const holder of holders) {
      expect([...users, ...keys]).toContain(holder);
    }
    expect(holders.some((h) => h.startsWith('key:'))).toBe(true);
    expect(holders.some((h) => !h.startsWith('key:'))).toBe(true);
  });

  it('lets a caller unrestricted on that dimension disable a restricting role', async () => {
    const role = await createRole({ categories: ['prod'], groups: ['web'] });
    const holder = await createKey(t.server, admin, {
      groups: ['web'],
      roles: [role],
    });
    // Restricted on groups, not on categories: it may lift a category
    // restriction (the holder keeps its own group restriction).
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles'],
      groups: ['web', 'db'],
    });
    await asKey(caller.key)
      .patch(`/api/roles/${role}`)
      .send({ enabled: false })
      .expect(200);
    expect(await meOf(holder.key)).toMatchObject({
      categories: [],
      groups: ['web'],
    });
  });

  it('counts a holder’s other roles and own lists: a change that only narrows passes', async () => {
    const prod = await createRole({ categories: ['prod'] });
    const dev = await createRole({ categories: ['dev'] });
    const holder = await createKey(t.server, admin, { roles: [prod, dev] });
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles'],
      categories: ['prod', 'dev'],
    });
    // The holder keeps dev through the other role: narrowed, not widened.
    await asKey(caller.key)
      .patch(`/api/roles/${prod}`)
      .send({ enabled: false })
      .expect(200);
    expect(await meOf(holder.key)).toMatchObject({ categories: ['dev'] });
    // Disabling the last restricting role would lift it: refused.
    const res = await asKey(caller.key)
      .patch(`/api/roles/${dev}`)
      .send({ enabled: false });
    expect(expectProblem(res, 403, 'escalation_denied').holders).toEqual([
      `key:${holder.id}`,
    ]);
    // A restriction of its own keeps a holder restricted whatever its roles
    // do: disabling dev would not widen this one, so it alone is named above.
    const own = await createKey(t.server, admin, {
      categories: ['dev'],
      roles: [dev],
    });
    const again = await asKey(caller.key)
      .patch(`/api/roles/${dev}`)
      .send({ enabled: false });
    expect(expectProblem(again, 403, 'escalation_denied').holders).toEqual([
      `key:${holder.id}`,
    ]);
    expect(await meOf(own.key)).toMatchObject({ categories: ['dev'] });
  });

  it('refuses lifting a user’s group restriction, naming the user; the session keeps it', async () => {
    const role = await createRole({ groups: ['web'] });
    const username = fresh('alice');
    await createUser(t.server, admin, { username, roles: [role] });
    const session = await login(t.server, username, USER_PASSWORD);
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles'],
      groups: ['web', 'db'],
    });
    const res = await asKey(caller.key)
      .patch(`/api/roles/${role}`)
      .send({ enabled: false });
    const body = expectProblem(res, 403, 'escalation_denied');
    expect(body.holders).toEqual([username]);
    expect(body.detail).toContain(`"${username}" every group`);
    const me = await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', session.sessionId)
      .expect(200);
    expect(me.body.groups).toEqual(['web']);
  });

  it('leaves users’ and keys’ own grants to admins: no side door there', async () => {
    const holder = await createKey(t.server, admin, { categories: ['dev'] });
    const username = fresh('bob');
    await createUser(t.server, admin, { username, categories: ['dev'] });
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles', 'create_roles', 'delete_roles'],
    });
    for (const [path, body] of [
      [`/api/keys/${holder.id}`, { categories: [] }],
      [`/api/users/${username}`, { categories: [] }],
      ['/api/keys', { title: 'x', privileges: ['admin'] }],
    ] as const) {
      const send = path.endsWith('/keys')
        ? asKey(caller.key).post(path)
        : asKey(caller.key).patch(path);
      expectProblem(await send.send(body), 403, 'missing_privilege');
    }
    expect(await meOf(holder.key)).toMatchObject({ categories: ['dev'] });
  });

  it('orders refusals: 409 while held, then what is put in (§12), then holders', async () => {
    const strong = await createRole({
      privileges: ['delete_events'],
      categories: ['prod'],
    });
    await createKey(t.server, admin, { roles: [strong] });
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles', 'delete_roles'],
      categories: ['prod'],
    });
    // Held: a conflict for anyone, before the caller's own lack of delete_events.
    expectProblem(
      await asKey(caller.key).delete(`/api/roles/${strong}`),
      409,
      'conflict',
    );
    const mine = await createRole({ categories: ['prod'] });
    await createKey(t.server, admin, { roles: [mine] });
    // Both a privilege it lacks and a widening disable: the privilege answers.
    expectProblem(
      await asKey(caller.key)
        .patch(`/api/roles/${mine}`)
        .send({ enabled: false, privileges: ['delete_events'] }),
      403,
      'missing_privilege',
    );
    expectProblem(
      await asKey(caller.key)
        .patch(`/api/roles/${mine}`)
        .send({ enabled: false }),
      403,
      'escalation_denied',
    );
    expect((await roleOf(mine)).enabled).toBe(true);
  });

  it('lets a non-admin disable, enable and delete roles nobody holds, and the admin anything', async () => {
    const role = await createRole({ categories: ['prod'] });
    const caller = await createKey(t.server, admin, {
      privileges: ['edit_roles', 'delete_roles'],
      categories: ['prod'],
    });
    await asKey(caller.key)
      .patch(`/api/roles/${role}`)
      .send({ enabled: false })
      .expect(200);
    await asKey(caller.key)
      .patch(`/api/roles/${role}`)
      .send({ enabled: true })
      .expect(200);
    await asKey(caller.key).delete(`/api/roles/${role}`).expect(204);
    const held = await createRole({ categories: ['prod'] });
    const holder = await createKey(t.server, admin, { roles: [held] });
    await asAdmin
      .patch(`/api/roles/${held}`)
      .send({ enabled: false })
      .expect(200);
    expect(await meOf(holder.key)).toMatchObject({ categories: [] });
  });
});
