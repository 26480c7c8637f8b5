import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations';
import { createTestApp, TestApp } from './helpers/test-app';
import { describeOnSqlite } from './helpers/test-database';

const MIGRATION_NAMES = MIGRATIONS.map((migration) => new migration().name);

/** Up-queries that would bring the database to the entities' schema: none when they agree. */
async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  );
  return rows.map((row) => row.name);
}

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(
    'SELECT name FROM migrations ORDER BY id',
  );
  return rows.map((row) => row.name);
}

async function pragma(dataSource: DataSource, name: string): Promise<unknown> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `PRAGMA ${name}`,
  );
  return Object.values(rows[0])[0];
}

// SQLite's migrations; test/integration/postgres.int-spec.ts checks PostgreSQL's set.
describeOnSqlite('migrations', () => {
  describe('on a fresh in-memory database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('produce exactly the schema of the entities', async () => {
      expect(await pendingSchemaChanges(t.dataSource)).toEqual([]);
    });

    it('are all applied at start-up, oldest first', async () => {
      expect(MIGRATION_NAMES.length).toBeGreaterThan(0);
      expect(await appliedMigrations(t.dataSource)).toEqual(MIGRATION_NAMES);
      expect(await t.dataSource.showMigrations()).toBe(false);
    });

    it('create the tables users, sessions and api_keys', async () => {
      expect(await tableNames(t.dataSource)).toEqual(
        expect.arrayContaining(['api_keys', 'migrations', 'sessions', 'users']),
      );
    });

    it('are not replaced by synchronize', () => {
      expect(t.dataSource.options.synchronize).toBe(false);
      expect(t.dataSource.options.migrationsRun).toBe(true);
    });
  });

  describe('reverted one by one', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('leave no table but migrations, and re-apply to the same schema', async () => {
      for (let i = 0; i < MIGRATION_NAMES.length; i++) {
        await t.dataSource.undoLastMigration();
      }
      expect(await tableNames(t.dataSource)).toEqual(['migrations']);
      expect(await appliedMigrations(t.dataSource)).toEqual([]);
      expect(await t.dataSource.showMigrations()).toBe(true);

      const reapplied = await t.dataSource.runMigrations();
      expect(reapplied.map((migration) => migration.name)).toEqual(
        MIGRATION_NAMES,
      );
      expect(await pendingSchemaChanges(t.dataSource)).toEqual([]);
    });
  });

  describe('on a database file', () => {
    let dir: string;
    let file: string;
    let t: TestApp;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'opsgate-migrations-'));
      // A folder that does not exist yet: start-up creates it.
      file = join(dir, 'nested', 'data', 'opsgate.sqlite');
      t = await createTestApp({ DATABASE_PATH: file });
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates the database folder and file at start-up', () => {
      expect(existsSync(file)).toBe(true);
    });

    it('applies every migration at start-up and lists it in the migrations table', async () => {
      expect(await appliedMigrations(t.dataSource)).toEqual(MIGRATION_NAMES);
      expect(await pendingSchemaChanges(t.dataSource)).toEqual([]);
    });

    it('uses the WAL journal', async () => {
      expect(await pragma(t.dataSource, 'journal_mode')).toBe('wal');
    });

    it('turns foreign keys on, and they are enforced', async () => {
      expect(await pragma(t.dataSource, 'foreign_keys')).toBe(1);
      // TypeORM prints the failing query; keep it off the test output.
      const quiet = jest.spyOn(console, 'log').mockImplementation(() => {});
      await expect(
        t.dataSource.query(
          `INSERT INTO sessions (id, handle, token_hash, csrf_hash, user_id, created_at, last_seen_at)
           VALUES ('orphan', 'orphan-handle', 'a', 'b', 999999, 0, 0)`,
        ),
      ).rejects.toThrow(/FOREIGN KEY/);
      quiet.mockRestore();
    });

    it('sets its own busy timeout, longer than the driver default', async () => {
      // node-sqlite3 opens every database with 1000 ms; the app configures more.
      expect(await pragma(t.dataSource, 'busy_timeout')).toBeGreaterThan(1000);
    });

    it('applies nothing again on a second start, and keeps the data', async () => {
      await t.close();
      t = await createTestApp({ DATABASE_PATH: file });
      expect(await appliedMigrations(t.dataSource)).toEqual(MIGRATION_NAMES);
      const users: unknown[] = await t.dataSource.query('SELECT id FROM users');
      expect(users).toHaveLength(1);
    });
  });

  describe('the DataSource of ormconfig.ts (TypeORM CLI)', () => {
    let dir: string;
    let cli: DataSource;
    const saved = process.env.DATABASE_PATH;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'opsgate-cli-'));
      process.env.DATABASE_PATH = join(dir, 'cli.sqlite');
      cli = (await import('../ormconfig')).default;
      await cli.initialize();
    });
    afterAll(async () => {
      if (cli?.isInitialized) await cli.destroy();
      if (saved === undefined) delete process.env.DATABASE_PATH;
      else process.env.DATABASE_PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads DATABASE_PATH and does not migrate on its own', async () => {
      expect(cli.options.database).toBe(join(dir, 'cli.sqlite'));
      expect(cli.options.migrationsRun).toBe(false);
      expect(cli.options.synchronize).toBe(false);
      expect(await tableNames(cli)).toEqual([]);
    });

    it('runs and reverts the migrations (migration:run, migration:revert)', async () => {
      expect(await cli.showMigrations()).toBe(true);
      const applied = await cli.runMigrations();
      expect(applied.map((migration) => migration.name)).toEqual(
        MIGRATION_NAMES,
      );
      expect(await pendingSchemaChanges(cli)).toEqual([]);
      for (let i = 0; i < MIGRATION_NAMES.length; i++) {
        await cli.undoLastMigration();
      }
      expect(await tableNames(cli)).toEqual(['migrations']);
    });
  });
});
