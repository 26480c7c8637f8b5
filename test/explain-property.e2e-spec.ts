import fc from 'fast-check';
import request from 'supertest';
import { keyBucket } from '../src/rate-limits/key-bucket';
import {
  RATE_LIMIT_STORE,
  type RateLimitStore,
} from '../src/rate-limits/rate-limit.store';
import {
  createKey,
  createUser,
  login,
  LoggedIn,
  seedScope,
} from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * SPEC §19's promise, as a property: over generated (caller, route, body)
 * cases, explain's `allowed` is exactly whether the real request then passes
 * every authentication and authorization check (keys with IP allowlists,
 * enforced and reported, among the callers); and asking consumed no rate
 * allowance and wrote nothing. Roles' writes are left out: their escalation
 * rule (§20) is the service's, inside its transaction, not the decision's.
 */

/** The refusals of the credential and of the decision function. */
const DECISION_CODES = new Set([
  'no_credentials',
  'invalid_api_key',
  'api_key_disabled',
  'api_key_expired',
  'invalid_session',
  'session_expired',
  'account_disabled',
  'ip_not_allowed',
  'rate_limited',
  'too_many_failures',
  'missing_privilege',
  'scope_denied',
]);

const START = Date.UTC(2031, 0, 1, 12);
const PRIVILEGES = [
  'create_events',
  'edit_events',
  'delete_events',
  'run_jobs',
  'create_tickets',
  'edit_categories',
  'admin',
];
const CATEGORIES = ['prod', 'dev'];
const GROUPS = ['web', 'db'];

