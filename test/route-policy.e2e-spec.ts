import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  Authenticated,
  Policy,
  policyOf,
} from '../src/access/policy.decorator';
import { RouteInfo, RouteTable, routesOf } from '../src/auth/route-table';
import { createKey, login } from './helpers/auth';
import { mountedRoutes } from './helpers/routes';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * Every route of the app, its policy and what the scope check (src/auth/checks/scope.check.ts) checks on it
 * (`+ scope:<record>(stored|body)`). A change here is a change of who may
 * do what: review it as such. Add a section per feature; keep the rows sorted
 * by path, then method.
 */
const EXPECTED_ROUTES: string[] = [
  // the API description and health
  'GET /api → public',
  'GET /api/docs → public',
  'GET /api/docs/:asset → public',
  'GET /api/openapi.json → public',
  'GET /api/health → public',
  'GET /api/health/live → public',

  // sessions and the caller
  'POST /api/sessions → public',
  'DELETE /api/sessions/current → authenticated',
  'GET /api/me → authenticated',
  'GET /api/privileges → authenticated',

  // second factors and step-up (SPEC §18)
  'GET /api/me/mfa → authenticated',
  'DELETE /api/me/mfa/totp → authenticated',
  'POST /api/me/mfa/totp → authenticated',
  'POST /api/me/mfa/totp/confirm → authenticated',
  'GET /api/me/passkeys → authenticated',
  'POST /api/me/passkeys → authenticated',
  'DELETE /api/me/passkeys/:id → authenticated',
  'POST /api/me/passkeys/options → authenticated',
  'POST /api/sessions/current/step-up → authenticated',
  'POST /api/sessions/current/step-up/options → authenticated',
  'POST /api/sessions/mfa → public',
  'POST /api/sessions/mfa/options → public',
  'POST /api/sessions/passkey → public',
  'POST /api/sessions/passkey/options → public',

  // a person's own account (sessions only: an API key gets 404)
  'GET /api/me/activity → authenticated',
  'PUT /api/me/password → authenticated',
  'DELETE /api/me/sessions → authenticated',
  'GET /api/me/sessions → authenticated',
  'DELETE /api/me/sessions/:id → authenticated',

  // single sign-on (SPEC §17)
  'GET /api/sso → public',
  'GET /api/sso/callback → public',
  'GET /api/sso/header → public',
  'GET /api/sso/login → public',

  // API keys
  'GET /api/keys → privileges:admin',
  'POST /api/keys → privileges:admin',
  'DELETE /api/keys/:id → privileges:admin',
  'GET /api/keys/:id → privileges:admin',
  'POST /api/keys/revoke-leaked → public',
  'GET /api/keys/:id/usage → privileges:admin',
  'PATCH /api/keys/:id → privileges:admin',
  'POST /api/keys/:id/rotate → privileges:admin',

  // the audit log
  'GET /api/audit → privileges:admin',
  'POST /api/auth/explain → authenticated',

  // users
  'GET /api/users → privileges:admin',
  'POST /api/users → privileges:admin',
  'DELETE /api/users/:username → privileges:admin',
  'GET /api/users/:username → privileges:admin',
  'PATCH /api/users/:username → privileges:admin',
  'DELETE /api/users/:username/sessions → privileges:admin',
  'GET /api/users/:username/sessions → privileges:admin',
  'DELETE /api/users/:username/sessions/:id → privileges:admin',

  // categories
  'GET /api/categories → authenticated',
  'POST /api/categories → privileges:create_categories + scope:category(body)',
  'DELETE /api/categories/:id → privileges:delete_categories + scope:category(stored)',
  'GET /api/categories/:id → authenticated + scope:category(stored)',
  'PATCH /api/categories/:id → privileges:edit_categories + scope:category(stored,body)',

  // groups
  'GET /api/groups → authenticated',
  'POST /api/groups → privileges:create_groups + scope:group(body)',
  'DELETE /api/groups/:id → privileges:delete_groups + scope:group(stored)',
  'GET /api/groups/:id → authenticated + scope:group(stored)',
  'PATCH /api/groups/:id → privileges:edit_groups + scope:group(stored,body)',

  // events
  'GET /api/events → authenticated',
  'POST /api/events → privileges:create_events + scope:event(body)',
  'DELETE /api/events/:id → privileges:delete_events + scope:event(stored)',
  'GET /api/events/:id → authenticated + scope:event(stored)',
  'PATCH /api/events/:id → privileges:edit_events + scope:event(stored,body)',
  'POST /api/events/:id/run → privileges:run_jobs + scope:event(stored)',

  // monitors
  'GET /api/monitors → authenticated',
  'POST /api/monitors → privileges:create_monitors + scope:monitor(body)',
  'DELETE /api/monitors/:id → privileges:delete_monitors + scope:monitor(stored)',
  'GET /api/monitors/:id → authenticated + scope:monitor(stored)',
  'PATCH /api/monitors/:id → privileges:edit_monitors + scope:monitor(stored,body)',

  // alerts
  'GET /api/alerts → authenticated',
  'POST /api/alerts → privileges:create_alerts + scope:alert(body)',
  'DELETE /api/alerts/:id → privileges:delete_alerts + scope:alert(stored)',
  'GET /api/alerts/:id → authenticated + scope:alert(stored)',
  'PATCH /api/alerts/:id → privileges:edit_alerts + scope:alert(stored,body)',

  // tickets
  'GET /api/tickets → authenticated',
  'POST /api/tickets → privileges:create_tickets + scope:ticket(body)',
  'DELETE /api/tickets/:id → privileges:delete_tickets + scope:ticket(stored)',
  'GET /api/tickets/:id → authenticated + scope:ticket(stored)',
  'PATCH /api/tickets/:id → privileges:edit_tickets + scope:ticket(stored,body)',

  // roles
  'GET /api/roles → authenticated',
  'POST /api/roles → privileges:create_roles',
  'DELETE /api/roles/:id → privileges:delete_roles',
  'GET /api/roles/:id → authenticated',
  'PATCH /api/roles/:id → privileges:edit_roles',

  // jobs
  'GET /api/jobs → authenticated',
  'DELETE /api/jobs/:id → privileges:delete_jobs + scope:job(stored)',
  'GET /api/jobs/:id → authenticated + scope:job(stored)',
  'POST /api/jobs/:id/abort → privileges:abort_jobs + scope:job(stored)',
];

