import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const IN_MEMORY = ':memory:';

/**
 * TypeORM calls `verbose()` on the driver, which makes sqlite3 capture a stack
 * trace for every query; this copy of the module declines.
 */
const quietSqlite3 = { ...sqlite3, verbose: () => sqlite3 };

/**
 * The one description of the database, for the app and the TypeORM CLI alike.
 * The schema always comes from migrations (never `synchronize`), so tests run
 * the same migrations as production.
 */
export function dataSourceOptions(databasePath: string): DataSourceOptions {
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