interface Caller {
  label: string;
  headers: Record<string, string>;
  as: { api_key_id: string } | { username: string };
  keyId?: string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Case {
  caller: number;
  method: Method;
  path: string;
  body?: Record<string, unknown>;
  self: boolean;
  advanceMs: number;
}

describe('explain agrees with the real request (property, SPEC §19)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let store: RateLimitStore;
  const callers: Caller[] = [];
  const events: string[] = [];
  const tickets: string[] = [];

  const subsets = <T>(items: T[]) => fc.subarray(items);
  const grant = fc.record({
    privileges: subsets(PRIVILEGES),
    categories: subsets(CATEGORIES),
    groups: subsets(GROUPS),
  });

  async function makeCallers(): Promise<void> {
    const grants = fc.sample(grant, { numRuns: 10, seed: 24 });
    for (const [i, g] of grants.entries()) {
      const key = await createKey(t.server, admin, {
        ...g,
        max_per_sec: [0, 1, 2][i % 3],
        ...(i === 5 && { allowed_ips: ['127.0.0.0/8', '::1'] }),
        ...(i === 6 && { allowed_ips: ['10.0.0.0/8'] }),
        ...(i === 9 && { allowed_ips: ['10.0.0.0/8'], ip_policy: 'report' }),
        ...(i === 7 && { active: false }),
        ...(i === 8 && { expires_at: new Date(START + 1000).toISOString() }),
      });
      callers.push({
        label: `key ${i} ${JSON.stringify(g)}`,
        headers: { 'X-API-Key': key.key },
        as: { api_key_id: key.id },
        keyId: key.id,
      });
    }
    for (const [i, g] of grants.slice(0, 5).entries()) {
      const username = `user${i}`;
      await createUser(t.server, admin, { username, ...g });
      const session = await login(t.server, username, 'user-password-1');
      callers.push({
        label: `user ${i} ${JSON.stringify(g)}`,
        headers: { 'X-Session-ID': session.sessionId },
        as: { username },
      });
    }
    // A user disabled after signing in: account_disabled.
    await request(t.server)
      .patch('/api/users/user4')
      .set('X-Session-ID', admin.sessionId)
      .send({ active: false })
      .expect(200);
  }

  beforeAll(async () => {
    t = await createTestApp(
      { ACTIVITY_FLUSH_INTERVAL: '60', AUTH_FAILURE_LIMIT: '0' },
      new FakeClock(START),
    );
    store = t.app.get(RATE_LIMIT_STORE);
    admin = await login(t.server);
    await seedScope(t.server, admin, CATEGORIES, GROUPS);
    for (const [category, targets] of [
      ['prod', ['web']],
      ['dev', ['db']],
      ['prod', ['web', 'db']],
    ] as const) {
      const res = await request(t.server)
        .post('/api/events')
        .set('X-Session-ID', admin.sessionId)
        .send({ title: 'e', category, targets })
        .expect(201);
      events.push(res.body.id);
    }
    for (const category of ['prod', null]) {
      const res = await request(t.server)
        .post('/api/tickets')
        .set('X-Session-ID', admin.sessionId)
        .send({ subject: 's', category })
        .expect(201);
      tickets.push(res.body.id);
    }
    await makeCallers();
    // Key 8 has expired.
    t.clock.advance(2000);
  });
  afterAll(() => t.close());

  const eventBody = fc.record(
    {
      title: fc.constant('generated'),
      category: fc.constantFrom('prod', 'dev'),
      targets: subsets(GROUPS),
    },
    { requiredKeys: ['title'] },
  );

  const routes = (): fc.Arbitrary<
    Omit<Case, 'caller' | 'self' | 'advanceMs'>
  > => {
    const event = fc.constantFrom(...events, 'no-such-event');
    const ticket = fc.constantFrom(...tickets);
    return fc.oneof(
      fc.constant({ method: 'GET' as const, path: '/api/me' }),
      fc.constant({ method: 'GET' as const, path: '/api/events' }),
      fc.constant({ method: 'GET' as const, path: '/api/keys' }),
      event.map((id) => ({
        method: 'GET' as const,
        path: `/api/events/${id}`,
      })),
      eventBody.map((body) => ({
        method: 'POST' as const,
        path: '/api/events',
        body,
      })),
      fc.tuple(event, eventBody).map(([id, body]) => ({
        method: 'PATCH' as const,
        path: `/api/events/${id}`,
        body,
      })),
      fc.constant({
        method: 'DELETE' as const,
        path: '/api/events/no-such-event',
      }),
      event.map((id) => ({
        method: 'POST' as const,
        path: `/api/events/${id}/run`,
      })),
      ticket.map((id) => ({
        method: 'GET' as const,
        path: `/api/tickets/${id}`,
      })),
      fc.constantFrom(...CATEGORIES).map((id) => ({
        method: 'PATCH' as const,
        path: `/api/categories/${id}`,
        body: { title: id },
      })),
    );
  };

  const cases = (): fc.Arbitrary<Case> =>
    fc
      .tuple(
        fc.nat({ max: callers.length - 1 }),
        routes(),
        fc.boolean(),
        fc.constantFrom(0, 0, 400, 1000),
      )
      .map(([caller, route, self, advanceMs]) => ({
        caller,
        ...route,
        self,
        advanceMs,
      }));

  const send = (
    method: Method,
    path: string,
    headers: Record<string, string>,
    body?: object,
  ) => {
    const req = request(t.server)[method.toLowerCase() as 'get'](path);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return body ? req.send(body) : req;
  };

  const auditCount = async () =>
    Number(
      (
        await t.dataSource.query<Array<{ n: number }>>(
          'SELECT COUNT(*) AS n FROM audit_log',
        )
      )[0].n,
    );

  it('allowed ⇔ the real request passes the credential and every check; explaining consumes and writes nothing', async () => {
    let allowedSeen = 0;
    let refusedSeen = 0;
    await fc.assert(
      fc.asyncProperty(cases(), async (c) => {
        t.clock.advance(c.advanceMs);
        const caller = callers[c.caller];
        const asked = {
          method: c.method,
          path: c.path,
          ...(c.body && { body: c.body }),
        };
        const bucket = caller.keyId && keyBucket(caller.keyId);
        const before = bucket && (await store.peek(bucket, 1000, 1000));
        const audits = await auditCount();
        const spy = new SqlSpy();
        const explained = c.self
          ? await send('POST', '/api/auth/explain', caller.headers, asked)
          : await send(
              'POST',
              '/api/auth/explain',
              { 'X-Session-ID': admin.sessionId },
              {
                ...asked,
                as: caller.as,
              },
            );
        spy.restore();
        // A refused explain request was answered as on any route (audited so).
        if (explained.status === 200) {
          expect(spy.matching(/^\s*(INSERT|UPDATE|DELETE)\b/i)).toEqual([]);
          expect(await auditCount()).toBe(audits);
        }
        if (bucket)
          expect(await store.peek(bucket, 1000, 1000)).toEqual(before);

        const real = await send(c.method, c.path, caller.headers, c.body);
        const refused =
          [401, 403, 429].includes(real.status) &&
          DECISION_CODES.has(real.body.code);
        const context = `${caller.label} ${c.method} ${c.path} ${JSON.stringify(c.body)}: explain ${explained.status} ${JSON.stringify(explained.body)}; real ${real.status} ${real.body?.code}`;
        if (explained.status === 200) {
          expect({ allowed: explained.body.allowed, context }).toEqual({
            allowed: !refused,
            context,
          });
        } else {
          // The caller's own credential or limit refused the explain request itself.
          expect({ status: explained.status, context }).toEqual({
            status: expect.any(Number),
            context,
          });
          expect(
            c.self && [401, 403, 429].includes(explained.status) && refused,
          ).toBe(true);
        }
        if (refused) refusedSeen++;
        else allowedSeen++;
      }),
      { numRuns: 200 },
    );
    // The generator reaches both answers, or the property says little.
    expect(allowedSeen).toBeGreaterThan(20);
    expect(refusedSeen).toBeGreaterThan(20);
  });
});
