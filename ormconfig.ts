import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The DataSource of the TypeORM CLI: `npm run migration:generate -- src/database/migrations/Name`. */
export default new DataSource({
  ...dataSourceOptions(loadConfig().databasePath),
  migrationsRun: false,
});
