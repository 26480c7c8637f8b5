import request from 'supertest';
import {
  createKey,
  createUser,
  login,
  LoggedIn,
  seedScope,
  USER_PASSWORD,
} from './helpers/auth';
import { FakeClock } from './helpers/fake-clock';
import { enrolTotp } from './helpers/mfa';
import { expectProblem } from './helpers/problem';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';

describe('POST /api/auth/explain (SPEC §19)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let prodEvent: string;

  const explain = (
    credential: { key?: string; session?: string },
    body: object,
  ) => {
    const req = request(t.server).post('/api/auth/explain');
    if (credential.key) req.set('X-API-Key', credential.key);
    if (credential.session) req.set('X-Session-ID', credential.session);
    return req.send(body);
  };
  const asAdmin = (body: object) => explain({ session: admin.sessionId }, body);
  type Line = { check: string; result: string };
  const byCheck = (body: { checks: Line[] }): Record<string, Line> =>
    Object.fromEntries(body.checks.map((c) => [c.check, c]));

  beforeAll(async () => {
    t = await createTestApp(
      { ACTIVITY_FLUSH_INTERVAL: '60' },
      new FakeClock(Date.UTC(2031, 0, 1, 12)),
    );
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod', 'dev'], ['web']);
    const res = await request(t.server)
      .post('/api/events')
      .set('X-Session-ID', admin.sessionId)
      .send({ title: 'Deploy', category: 'prod', targets: ['web'] })
      .expect(201);
    prodEvent = res.body.id;
  });
  afterAll(() => t.close());

  it('reports every check in order and passes an allowed request', async () => {
    const key = await createKey(t.server, admin, {
      privileges: ['edit_events'],
    });
    const res = await explain(
      { key: key.key },
      {
        method: 'PATCH',
        path: `/api/events/${prodEvent}`,
        body: { title: 'x' },
      },
    ).expect(200);
    expect(res.body.allowed).toBe(true);
    expect(res.body.checks.map((c: Line) => c.check)).toEqual([
      'credential',
      'ip',
      'rate_limit',
      'privileges',
      'scope',
    ]);
    expect(byCheck(res.body)).toMatchObject({
      credential: { result: 'pass' },
      ip: { result: 'skip' },
      rate_limit: { result: 'skip' },
      privileges: { result: 'pass' },
      scope: { result: 'pass' },
    });
  });

  it('names the missing privilege and the smallest fix, and skips what follows', async () => {
    const key = await createKey(t.server, admin, {
      privileges: ['create_events'],
    });
    const res = await explain(
      { key: key.key },
      { method: 'DELETE', path: `/api/events/${prodEvent}` },
    ).expect(200);
    expect(res.body.allowed).toBe(false);
    expect(byCheck(res.body)).toMatchObject({
      privileges: {
        result: 'fail',
        code: 'missing_privilege',
        missing_privileges: ['delete_events'],
        fix: 'grant delete_events',
      },
      scope: { result: 'skip' },
    });
  });

  it('names the category out of scope and the fix, reading the stored record and the body', async () => {
    const key = await createKey(t.server, admin, {
      privileges: ['edit_events'],
      categories: ['dev'],
    });
    const stored = await explain(
      { key: key.key },
      { method: 'PATCH', path: `/api/events/${prodEvent}`, body: {} },
    ).expect(200);
    expect(byCheck(stored.body).scope).toMatchObject({
      result: 'fail',
      code: 'scope_denied',
      fix: 'add category prod',
    });
    const created = await explain(
      { key: key.key },
      {
        method: 'POST',
        path: '/api/events',
        body: { title: 'a', category: 'prod' },
      },
    ).expect(200);
    expect(byCheck(created.body).privileges).toMatchObject({
      result: 'fail',
      fix: 'grant create_events',
    });
  });

  it('answers an unknown route 200 with a failing route check', async () => {
    const res = await asAdmin({ method: 'GET', path: '/api/nope/1' }).expect(
      200,
    );
    expect(res.body).toEqual({
      allowed: false,
      checks: [
        {
          check: 'route',
          result: 'fail',
          code: 'not_found',
          detail: expect.stringContaining('/api/nope/1'),
        },
      ],
    });
  });

  it('skips every check of a public route', async () => {
    const key = await createKey(t.server, admin);
    const res = await explain(
      { key: key.key },
      { method: 'get', path: '/api/health' },
    ).expect(200);
    expect(res.body.allowed).toBe(true);
    expect(
      res.body.checks.every((c: { result: string }) => c.result === 'skip'),
    ).toBe(true);
  });

  it('follows the router: a trailing slash and a query string reach the same route', async () => {
    const key = await createKey(t.server, admin, {
      privileges: ['delete_events'],
    });
    const res = await explain(
      { key: key.key },
      { method: 'DELETE', path: `/api/events/${prodEvent}/?x=1` },
    ).expect(200);
    expect(res.body.allowed).toBe(true);
  });

  it('reports a needed step-up on the credential line, as the real request refuses it', async () => {
    await createUser(t.server, admin, {
      username: 'dora',
      privileges: ['admin'],
    });
    const dora = await login(t.server, 'dora', USER_PASSWORD);
    await enrolTotp(t, dora);
    const asked = {
      method: 'POST',
      path: '/api/keys',
      body: { title: 'k', privileges: ['admin'] },
    };
    const res = await explain({ session: dora.sessionId }, asked).expect(200);
    expect(res.body.allowed).toBe(false);
    expect(res.body.checks.map((c: Line) => c.check)).toEqual([
      'credential',
      'ip',
      'rate_limit',
      'privileges',
      'scope',
    ]);
    expect(res.body.checks[0]).toMatchObject({
      result: 'fail',
      code: 'step_up_required',
      fix: 'step up with POST /api/sessions/current/step-up',
    });
    const real = await request(t.server)
      .post('/api/keys')
      .set('X-Session-ID', dora.sessionId)
      .send(asked.body);
    expectProblem(real, 403, 'step_up_required');
  });

  describe('as another caller (admins)', () => {
    it('explains for a key by id, a disabled one failing at the credential with its fix', async () => {
      const key = await createKey(t.server, admin, { active: false });
      const res = await asAdmin({
        method: 'GET',
        path: '/api/events',
        as: { api_key_id: key.id },
      }).expect(200);
      expect(res.body.allowed).toBe(false);
      expect(res.body.checks[0]).toMatchObject({
        check: 'credential',
        result: 'fail',
        code: 'api_key_disabled',
        fix: 'enable the key (active: true)',
      });
      expect(
        res.body.checks
          .slice(1)
          .every((c: { result: string }) => c.result === 'skip'),
      ).toBe(true);
    });

    it('explains for a user by name, with the rights of their roles', async () => {
      await createUser(t.server, admin, {
        username: 'carol',
        privileges: ['run_jobs'],
      });
      const res = await asAdmin({
        method: 'POST',
        path: '/api/keys',
        body: { title: 'x' },
        as: { username: 'Carol' },
      }).expect(200);
      expect(byCheck(res.body)).toMatchObject({
        credential: { result: 'pass' },
        privileges: { result: 'fail', missing_privileges: ['admin'] },
      });
    });

    it('refuses "as" to a caller without admin: 403 missing_privilege', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['edit_events'],
      });
      const res = await explain(
        { key: key.key },
        { method: 'GET', path: '/api/events', as: { username: 'admin' } },
      );
      const body = expectProblem(res, 403, 'missing_privilege');
      expect(body.missing_privileges).toEqual(['admin']);
    });

    it('answers 404 for a key or user that does not exist', async () => {
      expectProblem(
        await asAdmin({
          method: 'GET',
          path: '/api/events',
          as: { api_key_id: 'nope' },
        }),
        404,
        'not_found',
      );
      expectProblem(
        await asAdmin({
          method: 'GET',
          path: '/api/events',
          as: { username: 'nobody' },
        }),
        404,
        'not_found',
      );
    });
  });

  describe('bad input is a clear 400', () => {
    it.each([
      ['an unknown method', { method: 'FETCH', path: '/api/events' }, 'method'],
      [
        'a path without a leading slash',
        { method: 'GET', path: 'api/events' },
        'path',
      ],
      ['no path', { method: 'GET' }, 'path'],
      [
        'both names in "as"',
        { method: 'GET', path: '/api', as: { api_key_id: 'a', username: 'b' } },
        'as',
      ],
      ['neither name in "as"', { method: 'GET', path: '/api', as: {} }, 'as'],
      [
        'an unknown property in "as"',
        { method: 'GET', path: '/api', as: { id: 'x' } },
        'as.id',
      ],
      [
        'a malformed %-escape',
        { method: 'GET', path: '/api/events/%E0%A4%A' },
        'path',
      ],
    ])('%s', async (_name, body, field) => {
      const res = await asAdmin(body);
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(JSON.stringify(problem.errors)).toContain(field.split(' ')[0]);
    });
  });

  describe('consumes nothing and writes nothing', () => {
    it('leaves a rate-limited key its allowance, and answers its own request 429 once it is spent', async () => {
      const key = await createKey(t.server, admin, { max_per_sec: 2 });
      const ask = () =>
        explain({ key: key.key }, { method: 'GET', path: '/api/me' });
      for (let i = 0; i < 5; i++) {
        const res = await ask().expect(200);
        expect(byCheck(res.body).rate_limit.result).toBe('pass');
      }
      const me = () =>
        request(t.server).get('/api/me').set('X-API-Key', key.key);
      await me().expect(200);
      await me().expect(200);
      expectProblem(await ask(), 429, 'rate_limited');
      t.clock.advance(1000);
      const after = await ask().expect(200);
      expect(after.headers.ratelimit).toBe('"key";r=2;t=0');
    });

    it('reports a spent allowance for another caller without taking from it', async () => {
      const key = await createKey(t.server, admin, { max_per_sec: 1 });
      await request(t.server)
        .get('/api/me')
        .set('X-API-Key', key.key)
        .expect(200);
      const res = await asAdmin({
        method: 'GET',
        path: '/api/me',
        as: { api_key_id: key.id },
      }).expect(200);
      expect(byCheck(res.body).rate_limit).toMatchObject({
        result: 'fail',
        code: 'rate_limited',
        fix: expect.stringMatching(/^wait 1 s/),
      });
      t.clock.advance(1000);
      await request(t.server)
        .get('/api/me')
        .set('X-API-Key', key.key)
        .expect(200);
    });

    it('sends no write to the database and no audit entry', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_events'],
      });
      const spy = new SqlSpy();
      try {
        await explain(
          { key: key.key },
          {
            method: 'PATCH',
            path: `/api/events/${prodEvent}`,
            body: { title: 'y' },
          },
        ).expect(200);
        await asAdmin({
          method: 'DELETE',
          path: `/api/keys/${key.id}`,
          as: { api_key_id: key.id },
        }).expect(200);
        expect(spy.matching(/^\s*(INSERT|UPDATE|DELETE)\b/i)).toEqual([]);
      } finally {
        spy.restore();
      }
    });
  });
});
