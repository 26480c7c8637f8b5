import request from 'supertest';
import { ChangeBus } from '../src/bus/change-bus';
import { newId } from '../src/secrets/secrets';
import { createKey, login, LoggedIn, seedScope } from './helpers/auth';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';
import { sql } from './helpers/test-database';

describe('list totals and pages from memory', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let key: string;
  let changes: ChangeBus;
  const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    request(t.server)[method](path).set('X-Session-ID', admin.sessionId);
  const total = async (name: string) =>
    (
      await request(t.server)
        .get(`/api/${name}?limit=1`)
        .set('X-API-Key', key)
        .expect(200)
    ).body.total as number;
  const event = async (category = 'a') =>
    (await as('post', '/api/events').send({ title: 'e', category }).expect(201))
      .body as { id: string };
  /** Another instance's write: the row arrives, the change later (or never). */
  const insertElsewhere = () =>
    t.dataSource.query(
      sql(
        `INSERT INTO "events" ("id", "created_at", "updated_at", "created_by", "title", "category", "targets", "enabled", "command", "notes") VALUES (?, 1, 1, 'x', 't', 'a', '[]', ?, '', '')`,
      ),
      [newId(), true],
    );

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    changes = t.app.get(ChangeBus);
    await seedScope(t.server, admin, ['a', 'b']);
    key = (await createKey(t.server, admin, { categories: ['a'] })).key;
    for (let i = 0; i < 3; i++) await event();
    await event('b');
  });
  afterAll(() => t.close());

  it('counts once per scope, then reads only the page, and a page read since the last write not at all', async () => {
    expect(await total('events')).toBe(3);
    const spy = new SqlSpy();
    try {
      // The same page again: from memory.
      expect(await total('events')).toBe(3);
      expect(spy.matching(/FROM "events"/)).toEqual([]);
      // Another page: only its rows are read, the total is known.
      await request(t.server)
        .get('/api/events?limit=2')
        .set('X-API-Key', key)
        .expect(200);
      const reads = spy.matching(/FROM "events"/);
      expect(reads).toHaveLength(1);
      expect(reads[0]).not.toMatch(/COUNT/);
      spy.reset();
      await request(t.server)
        .get('/api/events?offset=3')
        .set('X-API-Key', key)
        .expect(200, { items: [], total: 3 });
      expect(spy.matching(/FROM "events"/)).toEqual([]);
      // Any write to the table: the page is read again, with its new record.
      const created = await event();
      const after = await request(t.server)
        .get('/api/events?limit=2')
        .set('X-API-Key', key)
        .expect(200);
      expect(after.body.total).toBe(4);
      expect(spy.matching(/FROM "events"/).length).toBeGreaterThan(0);
      await as('delete', `/api/events/${created.id}`).expect(204);
    } finally {
      spy.restore();
    }
  });

  it("shows an edit of a listed record's fields at the very next request", async () => {
    const page = () =>
      request(t.server)
        .get('/api/events?limit=1000')
        .set('X-API-Key', key)
        .expect(200);
    const listed = (await page()).body.items[0] as { id: string };
    await as('patch', `/api/events/${listed.id}`)
      .send({ title: 'retitled' })
      .expect(200);
    const again = (await page()).body.items as { id: string; title: string }[];
    expect(again.find((e) => e.id === listed.id)?.title).toBe('retitled');
  });

  it('keeps pages apart by scope and bounds', async () => {
    const everything = await as('get', '/api/events?limit=1000').expect(200);
    const scoped = await request(t.server)
      .get('/api/events?limit=1000')
      .set('X-API-Key', key)
      .expect(200);
    expect(everything.body.total).toBe(scoped.body.total + 1);
    const first = await as('get', '/api/events?limit=1').expect(200);
    const second = await as('get', '/api/events?limit=1&offset=1').expect(200);
    expect(first.body.items[0].id).not.toBe(second.body.items[0].id);
    expect(first.body.items[0]).toEqual(everything.body.items[0]);
    expect(second.body.items[0]).toEqual(everything.body.items[1]);
  });

  it('is exact at the very next request after every kind of change', async () => {
    expect(await total('events')).toBe(3);
    const created = await event();
    expect(await total('events')).toBe(4);
    // A change of the record's scope: out of the caller's category, and back.
    await as('patch', `/api/events/${created.id}`)
      .send({ category: 'b' })
      .expect(200);
    expect(await total('events')).toBe(3);
    await as('patch', `/api/events/${created.id}`)
      .send({ category: 'a' })
      .expect(200);
    expect(await total('events')).toBe(4);
    await as('delete', `/api/events/${created.id}`).expect(204);
    expect(await total('events')).toBe(3);

    expect(await total('jobs')).toBe(0);
    const job = await as(
      'post',
      `/api/events/${(await event()).id}/run`,
    ).expect(201);
    expect(await total('jobs')).toBe(1);
    await as('delete', `/api/jobs/${job.body.id}`).expect(204);
    expect(await total('jobs')).toBe(0);

    expect(await total('tickets')).toBe(0);
    const ticket = await as('post', '/api/tickets')
      .send({ subject: 's', category: 'a' })
      .expect(201);
    expect(await total('tickets')).toBe(1);
    await as('patch', `/api/tickets/${ticket.body.id}`)
      .send({ category: null })
      .expect(200);
    expect(await total('tickets')).toBe(0);
  });

  it("takes another instance's change when it is delivered", async () => {
    const before = await total('events');
    await insertElsewhere();
    expect(await total('events')).toBe(before);
    changes.deliver({ kind: 'records', resource: 'events' });
    expect(await total('events')).toBe(before + 1);
    await insertElsewhere();
    changes.deliver({ kind: 'all' });
    expect(await total('events')).toBe(before + 2);
  });

  it('counts in the database while changes from other instances may be missed', async () => {
    const before = await total('events');
    changes.setChannelUp(false);
    try {
      await insertElsewhere();
      expect(await total('events')).toBe(before + 1);
      await insertElsewhere();
      expect(await total('events')).toBe(before + 2);
    } finally {
      changes.setChannelUp(true);
    }
    expect(await total('events')).toBe(before + 2);
  });
});
