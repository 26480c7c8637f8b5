import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/app/data-source-options';

/**
 * The DataSource of the TypeORM CLI: `npm run migration:generate --
 * src/database/migrations/Name` (with DATABASE_URL set: src/database/postgres/migrations/Name).
 */
export default new DataSource({
  ...dataSourceOptions(loadConfig()),
  migrationsRun: false,
});
