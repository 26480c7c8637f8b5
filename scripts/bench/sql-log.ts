/**
 * Preloaded (`-r`) only into a server the bench starts to learn which
 * statements the app sends (never into a measured one): appends every
 * SQLite statement and its parameters to BENCH_SQL_LOG, one JSON line each.
 */
import { appendFileSync } from 'node:fs';
import { SqliteQueryRunner } from 'typeorm/driver/sqlite/SqliteQueryRunner';

const file = process.env.BENCH_SQL_LOG;
if (file) {
  // Called below with the runner as `this`, as TypeORM calls it.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = SqliteQueryRunner.prototype.query;
  SqliteQueryRunner.prototype.query = function (
    this: SqliteQueryRunner,
    ...args: Parameters<typeof original>
  ) {
    const [sql, parameters] = args;
    appendFileSync(file, `${JSON.stringify({ sql, parameters })}\n`);
    return original.apply(this, args);
  } as typeof original;
}
