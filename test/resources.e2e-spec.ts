import request from 'supertest';
import type { Principal } from '../src/access/principal';
import { scopeDenial, scopeOf } from '../src/access/scope';
import { EVENTS } from '../src/events/event.resource';
import { createKey, login, LoggedIn } from './helpers/auth';
import { createTestApp, TestApp } from './helpers/test-app';

describe('guarded resources', () => {
  let t: TestApp;
  let admin: LoggedIn;
  const asAdmin = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    request(t.server)[method](path).set('X-Session-ID', admin.sessionId);
  const asKey = (
    key: string,
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
  ) => request(t.server)[method](path).set('X-API-Key', key);

  async function create(path: string, body: object) {
    const res = await asAdmin('post', path).send(body);
    expect(res.status).toBe(201);
    return res.body as Record<string, any>;
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    for (const id of ['prod', 'dev', 'qa'])
      await create('/api/categories', { id, title: id });
    for (const id of ['web', 'db', 'cache'])
      await create('/api/groups', { id, title: id });
  });
  afterAll(() => t.close());

  describe('records', () => {
    it('returns every field of SPEC §9 with timestamps and created_by', async () => {
      const event = await create('/api/events', {
        title: 'Deploy',
        category: 'prod',
        targets: ['web'],
        command: 'deploy.sh',
      });
      expect(event).toEqual({
        id: expect.any(String),
        title: 'Deploy',
        category: 'prod',
        targets: ['web'],
        enabled: true,
        command: 'deploy.sh',
        notes: '',
        created_at: expect.any(String),
        updated_at: expect.any(String),
        created_by: 'admin',
      });
      expect(new Date(event.created_at).toISOString()).toBe(event.created_at);
      const group = await asAdmin('get', '/api/groups/web').expect(200);
      expect(group.body).toMatchObject({
        id: 'web',
        description: '',
        hostname_match: '',
      });
      const ticket = await create('/api/tickets', { subject: 'Disk full' });
      expect(ticket).toMatchObject({
        category: null,
        status: 'open',
        body: '',
      });
    });

    it('records key:<id> as the creator when a key creates', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_monitors'],
      });
      const res = await asKey(key.key, 'post', '/api/monitors')
        .send({ title: 'CPU', groups: ['web'] })
        .expect(201);
      expect(res.body.created_by).toBe(`key:${key.id}`);
    });

    it('updates only the given fields and moves updated_at with the clock', async () => {
      const event = await create('/api/events', {
        title: 'A',
        category: 'prod',
      });
      t.clock.advanceSeconds(5);
      const res = await asAdmin('patch', `/api/events/${event.id}`)
        .send({ notes: 'n' })
        .expect(200);
      expect(res.body).toMatchObject({
        title: 'A',
        notes: 'n',
        category: 'prod',
      });
      expect(
        Date.parse(res.body.updated_at) - Date.parse(event.updated_at),
      ).toBe(5000);
      const stored = await asAdmin('get', `/api/events/${event.id}`).expect(
        200,
      );
      expect(stored.body).toEqual(res.body);
    });

    it('answers 404 not_found for an unknown id on every single-record route', async () => {
      for (const [method, path] of [
        ['get', '/api/events/nope'],
        ['patch', '/api/events/nope'],
        ['delete', '/api/tickets/nope'],
        ['post', '/api/events/nope/run'],
        ['post', '/api/jobs/nope/abort'],
        ['delete', '/api/jobs/nope'],
        ['get', '/api/categories/nope'],
      ] as const) {
        const res = await asAdmin(method, path).send({ title: 'x' });
        expect([path, res.status, res.body.code]).toEqual([
          path,
          404,
          'not_found',
        ]);
      }
    });
  });

  describe('validation', () => {
    it.each([
      ['/api/categories', { id: 'Prod!', title: 'x' }, 'id'],
      ['/api/categories', { id: 'x'.repeat(65), title: 'x' }, 'id'],
      ['/api/categories', { title: 'no id' }, 'id'],
      [
        '/api/groups',
        { id: 'g1', title: 'x', hostname_match: '(' },
        'hostname_match',
      ],
      ['/api/events', { title: 'no category' }, 'category'],
      ['/api/events', { title: '<b>', category: 'prod' }, 'title'],
      [
        '/api/events',
        { title: 'x', category: 'prod', targets: 'web' },
        'targets',
      ],
      [
        '/api/events',
        { title: 'x', category: 'prod', enabled: 'yes' },
        'enabled',
      ],
      ['/api/events', { title: 'x', category: 'prod', owner: 'me' }, 'owner'],
      ['/api/monitors', { title: 'x', groups: [1] }, 'groups'],
      ['/api/tickets', { subject: 'x', status: 'pending' }, 'status'],
      ['/api/tickets', { subject: '' }, 'subject'],
    ])('refuses POST %s %j with 400 naming %s', async (path, body, field) => {
      const res = await asAdmin('post', path).send(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(
        field,
      );
    });

    it('refuses a null for a required field on update instead of failing in the database', async () => {
      const event = await create('/api/events', {
        title: 'A',
        category: 'prod',
      });
      const res = await asAdmin('patch', `/api/events/${event.id}`)
        .send({ title: null })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('refuses a category or group id that does not exist, naming each', async () => {
      const res = await asAdmin('post', '/api/events')
        .send({
          title: 'x',
          category: 'ghost',
          targets: ['web', 'ghost-a', 'ghost-b'],
        })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual([
        { field: 'category', message: expect.stringContaining('"ghost"') },
        {
          field: 'targets',
          message: expect.stringMatching(/"ghost-a".*"ghost-b"/),
        },
      ]);
      await asAdmin('post', '/api/monitors')
        .send({ title: 'x', groups: ['ghost'] })
        .expect(400);
      await asAdmin('post', '/api/tickets')
        .send({ subject: 'x', category: 'ghost' })
        .expect(400);
    });

    it('checks scope before existence, so an out-of-scope id reveals nothing', async () => {
      // A key may name only categories that exist (SPEC §15), so an in-scope
      // id always exists: the unknown-id 400 is for unrestricted callers.
      const key = await createKey(t.server, admin, {
        privileges: ['create_events'],
        categories: ['prod'],
      });
      for (const category of ['secret', 'qa']) {
        const outside = await asKey(key.key, 'post', '/api/events')
          .send({ title: 'x', category })
          .expect(403);
        expect(outside.body).toMatchObject({ code: 'scope_denied', category });
      }
      const unknown = await asAdmin('post', '/api/events')
        .send({ title: 'x', category: 'secret' })
        .expect(400);
      expect(unknown.body.code).toBe('validation_failed');
    });

    it('answers 409 conflict for a duplicate category or group id', async () => {
      await asAdmin('post', '/api/categories')
        .send({ id: 'prod', title: 'again' })
        .expect(409);
      await asAdmin('post', '/api/groups')
        .send({ id: 'web', title: 'again' })
        .expect(409);
    });
  });

  describe('references', () => {
    it('refuses to delete a category while an event or a ticket uses it', async () => {
      await create('/api/categories', { id: 'used', title: 'used' });
      const event = await create('/api/events', {
        title: 'x',
        category: 'used',
      });
      const ticket = await create('/api/tickets', {
        subject: 'x',
        category: 'used',
      });
      const first = await asAdmin('delete', '/api/categories/used').expect(409);
      expect(first.body.code).toBe('conflict');
      await asAdmin('delete', `/api/events/${event.id}`).expect(204);
      await asAdmin('delete', '/api/categories/used').expect(409);
      await asAdmin('delete', `/api/tickets/${ticket.id}`).expect(204);
      await asAdmin('delete', '/api/categories/used').expect(204);
    });

    it('refuses to delete a group while an event, monitor or alert names it', async () => {
      await create('/api/groups', { id: 'busy', title: 'busy' });
      const users = [
        [
          'events',
          await create('/api/events', {
            title: 'x',
            category: 'qa',
            targets: ['web', 'busy'],
          }),
        ],
        [
          'monitors',
          await create('/api/monitors', { title: 'x', groups: ['busy'] }),
        ],
        [
          'alerts',
          await create('/api/alerts', {
            title: 'x',
            groups: ['cache', 'busy'],
          }),
        ],
      ] as const;
      for (const [kind, record] of users) {
        await asAdmin('delete', '/api/groups/busy').expect(409);
        await asAdmin('delete', `/api/${kind}/${record.id}`).expect(204);
      }
      await asAdmin('delete', '/api/groups/busy').expect(204);
    });

    it('keeps jobs when their event is deleted and lets their category go', async () => {
      await create('/api/categories', { id: 'temp', title: 'temp' });
      const event = await create('/api/events', {
        title: 'x',
        category: 'temp',
      });
      const job = await create(`/api/events/${event.id}/run`, {});
      await asAdmin('delete', `/api/events/${event.id}`).expect(204);
      await asAdmin('delete', '/api/categories/temp').expect(204);
      const res = await asAdmin('get', `/api/jobs/${job.id}`).expect(200);
      expect(res.body).toMatchObject({ event_id: event.id, category: 'temp' });
    });
  });

  describe('jobs', () => {
    it('runs an event into a queued job that copies its scope', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['run_jobs'],
      });
      const event = await create('/api/events', {
        title: 'x',
        category: 'prod',
        targets: ['web', 'db'],
      });
      const res = await asKey(
        key.key,
        'post',
        `/api/events/${event.id}/run`,
      ).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        event_id: event.id,
        category: 'prod',
        targets: ['web', 'db'],
        state: 'queued',
        started_by: `key:${key.id}`,
        created_at: expect.any(String),
      });
      await asAdmin('patch', `/api/events/${event.id}`)
        .send({ category: 'dev', targets: [] })
        .expect(200);
      const job = await asAdmin('get', `/api/jobs/${res.body.id}`).expect(200);
      expect(job.body).toMatchObject({
        category: 'prod',
        targets: ['web', 'db'],
      });
    });

    it('aborts once, then answers 409 conflict', async () => {
      const event = await create('/api/events', {
        title: 'x',
        category: 'prod',
      });
      const job = await create(`/api/events/${event.id}/run`, {});
      const aborted = await asAdmin('post', `/api/jobs/${job.id}/abort`).expect(
        200,
      );
      expect(aborted.body.state).toBe('aborted');
      const again = await asAdmin('post', `/api/jobs/${job.id}/abort`).expect(
        409,
      );
      expect(again.body.code).toBe('conflict');
    });

    it('refuses to run a disabled event with 409 conflict', async () => {
      const event = await create('/api/events', {
        title: 'x',
        category: 'prod',
        enabled: false,
      });
      const res = await asAdmin('post', `/api/events/${event.id}/run`).expect(
        409,
      );
      expect(res.body.code).toBe('conflict');
    });
  });

  describe('scope denials', () => {
    it('names only the forbidden groups of a mixed target list', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['create_events'],
        groups: ['web'],
      });
      const res = await asKey(key.key, 'post', '/api/events')
        .send({ title: 'x', category: 'prod', targets: ['web', 'db', 'cache'] })
        .expect(403);
      expect(res.body).toMatchObject({
        code: 'scope_denied',
        groups: ['db', 'cache'],
      });
      expect(res.body.detail).toContain('"db"');
    });

    it('checks the stored and the new values on update', async () => {
      const key = await createKey(t.server, admin, {
        privileges: ['edit_events'],
        categories: ['prod'],
      });
      const mine = await create('/api/events', {
        title: 'x',
        category: 'prod',
      });
      const theirs = await create('/api/events', {
        title: 'x',
        category: 'dev',
      });
      const out = await asKey(key.key, 'patch', `/api/events/${mine.id}`)
        .send({ category: 'dev' })
        .expect(403);
      expect(out.body).toMatchObject({ code: 'scope_denied', category: 'dev' });
      const into = await asKey(key.key, 'patch', `/api/events/${theirs.id}`)
        .send({ category: 'prod' })
        .expect(403);
      expect(into.body).toMatchObject({
        code: 'scope_denied',
        category: 'dev',
      });
      const unchanged = await asAdmin('get', `/api/events/${theirs.id}`).expect(
        200,
      );
      expect(unchanged.body.category).toBe('dev');
    });
  });

  describe('lists', () => {
    let lists: TestApp;
    let listAdmin: LoggedIn;
    const events: Record<string, any>[] = [];
    const categories = ['a', 'b', 'c'];
    const groups = ['g1', 'g2', 'g3'];

    beforeAll(async () => {
      lists = await createTestApp();
      listAdmin = await login(lists.server);
      const post = (path: string, body: object) =>
        request(lists.server)
          .post(path)
          .set('X-Session-ID', listAdmin.sessionId)
          .send(body)
          .expect(201);
      for (const id of categories)
        await post('/api/categories', { id, title: id });
      for (const id of groups) await post('/api/groups', { id, title: id });
      // Every category with every subset of groups, twice: 48 events.
      for (let round = 0; round < 2; round++) {
        for (const category of categories) {
          for (let mask = 0; mask < 8; mask++) {
            const targets = groups.filter((_, i) => mask & (1 << i));
            const res = await post('/api/events', {
              title: 'e',
              category,
              targets,
            });
            events.push(res.body);
          }
        }
      }
      await post('/api/tickets', { subject: 'no category' });
      await post('/api/tickets', { subject: 'in a', category: 'a' });
    });
    afterAll(() => lists.close());

    const listAll = async (key: string, path: string) => {
      const seen: Record<string, any>[] = [];
      let total = -1;
      for (let offset = 0; total < 0 || offset < total; offset += 7) {
        const res = await request(lists.server)
          .get(`${path}?limit=7&offset=${offset}`)
          .set('X-API-Key', key)
          .expect(200);
        total = res.body.total;
        expect(res.body.items.length).toBeLessThanOrEqual(7);
        seen.push(...res.body.items);
        if (res.body.items.length === 0) break;
      }
      return { seen, total };
    };

    it.each([
      [{}, 48],
      [{ categories: ['a'] }, 16],
      [{ groups: ['g1'] }, 12],
      [{ groups: ['g1', 'g2'] }, 24],
      [{ categories: ['a', 'c'], groups: ['g3'] }, 8],
      [{ privileges: ['admin'], categories: ['a'], groups: ['g1'] }, 48],
    ])(
      'shows a caller restricted to %j exactly the events the scope rule allows (%i), paginated',
      async (scope, expected) => {
        const key = await createKey(lists.server, listAdmin, scope);
        const { seen, total } = await listAll(key.key, '/api/events');
        const principal = {
          privileges: [],
          categories: [],
          groups: [],
          ...scope,
        } as unknown as Principal;
        const allowed = events.filter(
          (e) => scopeDenial(principal, scopeOf(EVENTS.scope, e)) === null,
        );
        expect(total).toBe(expected);
        expect(allowed).toHaveLength(expected);
        expect(seen.map((e) => e.id).sort()).toEqual(
          allowed.map((e) => e.id).sort(),
        );
      },
    );

    it('hides tickets without a category from category-restricted callers only', async () => {
      const restricted = await createKey(lists.server, listAdmin, {
        categories: ['a'],
      });
      const grouped = await createKey(lists.server, listAdmin, {
        groups: ['g1'],
      });
      const a = await listAll(restricted.key, '/api/tickets');
      expect(a.total).toBe(1);
      expect(a.seen[0].category).toBe('a');
      expect((await listAll(grouped.key, '/api/tickets')).total).toBe(2);
    });

    it('filters categories and groups by their own ids', async () => {
      const key = await createKey(lists.server, listAdmin, {
        categories: ['b'],
        groups: ['g2', 'g3'],
      });
      const cats = await listAll(key.key, '/api/categories');
      expect(cats.seen.map((c) => c.id)).toEqual(['b']);
      const grps = await listAll(key.key, '/api/groups');
      expect(grps.seen.map((g) => g.id)).toEqual(['g2', 'g3']);
    });

    it('validates limit and offset', async () => {
      const key = await createKey(lists.server, listAdmin);
      for (const query of [
        'limit=0',
        'limit=1001',
        'limit=abc',
        'offset=-1',
        'limit=2.5',
      ]) {
        const res = await request(lists.server)
          .get(`/api/events?${query}`)
          .set('X-API-Key', key.key)
          .expect(400);
        expect(res.body.code).toBe('validation_failed');
      }
    });
  });

  it('creates 50 records in parallel without losing one', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        asAdmin('post', '/api/events').send({ title: `p${i}`, category: 'qa' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const key = await createKey(t.server, admin, { categories: ['qa'] });
    const list = await asKey(key.key, 'get', '/api/events?limit=1000').expect(
      200,
    );
    const titles = new Set(
      list.body.items.map((e: { title: string }) => e.title),
    );
    for (let i = 0; i < 50; i++) expect(titles.has(`p${i}`)).toBe(true);
  });
});
