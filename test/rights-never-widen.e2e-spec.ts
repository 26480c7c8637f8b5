import fc from 'fast-check';
import type { Response } from 'supertest';
import { ApiKey } from '../src/api-keys/api-key.entity';
import { Role } from '../src/roles/role.entity';
import { User } from '../src/users/user.entity';
import {
  LoggedIn,
  USER_PASSWORD,
  createKey,
  createUser,
  login,
  seedScope,
} from './helpers/auth';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * SPEC §20 as a property, not as cases: whatever sequence of role, user and
 * key changes non-admin callers attempt, after every step no user or key has
 * an effective right (read back through GET /api/me, the server's own
 * answer) that it did not have before and that the caller lacks; and a
 * refused step changed nothing in the database. Small pools of privileges,
 * categories and groups, so that callers often may edit the roles that
 * restrict others, which is where a side door would be.
 *
 * Replay a failure with PROPERTY_SEED=<seed> (fast-check prints it).
 */

const CATEGORIES = ['c1', 'c2'];
const GROUPS = ['g1', 'g2'];
/** What principals may hold: enough to act on roles, and some to hand out. */
const HELD = [
  'create_roles',
  'edit_roles',
  'delete_roles',
  'run_jobs',
  'abort_jobs',
];
/** What steps try to grant: also privileges nobody holds. */
const GRANTABLE = [...HELD, 'delete_events', 'admin'];
const KEYS = 4;
const USERS = 2;
const ROLES = 4;
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

interface Effective {
  privileges: string[];
  categories: string[];
  groups: string[];
}

/** One request of a step, so that it can be made again by the admin. */
interface Sent {
  method: 'post' | 'patch' | 'delete';
  path: string;
  body?: object;
}

/** A user or key of the pool: how it calls, and how holders name it. */
interface Actor {
  label: string;
  header: ['X-API-Key' | 'X-Session-ID', string];
  path: string;
}

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/**
 * Each of `items` with its own chance (0–1): plain subsets would rarely give a
 * caller every privilege of a role, which is when it may edit that role.
 */
const someOf = (items: readonly string[], chance: number[]) =>
  fc
    .tuple(...items.map(() => fc.integer({ min: 0, max: 99 })))
    .map((rolls) => items.filter((_, i) => rolls[i] < chance[i] * 100));
/** Half of the lists empty (unrestricted), the rest a non-empty subset. */
const scopeList = (ids: string[]) =>
  fc.oneof(fc.constant([] as string[]), fc.subarray(ids, { minLength: 1 }));
const scopeLists = {
  categories: scopeList(CATEGORIES),
  groups: scopeList(GROUPS),
};
const roleIndexes = fc.subarray([...Array(ROLES).keys()]);
const world = fc.record({
  roles: fc.array(
    fc.record({
      privileges: someOf(HELD, [0.15, 0.15, 0.15, 0.4, 0.4]),
      ...scopeLists,
      enabled: fc.boolean(),
    }),
    { minLength: ROLES, maxLength: ROLES },
  ),
  principals: fc.array(
    fc.record({
      privileges: someOf(HELD, [0.6, 0.7, 0.6, 0.5, 0.5]),
      ...scopeLists,
      roles: roleIndexes,
    }),
    { minLength: KEYS + USERS, maxLength: KEYS + USERS },
  ),
});

/**
 * A list a step puts into a role or grant, chosen when the step is sent: most
 * often some of what the caller holds (what §12 lets through, so the step
 * reaches the rule on holders), else none, else anything.
 */
const listChoice = fc.record({
  from: fc.constantFrom('caller', 'caller', 'caller', 'none', 'any'),
  mask: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
});
type ListChoice = ValueOf<typeof listChoice>;
const changes = {
  privileges: listChoice,
  categories: listChoice,
  groups: listChoice,
};

/** One change to a role, as a caller would make it: enable or disable, or set one list. */
const roleChange = fc.oneof(
  { weight: 3, arbitrary: fc.record({ enabled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ privileges: listChoice }) },
  { weight: 1, arbitrary: fc.record({ categories: listChoice }) },
  { weight: 1, arbitrary: fc.record({ groups: listChoice }) },
);

const actions = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('editRole' as const),
      role: fc.nat(ROLES + 1),
      body: roleChange,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('createRole' as const),
      body: fc.record({ enabled: fc.boolean(), ...changes }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteRole' as const),
      role: fc.nat(ROLES + 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('editGrantee' as const),
      target: fc.nat(KEYS + USERS - 1),
      body: fc.record(
        { ...changes, roles: fc.subarray([...Array(ROLES + 2).keys()]) },
        { requiredKeys: [] },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('createKey' as const),
      body: fc.record(changes),
    }),
  },
);
const steps = fc.array(
  fc.record({ caller: fc.nat(KEYS + USERS - 1), action: actions }),
  { minLength: 1, maxLength: 8 },
);
type Step = ValueOf<typeof steps>[number];

