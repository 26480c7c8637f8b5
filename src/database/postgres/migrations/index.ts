import { InitialSchema1796162889874 } from './1796162889874-initial-schema';

/** Every PostgreSQL migration, oldest first: the schema of ../../migrations in PostgreSQL's types. */
export const POSTGRES_MIGRATIONS = [InitialSchema1796162889874];
