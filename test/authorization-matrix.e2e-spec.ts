import request from 'supertest';
import { PRIVILEGE_IDS } from '../src/access/privileges';
import { createKey, createUser, login, LoggedIn } from './helpers/auth';
import { mountedRoutes } from './helpers/routes';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The authorization matrix of issue 5: every route × every kind of caller →
 * the expected outcome, as data. `p` is 403 missing_privilege, `s` is 403
 * scope_denied, a number is a status (401 is no_credentials).
 */
type Caller =
  | 'anonymous'
  | 'admin'
  | 'privileged'
  | 'unprivileged'
  | 'category'
  | 'group'
  | 'user';
type Outcome = number | 'p' | 's';
type Expect = [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

const CALLERS: Caller[] = [
  'anonymous',
  'admin',
  'privileged',
  'unprivileged',
  'category',
  'group',
  'user',
];
const ALL_BUT_ADMIN = PRIVILEGE_IDS.filter((p) => p !== 'admin');
/**
 * The category-restricted key may use these categories, the group-restricted
 * key these groups. They exist and are named by keys, so they cannot be
 * deleted (SPEC §15): deleting one is a 409 past the guards.
 */
const CATEGORY_SCOPE = ['prod'];
const GROUP_SCOPE = ['web'];

interface Row {
  route: string;
  label?: string;
  /** Creates what the request acts on (as admin); returns the path parameters. */
  prepare?: (f: Fixtures) => Promise<Record<string, string>>;
  body?: (params: Record<string, string>) => unknown;
  /** Session callers log in anew for this row (it ends the session). */
  freshSession?: boolean;
  expect: Expect;
  /** The code of this row's 401s, when it is the route's own refusal rather than no_credentials. */
  code?: string;
}

/** Anyone with a credential: reads. */
const READ: Expect = [401, 200, 200, 200, 200, 200, 200];
/** A signed-in user's own records: sessions reach them, API keys get 404. */
const self = (s: number): Expect => [401, s, 404, 404, 404, 404, s];
const admin = (s: number): Expect => [401, s, 'p', 'p', 'p', 'p', 'p'];
/** A write needing a privilege; restricted callers' outcome given separately. */
const write = (
  s: number,
  category: Outcome = s,
  group: Outcome = s,
): Expect => [401, s, s, 'p', category, group, s];
const read = (category: Outcome, group: Outcome): Expect => [
  401,
  200,
  200,
  200,
  category,
  group,
  200,
];

class Fixtures {
  private counter = 0;
  constructor(
    private readonly t: TestApp,
    private readonly session: LoggedIn,
  ) {}

  fresh(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  async post(path: string, body: object): Promise<Record<string, any>> {
    const res = await request(this.t.server)
      .post(path)
      .set('X-Session-ID', this.session.sessionId)
      .send(body);
    if (res.status !== 201)
      throw new Error(`${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  private async delete(path: string): Promise<void> {
    await request(this.t.server)
      .delete(path)
      .set('X-Session-ID', this.session.sessionId);
  }

  async ensure(kind: 'categories' | 'groups', id: string) {
    await this.delete(`/api/${kind}/${id}`);
    await this.post(`/api/${kind}`, { id, title: id });
    return { id };
  }

  async event(category: string, targets: string[]) {
    const body = await this.post('/api/events', {
      title: 'e',
      category,
      targets,
    });
    return { id: body.id as string };
  }

  async job(category: string, targets: string[]) {
    const { id } = await this.event(category, targets);
    const job = await this.post(`/api/events/${id}/run`, {});
    return { id: job.id as string };
  }

  async record(kind: 'monitors' | 'alerts', groups: string[]) {
    return { id: (await this.post(`/api/${kind}`, { title: 'r', groups })).id };
  }

  async ticket(category: string | null) {
    const body = await this.post('/api/tickets', { subject: 't', category });
    return { id: body.id as string };
  }

  async role(body: Record<string, unknown> = {}) {
    const id = this.fresh('role');
    await this.post('/api/roles', { id, title: id, ...body });
    return { id };
  }

  async key() {
    return { id: (await this.post('/api/keys', { title: 'k' })).id };
  }

  async user() {
    const username = this.fresh('u');
    await this.post('/api/users', { username, password: 'password-123' });
    return { username };
  }
}

const ROWS: Row[] = [
  // Public and self routes
  {
    route: 'GET /api',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/openapi.json',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/docs',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/docs/:asset',
    prepare: () => Promise.resolve({ asset: 'init.js' }),
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/health',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/health/live',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'POST /api/sessions',
    body: () => ({ username: 'operator', password: 'ops-deploy-42' }),
    expect: [201, 201, 201, 201, 201, 201, 201],
  },
  {
    route: 'DELETE /api/sessions/current',
    freshSession: true,
    expect: [401, 204, 404, 404, 404, 404, 204],
  },
  { route: 'GET /api/me', expect: READ },
  { route: 'GET /api/privileges', expect: READ },
  {
    route: 'POST /api/auth/explain',
    body: () => ({ method: 'GET', path: '/api/events' }),
    expect: READ,
  },

  // Single sign-on (SPEC §17), off here: public, and no credential sent
  // along makes a sign-in that cannot complete any different.
  { route: 'GET /api/sso', expect: [200, 200, 200, 200, 200, 200, 200] },
  ...['login', 'callback', 'header'].map((step): Row => ({
    route: `GET /api/sso/${step}`,
    expect: [401, 401, 401, 401, 401, 401, 401],
    code: 'sso_failed',
  })),

  // Second factors (SPEC §18): a user's own; an API key has none (404).
  { route: 'GET /api/me/mfa', expect: self(200) },
  { route: 'POST /api/me/mfa/totp', expect: self(200) },
  {
    route: 'POST /api/me/mfa/totp/confirm',
    label: 'a wrong code for the secret just begun',
    body: () => ({ code: '000000' }),
    expect: self(400),
  },
  {
    route: 'DELETE /api/me/mfa/totp',
    label: 'the pending secret',
    expect: self(204),
  },
  { route: 'POST /api/me/passkeys/options', expect: self(200) },
  {
    route: 'POST /api/me/passkeys',
    label: 'a response that does not verify',
    body: () => ({ name: 'laptop', response: {} }),
    expect: self(400),
  },
  { route: 'GET /api/me/passkeys', expect: self(200) },
  {
    route: 'DELETE /api/me/passkeys/:id',
    prepare: () => Promise.resolve({ id: 'nonexistent' }),
    expect: self(404),
  },
  {
    route: 'POST /api/sessions/mfa/options',
    label: 'no mfa_token',
    body: () => ({}),
    expect: [400, 400, 400, 400, 400, 400, 400],
  },
  {
    route: 'POST /api/sessions/mfa',
    label: 'no mfa_token',
    body: () => ({}),
    expect: [400, 400, 400, 400, 400, 400, 400],
  },
  {
    route: 'POST /api/sessions/passkey/options',
    expect: [200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'POST /api/sessions/passkey',
    label: 'no response',
    body: () => ({}),
    expect: [400, 400, 400, 400, 400, 400, 400],
  },
  { route: 'POST /api/sessions/current/step-up/options', expect: self(200) },
  {
    route: 'POST /api/sessions/current/step-up',
    label: 'a code for no enrolled factor',
    body: () => ({ code: '000000' }),
    expect: self(403),
  },

  // A person's own account: any session, no privilege; an API key has none (404)
  {
    route: 'PUT /api/me/password',
    label: 'with a wrong current password',
    body: () => ({ current_password: 'not-it-9', new_password: 'n3w-secret' }),
    expect: [401, 403, 404, 404, 404, 404, 403],
  },
  { route: 'GET /api/me/sessions', expect: self(200) },
  {
    route: 'DELETE /api/me/sessions/:id',
    label: 'of no session',
    prepare: () => Promise.resolve({ id: 'NoSuchSessionHandle01' }),
    expect: self(404),
  },
  { route: 'GET /api/me/activity', expect: self(200) },

  // Anyone may hand in leaked keys; the answer never says what matched.
  {
    route: 'POST /api/keys/revoke-leaked',
    body: () => ({ keys: ['not-a-key'] }),
    expect: [202, 202, 202, 202, 202, 202, 202],
  },

  // API keys and users: admin only
  { route: 'GET /api/keys', expect: admin(200) },
  {
    route: 'POST /api/keys',
    body: () => ({ title: 'new' }),
    expect: admin(201),
  },
  {
    route: 'GET /api/keys/:id',
    prepare: (f) => f.key(),
    expect: admin(200),
  },
  {
    route: 'GET /api/keys/:id/usage',
    prepare: (f) => f.key(),
    expect: admin(200),
  },
  {
    route: 'PATCH /api/keys/:id',
    prepare: (f) => f.key(),
    body: () => ({ title: 'renamed' }),
    expect: admin(200),
  },
  {
    route: 'POST /api/keys/:id/rotate',
    prepare: (f) => f.key(),
    expect: admin(201),
  },
  {
    route: 'DELETE /api/keys/:id',
    prepare: (f) => f.key(),
    expect: admin(204),
  },
  { route: 'GET /api/users', expect: admin(200) },
  { route: 'GET /api/audit', expect: admin(200) },
  {
    route: 'POST /api/users',
    prepare: (f) => Promise.resolve({ username: f.fresh('n') }),
    body: (p) => ({ username: p.username, password: 'password-123' }),
    expect: admin(201),
  },
  {
    route: 'GET /api/users/:username',
    prepare: (f) => f.user(),
    expect: admin(200),
  },
  {
    route: 'PATCH /api/users/:username',
    prepare: (f) => f.user(),
    body: () => ({ full_name: 'Renamed' }),
    expect: admin(200),
  },
  {
    route: 'DELETE /api/users/:username',
    prepare: (f) => f.user(),
    expect: admin(204),
  },
  {
    route: 'GET /api/users/:username/sessions',
    prepare: (f) => f.user(),
    expect: admin(200),
  },
  {
    route: 'DELETE /api/users/:username/sessions',
    prepare: (f) => f.user(),
    expect: admin(200),
  },
  {
    route: 'DELETE /api/users/:username/sessions/:id',
    label: 'of no session',
    prepare: async (f) => ({
      ...(await f.user()),
      id: 'NoSuchSessionHandle01',
    }),
    expect: admin(404),
  },

  // Categories: a category's scope is its own id
  { route: 'GET /api/categories', expect: READ },
  {
    route: 'GET /api/categories/:id',
    label: 'in scope',
    prepare: () => Promise.resolve({ id: 'prod' }),
    expect: READ,
  },
  {
    route: 'GET /api/categories/:id',
    label: 'outside the category scope',
    prepare: () => Promise.resolve({ id: 'dev' }),
    expect: read('s', 200),
  },
  {
    route: 'POST /api/categories',
    label: 'in scope, an id that exists',
    body: () => ({ id: 'prod', title: 'Again' }),
    expect: write(409),
  },
  {
    route: 'POST /api/categories',
    label: 'outside the category scope',
    prepare: (f) => Promise.resolve({ id: f.fresh('c') }),
    body: (p) => ({ id: p.id, title: 'New' }),
    expect: write(201, 's', 201),
  },
  {
    route: 'PATCH /api/categories/:id',
    label: 'in scope',
    prepare: () => Promise.resolve({ id: 'prod' }),
    body: () => ({ title: 'Renamed' }),
    expect: write(200),
  },
  {
    route: 'PATCH /api/categories/:id',
    label: 'outside the category scope',
    prepare: () => Promise.resolve({ id: 'dev' }),
    body: () => ({ title: 'Development' }),
    expect: write(200, 's', 200),
  },
  {
    route: 'DELETE /api/categories/:id',
    label: 'in scope, named by keys',
    prepare: () => Promise.resolve({ id: 'prod' }),
    expect: write(409),
  },
  {
    route: 'DELETE /api/categories/:id',
    label: 'outside the category scope',
    prepare: (f) => f.ensure('categories', f.fresh('c')),
    expect: write(204, 's', 204),
  },

  // Server groups: a group's scope is its own id
  { route: 'GET /api/groups', expect: READ },
  {
    route: 'GET /api/groups/:id',
    label: 'outside the group scope',
    prepare: () => Promise.resolve({ id: 'db' }),
    expect: read(200, 's'),
  },
  {
    route: 'POST /api/groups',
    label: 'in scope, an id that exists',
    body: () => ({ id: 'web', title: 'Again' }),
    expect: write(409),
  },
  {
    route: 'POST /api/groups',
    label: 'outside the group scope',
    prepare: (f) => Promise.resolve({ id: f.fresh('g') }),
    body: (p) => ({ id: p.id, title: 'New' }),
    expect: write(201, 201, 's'),
  },
  {
    route: 'PATCH /api/groups/:id',
    prepare: () => Promise.resolve({ id: 'web' }),
    body: () => ({ hostname_match: '^web' }),
    expect: write(200),
  },
  {
    route: 'DELETE /api/groups/:id',
    label: 'in scope, named by keys',
    prepare: () => Promise.resolve({ id: 'web' }),
    expect: write(409),
  },
  {
    route: 'DELETE /api/groups/:id',
    label: 'outside the group scope',
    prepare: (f) => f.ensure('groups', f.fresh('g')),
    expect: write(204, 204, 's'),
  },

  // Events: category and every target
  { route: 'GET /api/events', expect: READ },
  {
    route: 'GET /api/events/:id',
    label: 'in scope',
    prepare: (f) => f.event('prod', ['web']),
    expect: READ,
  },
  {
    route: 'GET /api/events/:id',
    label: 'in another category',
    prepare: (f) => f.event('dev', ['web']),
    expect: read('s', 200),
  },
  {
    route: 'GET /api/events/:id',
    label: 'with one target outside the group scope',
    prepare: (f) => f.event('prod', ['web', 'db']),
    expect: read(200, 's'),
  },
  {
    route: 'POST /api/events',
    label: 'in scope',
    body: () => ({ title: 'E', category: 'prod', targets: ['web'] }),
    expect: write(201),
  },
  {
    route: 'POST /api/events',
    label: 'in another category',
    body: () => ({ title: 'E', category: 'dev', targets: ['web'] }),
    expect: write(201, 's', 201),
  },
  {
    route: 'POST /api/events',
    label: 'with mixed allowed and forbidden targets',
    body: () => ({ title: 'E', category: 'prod', targets: ['web', 'db'] }),
    expect: write(201, 201, 's'),
  },
  {
    route: 'PATCH /api/events/:id',
    label: 'in scope',
    prepare: (f) => f.event('prod', ['web']),
    body: () => ({ title: 'Renamed' }),
    expect: write(200),
  },
  {
    route: 'PATCH /api/events/:id',
    label: 'moving it out of the category scope',
    prepare: (f) => f.event('prod', ['web']),
    body: () => ({ category: 'dev' }),
    expect: write(200, 's', 200),
  },
  {
    route: 'PATCH /api/events/:id',
    label: 'moving it into the category scope from outside',
    prepare: (f) => f.event('dev', ['web']),
    body: () => ({ category: 'prod' }),
    expect: write(200, 's', 200),
  },
  {
    route: 'PATCH /api/events/:id',
    label: 'adding a forbidden target',
    prepare: (f) => f.event('prod', ['web']),
    body: () => ({ targets: ['web', 'db'] }),
    expect: write(200, 200, 's'),
  },
  {
    route: 'DELETE /api/events/:id',
    label: 'in scope',
    prepare: (f) => f.event('prod', ['web']),
    expect: write(204),
  },
  {
    route: 'DELETE /api/events/:id',
    label: 'in another category',
    prepare: (f) => f.event('dev', []),
    expect: write(204, 's', 204),
  },
  {
    route: 'POST /api/events/:id/run',
    label: 'in scope',
    prepare: (f) => f.event('prod', ['web']),
    expect: write(201),
  },
  {
    route: 'POST /api/events/:id/run',
    label: 'with a forbidden target',
    prepare: (f) => f.event('prod', ['db']),
    expect: write(201, 201, 's'),
  },

  // Jobs: the event's scope, copied at run time
  { route: 'GET /api/jobs', expect: READ },
  {
    route: 'GET /api/jobs/:id',
    label: 'in another category',
    prepare: (f) => f.job('dev', ['web']),
    expect: read('s', 200),
  },
  {
    route: 'POST /api/jobs/:id/abort',
    label: 'in scope',
    prepare: (f) => f.job('prod', ['web']),
    expect: write(200),
  },
  {
    route: 'POST /api/jobs/:id/abort',
    label: 'with a forbidden target',
    prepare: (f) => f.job('prod', ['web', 'db']),
    expect: write(200, 200, 's'),
  },
  {
    route: 'DELETE /api/jobs/:id',
    label: 'in scope',
    prepare: (f) => f.job('prod', ['web']),
    expect: write(204),
  },
  {
    route: 'DELETE /api/jobs/:id',
    label: 'in another category',
    prepare: (f) => f.job('dev', ['web']),
    expect: write(204, 's', 204),
  },

  // Monitors and alerts: every group
  ...(['monitors', 'alerts'] as const).flatMap((kind): Row[] => [
    { route: `GET /api/${kind}`, expect: READ },
    {
      route: `GET /api/${kind}/:id`,
      label: 'outside the group scope',
      prepare: (f) => f.record(kind, ['db']),
      expect: read(200, 's'),
    },
    {
      route: `POST /api/${kind}`,
      label: 'in scope',
      body: () => ({ title: 'R', groups: ['web'] }),
      expect: write(201),
    },
    {
      route: `POST /api/${kind}`,
      label: 'with mixed groups',
      body: () => ({ title: 'R', groups: ['web', 'db'] }),
      expect: write(201, 201, 's'),
    },
    {
      route: `PATCH /api/${kind}/:id`,
      label: 'adding a forbidden group',
      prepare: (f) => f.record(kind, ['web']),
      body: () => ({ groups: ['db'] }),
      expect: write(200, 200, 's'),
    },
    {
      route: `DELETE /api/${kind}/:id`,
      label: 'in scope',
      prepare: (f) => f.record(kind, ['web']),
      expect: write(204),
    },
  ]),

  // Roles: anyone reads; writers grant only what they hold, within their scope
  { route: 'GET /api/roles', expect: READ },
  {
    route: 'GET /api/roles/:id',
    prepare: (f) => f.role({ privileges: ['admin'] }),
    expect: READ,
  },
  {
    route: 'POST /api/roles',
    label: "within every caller's scope",
    prepare: (f) => Promise.resolve({ id: f.fresh('new-role') }),
    body: (p) => ({
      id: p.id,
      title: 'R',
      privileges: ['run_jobs'],
      categories: ['prod'],
      groups: ['web'],
    }),
    expect: write(201),
  },
  {
    route: 'POST /api/roles',
    label: 'unrestricted on categories and groups',
    prepare: (f) => Promise.resolve({ id: f.fresh('new-role') }),
    body: (p) => ({ id: p.id, title: 'R', privileges: ['run_jobs'] }),
    expect: write(201, 's', 's'),
  },
  {
    route: 'POST /api/roles',
    label: 'granting admin',
    prepare: (f) => Promise.resolve({ id: f.fresh('new-role') }),
    body: (p) => ({ id: p.id, title: 'R', privileges: ['admin'] }),
    expect: admin(201),
  },
  {
    route: 'PATCH /api/roles/:id',
    prepare: (f) =>
      f.role({
        privileges: ['run_jobs'],
        categories: ['prod'],
        groups: ['web'],
      }),
    body: () => ({ title: 'Renamed' }),
    expect: write(200),
  },
  {
    route: 'PATCH /api/roles/:id',
    label: 'a role granting admin',
    prepare: (f) => f.role({ privileges: ['admin'] }),
    body: () => ({ title: 'Renamed' }),
    expect: admin(200),
  },
  {
    route: 'DELETE /api/roles/:id',
    prepare: (f) =>
      f.role({
        privileges: ['run_jobs'],
        categories: ['prod'],
        groups: ['web'],
      }),
    expect: write(204),
  },

  // Tickets: a category that may be null
  { route: 'GET /api/tickets', expect: READ },
  {
    route: 'GET /api/tickets/:id',
    label: 'without a category',
    prepare: (f) => f.ticket(null),
    expect: read('s', 200),
  },
  {
    route: 'POST /api/tickets',
    label: 'in scope',
    body: () => ({ subject: 'T', category: 'prod' }),
    expect: write(201),
  },
  {
    route: 'POST /api/tickets',
    label: 'without a category',
    body: () => ({ subject: 'T' }),
    expect: write(201, 's', 201),
  },
  {
    route: 'PATCH /api/tickets/:id',
    label: 'clearing the category',
    prepare: (f) => f.ticket('prod'),
    body: () => ({ category: null }),
    expect: write(200, 's', 200),
  },
  {
    route: 'DELETE /api/tickets/:id',
    label: 'in another category',
    prepare: (f) => f.ticket('dev'),
    expect: write(204, 's', 204),
  },

  // Last: it ends every other session of the caller, those of this test too.
  { route: 'DELETE /api/me/sessions', expect: self(200) },
];

describe('authorization matrix', () => {
  let t: TestApp;
  let adminSession: LoggedIn;
  let fixtures: Fixtures;
  const credentials = new Map<Caller, [string, string]>();

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    adminSession = await login(t.server);
    fixtures = new Fixtures(t, adminSession);
    for (const id of ['prod', 'dev']) await fixtures.ensure('categories', id);
    for (const id of ['web', 'db']) await fixtures.ensure('groups', id);
    await createUser(t.server, adminSession, {
      username: 'operator',
      password: 'ops-deploy-42',
      privileges: ALL_BUT_ADMIN,
    });
    const key = async (body: Record<string, unknown>) =>
      (await createKey(t.server, adminSession, body)).key;
    credentials.set('admin', [
      'X-Session-ID',
      (await login(t.server)).sessionId,
    ]);
    credentials.set('privileged', [
      'X-API-Key',
      await key({ privileges: ALL_BUT_ADMIN }),
    ]);
    credentials.set('unprivileged', ['X-API-Key', await key({})]);
    credentials.set('category', [
      'X-API-Key',
      await key({ privileges: ALL_BUT_ADMIN, categories: CATEGORY_SCOPE }),
    ]);
    credentials.set('group', [
      'X-API-Key',
      await key({ privileges: ALL_BUT_ADMIN, groups: GROUP_SCOPE }),
    ]);
    credentials.set('user', [
      'X-Session-ID',
      (await login(t.server, 'operator', 'ops-deploy-42')).sessionId,
    ]);
  });
  afterAll(() => t.close());

  async function credentialOf(caller: Caller, row: Row) {
    if (row.freshSession && (caller === 'admin' || caller === 'user')) {
      const session =
        caller === 'admin'
          ? await login(t.server)
          : await login(t.server, 'operator', 'ops-deploy-42');
      return ['X-Session-ID', session.sessionId];
    }
    return credentials.get(caller);
  }

  const cases = ROWS.flatMap((row) =>
    CALLERS.map((caller, index) => ({
      name: `${row.route}${row.label ? ` (${row.label})` : ''} as ${caller} → ${row.expect[index]}`,
      row,
      caller,
      outcome: row.expect[index],
    })),
  );

  it.each(cases)('$name', async ({ row, caller, outcome }) => {
    const params = row.prepare ? await row.prepare(fixtures) : {};
    const [method, template] = row.route.split(' ');
    const path = template.replace(
      /:(\w+)/g,
      (_m, name: string) => params[name],
    );
    const req = request(t.server)[method.toLowerCase() as 'get'](path);
    const credential = await credentialOf(caller, row);
    if (credential) req.set(credential[0], credential[1]);
    const res = await req.send(row.body?.(params) ?? undefined);
    const status = typeof outcome === 'number' ? outcome : 403;
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    if (outcome === 'p') expect(res.body.code).toBe('missing_privilege');
    if (outcome === 's') expect(res.body.code).toBe('scope_denied');
    if (outcome === 401) {
      expect(res.body.code).toBe(row.code ?? 'no_credentials');
    }
  });

  it('covers every mounted route', () => {
    const covered = new Set(ROWS.map((row) => row.route));
    const missing = mountedRoutes(t.app).filter((route) => !covered.has(route));
    expect(missing).toEqual([]);
  });
});