const UNIVERSE: Record<keyof Effective, string[]> = {
  privileges: GRANTABLE,
  categories: CATEGORIES,
  groups: GROUPS,
};

/** The lists of a body, resolved against what the caller holds now. */
function resolve(
  choices: Partial<Record<keyof Effective, ListChoice>>,
  caller: Effective,
): Partial<Effective> {
  const body: Partial<Effective> = {};
  for (const field of ['privileges', 'categories', 'groups'] as const) {
    const choice = choices[field];
    if (!choice) continue;
    const held = caller[field];
    const source =
      choice.from === 'any' || (field !== 'privileges' && held.length === 0)
        ? UNIVERSE[field]
        : held;
    const picked = source.filter((_, i) => choice.mask[i % choice.mask.length]);
    // "none" empties the list; otherwise at least one, as a caller would send.
    body[field] =
      choice.from === 'none'
        ? []
        : picked.length > 0
          ? picked
          : source.slice(0, 1);
  }
  return body;
}

/**
 * What `after` has that `before` had not and the caller cannot use: the
 * property itself (SPEC §20). An empty scope list is unrestricted.
 */
function gainedBeyond(
  caller: Effective,
  before: Effective,
  after: Effective,
): string[] {
  const gained = after.privileges
    .filter((p) => !before.privileges.includes(p))
    .filter((p) => !caller.privileges.includes(p))
    .map((p) => `privilege ${p}`);
  for (const dimension of ['categories', 'groups'] as const) {
    const [was, is, may] = [before, after, caller].map((r) => r[dimension]);
    if (was.length === 0 || may.length === 0) continue;
    if (is.length === 0) gained.push(`unrestricted ${dimension}`);
    for (const id of is) {
      if (!was.includes(id) && !may.includes(id))
        gained.push(`${dimension} ${id}`);
    }
  }
  return gained;
}

