import request from 'supertest';
import { DataSource } from 'typeorm';
import { sha256Hex } from '../../src/secrets/secrets';
import { POSTGRES_MIGRATIONS } from '../../src/database/postgres/migrations';
import { login } from '../helpers/auth';
import { ADMIN_PASSWORD, createTestApp, TestApp } from '../helpers/test-app';
import { startPostgres, type PostgresServer } from './support/postgres-server';

/**
 * PostgreSQL's own behaviour (the counterpart of migrations.e2e-spec.ts and
 * the SQLite file checks), and the invariants that must hold when two
 * instances race on one database.
 */
let server: PostgresServer;
let n = 0;

beforeAll(async () => {
  server = await startPostgres();
  process.env.OPSGATE_TEST_POSTGRES = server.url();
});
afterAll(async () => {
  delete process.env.OPSGATE_TEST_POSTGRES;
  await server?.stop();
});

/** Two apps on one fresh database, started at the same time. */
async function twoInstances(env: Record<string, string> = {}) {
  const path = `/race/${process.pid}/${++n}`;
  return Promise.all([
    createTestApp({ DATABASE_PATH: path, ...env }),
    createTestApp({ DATABASE_PATH: path, ...env }),
  ]);
}

async function closeAll(apps: TestApp[]) {
  for (const app of apps) await app.close();
}

describe('PostgreSQL schema', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('applies every PostgreSQL migration at start-up, and the schema matches the entities', async () => {
    const rows: { name: string }[] = await t.dataSource.query(
      'SELECT name FROM migrations ORDER BY id',
    );
    expect(rows.map((r) => r.name)).toEqual(
      POSTGRES_MIGRATIONS.map((m) => new m().name),
    );
    const log = await t.dataSource.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('stores instants as bigint, lists as JSON text and flags as boolean', async () => {
    const rows: { column_name: string; data_type: string }[] =
      await t.dataSource.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'api_keys'`,
      );
    const type = Object.fromEntries(
      rows.map((r) => [r.column_name, r.data_type]),
    );
    expect(type).toMatchObject({
      created_at: 'bigint',
      expires_at: 'bigint',
      privileges: 'text',
      active: 'boolean',
    });
  });

  it('holds digests of keys and sessions, never the plaintext', async () => {
    const session = await login(t.server);
    const res = await request(t.server)
      .post('/api/keys')
      .set('X-Session-ID', session.sessionId)
      .send({ title: 'stored' })
      .expect(201);
    const key: string = res.body.key;
    const dump = JSON.stringify([
      await t.dataSource.query('SELECT * FROM api_keys'),
      await t.dataSource.query('SELECT * FROM sessions'),
      await t.dataSource.query('SELECT * FROM users'),
    ]);
    expect(dump).toContain(sha256Hex(key));
    expect(dump).toContain(sha256Hex(session.sessionId));
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(session.sessionId);
    expect(dump).not.toContain(ADMIN_PASSWORD);
  });

  it('reverts every migration and applies them again to the same schema', async () => {
    const other = await new DataSource(t.dataSource.options).initialize();
    try {
      for (let i = 0; i < POSTGRES_MIGRATIONS.length; i++) {
        await other.undoLastMigration();
      }
      const tables: unknown[] = await other.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`,
      );
      expect(tables).toEqual([]);
      await other.runMigrations();
      const log = await other.driver.createSchemaBuilder().log();
      expect(log.upQueries).toEqual([]);
    } finally {
      await other.destroy();
    }
  });
});

describe('two instances on one PostgreSQL', () => {
  it.each([1, 2, 3, 4, 5])(
    'start at once on an empty database: migrations once, exactly one admin (round %i)',
    async () => {
      const apps = await twoInstances();
      try {
        const users: unknown[] = await apps[0].dataSource.query(
          'SELECT id FROM users',
        );
        expect(users).toHaveLength(1);
        const migrations: unknown[] = await apps[0].dataSource.query(
          'SELECT id FROM migrations',
        );
        expect(migrations).toHaveLength(POSTGRES_MIGRATIONS.length);
      } finally {
        await closeAll(apps);
      }
    },
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'never leave zero active admins when two admins disable each other at once (round %i)',
    async () => {
      const [a, b] = await twoInstances();
      try {
        const admin = await login(a.server);
        await request(a.server)
          .post('/api/users')
          .set('X-Session-ID', admin.sessionId)
          .send({
            username: 'second',
            password: 'other-admin-passphrase',
            privileges: ['admin'],
          })
          .expect(201);
        const second = await login(
          b.server,
          'second',
          'other-admin-passphrase',
        );
        const [one, two] = await Promise.all([
          request(a.server)
            .patch('/api/users/second')
            .set('X-Session-ID', admin.sessionId)
            .send({ active: false }),
          request(b.server)
            .patch('/api/users/admin')
            .set('X-Session-ID', second.sessionId)
            .send({ active: false }),
        ]);
        // The loser is refused by the last-admin rule (409), or, when the
        // winner's change committed before it was authenticated, as disabled (401).
        const statuses = [one.status, two.status].sort();
        expect([
          [200, 409],
          [200, 401],
        ]).toContainEqual(statuses);
        const active: unknown[] = await a.dataSource.query(
          'SELECT id FROM users WHERE active = true',
        );
        expect(active).toHaveLength(1);
      } finally {
        await closeAll([a, b]);
      }
    },
  );

  it('give one of two simultaneous creations of a username (any case) 201 and the other 409', async () => {
    const [a, b] = await twoInstances();
    try {
      const admin = await login(a.server);
      const create = (server: typeof a.server, username: string) =>
        request(server)
          .post('/api/users')
          .set('X-Session-ID', admin.sessionId)
          .send({ username, password: 'some-password' });
      const results = await Promise.all([
        create(a.server, 'Racer'),
        create(b.server, 'racer'),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    } finally {
      await closeAll([a, b]);
    }
  });

  it('never keep an event naming a category deleted at the same time on the other instance', async () => {
    const [a, b] = await twoInstances();
    try {
      const admin = await login(a.server);
      const as = (server: typeof a.server) => ({
        post: (path: string, body: object) =>
          request(server)
            .post(path)
            .set('X-Session-ID', admin.sessionId)
            .send(body),
        del: (path: string) =>
          request(server).delete(path).set('X-Session-ID', admin.sessionId),
      });
      for (let round = 0; round < 5; round++) {
        await as(a.server)
          .post('/api/categories', { id: `c${round}`, title: 'C' })
          .expect(201);
        const [event, removal] = await Promise.all([
          as(a.server).post('/api/events', {
            title: 'E',
            category: `c${round}`,
          }),
          as(b.server).del(`/api/categories/c${round}`),
        ]);
        // Either the event came first (and the deletion is refused) or the deletion did.
        expect([
          [201, 409],
          [400, 204],
        ]).toContainEqual([event.status, removal.status]);
      }
    } finally {
      await closeAll([a, b]);
    }
  });
});
