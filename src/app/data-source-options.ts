import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import { usePortableColumnsFor } from '../database/columns';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../database/migrations';
import { POSTGRES_MIGRATIONS } from '../database/postgres/migrations';
import { SnakeNamingStrategy } from '../database/snake-naming.strategy';

export const IN_MEMORY = ':memory:';

/** Where the data lives: a PostgreSQL URL wins over the SQLite path. */
export interface DatabaseLocation {
  databasePath: string;
  databaseUrl?: string;
}

/**
 * TypeORM calls `verbose()` on the driver, which makes sqlite3 capture a stack
 * trace for every query; this copy of the module declines.
 */
const quietSqlite3 = { ...sqlite3, verbose: () => sqlite3 };

/**
 * The one description of the database, for the app and the TypeORM CLI alike.
 * The schema always comes from migrations (never `synchronize`), so tests run
 * the same migrations as production. PostgreSQL migrations run under an
 * advisory lock (postgres/migrate.ts), not through `migrationsRun`.
 */
export function dataSourceOptions(where: DatabaseLocation): DataSourceOptions {
  if (where.databaseUrl !== undefined) {
    usePortableColumnsFor('postgres');
    return {
      type: 'postgres',
      url: where.databaseUrl,
      entities: ENTITIES,
      migrations: POSTGRES_MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      namingStrategy: new SnakeNamingStrategy(),
      logging: ['error'],
      // A query never waits long for a connection or a lock it cannot get.
      extra: { max: 10, connectionTimeoutMillis: 5000 },
    };
  }
  usePortableColumnsFor('sqlite');
  const databasePath = where.databasePath;
  if (databasePath !== IN_MEMORY) {
    mkdirSync(dirname(databasePath), { recursive: true });
  }
  return {
    type: 'sqlite',
    driver: quietSqlite3,
    database: databasePath,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    enableWAL: databasePath !== IN_MEMORY,
    busyTimeout: 5000,
    namingStrategy: new SnakeNamingStrategy(),
    logging: ['error'],
  };
}
