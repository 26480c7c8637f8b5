import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './dialect';
import { lockWrites } from './postgres/migrate';

/**
 * SQLite through TypeORM has one connection, so two `transaction()` calls at once
 * interleave ("cannot start a transaction within a transaction") and a plain write
 * issued meanwhile would join, and roll back with, someone else's transaction.
 * Every write that needs more than one statement goes through here, one at a time.
 * On PostgreSQL an in-process queue protects nothing across instances, so each
 * transaction also takes a database lock (postgres/migrate.ts).
 */
@Injectable()
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dialectOf(dataSource) === 'postgres';
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      this.dataSource.transaction(async (manager) => {
        if (this.postgres) await lockWrites(manager);
        return work(manager);
      }),
    );
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
