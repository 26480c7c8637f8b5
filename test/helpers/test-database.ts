import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The integration tier runs the e2e suite again on PostgreSQL: its global
 * setup starts a server and names it here. Unset, the suite runs on SQLite.
 */
export const testPostgres = (): string | undefined =>
  process.env.OPSGATE_TEST_POSTGRES;

export const onPostgres = (): boolean => testPostgres() !== undefined;

export interface TestDatabase {
  env: Record<string, string>;
  drop: () => Promise<void>;
}

async function run(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * On PostgreSQL, each `:memory:` app gets a database of its own (as each gets
 * its own in-memory SQLite), and each SQLite file path one database shared by
 * every app opened on it (as apps reopening a file share its data).
 */
export async function testDatabase(
  databasePath: string,
): Promise<TestDatabase> {
  const server = testPostgres();
  if (server === undefined) {
    return { env: { DATABASE_PATH: databasePath }, drop: async () => {} };
  }
  const fresh = databasePath === ':memory:';
  const name = fresh
    ? `t_${randomBytes(8).toString('hex')}`
    : `f_${createHash('sha256').update(databasePath).digest('hex').slice(0, 16)}`;
  try {
    await run(server, `CREATE DATABASE ${name}`);
  } catch (error) {
    // A file path seen before: its database exists, reopen it.
    // (23505 when another app creates it at this very moment.)
    const code = (error as { code?: string }).code;
    if (fresh || (code !== '42P04' && code !== '23505')) throw error;
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_PATH: databasePath, DATABASE_URL: url.toString() },
    drop: fresh
      ? () => run(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      : async () => {},
  };
}

/** Raw SQL with `?` placeholders, in the form of the database under test ($1… on PostgreSQL). */
export function sql(text: string): string {
  let n = 0;
  return onPostgres() ? text.replace(/\?/g, () => `$${++n}`) : text;
}

/** `describe`, except on PostgreSQL: for SQLite's own file-level behaviour, with a PostgreSQL counterpart in test/integration. */
export const describeOnSqlite: jest.Describe = onPostgres()
  ? describe.skip
  : describe;
