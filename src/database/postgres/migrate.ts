import type { DataSource, EntityManager } from 'typeorm';

/** pg_advisory_lock keys: one for migrations, one for multi-statement writes. */
const MIGRATION_LOCK = 0x6f70_6d67; // "opmg"
export const WRITE_LOCK = 0x6f70_7772; // "opwr"

/**
 * Applies pending PostgreSQL migrations holding a session advisory lock, so
 * instances started at once on an empty database migrate one after another
 * (the later ones find nothing pending).
 */
export async function migrateUnderLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Serializes multi-statement writes across every instance, as SQLite's single
 * writer does within one: checks such as "another active admin remains" or
 * "this username is free" then read what every committed write left.
 * Released at commit or rollback.
 */
export async function lockWrites(manager: EntityManager): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
}
