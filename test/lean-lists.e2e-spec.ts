import request from 'supertest';
import { ChangeBus } from '../src/bus/change-bus';
import { createKey, login, LoggedIn } from './helpers/auth';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';
import { onPostgres } from './helpers/test-database';

const LISTS = ['events', 'jobs', 'monitors', 'alerts', 'tickets'];
/** Scopes that no index narrows: none, and groups (a JSON list). */
const SCOPES = [{}, { groups: ['g1'] }];

describe('lean lists', () => {
  let t: TestApp;
  let admin: LoggedIn;
  const get = (path: string, key?: string) => {
    const req = request(t.server).get(path);
    return key
      ? req.set('X-API-Key', key)
      : req.set('X-Session-ID', admin.sessionId);
  };
  const post = async (path: string, body: object = {}) => {
    const res = await request(t.server)
      .post(path)
      .set('X-Session-ID', admin.sessionId)
      .send(body)
      .expect(201);
    return res.body as Record<string, any>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    for (const id of ['a', 'b', 'empty'])
      await post('/api/categories', { id, title: id });
    for (const id of ['g1', 'g2']) await post('/api/groups', { id, title: id });
    // Records created at the same instant are ordered by id; others by time.
    for (let i = 0; i < 4; i++) {
      const event = await post('/api/events', {
        title: `e${i}`,
        category: i % 2 ? 'a' : 'b',
        targets: i % 2 ? ['g1'] : ['g1', 'g2'],
        enabled: true,
        command: `run ${i}`,
      });
      await post(`/api/events/${event.id}/run`);
      if (i === 2) t.clock.advance(1000);
    }
    await post('/api/events', { title: 'off', category: 'a', enabled: false });
    await post('/api/monitors', {
      title: 'm',
      groups: ['g2'],
      expression: 'x',
    });
    await post('/api/monitors', { title: 'm2' });
    await post('/api/alerts', { title: 'al', groups: ['g1'], message: 'hi' });
    await post('/api/tickets', { subject: 'none', status: 'closed' });
    await post('/api/tickets', { subject: 'in a', category: 'a', body: 'b' });
    await post('/api/roles', { id: 'ops', title: 'Ops', enabled: false });
    await post('/api/roles', {
      id: 'dev',
      title: 'Dev',
      privileges: ['edit_events'],
      categories: ['a'],
    });
  });
  afterAll(() => t.close());

  it.each([...LISTS, 'categories', 'groups', 'roles'])(
    'lists %s with exactly the fields and values of each record route, in creation order',
    async (name) => {
      const list = await get(`/api/${name}?limit=1000`).expect(200);
      expect(list.body.total).toBe(list.body.items.length);
      for (const item of list.body.items) {
        const one = await get(`/api/${name}/${item.id}`).expect(200);
        expect(item).toStrictEqual(one.body);
      }
      const order = list.body.items.map((r: any) => [r.created_at, r.id]);
      expect(order).toEqual(
        [...order].sort((x, y) =>
          x[0] === y[0] ? (x[1] < y[1] ? -1 : 1) : x[0] < y[0] ? -1 : 1,
        ),
      );
    },
  );

  it('reads a page and its total in one statement', async () => {
    const key = await createKey(t.server, admin, { categories: ['a'] });
    await get('/api/me', key.key).expect(200);
    const spy = new SqlSpy();
    try {
      const res = await get('/api/events?limit=1', key.key).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.total).toBe(3);
      expect(spy.matching(/FROM "events"/)).toHaveLength(1);
    } finally {
      spy.restore();
    }
  });

  it('keeps each scope apart, whatever order it names its ids in', async () => {
    const totals: number[] = [];
    for (const categories of [['a'], ['b'], ['a', 'b'], ['b', 'a']]) {
      const key = await createKey(t.server, admin, { categories });
      for (const offset of [0, 1]) {
        const res = await get(`/api/events?offset=${offset}`, key.key).expect(
          200,
        );
        expect(res.body.items).toHaveLength(res.body.total - offset);
        expect(
          res.body.items.every((e: any) => categories.includes(e.category)),
        ).toBe(true);
        totals.push(res.body.total);
      }
    }
    expect(totals).toEqual([3, 3, 2, 2, 5, 5, 5, 5]);
  });

  it('answers the total past the end of a list, and 0 for an empty one', async () => {
    const past = await get('/api/events?offset=50').expect(200);
    expect(past.body).toEqual({ items: [], total: 5 });
    const key = await createKey(t.server, admin, { categories: ['empty'] });
    for (const name of ['events', 'jobs', 'tickets']) {
      const none = await get(`/api/${name}`, key.key).expect(200);
      expect(none.body).toEqual({ items: [], total: 0 });
      const beyond = await get(`/api/${name}?offset=3`, key.key).expect(200);
      expect(beyond.body).toEqual({ items: [], total: 0 });
    }
  });

  describe('query plans', () => {
    /** The list statement the app sends for `path`, with its parameters. */
    async function listStatement(path: string, key: string) {
      // Known totals are kept (list-totals.ts): drop them, so the total is read too.
      t.app.get(ChangeBus).deliver({ kind: 'all' });
      const spy = new SqlSpy();
      try {
        await get(path, key).expect(200);
        const index = spy.statements.findIndex((s) => /COUNT\(\*\)/.test(s));
        expect(index).toBeGreaterThanOrEqual(0);
        return {
          sql: spy.statements[index],
          parameters: spy.parameters[index],
        };
      } finally {
        spy.restore();
      }
    }

    async function plan(path: string, key: string): Promise<string[]> {
      const { sql, parameters } = await listStatement(path, key);
      if (!onPostgres()) {
        const rows: { detail: string }[] = await t.dataSource.query(
          `EXPLAIN QUERY PLAN ${sql}`,
          parameters,
        );
        return rows.map((row) => row.detail);
      }
      // Tiny tables are cheapest to scan and sort; forbidding both shows
      // whether an index can serve the filter and the order at all.
      const runner = t.dataSource.createQueryRunner();
      try {
        await runner.query('SET enable_seqscan = off');
        await runner.query('SET enable_bitmapscan = off');
        const rows: { 'QUERY PLAN': string }[] = await runner.query(
          `EXPLAIN ${sql}`,
          parameters,
        );
        return rows.map((row) => row['QUERY PLAN']);
      } finally {
        await runner.query('RESET ALL');
        await runner.release();
      }
    }

    const sorts = (lines: string[]) =>
      lines.filter((l) => /TEMP B-TREE|Sort/.test(l));
    const fullScans = (lines: string[], table: string) =>
      lines.filter((l) =>
        onPostgres()
          ? new RegExp(`Seq Scan on ${table}`).test(l)
          : /^SCAN [rc]$/.test(l),
      );

    it.each(['events', 'jobs', 'tickets'])(
      'reads a category-scoped list of %s and its total from the category index, unsorted',
      async (name) => {
        const key = await createKey(t.server, admin, { categories: ['a'] });
        const lines = await plan(`/api/${name}?limit=2`, key.key);
        expect(sorts(lines)).toEqual([]);
        expect(fullScans(lines, name)).toEqual([]);
        const byCategory = onPostgres()
          ? /Index (Only )?Scan using "?IDX_\w+"? on \w+/
          : /^SEARCH [rc] USING (COVERING )?INDEX \w+ \(category=\?\)$/;
        expect(
          lines.filter((l) => byCategory.test(l)).length,
        ).toBeGreaterThanOrEqual(2);
      },
    );

    it.each(LISTS)(
      'reads an unrestricted or group-scoped list of %s in index order',
      async (name) => {
        for (const scope of SCOPES) {
          const key = await createKey(t.server, admin, scope);
          const lines = await plan(`/api/${name}?limit=2`, key.key);
          expect(sorts(lines)).toEqual([]);
          expect(lines.filter((l) => /^SCAN r$/.test(l))).toEqual([]);
        }
      },
    );

    // No index yields several categories' ranges in one order (neither
    // database merges them), so only the matching rows are sorted.
    it.each(['events', 'jobs', 'tickets'])(
      'reads a list of %s scoped to several categories from the category index',
      async (name) => {
        const key = await createKey(t.server, admin, {
          categories: ['a', 'b'],
        });
        const lines = await plan(`/api/${name}?limit=2`, key.key);
        expect(fullScans(lines, name)).toEqual([]);
        expect(lines.filter((l) => /^SCAN r/.test(l))).toEqual([]);
      },
    );
  });
});
