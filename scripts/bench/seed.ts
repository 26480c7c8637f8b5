import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import sqlite3 from 'sqlite3';

/** Direct writes into the server's SQLite file: far faster than the API for bulk data. */
class Db {
  private constructor(private readonly db: sqlite3.Database) {}

  static open(path: string): Promise<Db> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(path, (error) =>
        error ? reject(error) : resolve(new Db(db)),
      );
    });
  }

  run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((resolve, reject) =>
      this.db.run(sql, params, (error: Error | null) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  get<T>(sql: string): Promise<T> {
    return new Promise((resolve, reject) =>
      this.db.get<T>(sql, (error: Error | null, row: T) =>
        error ? reject(error) : resolve(row),
      ),
    );
  }

  configure(busyTimeoutMs: number): void {
    this.db.configure('busyTimeout', busyTimeoutMs);
  }

  /** Inserts every row in one transaction with one prepared statement. */
  async insertAll(sql: string, rows: Iterable<unknown[]>): Promise<number> {
    await this.run('BEGIN IMMEDIATE');
    const statement = this.db.prepare(sql);
    let count = 0;
    try {
      for (const row of rows) {
        await new Promise<void>((resolve, reject) =>
          statement.run(row, (error: Error | null) =>
            error ? reject(error) : resolve(),
          ),
        );
        count++;
      }
      await new Promise<void>((resolve, reject) =>
        statement.finalize((error) => (error ? reject(error) : resolve())),
      );
      await this.run('COMMIT');
    } catch (error) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return count;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.db.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

async function withDb<T>(path: string, work: (db: Db) => Promise<T>) {
  const db = await Db.open(path);
  try {
    // The server holds the file open in WAL mode; wait for its locks rather than fail.
    db.configure(10_000);
    await db.run('PRAGMA journal_mode = WAL');
    return await work(db);
  } finally {
    await db.close();
  }
}

const id = () => randomBytes(8).toString('hex');

export interface EventSeed {
  count: number;
  /** Category most events go to. */
  mainCategory: string;
  otherCategory: string;
  /** Every `otherEvery`-th event goes to `otherCategory`. */
  otherEvery: number;
  group: string;
}

/** Inserts `count` events (columns of the guarded-resources migration) while the server runs. */
export async function seedEvents(path: string, seed: EventSeed) {
  const now = Date.now();
  function* rows() {
    for (let i = 0; i < seed.count; i++) {
      const other = i % seed.otherEvery === 0;
      const at = now - (seed.count - i) * 1000;
      yield [
        id(),
        at,
        at,
        'bench',
        `Bench event ${i}`,
        other ? seed.otherCategory : seed.mainCategory,
        JSON.stringify(i % 2 === 0 ? [seed.group] : []),
        1,
        `echo ${i}`,
        '',
      ];
    }
  }
  return withDb(path, async (db) => {
    const inserted = await db.insertAll(
      `INSERT INTO "events" ("id", "created_at", "updated_at", "created_by", "title",
         "category", "targets", "enabled", "command", "notes")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      rows(),
    );
    const counts = await db.get<{ main: number; other: number }>(
      `SELECT SUM("category" = '${seed.mainCategory}') AS main,
              SUM("category" = '${seed.otherCategory}') AS other FROM "events"`,
    );
    return { inserted, ...counts };
  });
}

/** Inserts `count` API keys (columns of the initial migration) that nobody knows the secret of. */
export async function seedApiKeys(path: string, count: number) {
  const now = Date.now();
  function* rows() {
    for (let i = 0; i < count; i++) {
      const secret = randomBytes(18).toString('base64url');
      yield [
        id(),
        `Filler key ${i}`,
        '',
        createHash('sha256').update(secret).digest('hex'),
        `${secret.slice(0, 4)}********${secret.slice(-4)}`,
        null,
        null,
        1,
        '[]',
        '[]',
        '[]',
        0,
        null,
        now,
        now,
        null,
        'bench',
      ];
    }
  }
  return withDb(path, async (db) => {
    const inserted = await db.insertAll(
      `INSERT INTO "api_keys" ("id", "title", "description", "key_hash", "mask",
         "previous_key_hash", "previous_expires_at", "active", "privileges",
         "categories", "groups", "max_per_sec", "expires_at", "created_at",
         "updated_at", "last_used_at", "created_by")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      rows(),
    );
    const { total } = await db.get<{ total: number }>(
      'SELECT COUNT(*) AS total FROM "api_keys"',
    );
    return { inserted, total };
  });
}

/** Copies a database that no process has open (its WAL too, if one was left). */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