describe('rights never widen by a side door (SPEC §20, property)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  const pool: Actor[] = [];
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp({
      AUTH_CACHE_TTL: '60',
      LOGIN_MAX_FAILURES: '1000',
    });
    admin = await login(t.server);
    await seedScope(t.server, admin, CATEGORIES, GROUPS);
    for (let i = 0; i < KEYS; i++) {
      const key = await createKey(t.server, admin, { title: `k${i}` });
      pool.push({
        label: `key:${key.id}`,
        header: ['X-API-Key', key.key],
        path: `/api/keys/${key.id}`,
      });
    }
    for (let i = 0; i < USERS; i++) {
      const username = `holder${i}`;
      await createUser(t.server, admin, { username });
      const session = await login(t.server, username, USER_PASSWORD);
      pool.push({
        label: username,
        header: ['X-Session-ID', session.sessionId],
        path: `/api/users/${username}`,
      });
    }
  });
  afterAll(() => t.close());

  const as = (who: Actor | null) => {
    const [name, value] = who?.header ?? ['X-Session-ID', admin.sessionId];
    return {
      get: (path: string) => t.http().get(path).set(name, value),
      post: (path: string) => t.http().post(path).set(name, value),
      patch: (path: string) => t.http().patch(path).set(name, value),
      delete: (path: string) => t.http().delete(path).set(name, value),
    };
  };

  async function rightsOfPool(): Promise<Effective[]> {
    return Promise.all(
      pool.map(async (who) => {
        const res = await as(who).get('/api/me');
        if (res.status !== 200) throw new Error(`GET /api/me: ${res.text}`);
        const { privileges, categories, groups } = res.body as Effective;
        return { privileges, categories, groups };
      }),
    );
  }

  /** Every stored grant: a refused step must leave this exactly as it was. */
  async function stored(): Promise<string> {
    const m = t.dataSource.manager;
    const [roles, users, keys] = await Promise.all([
      m.find(Role, { order: { id: 'ASC' } }),
      m.find(User, { order: { id: 'ASC' } }),
      m.find(ApiKey, { order: { id: 'ASC' } }),
    ]);
    const grants = (r: User | ApiKey) => [
      r.privileges,
      r.categories,
      r.groups,
      r.roles,
    ];
    return JSON.stringify({
      roles,
      users: users.map((u) => [u.username, u.active, ...grants(u)]),
      keys: keys.map((k) => [k.id, k.active, ...grants(k)]),
    });
  }

  async function setUp(w: ValueOf<typeof world>, roleIds: string[]) {
    for (const [i, role] of w.roles.entries()) {
      await as(null)
        .post('/api/roles')
        .send({ id: roleIds[i], title: roleIds[i], ...role })
        .expect(201);
    }
    for (const [i, grants] of w.principals.entries()) {
      await as(null)
        .patch(pool[i].path)
        .send({ ...grants, roles: grants.roles.map((r) => roleIds[r]) })
        .expect(200);
    }
  }

  /** The request a step makes, its lists resolved against the caller's rights; created roles join `roleIds`. */
  function requestOf(step: Step, roleIds: string[], rights: Effective): Sent {
    const { action } = step;
    const roleAt = (i: number) => roleIds[i % roleIds.length];
    switch (action.kind) {
      case 'editRole': {
        const { body } = action;
        return {
          method: 'patch',
          path: `/api/roles/${roleAt(action.role)}`,
          body: 'enabled' in body ? body : resolve(body, rights),
        };
      }
      case 'deleteRole':
        return { method: 'delete', path: `/api/roles/${roleAt(action.role)}` };
      case 'createRole': {
        const { enabled, ...lists } = action.body;
        const id = `r${run}-new${roleIds.length}`;
        roleIds.push(id);
        return {
          method: 'post',
          path: '/api/roles',
          body: { id, title: id, enabled, ...resolve(lists, rights) },
        };
      }
      case 'editGrantee': {
        const { roles, ...lists } = action.body;
        return {
          method: 'patch',
          path: pool[action.target].path,
          body: {
            ...resolve(lists, rights),
            ...(roles && { roles: roles.map(roleAt) }),
          },
        };
      }
      case 'createKey':
        return {
          method: 'post',
          path: '/api/keys',
          body: { title: 'x', ...resolve(action.body, rights) },
        };
    }
  }

  const sendAs = (who: Actor | null, sent: Sent) => {
    const req = as(who)[sent.method](sent.path);
    return sent.body ? req.send(sent.body) : req;
  };

  /** An escalation_denied must be real: made by the admin, the change widens each named holder. */
  async function confirmWidened(
    sent: Sent,
    res: Response,
    caller: Effective,
    before: Effective[],
  ): Promise<string | null> {
    const holders = res.body.holders as unknown;
    if (!Array.isArray(holders) || holders.length === 0) {
      return `escalation_denied without holders: ${res.text}`;
    }
    if (sent.method !== 'patch' || !sent.path.startsWith('/api/roles/')) {
      return `escalation_denied on ${sent.method} ${sent.path}`;
    }
    const role = (await as(null).get(sent.path).expect(200)).body as Record<
      string,
      unknown
    >;
    await sendAs(null, sent).expect(200);
    const after = await rightsOfPool();
    const { enabled, privileges, categories, groups } = role;
    await as(null)
      .patch(sent.path)
      .send({ enabled, privileges, categories, groups })
      .expect(200);
    for (const label of holders as string[]) {
      const i = pool.findIndex((who) => who.label === label);
      if (i < 0) return `holders names ${label}, not a user or key here`;
      if (gainedBeyond(caller, before[i], after[i]).length === 0) {
        return `holders names ${label}, whom the change does not widen`;
      }
    }
    return null;
  }

  it('no step by a non-admin widens anyone beyond the caller; a refused step changes nothing', async () => {
    const seed = process.env.PROPERTY_SEED
      ? Number(process.env.PROPERTY_SEED)
      : undefined;
    await fc.assert(
      fc.asyncProperty(world, steps, async (w, plan) => {
        run += 1;
        const roleIds = [...Array(ROLES).keys()].map((i) => `r${run}-${i}`);
        await setUp(w, roleIds);
        const trace: string[] = [];
        for (const step of plan) {
          const before = await rightsOfPool();
          const storedBefore = await stored();
          const caller = before[step.caller];
          const sent = requestOf(step, roleIds, caller);
          const res = await sendAs(pool[step.caller], sent);
          trace.push(
            `${pool[step.caller].label} ${JSON.stringify(caller)}: ${sent.method.toUpperCase()} ${sent.path} ${JSON.stringify(sent.body ?? {})} → ${res.status} ${res.body?.code ?? ''}`,
          );
          const fail = (why: string) =>
            new Error(`${why}\nsteps:\n  ${trace.join('\n  ')}`);
          if (res.status >= 500) throw fail(`server error: ${res.text}`);
          if (res.status >= 300) {
            if ((await stored()) !== storedBefore) {
              throw fail('a refused step changed the database');
            }
            if (res.body?.code === 'escalation_denied') {
              const wrong = await confirmWidened(sent, res, caller, before);
              if (wrong) throw fail(wrong);
            }
            continue;
          }
          const after = await rightsOfPool();
          for (const [i, who] of pool.entries()) {
            const gained = gainedBeyond(caller, before[i], after[i]);
            if (gained.length > 0) {
              throw fail(`${who.label} gained ${gained.join(', ')}`);
            }
          }
        }
      }),
      { numRuns: NUM_RUNS, seed },
    );
  }, 120_000);
});