type Route = RouteInfo;

function describePolicy(policy: Policy | undefined): string {
  if (!policy) return 'NO POLICY';
  if (policy.kind === 'privileges') {
    return `privileges:${policy.privileges.join(',')}`;
  }
  return policy.kind;
}

const describeScope = (
  scope: { resource: string | { noun: string }; from: string[] } | undefined,
) => {
  if (!scope) return '';
  const { resource } = scope;
  const noun = typeof resource === 'string' ? resource : resource.noun;
  return ` + scope:${noun}(${scope.from.join(',')})`;
};

const row = (route: Route) =>
  `${route.method} ${route.path} → ${describePolicy(route.policy)}${describeScope(route.scope)}`;

const byPathThenMethod = (a: string, b: string) => {
  const [ma, pa] = a.split(' ');
  const [mb, pb] = b.split(' ');
  return pa === pb ? ma.localeCompare(mb) : pa.localeCompare(pb);
};

describe('route policies', () => {
  let t: TestApp;
  let routes: Route[];

  beforeAll(async () => {
    t = await createTestApp();
    routes = t.app.get(RouteTable).routes();
  });
  afterAll(() => t.close());

  it('finds the routes Express actually serves, no more and no fewer', () => {
    const discovered = routes.map((r) => `${r.method} ${r.path}`);
    expect([...discovered].sort(byPathThenMethod)).toEqual(
      [...mountedRoutes(t.app)].sort(byPathThenMethod),
    );
    expect(discovered.length).toBeGreaterThan(0);
  });

  it('declares a policy on every route', () => {
    const missing = routes.filter((r) => r.policy === undefined).map(row);
    expect(missing).toEqual([]);
  });

  it('matches the reviewed route → policy table', () => {
    const actual = routes.map(row).sort(byPathThenMethod);
    expect(actual).toEqual([...EXPECTED_ROUTES].sort(byPathThenMethod));
  });

  it('publishes the same table, without a credential, at GET /api', async () => {
    const res = await t.http().get('/api').expect(200);
    const published = (
      res.body.routes as {
        method: string;
        path: string;
        policy: string;
        privileges?: string[];
        scope?: Route['scope'];
      }[]
    ).map(
      ({ method, path, policy, privileges, scope }) =>
        `${method} ${path} → ${policy}${privileges ? `:${privileges.join(',')}` : ''}${describeScope(scope)}`,
    );
    expect(published.sort(byPathThenMethod)).toEqual(
      [...EXPECTED_ROUTES].sort(byPathThenMethod),
    );
  });

  it('keeps the expected table free of duplicates', () => {
    expect(new Set(EXPECTED_ROUTES).size).toBe(EXPECTED_ROUTES.length);
  });

  describe('as enforced at run time', () => {
    const concrete = (path: string) => path.replace(/:\w+/g, 'nosuchid');
    const send = (route: Route) =>
      (t.http() as any)[route.method.toLowerCase()](concrete(route.path));

    it('refuses every non-public route without a credential: 401 no_credentials', async () => {
      const wrong: string[] = [];
      for (const route of routes.filter((r) => r.policy?.kind !== 'public')) {
        const res = await send(route).send({});
        if (res.status !== 401 || res.body.code !== 'no_credentials') {
          wrong.push(`${row(route)}: ${res.status} ${res.body.code}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('lets every public route through without a credential', async () => {
      const wrong: string[] = [];
      for (const route of routes.filter((r) => r.policy?.kind === 'public')) {
        const res = await send(route).send({});
        // A single sign-on that cannot complete is 401 sso_failed (SPEC
        // §17): the route's own answer, not a demand for a credential.
        const refused = res.status === 401 || res.status === 403;
        if (refused && res.body.code !== 'sso_failed') {
          wrong.push(`${row(route)}: ${res.status} ${res.body.code}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('refuses a key without privileges on every privileged route, naming exactly the declared ones', async () => {
      const admin = await login(t.server);
      const bare = await createKey(t.server, admin, { title: 'bare' });
      const wrong: string[] = [];
      for (const route of routes) {
        if (route.policy?.kind !== 'privileges') continue;
        const res = await send(route).set('X-API-Key', bare.key).send({});
        const required = route.policy.privileges;
        if (
          res.status !== 403 ||
          res.body.code !== 'missing_privilege' ||
          JSON.stringify(res.body.required_privileges) !==
            JSON.stringify(required) ||
          JSON.stringify(res.body.missing_privileges) !==
            JSON.stringify(required)
        ) {
          wrong.push(
            `${row(route)}: ${res.status} ${JSON.stringify(res.body)}`,
          );
        }
      }
      expect(wrong).toEqual([]);
    });

    it('lets a key without privileges past the policy of every authenticated route', async () => {
      const admin = await login(t.server);
      const bare = await createKey(t.server, admin, { title: 'bare' });
      const wrong: string[] = [];
      for (const route of routes) {
        if (route.policy?.kind !== 'authenticated') continue;
        const res = await send(route).set('X-API-Key', bare.key).send({});
        if (res.status === 401 || res.status === 403) {
          wrong.push(`${row(route)}: ${res.status} ${res.body.code}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
});

describe('the route walker itself', () => {
  @Controller('probe')
  class ProbeController {
    @Get()
    undeclared() {}

    @Get('declared')
    @Authenticated()
    declared() {}
  }

  @Controller('fenced')
  @Authenticated()
  class FencedController {
    @Get()
    inherited() {}
  }

  const reflector = new Reflector();

  it('reports a route without a policy', () => {
    expect(routesOf(ProbeController, reflector).map(row).sort()).toEqual([
      'GET /api/probe → NO POLICY',
      'GET /api/probe/declared → authenticated',
    ]);
  });

  it('reads a policy declared on the controller class', () => {
    expect(routesOf(FencedController, reflector).map(row)).toEqual([
      'GET /api/fenced → authenticated',
    ]);
  });

  it('matches what the guards see: a route without a policy is admin-only (fail closed)', () => {
    const context = {
      getHandler: () => ProbeController.prototype.undeclared,
      getClass: () => ProbeController,
    } as unknown as ExecutionContext;
    expect(policyOf(reflector, context)).toEqual({
      kind: 'privileges',
      privileges: ['admin'],
    });
  });
});
