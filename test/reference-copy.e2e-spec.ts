import request from 'supertest';
import { ChangeBus } from '../src/bus/change-bus';
import type { ResourceService } from '../src/resources/resource.service';
import { serviceToken } from '../src/resources/resource.controller';
import { CATEGORIES } from '../src/categories/category.resource';
import { GROUPS } from '../src/groups/group.resource';
import { ROLES } from '../src/roles/role.resource';
import { createKey, login, LoggedIn } from './helpers/auth';
import { prng, subset } from './helpers/prng';
import { SqlSpy } from './helpers/sql-spy';
import { createTestApp, TestApp } from './helpers/test-app';
import { sql } from './helpers/test-database';

const TABLES = {
  categories: 'categories',
  groups: 'server_groups',
  roles: 'roles',
} as const;
type Name = keyof typeof TABLES;
const NAMES = Object.keys(TABLES) as Name[];
const DEFINITIONS = { categories: CATEGORIES, groups: GROUPS, roles: ROLES };

describe('reference data from memory', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let changes: ChangeBus;
  const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    request(t.server)[method](path).set('X-Session-ID', admin.sessionId);
  const list = async (name: Name, key?: string, query = 'limit=1000') => {
    const req = request(t.server).get(`/api/${name}?${query}`);
    const res = await (
      key ? req.set('X-API-Key', key) : req.set('X-Session-ID', admin.sessionId)
    ).expect(200);
    return res.body as { items: Record<string, any>[]; total: number };
  };
  const ids = async (name: Name, key?: string) =>
    (await list(name, key)).items.map((r) => r.id);
  const copyOf = (name: Name) =>
    t.app.get<ResourceService<any>>(serviceToken(DEFINITIONS[name])).reads
      .copy!;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    changes = t.app.get(ChangeBus);
  });
  afterAll(() => t.close());

  it('reads lists and records without a statement once loaded', async () => {
    await as('post', '/api/categories')
      .send({ id: 'warm', title: 'w' })
      .expect(201);
    await list('categories');
    const loads = copyOf('categories').loads;
    const spy = new SqlSpy();
    try {
      await list('categories');
      await as('get', '/api/categories/warm').expect(200);
      await as('get', '/api/categories/none').expect(404);
      expect(spy.matching(/"categories"/)).toEqual([]);
    } finally {
      spy.restore();
    }
    expect(copyOf('categories').loads).toBe(loads);
  });

  describe.each(NAMES)('%s', (name) => {
    const body = (id: string) =>
      name === 'groups'
        ? { id, title: id, hostname_match: '^web' }
        : { id, title: id };

    it('shows a create, an edit and a delete at the very next request', async () => {
      await list(name);
      const created = await as('post', `/api/${name}`)
        .send(body('x1'))
        .expect(201);
      expect(await ids(name)).toContain('x1');
      expect((await as('get', `/api/${name}/x1`).expect(200)).body).toEqual(
        created.body,
      );

      t.clock.advance(1000);
      const edited = await as('patch', `/api/${name}/x1`)
        .send({ title: 'renamed', description: 'd' })
        .expect(200);
      const listed = (await list(name)).items.find((r) => r.id === 'x1');
      expect(listed).toEqual(edited.body);
      expect(listed?.title).toBe('renamed');
      expect((await as('get', `/api/${name}/x1`).expect(200)).body).toEqual(
        edited.body,
      );

      await as('delete', `/api/${name}/x1`).expect(204);
      expect(await ids(name)).not.toContain('x1');
      await as('get', `/api/${name}/x1`).expect(404);
    });

    it('takes a change from another instance when it is delivered', async () => {
      await as('post', `/api/${name}`).send(body('remote')).expect(201);
      await list(name);
      // Another instance's write: the row changes, the change arrives later.
      await t.dataSource.query(
        sql(`UPDATE "${TABLES[name]}" SET "title" = ? WHERE "id" = ?`),
        ['elsewhere', 'remote'],
      );
      const title = async () =>
        (await as('get', `/api/${name}/remote`).expect(200)).body.title;
      expect(await title()).toBe('remote');
      changes.deliver({ kind: 'records', resource: name });
      expect(await title()).toBe('elsewhere');
      await t.dataSource.query(
        sql(`UPDATE "${TABLES[name]}" SET "title" = ? WHERE "id" = ?`),
        ['again', 'remote'],
      );
      changes.deliver({ kind: 'all' });
      expect(await title()).toBe('again');
      await as('delete', `/api/${name}/remote`).expect(204);
    });

    it('reads the database while changes from other instances may be missed', async () => {
      await as('post', `/api/${name}`).send(body('blind')).expect(201);
      await list(name);
      changes.setChannelUp(false);
      try {
        await t.dataSource.query(
          sql(`DELETE FROM "${TABLES[name]}" WHERE "id" = ?`),
          ['blind'],
        );
        await as('get', `/api/${name}/blind`).expect(404);
        expect(await ids(name)).not.toContain('blind');
      } finally {
        changes.setChannelUp(true);
      }
      expect(await ids(name)).not.toContain('blind');
    });
  });

  it("shows a key's new scope at its very next request", async () => {
    for (const id of ['s1', 's2']) {
      await as('post', '/api/categories').send({ id, title: id }).expect(201);
      await as('post', '/api/groups').send({ id, title: id }).expect(201);
    }
    const key = await createKey(t.server, admin, {
      categories: ['s1'],
      groups: ['s1'],
    });
    expect(await ids('categories', key.key)).toEqual(['s1']);
    expect(await ids('groups', key.key)).toEqual(['s1']);
    await as('patch', `/api/keys/${key.id}`)
      .send({ categories: ['s2'], groups: ['s1', 's2'] })
      .expect(200);
    expect(await ids('categories', key.key)).toEqual(['s2']);
    expect(await ids('groups', key.key)).toEqual(['s1', 's2']);
  });

  it('answers lists and totals from memory exactly as the database does, for random scopes', async () => {
    const seed = 20261201;
    const random = prng(seed);
    const pool = Array.from({ length: 12 }, (_, i) => `p${i.toString(36)}`);
    for (const id of subset(random, pool).concat(['p-a', 'p_b', 'pz'])) {
      if (random() < 0.5) t.clock.advance(1);
      for (const name of NAMES) {
        await as('post', `/api/${name}`).send({ id, title: id }).expect(201);
      }
    }
    const categories = await ids('categories');
    const groups = await ids('groups');
    for (let round = 0; round < 12; round++) {
      const scope = {
        categories: subset(random, categories),
        groups: subset(random, groups),
        ...(random() < 0.15 ? { privileges: ['admin'] } : {}),
      };
      const key = await createKey(t.server, admin, scope);
      const query = `limit=${1 + Math.floor(random() * 8)}&offset=${Math.floor(random() * 10)}`;
      for (const name of NAMES) {
        const memory = await list(name, key.key, query);
        changes.setChannelUp(false);
        try {
          const database = await list(name, key.key, query);
          expect({ seed, round, scope, query, name, ...memory }).toStrictEqual({
            seed,
            round,
            scope,
            query,
            name,
            ...database,
          });
        } finally {
          changes.setChannelUp(true);
        }
      }
    }
  });
});
