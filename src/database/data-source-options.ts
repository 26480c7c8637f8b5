import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const IN_MEMORY = ':memory:';

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
